"""When Congress would enact: timing curves per request timing, and P(deal) in the window."""

from __future__ import annotations

import numpy as np

from model.analysis.intervals import bounds, interval, with_mcse
from model.analysis.outcomes import evaluate, timing
from model.inference.fit import Fit


def timing_payload(fit: Fit, *, step: float = 0.25) -> dict:
    """P(enacted by month t | framework) for the baseline and each request timing.

    Returns
    -------
    dict
        ``months``, ``curves`` (name -> mean list), ``bands`` (name -> lo/hi lists),
        ``calendar`` (event -> month), ``p_before`` (name -> event -> {mean, lo, hi}),
        ``p_deal_in_window`` (name -> {mean, lo, hi, mcse}: P(deal) with enactment before the
        window closes, i.e. without the lame-duck session).
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
            "lo": bounds(per_draw, axis=0)[0].tolist(),
            "hi": bounds(per_draw, axis=0)[1].tolist(),
        }
        at = timing(fit.draws, fit.priors, ev, list(calendar.values()), design=design)
        before[name] = {e: interval(at[:, i]) for i, e in enumerate(calendar)}
        in_window[name] = with_mcse(
            deal_in_window(fit, design)["p_deal"], chains=fit.settings.chains
        )
    return {
        "months": months.tolist(),
        "curves": curves,
        "bands": bands,
        "calendar": calendar,
        "p_before": before,
        "p_deal_in_window": in_window,
        "conditional_on": "framework agreed",
    }


def deal_in_window(fit: Fit, design) -> dict[str, np.ndarray]:
    """Per-draw outcomes when nothing is enacted after the window closes (no lame duck).

    ``p_deal`` is computed per draw and per pure design, as `evaluate` does: the product of
    the mixture averages of its parts would not be P(deal) for a mixed design.
    """
    draws = dict(fit.draws, p_lame_duck=np.zeros_like(fit.draws["p_lame_duck"]))
    return evaluate(draws, fit.priors, fit.evidence, design=design)
