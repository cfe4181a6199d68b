"""The report's numbers as data: the computed results, every CSV table and every figure.

`Results` gathers what `model.report.build_report` computes from one baseline posterior;
`csv_tables` turns it into the tables written under ``tables/`` (deterministic: no run times),
`figures` into the PNG figures written under ``figures/`` and embedded in the HTML.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from model.analysis.baseline import OUTCOMES, decomposition_table
from model.analysis.intervals import interval
from model.analysis.outcomes import evaluate
from model.case.distributions import scipy_dist
from model.files import write_with
from model.inference.fit import Fit
from model.inference.pymc_model import data_params
from model.inference.stamps import git_commit
from model.library.backtest import reliability
from model.library.views import backtest_table, reliability_figure
from model.studies.section import evidence_figures, evidence_tables
from model.views import figures as plots
from model.views.charts import timing_figure
from model.views.sensitivity import sensitivity_figures
from model.whatif.figures import scenario_changes

FLOAT_FORMAT = "%.6g"
"""Fixed float format of every CSV, so two runs with the same seed write identical bytes."""

TOP_INPUTS = 12
"""Inputs shown in the tornado, first-order and EVPPI figures (the CSVs hold all)."""


@dataclass
class Results:
    """Everything the report shows, computed from one baseline posterior."""

    fit: Fit
    summary: dict
    ranking: pd.DataFrame
    recommendation: str
    timing: dict
    scenarios: pd.DataFrame
    sensitivity: dict
    prior: dict[str, np.ndarray]
    scenario_files: list[Path] = field(default_factory=list)
    notebooks: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    started: str = ""
    backtest: object | None = None
    """The rolling-origin backtest (`model.library.backtest.Backtest`), when it was run."""
    adjustments: dict | None = None
    """How far the case adjustments moved P(deal) (`model.library.prior.adjustment_effect`)."""
    experts: dict | None = None
    """Several experts' answers, the pool and the disagreement (`experts.pool.experts_payload`)."""
    evidence_value: dict | None = None
    """EVSI of each study and the timeline (`model.studies.section`), when computed."""

    def label(self, name: str) -> str:
        """Plain-language name of a model parameter."""
        return self.fit.priors.label(name)


