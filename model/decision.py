"""Package design as a decision: rank every design by P(deal), and the timing curves.

All of it is a recompute on the existing posterior draws: a design changes what the
parameters imply, not what we believe about them, so no design needs a refit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.fit import Fit
from model.levers import grid, label
from model.outcomes import evaluate, timing
from model.summary import interval
from model.voi import expected_regret, p_best

ARENAS = ("p_enacted", "p_accepted", "p_deal")


def deal_matrix(fit: Fit, designs: list[dict] | None = None) -> tuple[list[dict], dict]:
    """Per-draw outcome probabilities for each design.

    Parameters
    ----------
    fit : Fit
        The posterior.
    designs : list of dict, optional
        Pure designs (lever -> level); default: the whole grid of the priors file's levers.

    Returns
    -------
    designs : list of dict
    matrices : dict
        ``p_enacted``, ``p_accepted``, ``p_deal``: arrays of shape (draws, designs).
    """
    designs = grid(fit.priors.levers) if designs is None else designs
    columns = {k: [] for k in ARENAS}
    for design in designs:
        out = evaluate(fit.draws, fit.priors, fit.evidence, design=design)
        for k in ARENAS:
            columns[k].append(out[k])
    return designs, {k: np.column_stack(v) for k, v in columns.items()}


def rank_designs(fit: Fit, *, matrix: tuple[list[dict], dict] | None = None) -> pd.DataFrame:
    """Every design with P(enacted), P(accepted), P(deal) (90% intervals), p_best and regret.

    ``gain_mean/lo/hi`` is the change in P(deal) from the baseline design, paired per draw.
    ``matrix`` is a `deal_matrix` result already computed for this fit (it is not recomputed).

    The baseline (the priors file's design, possibly a mixture) is added as a last row; p_best
    and regret of the grid are computed over the grid alone, so p_best sums to 1 there.
    """
    designs, mats = matrix or deal_matrix(fit)
    utilities = mats["p_deal"]
    base = evaluate(fit.draws, fit.priors, fit.evidence)
    rows = []
    best_share, regret = p_best(utilities), expected_regret(utilities)
    for j, design in enumerate(designs):
        row = dict(design, label=label(design), is_baseline=False)
        for k in ARENAS:
            row |= _flat(k, interval(mats[k][:, j]))
        row |= _flat("gain", interval(utilities[:, j] - base["p_deal"]))
        row |= {"p_best": float(best_share[j]), "regret": float(regret[j])}
        rows.append(row)
    row = {lever: _level_text(choice) for lever, choice in fit.priors.design.items()}
    row |= {"label": f"baseline: {fit.priors.design_label}", "is_baseline": True}
    for k in ARENAS:
        row |= _flat(k, interval(base[k]))
    row |= _flat("gain", interval(np.zeros_like(base["p_deal"])))
    row |= {
        "p_best": float(np.mean(base["p_deal"] >= utilities.max(axis=1))),
        "regret": float(np.mean(utilities.max(axis=1) - base["p_deal"])),
    }
    rows.append(row)
    table = pd.DataFrame(rows).sort_values("p_deal_mean", ascending=False, kind="stable")
    table["is_best"] = False
    best = table.index[~table["is_baseline"]][0]
    table.loc[best, "is_best"] = True
    return table.reset_index(drop=True)


def _flat(key: str, summary: dict) -> dict:
    return {f"{key}_{part}": value for part, value in summary.items()}


def _level_text(choice) -> str:
    if isinstance(choice, dict):
        return " / ".join(f"{k} {w:.0%}" for k, w in choice.items())
    return str(choice)


def recommendation(fit: Fit, ranking: pd.DataFrame) -> str:
    """One plain sentence a policy analyst could act on."""
    best = ranking[ranking["is_best"]].iloc[0]
    base = ranking[ranking["is_baseline"]].iloc[0]
    levers = fit.priors.levers
    parts = []
    for lever in levers:
        spec = levers[lever]["levels"][best[lever]]
        parts.append(spec.get("label", f"{lever}: {best[lever]}"))
    return (
        f"Ask for: {'; '.join(parts)}. It raises P(deal) from {base['p_deal_mean']:.0%} "
        f"(baseline) to {best['p_deal_mean']:.0%} (90% interval {best['p_deal_lo']:.0%} to "
        f"{best['p_deal_hi']:.0%}), a gain of {best['gain_mean'] * 100:+.1f} points (90% "
        f"interval {best['gain_lo'] * 100:+.1f} to {best['gain_hi'] * 100:+.1f}); it is the best "
        f"design in {best['p_best']:.0%} of posterior draws and its expected regret is "
        f"{best['regret'] * 100:.1f} probability points."
    )


def design_payload(fit: Fit, ranking: pd.DataFrame) -> dict:
    """JSON for ``feasibility design --json``."""
    levers = list(fit.priors.levers)

    def row(r) -> dict:
        out = {lever: r[lever] for lever in levers}
        for k in ARENAS:
            out[k] = {part: float(r[f"{k}_{part}"]) for part in ("mean", "lo", "hi")}
        out["gain"] = {part: float(r[f"gain_{part}"]) for part in ("mean", "lo", "hi")}
        return out | {"label": r["label"], "p_best": r["p_best"], "regret": r["regret"]}

    grid_rows = ranking[~ranking["is_baseline"]]
    return {
        "designs": [row(r) for _, r in grid_rows.iterrows()],
        "recommended": row(ranking[ranking["is_best"]].iloc[0])
        | {"sentence": recommendation(fit, ranking)},
        "baseline": row(ranking[ranking["is_baseline"]].iloc[0]),
        "provenance": fit.provenance(),
    }


def format_ranking(fit: Fit, ranking: pd.DataFrame, *, top: int = 5) -> str:
    """Text table of the top designs and the baseline, then the recommendation."""
    shown = pd.concat([ranking[~ranking["is_baseline"]].head(top), ranking[ranking["is_baseline"]]])
    cols = {
        "p_enacted": "P(enacted)",
        "p_accepted": "P(accept)",
        "p_deal": "P(deal)",
        "gain": "gain vs baseline",
    }
    lines = ["#   " + "".join(f"{v:>24}" for v in cols.values()) + f"{'p_best':>8}{'regret':>8}"]
    for i, (_, r) in enumerate(shown.iterrows(), start=1):
        cells = "".join(
            f"{f'{r[k + "_mean"]:+.3f} [{r[k + "_lo"]:+.3f}, {r[k + "_hi"]:+.3f}]':>24}"
            if k == "gain"
            else f"{f'{r[k + "_mean"]:.3f} [{r[k + "_lo"]:.3f}, {r[k + "_hi"]:.3f}]':>24}"
            for k in cols
        )
        tag = "B" if r["is_baseline"] else str(i)
        lines.append(f"{tag:<4}{cells}{r['p_best']:>8.3f}{r['regret']:>8.3f}")
    lines.append("")
    lines += [
        f"{'B' if r['is_baseline'] else i}: {r['label']}"
        for i, (_, r) in enumerate(shown.iterrows(), start=1)
    ]
    lines.append("Intervals are 90%; the gain is paired per posterior draw.")
    return "\n".join([*lines, "", recommendation(fit, ranking)])


def timing_payload(fit: Fit, *, step: float = 0.25) -> dict:
    """P(enacted by month t | framework) for the baseline and each request timing.

    Returns
    -------
    dict
        ``months``, ``curves`` (name -> mean list), ``bands`` (name -> lo/hi lists),
        ``calendar`` (event -> month), ``p_before`` (name -> event -> {mean, lo, hi}),
        ``p_deal_in_window`` (name -> {mean, lo, hi}).
    """
    ev = fit.evidence
    calendar = ev.calendar_marks()
    horizon = max(calendar.values())
    months = np.arange(0, horizon + step, step)
    designs = {"baseline": fit.priors.design}
    for level in fit.priors.levers.get("timing", {}).get("levels", {}):
        designs[level] = {**fit.priors.design, "timing": level}
    curves, bands, before, in_window = {}, {}, {}, {}
    for name, design in designs.items():
        per_draw = timing(fit.draws, fit.priors, ev, months, design=design)
        curves[name] = per_draw.mean(axis=0).tolist()
        bands[name] = {
            "lo": np.quantile(per_draw, 0.05, axis=0).tolist(),
            "hi": np.quantile(per_draw, 0.95, axis=0).tolist(),
        }
        at = timing(fit.draws, fit.priors, ev, list(calendar.values()), design=design)
        before[name] = {e: interval(at[:, i]) for i, e in enumerate(calendar)}
        window = _in_window(fit, design)
        out = evaluate(fit.draws, fit.priors, ev, design=design)
        in_window[name] = interval(out["p_framework"] * window * out["p_accepted"])
    return {
        "months": months.tolist(),
        "curves": curves,
        "bands": bands,
        "calendar": calendar,
        "p_before": before,
        "p_deal_in_window": in_window,
        "conditional_on": "framework agreed",
    }


def timing_label(fit: Fit, name: str) -> str:
    """Legend text of a timing curve: the request-timing level's label, or the baseline."""
    if name == "baseline":
        return "baseline design (as on the table)"
    levels = fit.priors.levers.get("timing", {}).get("levels", {})
    return f"request: {levels.get(name, {}).get('label', name)}"


def timing_figure(fit: Fit, payload: dict):
    """Figure of the timing curves with the calendar marks, one curve per request timing.

    The baseline curve is drawn only when it differs from every request-timing curve (it is the
    same curve when the baseline design's timing is one pure level).
    """
    from model import plots

    names = [n for n in payload["curves"] if n != "baseline"]
    if not any(payload["curves"][n] == payload["curves"]["baseline"] for n in names):
        names.insert(0, "baseline")
    curves = {
        timing_label(fit, n): {
            "mean": np.asarray(payload["curves"][n]),
            "lo": np.asarray(payload["bands"][n]["lo"]),
            "hi": np.asarray(payload["bands"][n]["hi"]),
        }
        for n in names
    }
    return plots.timing(
        np.asarray(payload["months"]),
        curves,
        calendar=payload["calendar"],
        horizon_label=f"Months after the as-of date ({fit.evidence.as_of:%d %b %Y})",
    )


def _in_window(fit: Fit, design) -> np.ndarray:
    """P(enacted before the election window closes | framework), per draw (no lame duck)."""
    draws = dict(fit.draws, p_lame_duck=np.zeros_like(fit.draws["p_lame_duck"]))
    return evaluate(draws, fit.priors, fit.evidence, design=design)["p_enacted"]


def format_timing(payload: dict) -> str:
    """Text: probability of enactment before each calendar event, per request timing."""
    events = list(payload["calendar"])
    lines = ["P(enacted before event | framework), mean [90% interval]"]
    for name, by_event in payload["p_before"].items():
        cells = [
            f"{e}: {s['mean']:.2f} [{s['lo']:.2f}, {s['hi']:.2f}]" for e, s in by_event.items()
        ]
        w = payload["p_deal_in_window"][name]
        lines.append(f"- {name}: " + "; ".join(cells))
        lines.append(
            f"  P(deal lands before the window closes) {w['mean']:.3f} "
            f"[{w['lo']:.3f}, {w['hi']:.3f}]"
        )
    lines.append(
        "Calendar (months after the as-of date): "
        + ", ".join(f"{e} {payload['calendar'][e]:.1f}" for e in events)
    )
    return "\n".join(lines)
