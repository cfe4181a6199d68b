"""Text tables for the terminal: every ``format_*`` of the command-line output."""

from __future__ import annotations

import pandas as pd

from model.analysis.baseline import OUTCOMES
from model.analysis.sensitivity.psense import OUTCOME_LABELS
from model.constants import CI_PCT
from model.inference.fit import Fit
from model.views.sensitivity import sensitivity_tables
from model.views.words import CHANGE_MEANING, pct, points, recommendation

PARTS_NOTE = (
    "The parts are averages over the design mixture and the posterior draws; P(deal) is "
    "computed per draw and per design, so it is not the product of the parts. MCSE: Monte "
    "Carlo standard error of the mean."
)


def format_table(summary: dict) -> str:
    """Plain-text table of the run summary for a terminal."""
    lines = [f"{'quantity':<36}{'mean':>8}{CI_PCT + ' interval':>18}{'MCSE (pts)':>12}"]
    for key in OUTCOMES:
        s, label = summary[key], summary["labels"][key]
        cell = f"[{pct(s['lo'])}, {pct(s['hi'])}]"
        lines.append(f"{label:<36}{pct(s['mean']):>8}{cell:>18}{points(s['mcse']):>12}")
        if key == "p_enacted" and "p_willing" in summary:
            for part, name in (("p_willing", "  of which: willing"), ("p_in_time", "  x in time")):
                t = summary[part]
                cell = f"[{pct(t['lo'])}, {pct(t['hi'])}]"
                lines.append(f"{name:<36}{pct(t['mean']):>8}{cell:>18}")
    m = summary["months_to_enactment"]
    lines.append(
        f"{'Median months to enactment':<36}{m['mean']:>8.1f}"
        f"{f'[{m["lo"]:.1f}, {m["hi"]:.1f}]':>18}"
    )
    lines.append(PARTS_NOTE)
    d = summary["diagnostics"]
    status = "OK" if d["ok"] else "PROBLEMS: " + "; ".join(d["problems"])
    lines.append(
        f"Sampler: max R-hat {d['r_hat_max']:.3f}, min bulk ESS {d['ess_bulk_min']:.0f}, "
        f"min tail ESS {d['ess_tail_min']:.0f}, divergences {d['divergences']}, "
        f"min E-BFMI {d['e_bfmi_min']:.2f} -> {status}"
    )
    p = summary["provenance"]
    lines.append(
        f"Provenance: priors {p['priors_hash']}, evidence {p['evidence_hash']} "
        f"(poll reading: {p['poll_reading']}), seed {p['seed']}, as of {p['as_of']}, "
        f"{'cached posterior' if p['cached'] else 'fresh fit'} in {p['seconds']:.1f} s"
    )
    lines.extend(f"Refused evidence: {r}" for r in p["evidence_refused"])
    return "\n".join(lines)


def format_comparison(table: pd.DataFrame) -> str:
    """Text table of a comparison: what each change interval is, and refits' diagnostics."""
    lines = [
        f"{'scenario':<26}{'method':<11}{'k':>6}{'ESS':>6}{'P(deal)':>24}{'change':>27}"
        f"{'P(enacted)':>12}{'P(accept)':>11}{'months':>8}  sampler (R-hat/bulk/tail ESS/div)"
    ]
    for _, r in table.iterrows():
        k = "" if pd.isna(r["pareto_k"]) else f"{r['pareto_k']:.2f}"
        ess = "" if pd.isna(r["ess_weighted"]) else f"{r['ess_weighted']:.0f}"
        deal = f"{r['p_deal_mean']:.3f} [{r['p_deal_lo']:.3f}, {r['p_deal_hi']:.3f}]"
        change = f"{r['delta_p_deal_mean']:+.3f} ± {r['delta_p_deal_mcse']:.3f}"
        change += "*" if r["delta_paired"] else ""
        sampler = ""
        if not pd.isna(r["r_hat_max"]):
            sampler = (
                f"{r['r_hat_max']:.3f}/{r['ess_bulk_min']:.0f}/{r['ess_tail_min']:.0f}/"
                f"{r['divergences']:.0f} {'OK' if r['diagnostics_ok'] else 'PROBLEMS'}"
            )
        lines.append(
            f"{r['scenario']:<26}{r['method']:<11}{k:>6}{ess:>6}{deal:>24}{change:>27}"
            f"{r['p_enacted_mean']:>12.3f}{r['p_accepted_mean']:>11.3f}"
            f"{r['months_to_enactment_mean']:>8.1f}  {sampler}"
        )
    lines.append("")
    lines += [
        f"{r['scenario']}: {r['question']} ({r['method']}: {r['reason']})"
        for _, r in table.iloc[1:].iterrows()
    ]
    lines += [
        f"{r['scenario']}: sampler problems: {r['diagnostics_problems']}"
        for _, r in table.iterrows()
        if r["diagnostics_problems"]
    ]
    lines += [
        f"* {r['scenario']}: in {CI_PCT} of posterior draws this design moves P(deal) by "
        f"{r['delta_p_deal_draws_lo']:+.3f} to {r['delta_p_deal_draws_hi']:+.3f}"
        for _, r in table.iloc[1:].iterrows()
        if r["delta_paired"]
    ]
    lines.append(
        CHANGE_MEANING + " k: Pareto k of the importance weights; ESS: their effective sample size."
    )
    return "\n".join(lines)