def write_workbook(tables: dict[str, pd.DataFrame], path: Path) -> None:
    """Every table as one sheet of an ``.xlsx`` workbook (pandas with openpyxl).

    Sheet names are the tables' file stems, cut to Excel's 31 characters.
    """

    def workbook(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as book:
            for name, frame in tables.items():
                frame.to_excel(book, sheet_name=name[:31], index=False)

    write_with(path, workbook)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` with the fixed float format and Unix line ends."""
    write_with(
        path,
        lambda tmp: frame.to_csv(tmp, index=False, float_format=FLOAT_FORMAT, lineterminator="\n"),
    )


def provenance(res: Results, *, with_times: bool) -> dict:
    """Where every number came from; run times and timestamps only when ``with_times``."""
    p = res.fit.provenance()
    out = {
        "priors_file": p["priors_file"],
        "priors_hash": p["priors_hash"],
        "posterior_priors_hash": p["posterior_priors_hash"],
        "evidence_hash": p["evidence_hash"],
        "poll_reading": p["poll_reading"],
        "evidence_refused": "; ".join(p["evidence_refused"]) or "none",
        "seed": p["seed"],
        "as_of": p["as_of"],
        "sampler": ", ".join(f"{k}={v}" for k, v in p["sampler"].items()),
        "scenario_files": ", ".join(f.name for f in res.scenario_files),
        "git_commit": git_commit(),
        "sampler_diagnostics": _diagnostics(res.fit.diagnostics),
    }
    out |= {f"version_{k}": v for k, v in p["versions"].items()}
    if with_times:
        out |= {
            "report_started": res.started,
            "baseline_posterior": "read from cache" if res.fit.cached else "fresh NUTS fit",
            "baseline_fit_seconds": round(res.fit.seconds, 2),
        }
        out |= {f"seconds_{k}": round(v, 2) for k, v in res.seconds.items()}
    return out


def _diagnostics(d: dict) -> str:
    text = (
        f"max R-hat {d['r_hat_max']:.4f}, min bulk ESS {d['ess_bulk_min']:.0f}, "
        f"min tail ESS {d['ess_tail_min']:.0f}, divergences {d['divergences']}"
    )
    return text + (": " + "; ".join(d["problems"]) if d["problems"] else ": OK")


def evidence_frames(res: Results) -> dict[str, pd.DataFrame]:
    """The evidence rows the fit used, one frame per file (an unused reference class left out)."""
    ev = res.fit.evidence
    frames = {"evidence_poll": ev.poll.drop(columns=["opposed"], errors="ignore")}
    if res.fit.priors.evidence.get("reference", True):
        frames["evidence_reference"] = ev.reference
    return frames | {"evidence_calendar": ev.calendar}


def informed_by(prior, touched: set[str]) -> str:
    """What a prior's posterior rests on, by its source: the case library, the data, judgment."""
    if prior.pooled is not None:
        return "case library and data" if prior.name in touched else "case library"
    return "data and judgment" if prior.name in touched else "judgment only"


def csv_tables(res: Results) -> dict[str, pd.DataFrame]:
    """Every table of the report, by file stem, with full precision and no run times.

    Returns
    -------
    dict of str to pandas.DataFrame
    """
    s, sens = res.summary, res.sensitivity
    labels = res.fit.priors.vocabulary.outcome_labels()
    rows = [{"quantity": k, "label": labels[k], **s[k]} for k in OUTCOMES]
    rows.append({"quantity": "months_to_enactment", "label": "Months to enactment (if willing)"})
    rows[-1] |= s["months_to_enactment"]
    tables = {"summary": pd.DataFrame(rows)}
    tp = res.timing
    tables["timing"] = pd.DataFrame(
        [
            {"curve": name, "month": m, "mean": mean, "lo": lo, "hi": hi}
            for name, curve in tp["curves"].items()
            for m, mean, lo, hi in zip(
                tp["months"], curve, tp["bands"][name]["lo"], tp["bands"][name]["hi"], strict=True
            )
        ]
    )
    tables["timing_events"] = pd.DataFrame(
        [
            {"curve": name, "event": e, "month": tp["calendar"][e], **v}
            for name, by_event in tp["p_before"].items()
            for e, v in by_event.items()
        ]
        + [
            {"curve": name, "event": "deal before the window closes", "month": None, **v}
            for name, v in tp["p_deal_in_window"].items()
        ]
    )
    tables["designs"] = res.ranking
    tables["scenarios"] = res.scenarios
    tor = pd.DataFrame(sens["tornado"])
    tables["tornado"] = tor
    tables["first_order"] = pd.DataFrame(
        [{"input": k, "label": res.label(k), "index": v} for k, v in sens["first_order"].items()]
    )

    tables["evppi"] = pd.DataFrame(
        [
            {
                "input": k,
                "label": res.label(k),
                "evppi_points": v,
                "evidence": sens["resolved_by"].get(k, ""),
            }
            for k, v in sens["evppi"].items()
        ]
        + [{"input": "(all: EVPI)", "label": "every input", "evppi_points": sens["evpi"]}]
    )
    flips = [
        {k: v for k, v in f.items() if not isinstance(v, list | dict)} for f in sens["flip_points"]
    ]
    tables["flip_points"] = pd.DataFrame(flips)
    tables["psense"] = pd.DataFrame(sens["psense"])
    tables["priors"] = pd.DataFrame(prior_rows(res))
    tables |= evidence_frames(res)
    prov = provenance(res, with_times=False)
    tables["provenance"] = pd.DataFrame(
        {"key": list(prov), "value": [str(v) for v in prov.values()]}
    )
    if tables["psense"].empty:
        tables["psense"] = pd.DataFrame(columns=["quantity", "kind", "prior", "likelihood"])
    if res.backtest is not None:
        tables["backtest"] = backtest_table(res.backtest)
    if res.experts and res.experts["experts"]:
        tables |= expert_frames(res)
    tables |= evidence_tables(res.evidence_value)
    return tables


def expert_frames(res: Results) -> dict[str, pd.DataFrame]:
    """``experts`` (each expert and the pool, full precision) and ``disagreement``."""
    payload = res.experts
    pool = {"name": "pooled", "file": "", "weight": 1.0, "method": "mixture"}
    rows = []
    for e in [*payload["experts"], pool | {"summary": payload["pooled"]}]:
        row = {k: e[k] for k in ("name", "file", "weight", "method")}
        for key in OUTCOMES:
            row |= {f"{key}_{part}": e["summary"][key][part] for part in ("mean", "lo", "hi")}
        rows.append(row)
    names = [e["name"] for e in payload["experts"]]
    spread = [
        {"param": r["param"], "label": res.label(r["param"]), "variance": r["variance"]}
        | {"share": r["share"], "method": r["method"]}
        | {f"p_deal_mean_{n}": r["means"].get(n) for n in names}
        for r in payload["disagreement"]
    ]
    columns = ["param", "label", "variance", "share", "method"]
    return {
        "experts": pd.DataFrame(rows),
        "disagreement": pd.DataFrame(spread, columns=columns + [f"p_deal_mean_{n}" for n in names]),
    }


def prior_rows(res: Results) -> list[dict]:
    """One row per prior: its distribution, elicited interval, posterior and source."""
    touched = data_params(res.fit.priors, res.fit.evidence)
    rows = []
    for name, p in res.fit.priors.params.items():
        lower, upper, mass = p.interval or (None, None, None)
        below = above = None
        q05 = q50 = q95 = None
        if p.interval:
            dist = scipy_dist(p.dist, p.params)
            below, above = float(dist.cdf(lower)), float(dist.sf(upper))
            q05, q50, q95 = (float(v) for v in dist.ppf([0.05, 0.5, 0.95]))
        post = interval(res.fit.draws[name])
        rows.append(
            {
                "name": name,
                "label": res.label(name),
                "prior": p.describe(),
                "spec": json.dumps({"dist": p.dist, "params": p.params}),
                "params": json.dumps(p.params, sort_keys=True),
                "elicited_lower": lower,
                "elicited_upper": upper,
                "elicited_mass": mass,
                "fitted_mass_below": below,
                "fitted_mass_above": above,
                "fitted_q05": q05,
                "fitted_q50": q50,
                "fitted_q95": q95,
                "tails": p.tails,
                "informed_by": informed_by(p, touched),
                "posterior_mean": post["mean"],
                "posterior_lo": post["lo"],
                "posterior_hi": post["hi"],
                "source": p.source,
            }
        )
    return rows


def figures(res: Results) -> dict[str, tuple[object, str]]:
    """Every figure of the report, by file stem: (matplotlib Figure, alt text).

    Returns
    -------
    dict of str to (matplotlib.figure.Figure, str)
    """
    s, sens, tp = res.summary, res.sensitivity, res.timing
    words, labels = res.fit.priors.vocabulary.words, s["labels"]
    enacted, accepted = f"P({labels['p_enacted']})", f"P({labels['p_accepted']})"
    out = {}
    out["decomposition"] = (
        plots.decomposition(
            decomposition_table(s), title=f"P(deal) = P(framework) × {enacted} × {accepted}"
        ),
        f"Point-and-interval chart of P(framework), {enacted}, {accepted} "
        f"and their product P(deal) = {s['p_deal']['mean']:.1%}.",
    )
    out["timing"] = (
        timing_figure(res.fit, tp),
        f"Cumulative probability that {words['donor']} has enacted the package by each month, "
        "per request timing, with calendar events as vertical lines.",
    )
    out["winset"] = (
        plots.winset(
            res.ranking, p_framework=s["p_framework"]["mean"], xlabel=enacted, ylabel=accepted
        ),
        f"Scatter of {int((~res.ranking['is_baseline']).sum())} package designs by {enacted} and "
        f"{accepted}, with the baseline and best design marked.",
    )
    out["scenarios"] = (
        scenario_changes(res.scenarios),
        "Change in P(deal) from the baseline under each scenario, in percentage points with its "
        "interval, sorted from the most helpful to the most damaging; each row is the "
        "scenario's question.",
    )
    sens_figures = sensitivity_figures(sens, n_top=TOP_INPUTS)
    out["tornado"] = (
        sens_figures["tornado"],
        f"Tornado chart of the {TOP_INPUTS} inputs that move P(deal) most between their 10th "
        "and 90th percentiles.",
    )
    out["first_order"] = (
        sens_figures["first_order"],
        "Bar chart of the share of the variance of P(deal) each input explains alone.",
    )
    out["evppi"] = (
        sens_figures["evppi"],
        "Bar chart of the expected value of partial perfect information of each input.",
    )
    priors, evidence = res.fit.priors, res.fit.evidence
    touched = [n for n in priors.params if n in data_params(priors, evidence)]
    prior_out = evaluate(res.prior, priors, evidence)
    post_out = evaluate(res.fit.draws, priors, evidence)
    labels = s["labels"]
    prior = {res.label(n): res.prior[n] for n in touched if n in res.prior}
    prior |= {labels[k]: prior_out[k] for k in OUTCOMES}
    post = {res.label(n): res.fit.draws[n] for n in touched}
    post |= {labels[k]: post_out[k] for k in OUTCOMES}
    out["prior_posterior"] = (
        plots.prior_posterior(prior, post, ncols=4),
        "Grid of density histograms, one panel per parameter the data touch and per outcome: "
        "prior (dashed) and posterior (solid). Every other parameter is judgment only: its "
        "posterior is its prior.",
    )
    if res.backtest is not None:
        out["reliability"] = (
            reliability_figure(
                reliability(res.backtest), title=f"Reliability: {res.backtest.chosen_variant}"
            ),
            f"Reliability diagram of {res.backtest.chosen_variant}: observed frequency against "
            "forecast probability per bin of past cases, with the diagonal of perfect calibration.",
        )
    out |= evidence_figures(res.evidence_value)
    return out
