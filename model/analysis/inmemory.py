"""What-if answers in memory, for the live panel: a change reads no file.

The overlay is applied to the loaded baseline priors (:func:`~model.case.priors.overlay_priors`),
the baseline's evidence is reused, and the answer takes the same recompute or reweight path as
:func:`model.analysis.whatif.answer`, with the same seeds: a panel position and
``feasibility whatif --set`` for the same values give the same numbers. When the evidence
changes or the Pareto k is too large, the answer says ``refit`` and :func:`refit_answer` fits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from model.analysis.intervals import intervals, weighted_quantile
from model.analysis.outcomes import evaluate, timing
from model.analysis.whatif import RefitNeeded, WhatIf, _changed, _from_posterior, row
from model.case.priors import Priors, overlay_priors
from model.constants import CI_MASS, TIMING_MONTHS
from model.inference.fit import Fit, evidence_for, fit

PARTS = {
    "p_framework": "Framework agreed (Level I)",
    "p_willing": "Congress willing",
    "p_in_time": "Congress enacts in time, if willing",
    "p_accepted": "Mexico accepts",
    "p_deal": "Deal: all three",
}
"""The decomposition the panel shows: Congress split into willing x in time."""

CURVE_DRAWS = 400
"""Posterior draws behind the panel's timing curve (a figure; the numbers use every draw)."""


@dataclass
class Live:
    """One panel answer: the comparison row and the decomposition."""

    case: WhatIf
    row: dict
    parts: dict[str, dict]

    @property
    def needs_refit(self) -> bool:
        """True when neither recompute nor reweight can answer (no numbers yet)."""
        return self.case.method == "refit" and not self.case.outcomes


def answer_in_memory(
    base: Fit, overlay: dict[str, Any], *, name: str = "panel", question: str = ""
) -> WhatIf:
    """Answer a what-if overlay from the baseline posterior without reading any file.

    Parameters
    ----------
    base : Fit
        The baseline posterior (its priors and evidence are reused).
    overlay : dict
        Nested overlay, same shape as a scenario file (``params``, ``design``, ``levers``).
    name, question : str
        Label and question of the answer.

    Returns
    -------
    WhatIf
        ``method`` is ``recompute`` or ``reweight``; or ``refit`` with empty ``outcomes`` and
        a ``reason`` when the evidence changes or the Pareto k exceeds the limit.
    """
    new = overlay_priors(base.priors, overlay, where=name, question=question)
    return from_priors(base, new, name=name, question=question)


def from_priors(base: Fit, new: Priors, *, name: str, question: str = "") -> WhatIf:
    """Answer for already resolved priors ``new`` (recompute, reweight, or a refit request)."""
    question = question or "what if " + name
    if new.changes_evidence:
        return WhatIf(name, question, "refit", new, {}, {}, reason="the evidence changes")
    got = _from_posterior(base, new, _changed(base.priors, new), name, question)
    if isinstance(got, RefitNeeded):  # the panel shows the reason and a refit button
        return WhatIf(
            name, question, "refit", new, {}, {}, pareto_k=got.pareto_k, reason=got.reason
        )
    return got


def refit_answer(base: Fit, case: WhatIf) -> WhatIf:
    """Fit the posterior of ``case.priors`` (the evidence is read again: a refit is a refit)."""
    refitted = fit(case.priors, evidence=evidence_for(case.priors), settings=base.settings)
    return WhatIf(
        case.name,
        case.question,
        "refit",
        case.priors,
        refitted.draws,
        evaluate(refitted.draws, case.priors, refitted.evidence),
        pareto_k=case.pareto_k,
        reason=case.reason or "refit asked for",
        refit=refitted,
        chains=base.settings.chains,
        diagnostics=refitted.diagnostics,
    )


def live(base: Fit, case: WhatIf, base_outcomes: dict[str, np.ndarray]) -> Live:
    """The panel's numbers for one answer: the comparison row and the decomposition."""
    if not case.outcomes:
        return Live(case, {}, {})
    out, w = case.outcomes, case.weights
    with np.errstate(divide="ignore", invalid="ignore"):
        in_time = np.where(out["p_congress"] > 0, out["p_enacted"] / out["p_congress"], 0.0)
    baseline = WhatIf(
        "baseline",
        "",
        "baseline",
        base.priors,
        base.draws,
        base_outcomes,
        chains=base.settings.chains,
        diagnostics=base.diagnostics,
    )
    line = row(case, baseline)
    shares = {
        "p_framework": out["p_framework"],
        "p_willing": out["p_congress"],
        "p_in_time": in_time,
    }
    parts = intervals(shares, weights=w) | {
        "p_accepted": {k: line[f"p_accepted_{k}"] for k in ("mean", "lo", "hi")},
        "p_deal": {k: line[f"p_deal_{k}"] for k in ("mean", "lo", "hi")},
    }
    return Live(case, line, parts)


def curve(base: Fit, case: WhatIf, *, draws: int = CURVE_DRAWS) -> dict[str, list[float]]:
    """P(enacted by month t | framework) under ``case``: mean and 90% band, months 0..24.

    Computed on ``draws`` evenly spaced posterior draws (with their weights), so the figure
    follows a slider as fast as the numbers do; the numbers themselves use every draw.
    """
    if not case.outcomes:
        return {}
    size = len(case.draws["p_agree"])
    pick = np.unique(np.linspace(0, size - 1, min(draws, size)).astype(int))
    sub = {k: v[pick] for k, v in case.draws.items()}
    w = None if case.weights is None else case.weights[pick] / case.weights[pick].sum()
    evidence = case.refit.evidence if case.refit is not None else base.evidence
    months = np.arange(TIMING_MONTHS + 1)
    per_draw = timing(sub, case.priors, evidence, months)
    tail = (1 - CI_MASS) / 2
    if w is None:
        lo, hi = np.quantile(per_draw, [tail, 1 - tail], axis=0)
    else:
        lo, hi = np.array([weighted_quantile(c, [tail, 1 - tail], w) for c in per_draw.T]).T
    return {
        "months": months.tolist(),
        "mean": np.average(per_draw, axis=0, weights=w).tolist(),
        "lo": np.asarray(lo).tolist(),
        "hi": np.asarray(hi).tolist(),
    }