def format_ranking(fit: Fit, ranking: pd.DataFrame, *, top: int = 5) -> str:
    """Text table of the top designs (by expected value) and the baseline, then the advice."""
    shown = pd.concat([ranking[~ranking["is_baseline"]].head(top), ranking[ranking["is_baseline"]]])
    cols = {
        "p_enacted": "P(enacted)",
        "p_accepted": "P(accept)",
        "p_deal": "P(deal)",
        "gain": "gain vs baseline",
        "value": "E[value]",
    }
    head = "".join(f"{v:>24}" for v in cols.values())
    lines = ["#   " + head + f"{'rank':>6}{'p_best':>8}{'regret':>8}"]
    for i, (_, r) in enumerate(shown.iterrows(), start=1):
        cells = "".join(
            f"{f'{r[k + "_mean"]:+.3f} [{r[k + "_lo"]:+.3f}, {r[k + "_hi"]:+.3f}]':>24}"
            if k == "gain"
            else f"{f'{r[k + "_mean"]:.3f} [{r[k + "_lo"]:.3f}, {r[k + "_hi"]:.3f}]':>24}"
            for k in cols
        )
        tag = "B" if r["is_baseline"] else str(i)
        rank = "" if r["is_baseline"] else f"{r['rank_p_deal']:.0f}"
        lines.append(f"{tag:<4}{cells}{rank:>6}{r['p_best_value']:>8.3f}{r['regret_value']:>8.3f}")
    lines.append("")
    lines += [
        f"{'B' if r['is_baseline'] else i}: {r['label']}"
        for i, (_, r) in enumerate(shown.iterrows(), start=1)
    ]
    lines.append(
        "Sorted by expected value (P(deal) x what the design is worth, [decision] in the priors "
        "file); rank: place by P(deal) alone; p_best and regret by expected value. Levers "
        f"Congress sets are averaged over its choice. Intervals are {CI_PCT}; the gain is paired "
        "per posterior draw."
    )
    return "\n".join([*lines, "", recommendation(fit, ranking)])


def format_timing(payload: dict) -> str:
    """Table: P(enacted before each calendar event | framework), one row per request timing."""
    events = list(payload["calendar"])
    width = max(len(n) for n in payload["p_before"]) + 2
    head = f"{'request timing':<{width}}" + "".join(f"{e[:14]:>16}" for e in events)
    lines = [
        f"P(enacted before the event | framework agreed), posterior mean ({CI_PCT} intervals in "
        "--json)",
        head + f"{'P(deal) in window':>20}",
    ]
    for name, by_event in payload["p_before"].items():
        w = payload["p_deal_in_window"][name]
        cells = "".join(f"{pct(by_event[e]['mean']):>16}" for e in events)
        lines.append(f"{name:<{width}}{cells}{pct(w['mean']):>20}")
    lines.append(
        "P(deal) in window: the deal lands before the election window closes (no lame duck); "
        "MCSE "
        + ", ".join(f"{n} {points(w['mcse'])} pts" for n, w in payload["p_deal_in_window"].items())
    )
    lines.append(
        "Months after the as-of date: "
        + ", ".join(f"{e} {payload['calendar'][e]:.1f}" for e in events)
    )
    return "\n".join(lines)


