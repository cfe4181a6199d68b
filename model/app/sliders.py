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
