"""What-if answers in memory, for the live panel: a change reads no file.

The overlay is applied to the loaded baseline priors (:func:`~model.case.priors.overlay_priors`),
the baseline's evidence is reused, and the answer takes the same recompute or reweight path as
:func:`model.whatif.answers.answer`, with the same seeds: a panel position and
``feasibility whatif --set`` for the same values give the same numbers. When the evidence
changes or the Pareto k is too large, the answer says ``refit`` and :func:`refit_answer` fits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date as date_type
from typing import Any

import numpy as np

from model.analysis.importance import psis_row
from model.analysis.intervals import intervals, weighted_quantile
from model.analysis.outcomes import evaluate, timing
from model.case.priors import Priors, overlay_priors
from model.case.schema import OPPOSE_PREFIX
from model.constants import CI_MASS, TIMING_MONTHS
from model.errors import InputError
from model.inference.fit import Fit, evidence_for, fit
from model.inference.pymc_model import POLL_ERROR, poll_rows
from model.whatif.answers import (
    RefitNeeded,
    WhatIf,
    changed_params,
    from_posterior,
    k_threshold,
    row,
)


def part_labels(priors: Priors) -> dict[str, str]:
    """The decomposition the panel shows, in the case's words: the donor split in two.

    Parameters
    ----------
    priors : Priors
        The case's priors (their vocabulary names the arenas).

    Returns
    -------
    dict of str to str
        ``p_framework``, ``p_willing``, ``p_in_time``, ``p_accepted``, ``p_deal`` -> label.
    """
    vocab = priors.vocabulary
    outcome = vocab.outcome_labels()
    donor = vocab.words["donor"]
    donor = donor[:1].upper() + donor[1:]
    return {
        "p_framework": outcome["p_framework"],
        "p_willing": f"{donor} willing",
        "p_in_time": f"{donor} enacts in time, if willing",
        "p_accepted": outcome["p_accepted"],
        "p_deal": outcome["p_deal"],
    }


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
    got = from_posterior(base, new, changed_params(base.priors, new), name, question)
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


@dataclass(frozen=True)
class NewPoll:
    """A poll to add in memory: a package component, the share opposed, respondents, a date."""

    component: str
    share: float
    n: int
    date: date_type | None = None


ROUTES = {
    "shift": (
        "a shift of opinion between the poll and the decision: move the opinion-shift prior "
        "(the poll stays as it is); recompute, seconds"
    ),
    "corrected": (
        "a corrected poll: the poll itself was misread or mistranscribed; edit the poll CSV "
        "(the old reading goes away) and refit"
    ),
    "additional": (
        "an additional poll: a new, dated poll beside the old one; its likelihood reweights "
        "the posterior draws (Pareto k checked), or a refit when k is too high"
    ),
}
"""The three ways to bring a poll number into the model, and what each one means."""


def parse_poll(text: str, *, components) -> NewPoll:
    """``COMPONENT=SHARE,n=N[,date=YYYY-MM-DD]`` (share as 0.6 or 60%) as a `NewPoll`.

    Raises
    ------
    InputError
        A malformed item, an unknown component, a share outside [0, 1], n below 1, a bad date.
    """
    from datetime import date as _date

    where, fix = "--poll", "write e.g. --poll funds=0.60,n=1000,date=2007-08-10"
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or "=" not in parts[0]:
        raise InputError(where, text, "expected COMPONENT=SHARE,n=N[,date=YYYY-MM-DD]", fix)
    component, share_text = (x.strip() for x in parts[0].split("=", 1))
    if component not in components:
        known = ", ".join(sorted(components))
        raise InputError(where, component, "no such poll component", f"use one of {known}")
    try:
        share = float(share_text.rstrip("%")) / (100 if share_text.endswith("%") else 1)
    except ValueError:
        raise InputError(where, share_text, "the share is not a number", fix) from None
    if not 0 <= share <= 1:
        raise InputError(where, share_text, "the share must lie in [0, 1] (or 0-100%)", fix)
    extra = {}
    for item in parts[1:]:
        key, _, value = (x.strip() for x in item.partition("="))
        if key not in ("n", "date") or not value:
            raise InputError(where, item, "expected n=N or date=YYYY-MM-DD", fix)
        extra[key] = value
    if "n" not in extra:
        raise InputError(where, text, "the number of respondents is missing", fix)
    try:
        n = int(extra["n"])
    except ValueError:
        raise InputError(where, extra["n"], "n must be a whole number", fix) from None
    if n < 1:
        raise InputError(where, extra["n"], "n must be at least 1", fix)
    when = None
    if "date" in extra:
        try:
            when = _date.fromisoformat(extra["date"])
        except ValueError:
            raise InputError(where, extra["date"], "not a date", "write YYYY-MM-DD") from None
    return NewPoll(component, share, n, when)


def with_poll(evidence, poll: NewPoll):
    """The evidence with ``poll`` added as one more dated row (in memory; no file written).

    Raises
    ------
    InputError
        A poll dated after the as-of date (nothing known later may inform the analysis).
    """
    import pandas as pd

    when = poll.date or evidence.as_of
    if when > evidence.as_of:
        raise InputError(
            "--poll", f"date={when}", f"after the as-of date {evidence.as_of}",
            "date the poll on or before the as-of date",
        )  # fmt: skip
    rows = evidence.poll
    date_value = when.isoformat() if rows["date"].dtype == object else pd.Timestamp(when)
    row = {
        "date": date_value,
        "reading": evidence.poll_reading if evidence.poll_reading != "both" else "added",
        "component": poll.component,
        "item": f"A new poll: {poll.share:.0%} opposed",
        "n": poll.n,
        "opposed_share": poll.share,
        "source": "Added in memory (feasibility whatif --poll or the panel)",
        "opposed": round(poll.n * poll.share),
    }
    new = pd.concat([rows, pd.DataFrame([row])[rows.columns]], ignore_index=True)
    return replace(evidence, poll=new)


def poll_loglik(draws: dict[str, np.ndarray], evidence) -> np.ndarray:
    """Per-draw log-likelihood of the poll rows, exactly as the PyMC model states it."""
    from scipy import stats

    total = np.zeros(len(draws["p_agree"]))
    for comp, rows in poll_rows(evidence).groupby("component", sort=True):
        share = np.clip(draws[OPPOSE_PREFIX + comp], 1e-12, 1 - 1e-12)
        for n, k in zip(rows["n_eff"].to_numpy(), rows["opposed_eff"].to_numpy(), strict=True):
            if POLL_ERROR in draws:
                kappa = 1.0 / draws[POLL_ERROR] ** 2
                total += stats.betabinom.logpmf(k, n, share * kappa, (1 - share) * kappa)
            else:
                total += stats.binom.logpmf(k, n, share)
    return total


def poll_answer(base: Fit, poll: NewPoll, *, force_refit: bool = False) -> WhatIf:
    """Answer "what if a new poll says this?" by the cheapest adequate route.

    The route is ``additional`` (`ROUTES`): the poll is added in memory as one more dated row;
    the existing draws are reweighted by the ratio of the new to the old poll likelihood (exact
    importance weights for the refit's posterior) while the Pareto k is below
    `~model.whatif.answers.k_threshold`; above it, or with ``force_refit``, a NUTS refit on
    the new evidence. The answer's ``method`` and ``reason`` say which was taken.

    Parameters
    ----------
    base : Fit
        The baseline posterior.
    poll : NewPoll
        The poll to add.
    force_refit : bool
        Refit even when the weights would do.

    Returns
    -------
    WhatIf
    """
    evidence = with_poll(base.evidence, poll)
    name = f"poll_{poll.component}"
    question = (
        f"What if a new poll finds {poll.share:.0%} opposed to the {poll.component} component "
        f"(n = {poll.n}, {poll.date or evidence.as_of})?"
    )
    reason, k = "refit forced", None
    if not force_refit:
        log_w = poll_loglik(base.draws, evidence) - poll_loglik(base.draws, base.evidence)
        weights, k = psis_row(log_w, base.settings.chains)
        k_max = k_threshold(log_w.size)
        if k <= k_max:
            return WhatIf(
                name, question, "reweight", base.priors, base.draws,
                evaluate(base.draws, base.priors, evidence), weights, k,
                reweighted=[OPPOSE_PREFIX + poll.component],
                reason=f"a new poll: weights from its likelihood (Pareto k {k:.2f} <= {k_max:.2f})",
                chains=base.settings.chains,
            )  # fmt: skip
        reason = f"a new poll: Pareto k {k:.2f} > {k_max:.2f}, so a refit"
    refitted = fit(base.priors, evidence=evidence, settings=base.settings)
    return WhatIf(
        name, question, "refit", base.priors, refitted.draws,
        evaluate(refitted.draws, base.priors, evidence), pareto_k=k, reason=reason,
        refit=refitted, chains=refitted.settings.chains, diagnostics=refitted.diagnostics,
    )  # fmt: skip
