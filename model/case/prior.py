"""One prior: its distribution and what it rests on, validated, resolved and elicited.

A ``[params.NAME]`` table gives a ``dist`` and either the distribution's parameters or an
expert's interval (``lower``, ``upper``, ``mass``) that is elicited into parameters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from model.case.distributions import FAMILIES, POSITIVE_PARAMS, SUPPORT_FITS
from model.case.elicitation import cached_elicit
from model.case.inputs import is_number, unknown_key
from model.case.pooled_prior import PooledPart, pooled_prior
from model.case.schema import (
    CORE_PARAMS,
    DEFAULT_TAILS,
    INTERVAL_KEYS,
    OPPOSE_PREFIX,
    OPTIONAL_PARAMS,
    PARAM_EXTRA_KEYS,
    TAILS,
)
from model.constants import INTERVAL_MIN_WIDTH, PARAM_BOUNDS
from model.errors import InputError


@dataclass(frozen=True)
class Prior:
    """One resolved prior: distribution, its parameters, and what it rests on."""

    name: str
    dist: str
    params: dict[str, float]
    source: str
    interval: tuple[float, float, float] | None = None
    tails: str | None = None
    """The elicitation convention (``equal`` or ``maxent``) of an elicited prior."""
    pooled: PooledPart | None = None
    """Set when the prior is the library's pooled prediction plus sourced adjustments."""

    def describe(self) -> str:
        """Short text such as ``Beta(alpha=7.1, beta=4.32)``."""
        args = ", ".join(f"{k}={v:.3g}" for k, v in self.params.items())
        return f"{self.dist}({args})"


def check_bounds(where, key: str, params: dict[str, float], *, elicited: bool = False) -> None:
    """Refuse distribution parameters outside ``PARAM_BOUNDS`` (where the sampler works)."""
    for k, value in params.items():
        low, high = PARAM_BOUNDS[k]
        if not (math.isfinite(value) and low <= value <= high):
            fix = (
                "widen the interval or give the parameters directly"
                if elicited
                else f"use a value in [{low:g}, {high:g}]"
            )
            problem = f"{k} = {value:.6g} lies outside [{low:g}, {high:g}]"
            if elicited:
                problem = f"the elicited {problem}: the sampler cannot work with it"
            raise InputError(where, f"{key}.{k}" if not elicited else key, problem, fix)


def resolve_prior(
    where, name: str, spec: dict[str, Any], *, tails: str = DEFAULT_TAILS, pooled=None
) -> Prior:
    """Validate one ``[params.NAME]`` table and turn it into a :class:`Prior`.

    ``tails`` is the file's elicitation convention; the table's own ``tails`` key overrides it.
    ``pooled`` is ``(folder, evidence table, as_of)``, used by ``from = "library"`` tables.
    """
    key = f"params.{name}"
    if "from" in spec or "adjust" in spec:
        if pooled is None:
            raise InputError(where, f"{key}.from", "needs the case library", "give the priors")
        dist, params, part = pooled_prior(where, name, spec, *pooled)
        support = parameter_support(name)
        if FAMILIES[dist].support not in SUPPORT_FITS[support]:
            raise InputError(where, key, f"pooled {dist} does not fit {support}", "refit it")
        check_bounds(where, key, params)
        return Prior(name, dist, params, spec.get("source", "").strip(), pooled=part)
    dist = spec.get("dist")
    if not isinstance(dist, str) or dist not in FAMILIES:
        raise unknown_key(where, f"{key}.dist", FAMILIES, value=dist)
    family = FAMILIES[dist]
    allowed = {"dist", "source", "tails", *family.params, *INTERVAL_KEYS, *PARAM_EXTRA_KEYS}
    for k in spec:
        if k not in allowed:
            raise unknown_key(where, f"{key}.{k}", allowed)
    source = spec.get("source")
    if not isinstance(source, str) or not source.strip():
        raise InputError(where, f"{key}.source", "missing", "say what this prior rests on")
    support = parameter_support(name)
    if family.support not in SUPPORT_FITS[support]:
        raise InputError(
            where,
            f"{key}.dist",
            f"{dist} has {family.support} support but {name} needs {support}",
            "use Beta for shares and probabilities, LogNormal/Gamma/HalfNormal for durations",
        )
    given_interval = [k for k in INTERVAL_KEYS if k in spec]
    given_params = [k for k in family.params if k in spec]
    if given_interval and given_params:
        raise InputError(
            where, key, "gives both an interval and distribution parameters", "keep one of them"
        )
    for k in (*given_interval, *given_params):
        if not is_number(spec[k]):
            raise InputError(
                where, f"{key}.{k}", f"must be a finite number, got {spec[k]!r}", "fix it"
            )
    if "tails" in spec and not given_interval:
        raise InputError(where, f"{key}.tails", "applies only to an elicited interval", "remove it")
    tails = spec.get("tails", tails)
    if tails not in TAILS:
        raise unknown_key(where, f"{key}.tails", TAILS, value=tails)
    if given_interval:
        return _elicited(where, key, name, dist, spec, source, tails)
    missing = [k for k in family.params if k not in spec]
    if missing:
        raise InputError(
            where,
            f"{key}.{missing[0]}",
            "missing",
            f"give {', '.join(family.params)} or lower/upper/mass",
        )
    for k in family.params:
        if k in POSITIVE_PARAMS and spec[k] <= 0:
            raise InputError(
                where, f"{key}.{k}", f"must be > 0, got {spec[k]}", "use a positive value"
            )
    params = {k: float(spec[k]) for k in family.params}
    check_bounds(where, key, params)
    return Prior(name, dist, params, source.strip())


def parameter_support(name: str) -> str:
    """Support the model needs for a parameter, from its name."""
    if name in CORE_PARAMS or name in OPTIONAL_PARAMS:
        return (CORE_PARAMS | OPTIONAL_PARAMS)[name][0]
    if name.startswith(OPPOSE_PREFIX):
        return "unit"
    return "real"


def _elicited(where, key, name, dist, spec, source, tails) -> Prior:
    missing = [k for k in INTERVAL_KEYS if k not in spec]
    if missing:
        raise InputError(where, f"{key}.{missing[0]}", "missing", "give lower, upper and mass")
    lower, upper, mass = (float(spec[k]) for k in INTERVAL_KEYS)
    if not lower < upper:
        raise InputError(
            where, f"{key}.lower", f"lower ({lower}) must be below upper ({upper})", "swap them"
        )
    if not 0 < mass < 1:
        raise InputError(where, f"{key}.mass", f"must be in (0, 1), got {mass}", "use e.g. 0.9")
    if upper - lower < INTERVAL_MIN_WIDTH * max(1.0, abs(lower), abs(upper)):
        raise InputError(
            where,
            key,
            f"interval [{lower}, {upper}] is too narrow to elicit a prior the sampler can use",
            "widen it, or give the distribution's parameters directly",
        )
    support = FAMILIES[dist].support
    if support == "unit" and not (lower > 0 and upper < 1):
        raise InputError(
            where, key, f"interval [{lower}, {upper}] lies outside (0, 1)", "use shares in (0, 1)"
        )
    if support == "positive" and lower < 0:
        raise InputError(
            where, f"{key}.lower", f"must be >= 0, got {lower}", "use a positive interval"
        )
    try:
        params = cached_elicit(dist, lower, upper, mass, tails=tails)
    except InputError as exc:
        raise InputError(where, key, exc.problem, exc.fix) from None
    check_bounds(where, key, params, elicited=True)
    return Prior(name, dist, params, source.strip(), (lower, upper, mass), tails)
