"""Outcome probabilities per posterior draw: P(framework), P(enacted in time), P(accept), P(deal).

Everything here is vectorised numpy over draws, so a design change or a redrawn judgment
prior is a recompute on existing draws, never a new fit. Within a draw, the package's own
duration is integrated out exactly (LogNormal CDF), so each draw yields a probability and
each reported probability has a credible interval across draws.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import expit

from model.analysis import variants
from model.case.evidence import Evidence
from model.case.levers import Effects, effects, expand
from model.case.priors import Priors
from model.case.schema import OPPOSE_PREFIX
from model.library.exact import in_time
from model.library.model import lognormal_cdf

Draws = dict[str, np.ndarray]


def _start(draws: Draws, eff: Effects) -> np.ndarray:
    return np.maximum(draws["announce_months"], eff.request_not_before)


def window(draws: Draws, *, election: float) -> np.ndarray:
    """Months until the election takes over, per draw: ``window_months``, capped at election day.

    The window cannot run past the election (nor, therefore, past the end of the Congress).
    """
    return np.minimum(draws["window_months"], election)


def p_willing(draws: Draws, eff: Effects) -> np.ndarray:
    """Probability that Congress is willing to fund this design."""
    logit = draws["us_support"].copy()
    for param, scale in eff.donor.items():
        logit = logit + scale * draws[param]
    return expit(logit)


def opposition_reference(priors: Priors) -> float:
    """The opposition at which ``gov_will`` is the partner's log-odds of accepting.

    A library-based ``gov_will`` was observed at the library's typical opposition (the pooled
    file's ``reference``): the case's opinion term is taken relative to it, so opposition
    enters once. A judgment ``gov_will`` is stated at an even split (0.5).
    """
    prior = priors.params.get("gov_will")
    pooled = getattr(prior, "pooled", None)
    return pooled.reference if pooled is not None else 0.5


def p_accept(
    draws: Draws, eff: Effects, *, variant=variants.DEFAULT, reference: float = 0.5
) -> np.ndarray:
    """Probability that the partner accepts this design, driven by its opposition.

    The most opposed component drives it, or, under the ``weighted_opposition`` variant, the
    opposition-weighted mean of the components.
    """
    opp = variants.opposition(
        [np.clip(draws[OPPOSE_PREFIX + c] + draws["opinion_shift"], 0, 1) for c in eff.components],
        variant,
    )
    logit = draws["gov_will"] - draws["opinion_weight"] * (opp - reference)
    for param, scale in eff.partner.items():
        logit = logit + scale * draws[param]
    return expit(logit)


def enacted_by(
    draws: Draws, eff: Effects, months, *, election: float, lame_duck_end: float, variant=None
):
    """P(Congress enacts by month t | framework), per draw and month: shape (S, len(months)).

    ``hard_window``: enactment counts inside the window; after the election a lame-duck session
    enacts, with probability ``p_lame_duck``, what would have finished between the window and its
    end. ``congress_end``: the case library's rule, the one the backtest scores
    (``model.library.exact.in_time``): every enactment by the end of the Congress counts.
    """
    rule = (variant or variants.DEFAULT)["window"]
    if rule == "congress_end":
        # the library's rule (``exact.in_time``): any enactment by the Congress's end counts
        t = np.minimum(np.asarray(months, dtype=float)[None, :], lame_duck_end)
        by = in_time(
            draws["duration_mu"][:, None],
            draws["duration_sigma"][:, None],
            t - _start(draws, eff)[:, None],
        )
        return p_willing(draws, eff)[:, None] * by
    if rule == "falling_hazard":
        by = variants.falling_hazard_by(
            draws, _start(draws, eff), months, election=election, lame_duck_end=lame_duck_end
        )
        return p_willing(draws, eff)[:, None] * by
    t = np.asarray(months, dtype=float)[None, :]
    s = _start(draws, eff)[:, None]
    w = window(draws, election=election)[:, None]
    mu, sigma = draws["duration_mu"][:, None], draws["duration_sigma"][:, None]
    in_window = lognormal_cdf(np.minimum(t, w) - s, mu, sigma)
    late = lognormal_cdf(np.minimum(t, lame_duck_end) - s, mu, sigma) - lognormal_cdf(
        w - s, mu, sigma
    )
    late = np.where(t >= election, np.clip(late, 0, 1), 0.0)
    return p_willing(draws, eff)[:, None] * (in_window + draws["p_lame_duck"][:, None] * late)


def _pure(draws: Draws, eff: Effects, *, election: float, lame_duck_end: float, variant, reference):
    """P(enacted in time) and P(accept) of one pure design: enactment by the lame duck's end."""
    kwargs = {"election": election, "lame_duck_end": lame_duck_end, "variant": variant}
    p_enacted = enacted_by(draws, eff, [lame_duck_end], **kwargs)[:, 0]
    return p_enacted, p_accept(draws, eff, variant=variant, reference=reference)


def pure_designs(priors: Priors, design: dict[str, Any]):
    """``(weight, Effects)`` of each pure design in ``design`` (a mixture is expanded)."""
    for weight, pure in expand(design):
        eff = effects(
            pure,
            priors.levers,
            base_components=priors.case["components"],
            arenas=priors.vocabulary.arenas,
        )
        yield weight, eff


def evaluate(
    draws: Draws, priors: Priors, evidence: Evidence, *, design: dict[str, Any] | None = None
) -> dict[str, np.ndarray]:
    """Per-draw outcome probabilities for a design (default: the priors file's design).

    Returns
    -------
    dict
        ``p_framework``, ``p_congress``, ``p_enacted``, ``p_accepted``, ``p_deal`` and
        ``months_to_enactment`` (median months from the as-of date to enactment if Congress
        acts and nothing closes the window), each an array over draws.
    """
    design = priors.design if design is None else design
    calendar = {
        "election": evidence.months("election"),
        "lame_duck_end": evidence.months("lame_duck_end"),
    }
    n = len(draws["p_agree"])
    out = {k: np.zeros(n) for k in ("p_congress", "p_enacted", "p_accepted", "both")}
    out["months_to_enactment"] = np.zeros(n)
    for weight, eff in pure_designs(priors, design):
        p_enacted, p_acc = _pure(
            draws, eff, **calendar, variant=priors.variant, reference=opposition_reference(priors)
        )
        out["p_congress"] += weight * p_willing(draws, eff)
        out["p_enacted"] += weight * p_enacted
        out["p_accepted"] += weight * p_acc
        out["both"] += weight * variants.joint(
            draws["p_agree"], p_enacted, p_acc, draws, priors.variant
        )
        out["months_to_enactment"] += weight * (_start(draws, eff) + np.exp(draws["duration_mu"]))
    both = out.pop("both")
    out["p_framework"] = draws["p_agree"].copy()
    out["p_deal"] = both
    return out


def timing(draws: Draws, priors: Priors, evidence: Evidence, months, *, design=None) -> np.ndarray:
    """P(enacted by month t | framework agreed) per draw: shape (S, len(months))."""
    design = priors.design if design is None else design
    kwargs = {
        "election": evidence.months("election"),
        "lame_duck_end": evidence.months("lame_duck_end"),
        "variant": priors.variant,
    }
    total = 0.0
    for weight, eff in pure_designs(priors, design):
        total = total + weight * enacted_by(draws, eff, months, **kwargs)
    return total
