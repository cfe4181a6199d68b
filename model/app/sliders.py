"""The panel's prior sliders: every prior on its location and scale.

Normal and LogNormal priors move on ``mu`` and ``sigma`` (LogNormal's on the log scale),
HalfNormal on ``sigma``; Beta and Gamma priors, whose own parameters are not a location and a
scale, move on their ``mean`` and ``sd`` and are turned back into ``alpha`` and ``beta`` by the
method of moments (exact: the new prior has that mean and sd). Each moved prior's implied 90%
interval (``case.distributions.central_interval``) is shown back, so an expert who thinks in
interval bounds sees them move.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from model.case.distributions import central_interval
from model.case.schema import CORE_PARAMS, OPPOSE_PREFIX
from model.constants import CI_PCT
from model.errors import InputError

SLIDER_KEYS = {
    "Normal": ("mu", "sigma"),
    "LogNormal": ("mu", "sigma"),
    "HalfNormal": ("sigma",),
    "Beta": ("mean", "sd"),
    "Gamma": ("mean", "sd"),
}
"""The two (or one) numbers each family's sliders move."""
LOCATION = {"mu", "mean"}


def slider_values(dist: str, params: dict[str, float]) -> dict[str, float]:
    """A prior's location and scale, by the slider keys of its family."""
    if dist == "Beta":
        a, b = params["alpha"], params["beta"]
        mean = a / (a + b)
        return {"mean": mean, "sd": math.sqrt(mean * (1 - mean) / (a + b + 1))}
    if dist == "Gamma":
        a, rate = params["alpha"], params["beta"]
        return {"mean": a / rate, "sd": math.sqrt(a) / rate}
    return {k: params[k] for k in SLIDER_KEYS[dist]}


def to_params(dist: str, values: dict[str, float], *, name: str) -> dict[str, float]:
    """The family's own parameters for slider values (method of moments for Beta and Gamma).

    Raises
    ------
    InputError
        A Beta sd too large for its mean (no Beta has it), or a non-positive Gamma mean or sd.
    """
    if dist == "Beta":
        mean, sd = values["mean"], values["sd"]
        room = mean * (1 - mean)
        if not 0 < mean < 1 or sd <= 0 or sd**2 >= room:
            raise InputError(
                "panel",
                f"params.{name}.sd",
                f"no Beta prior has mean {mean:.3g} and sd {sd:.3g}",
                f"lower the sd below {math.sqrt(max(room, 0.0)):.3g}",
            )
        k = room / sd**2 - 1
        return {"alpha": mean * k, "beta": (1 - mean) * k}
    if dist == "Gamma":
        mean, sd = values["mean"], values["sd"]
        if mean <= 0 or sd <= 0:
            raise InputError(
                "panel", f"params.{name}", "mean and sd must be positive", "move them above 0"
            )
        return {"alpha": (mean / sd) ** 2, "beta": mean / sd**2}
    return dict(values)


def slider_range(
    key: str, value: float, values: dict[str, float], dist: str
) -> tuple[float, float]:
    """Range of a slider: the location +- 3 scales (inside the support), a scale x 1/4 to x 3."""
    if key not in LOCATION:
        return value / 4, value * 3
    scale = values.get("sigma", values.get("sd", 1.0))
    lo, hi = value - 3 * scale, value + 3 * scale
    if dist == "Beta":
        return max(lo, 0.005), min(hi, 0.995)
    if dist == "Gamma":
        return max(lo, value / 10), hi
    return lo, hi


@dataclass(frozen=True)
class Plain:
    """One slider in the quantity an expert states, and the map to the prior's own number.

    ``to_plain`` turns the prior's slider value (``mu``, ``sd``...) into what the slider shows
    (a probability in %, months, points); ``from_plain`` turns it back.
    """

    unit: str
    words: str
    to_plain: Callable[[float], float]
    from_plain: Callable[[float], float]
    low: float | None = None
    high: float | None = None
    """A fixed range in plain units (None: around the value, as `slider_range`)."""


