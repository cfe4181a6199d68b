"""Figures assembled from analysis results: the timing curves with their labels."""

from __future__ import annotations

import numpy as np

from model.inference.fit import Fit
from model.views import figures


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
    return figures.timing(
        np.asarray(payload["months"]),
        curves,
        calendar=payload["calendar"],
        horizon_label=f"Months after the as-of date ({fit.evidence.as_of:%d %b %Y})",
        title=f"Cumulative probability that {fit.priors.vocabulary.words['donor']} has enacted "
        "the package by month t",
    )
