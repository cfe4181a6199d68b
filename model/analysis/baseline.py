"""The baseline answer of a fit: outcome probabilities with intervals, timing and stamps."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.analysis.intervals import interval, with_mcse
from model.analysis.outcomes import evaluate, timing
from model.constants import TIMING_MONTHS
from model.inference.fit import Fit

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
        ``{"mean", "lo", "hi", "mcse"}``, ``mcse`` the Monte Carlo standard error of the mean),
        ``months_to_enactment``, ``timing``, ``diagnostics``, ``provenance``. The parts are
        averages over the design mixture and the draws, so their product is not P(deal).
    """
    out = evaluate(fit.draws, fit.priors, fit.evidence, design=design)
    months = np.arange(TIMING_MONTHS + 1)
    curve = timing(fit.draws, fit.priors, fit.evidence, months, design=design)
    mean_curve = curve.mean(axis=0)
    result = {k: with_mcse(out[k], chains=fit.settings.chains) for k in OUTCOMES}
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