def format_psense(rows: list[dict]) -> list[str]:
    """Text lines of the power-scaling table: outcomes, then data-informed, then judgment-only.

    Within each kind, rows are sorted by prior sensitivity (largest first).

    Parameters
    ----------
    rows : list of dict
        The ``psense`` rows of the sensitivity payload (see `power_scaling` and `explain`).

    Returns
    -------
    list of str
    """
    lines = [f"{'quantity':<30}{'kind':<10}{'prior':>8}{'data':>8}  diagnosis"]
    order = {"outcome": 0, "data": 1, "judgment": 2}
    for r in sorted(rows, key=lambda r: (order.get(r["kind"], 3), -r["prior"])):
        name = OUTCOME_LABELS.get(r["quantity"], r["quantity"])
        lines.append(
            f"{name:<30}{r['kind']:<10}{r['prior']:>8.3f}{r['likelihood']:>8.3f}  {r['diagnosis']}"
        )
    return lines


def format_sensitivity(payload: dict, *, min_swing: float = 0.0005) -> str:
    """Terminal text: the per-input table, EVPI, flip points, psense and the plain sentences.

    Parameters
    ----------
    payload : dict
        Output of `sensitivity`.
    min_swing : float, default 0.0005
        Inputs whose tornado swing, first-order index and EVPPI are all negligible (swing
        below this, in probability) are counted rather than listed.

    Returns
    -------
    str
    """
    prov, flips = payload["provenance"], [f["sentence"] for f in payload["flip_points"]]
    inputs = sensitivity_tables(payload)["inputs"]
    shown = inputs[
        (inputs["swing"] >= min_swing)
        | (inputs["first_order"] >= 0.01)
        | (inputs["evppi_points"] >= 0.05)
    ]
    lines = [
        f"Sensitivity of P(deal) for {prov['design_label']}: {prov['p_deal_baseline']:.1%} "
        f"({prov['n_draws']} posterior draws, {prov['n_designs']} designs; no refit)",
        "",
        "In plain words:",
        *(
            f"- {s}"
            for s in payload["sentences"]["measures"] + payload["sentences"]["power_scaling"]
        ),
        "",
        "Per input: P(deal) with the input at its 10th / 90th posterior percentile "
        "(set-and-recompute), swing and EVPPI in probability points, first-order variance share",
        f"{'input':<29}{'10th':>8}{'90th':>8}{'swing':>7}{'1st-ord':>8}{'EVPPI':>7}  "
        "evidence that would resolve it",
    ]
    for r in shown.itertuples():
        lines.append(
            f"{r.input:<29}{r.low:>8.1%}{r.high:>8.1%}{100 * r.swing:>7.2f}{r.first_order:>8.3f}"
            f"{r.evppi_points:>7.2f}  {r.evidence}"
        )
    if len(shown) < len(inputs):
        lines.append(f"({len(inputs) - len(shown)} more inputs barely matter on any measure.)")
    if ((inputs["swing"] == 0) & (inputs["evppi_points"] >= 0.05)).any():
        lines.append(
            "Inputs with zero swing but some EVPPI are reactions to design options the baseline "
            "design does not use: they matter only for choosing the design."
        )
    lines += [
        f"Sum of first-order shares: {sum(payload['first_order'].values()):.2f}; "
        f"EVPI (learning everything before choosing): {payload['evpi']:.2f} points.",
        f"Best design now: {prov['best_design']} (P(deal) {prov['p_deal_best_design']:.1%}).",
        "",
        "Flip points (P(deal) crossing the decision's threshold, or a change of best design):",
        *(f"- {s}" for s in flips),
    ]
    if payload["psense"]:
        lines += ["", "Prior / data power-scaling sensitivity (psense):"]
        lines += format_psense(payload["psense"])
    lines += ["", "Method:", *(f"- {k}: {v}" for k, v in payload["method"].items())]
    lines.append(f"(computed in {prov['seconds']:.1f} s, seed {prov['rng_seed']})")
    return "\n".join(lines)
