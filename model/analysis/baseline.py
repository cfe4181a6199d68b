"""The baseline answer of a fit: outcome probabilities with intervals, timing and stamps."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.analysis.intervals import bounds, interval, with_mcse
from model.analysis.outcomes import evaluate, timing
from model.constants import TIMING_MONTHS
from model.inference.fit import Fit
from model.library.base_rate import base_rate_summary

OUTCOMES = ("p_framework", "p_enacted", "p_accepted", "p_deal")
"""The outcome probabilities, in the order every table shows them; labels come from the case."""


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
        ``p_willing`` and ``p_in_time`` (the donor arena split: P(willing) and P(enacted in
        time | willing), per draw), ``labels`` (outcome -> label), ``months_to_enactment``
        (each draw's median months to enactment: its mean and interval over draws, the one
        number every output shows), ``timing``, ``base_rate`` (what the library's base rate
        alone gives for this case, with its interval: `base_rate_summary`; None without a
        library), ``diagnostics``, ``provenance``. The parts
        are averages over the design mixture and the draws, so their product is not P(deal).
    """
    out = evaluate(fit.draws, fit.priors, fit.evidence, design=design)
    months = np.arange(TIMING_MONTHS + 1)
    curve = timing(fit.draws, fit.priors, fit.evidence, months, design=design)
    mean_curve = curve.mean(axis=0)
    result = {k: with_mcse(out[k], chains=fit.settings.chains) for k in OUTCOMES}
    result["labels"] = fit.priors.vocabulary.outcome_labels()
    result["p_willing"] = interval(out["p_congress"])
    result["p_in_time"] = interval(out["p_enacted"] / np.maximum(out["p_congress"], 1e-300))
    result["months_to_enactment"] = interval(out["months_to_enactment"])
    result["timing"] = {
        "months": months.tolist(),
        "p_enacted_by": mean_curve.tolist(),
        "p_enacted_by_lo": bounds(curve, axis=0)[0].tolist(),
        "p_enacted_by_hi": bounds(curve, axis=0)[1].tolist(),
        "conditional_on": "framework agreed",
    }
    result["base_rate"] = base_rate_summary(fit)
    diag = dict(fit.diagnostics)
    result["diagnostics"] = diag
    result["provenance"] = fit.provenance() | {"cached": fit.cached, "seconds": fit.seconds}
    return result


def decomposition_table(summary: dict) -> pd.DataFrame:
    """The outcome probabilities as rows ``label, mean, lo, hi`` (for figures and tables).

    The donor arena's row is followed by its two factors, P(willing) and P(in time | willing).
    """
    rows = []
    for key in OUTCOMES:
        rows.append({"label": summary["labels"][key], **summary[key]})
        if key == "p_enacted" and "p_willing" in summary:
            rows.append({"label": "   of which: willing", **summary["p_willing"]})
            rows.append({"label": "   × in time, if willing", **summary["p_in_time"]})
    return pd.DataFrame(rows)
