"""Structural variants of the two-level model, by name: the formulas each option stands for.

Three structural choices, each scored by the rolling-origin backtest rather than chosen by eye
(``model.case.schema.VARIANTS``; the first option of each is the default):

window
    ``hard_window``: enactment counts inside ``window_months`` (then a lame-duck chance);
    ``falling_hazard``: Congress's hazard of acting falls after ``window_months`` with time
    scale ``FADE_MONTHS`` until the Congress ends (``lame_duck_end``).
acceptance
    ``most_opposed``: the most opposed component drives Mexico's acceptance;
    ``weighted_opposition``: the opposition-weighted mean of the components' opposition
    (sum of o^2 / sum of o), so every component counts, the more opposed ones more.
hurdles
    ``independent``: P(deal) is the product of the three hurdles;
    ``shared_factor``: the hurdles share a latent factor with correlation
    ``hurdle_correlation`` (Putnam's anticipated ratification: executives agree frameworks
    they expect both sides to ratify); each hurdle's own probability is unchanged.
"""

from __future__ import annotations

import hashlib
from collections import deque

import numpy as np

from model.case.schema import VARIANTS
from model.library.model import copula_all, hazard_at, hazard_tail, ops

DEFAULT = {choice: options[0] for choice, options in VARIANTS.items()}

HAZARD_MEMO_SIZE = 8
"""Falling-hazard answers kept in memory (each is draws x months floats)."""
_HAZARD_MEMO: deque[tuple[tuple, bytes, np.ndarray]] = deque(maxlen=HAZARD_MEMO_SIZE)


def label(variant: dict[str, str]) -> str:
    """Short name of a variant: its non-default options joined by ``+`` (or ``baseline``)."""
    parts = [variant[c] for c in VARIANTS if variant.get(c, DEFAULT[c]) != DEFAULT[c]]
    return "+".join(parts) or "baseline"


def from_label(text: str) -> dict[str, str]:
    """The variant named by ``label`` (``baseline`` or options joined by ``+``); ValueError."""
    out = dict(DEFAULT)
    for name in filter(None, text.split("+")):
        if name == "baseline":
            continue
        choice = [c for c, options in VARIANTS.items() if name in options]
        if not choice:
            raise ValueError(name)
        out[choice[0]] = name
    return out


def opposition(shares: list[np.ndarray], variant: dict[str, str]) -> np.ndarray:
    """The opposition that drives acceptance, per draw, from each component's share."""
    stack = np.asarray(shares)
    if variant.get("acceptance", DEFAULT["acceptance"]) == "most_opposed":
        return stack.max(axis=0)
    total = stack.sum(axis=0)
    return np.where(total > 0, (stack**2).sum(axis=0) / np.where(total > 0, total, 1.0), 0.0)


def falling_hazard_by(draws, start, months, *, election: float, lame_duck_end: float) -> np.ndarray:
    """P(enacted by each month | willing) under ``falling_hazard``: shape (S, len(months)).

    The hazard starts falling when the window closes (``window_months``, capped at the
    election, as under ``hard_window``) and the Congress ends at ``lame_duck_end``. The last
    few answers are kept, keyed by the timing draws themselves (the same arrays, held) and the
    bytes of the start months: a what-if that leaves the timing draws alone (a lever, Mexico's
    opinion) reuses them.
    """
    mu, sigma = draws["duration_mu"], draws["duration_sigma"]
    w = np.minimum(draws["window_months"], election)
    start = np.broadcast_to(np.asarray(start, dtype=float), w.shape)
    months = np.atleast_1d(np.asarray(months, dtype=float))
    held = (draws["duration_mu"], draws["duration_sigma"], draws["window_months"])
    h = hashlib.blake2b(digest_size=16)
    for part in (start, months, np.array([election, lame_duck_end])):
        h.update(np.ascontiguousarray(part, dtype=float).tobytes())
    key = h.digest()
    for memo_held, memo_key, memo_out in _HAZARD_MEMO:
        if memo_key == key and all(a is b for a, b in zip(memo_held, held, strict=True)):
            return memo_out.copy()
    o = ops("np")
    end = np.full_like(w, lame_duck_end)
    tail = hazard_tail(mu, sigma, start, w, end, o)
    cols = [hazard_at(tail, mu, sigma, start, w, np.full_like(w, t), o) for t in months]
    out = np.stack(cols, axis=1)
    _HAZARD_MEMO.appendleft((held, key, out))
    return out.copy()


def joint(p_agree, p_enacted, p_accepted, draws, variant: dict[str, str]) -> np.ndarray:
    """P(framework and enactment and acceptance) per draw under the hurdles variant."""
    if variant.get("hurdles", DEFAULT["hurdles"]) == "independent":
        return p_agree * p_enacted * p_accepted
    rho = np.clip(draws["hurdle_correlation"], 1e-6, 0.98)
    return copula_all([p_agree, p_enacted, p_accepted], rho, ops("np"))


def joint_two(p_a, p_b, rho) -> np.ndarray:
    """P(both) of two hurdles joined with correlation ``rho`` (0: the product)."""
    rho = np.broadcast_to(np.clip(np.asarray(rho, dtype=float), 1e-6, 0.98), np.shape(p_a))
    return copula_all([np.asarray(p_a), np.asarray(p_b)], rho, ops("np"))
