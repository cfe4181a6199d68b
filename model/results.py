"""The baseline answer of a fit: outcome probabilities with intervals, timing and stamps."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.constants import TIMING_MONTHS
from model.fit import Fit
from model.outcomes import evaluate, timing
from model.summary import interval

OUTCOMES = {
    "p_framework": "Framework agreed (Level I)",
    "p_enacted": "US Congress enacts in time",
    "p_accepted": "Mexico accepts",
    "p_deal": "Deal: all three",
}


def run_summary(fit: Fit, *, design=None) -> dict:
    """Everything ``feasibility run`` reports, as one JSON-ready dict.

    Parameters
    ----------
    fit : Fit
        The fitted posterior.
    design : dict, optional
        A design other than the priors file's.

    Returns
    -------
    dict
        Keys ``p_framework``, ``p_enacted``, ``p_accepted``, ``p_deal`` (each
        ``{"mean", "lo", "hi"}``), ``months_to_enactment``, ``timing``, ``diagnostics``,
        ``provenance``.
    """
    out = evaluate(fit.draws, fit.priors, fit.evidence, design=design)
    months = np.arange(TIMING_MONTHS + 1)
    curve = timing(fit.draws, fit.priors, fit.evidence, months, design=design)
    mean_curve = curve.mean(axis=0)
    result = {k: interval(out[k]) for k in OUTCOMES}
    result["months_to_enactment"] = interval(out["months_to_enactment"])
    result["timing"] = {
        "months": months.tolist(),
        "p_enacted_by": mean_curve.tolist(),
        "p_enacted_by_lo": np.quantile(curve, 0.05, axis=0).tolist(),
        "p_enacted_by_hi": np.quantile(curve, 0.95, axis=0).tolist(),
        "median_months_to_enactment": float(np.median(out["months_to_enactment"])),
        "conditional_on": "framework agreed",
    }
    diag = dict(fit.diagnostics)
    result["diagnostics"] = diag
    result["provenance"] = fit.provenance() | {"cached": fit.cached, "seconds": fit.seconds}
    return result


def decomposition_table(summary: dict) -> pd.DataFrame:
    """The four outcome probabilities as rows ``label, mean, lo, hi`` (for figures and tables)."""
    return pd.DataFrame([{"label": label, **summary[key]} for key, label in OUTCOMES.items()])


def format_table(summary: dict) -> str:
    """Plain-text table of the run summary for a terminal."""
    lines = [f"{'quantity':<32}{'mean':>8}{'90% interval':>20}"]
    for key, label in OUTCOMES.items():
        s = summary[key]
        lines.append(f"{label:<32}{s['mean']:>8.3f}{f'[{s["lo"]:.3f}, {s["hi"]:.3f}]':>20}")
    m = summary["months_to_enactment"]
    lines.append(
        f"{'Median months to enactment':<32}{summary['timing']['median_months_to_enactment']:>8.1f}"
        f"{f'[{m["lo"]:.1f}, {m["hi"]:.1f}]':>20}"
    )
    d = summary["diagnostics"]
    status = "OK" if d["ok"] else "PROBLEMS: " + "; ".join(d["problems"])
    lines.append(
        f"Sampler: max R-hat {d['r_hat_max']:.3f}, min bulk ESS {d['ess_bulk_min']:.0f}, "
        f"divergences {d['divergences']} -> {status}"
    )
    p = summary["provenance"]
    lines.append(
        f"Provenance: priors {p['priors_hash']}, evidence {p['evidence_hash']} "
        f"(poll reading: {p['poll_reading']}), seed {p['seed']}, as of {p['as_of']}, "
        f"{'cached posterior' if p['cached'] else 'fresh fit'} in {p['seconds']:.1f} s"
    )
    lines.extend(f"Refused evidence: {r}" for r in p["evidence_refused"])
    return "\n".join(lines)