def _expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _id(x: float) -> float:
    return x


def _pct(x: float) -> float:
    return 100 * x


def _unpct(y: float) -> float:
    return y / 100


def kind_of(name: str, dist: str, vocabulary) -> str:
    """What a parameter measures, from the generic model's roles.

    One of ``share``, ``probability``, ``log_odds``, ``effect``, ``log_months``, ``months``,
    ``shift`` or ``other``.
    """
    if name.startswith(OPPOSE_PREFIX):
        return "share"
    if name == "opinion_shift":
        return "shift"
    if vocabulary.role_of(name) is not None:
        return "effect"
    if dist == "Beta":
        return "probability"
    if dist == "LogNormal" or name == "duration_mu":
        return "log_months" if name in ("duration_mu", "announce_months") else "other"
    if name in ("window_months",):
        return "months"
    meaning = CORE_PARAMS.get(name, ("", ""))[1]
    if "log-odds" in meaning and dist == "Normal" and "lost per" not in meaning:
        return "log_odds"
    return "other"


def plain(name: str, dist: str, key: str, vocabulary) -> Plain:
    """The plain slider of one key of a prior (see `Plain`)."""
    kind = kind_of(name, dist, vocabulary)
    loc = key in LOCATION
    if kind in ("share", "probability") and dist == "Beta":
        what = "share opposed" if kind == "share" else "probability"
        if loc:
            return Plain("%", f"{what}, best guess (%)", _pct, _unpct, 1.0, 99.0)
        return Plain("points", f"{what}, uncertainty (sd, points)", _pct, _unpct)
    if kind == "shift":
        if loc:
            return Plain(
                "points", "change in the share opposed, poll to decision (points)", _pct,
                _unpct, -40.0, 40.0,
            )  # fmt: skip
        return Plain("points", "uncertainty of that change (sd, points)", _pct, _unpct)
    if kind == "log_odds" and dist == "Normal":
        if loc:
            return Plain("%", "probability, best guess (%)", lambda x: 100 * _expit(x),
                         lambda y: _logit(y / 100), 1.0, 99.0)  # fmt: skip
        return Plain("log-odds", "uncertainty (sd on the log-odds scale)", _id, _id)
    if kind == "log_months":
        if loc:
            return Plain("months", "median months", math.exp, math.log)
        return Plain("log-months", "spread (sd of log-months)", _id, _id)
    if kind == "months":
        return Plain("months", "months, " + ("mean" if loc else "sd"), _id, _id)
    if kind == "effect":
        return Plain(
            "log-odds", "effect on the log-odds of yes" if loc else "uncertainty (sd, log-odds)",
            _id, _id,
        )  # fmt: skip
    return Plain("", "location" if loc else "scale", _id, _id)


def interval_transform(name: str, dist: str, vocabulary) -> tuple[Callable[[float], float], str]:
    """How a prior's own values read in plain units (for its implied interval), and the unit."""
    kind = kind_of(name, dist, vocabulary)
    if kind in ("share", "probability"):
        return _pct, "%"
    if kind == "shift":
        return _pct, "points"
    if kind == "log_odds":
        return (lambda x: 100 * _expit(x)), "%"
    if kind == "log_months" and name == "duration_mu":
        return math.exp, "months (median)"
    if kind in ("log_months", "months"):
        return _id, "months"
    return _id, "log-odds" if kind == "effect" else ""


def plain_interval(name: str, dist: str, params: dict, vocabulary) -> str:
    """A prior's implied central interval in the expert's units, e.g. ``[58, 91] %``."""
    f, unit = interval_transform(name, dist, vocabulary)
    lo, hi = central_interval(dist, params)
    return f"{CI_PCT} interval {f(lo):.3g} to {f(hi):.3g}{(' ' + unit) if unit else ''}"
