"""One prior resolved: elicited, or taken from the case library.

A checked ``[params.NAME]`` table (`model.case.spec.PriorSpec`) becomes a distribution with its
parameters: given directly, elicited from an expert's interval (``lower``, ``upper``, ``mass``),
or the library's pooled prediction plus sourced adjustments (``from = "library"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from model.case.distributions import FAMILIES, SUPPORT_FITS
from model.case.elicitation import cached_elicit
from model.case.pooled_prior import PooledPart, pooled_prior
from model.case.schema import DEFAULT_TAILS
from model.case.spec import PriorSpec, check_bounds, parameter_support
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


def resolve_prior(
    where,
    spec: PriorSpec,
    *,
    tails: str = DEFAULT_TAILS,
    pooled: tuple[Path, dict[str, Any], date] | None = None,
) -> Prior:
    """Turn one checked ``[params.NAME]`` table into a :class:`Prior`.

    ``tails`` is the file's elicitation convention; the table's own ``tails`` overrides it.
    ``pooled`` is ``(folder, evidence table, as_of)``, used by ``from = "library"`` tables.
    """
    name, key = spec.name, f"params.{spec.name}"
    if spec.library:
        if pooled is None:
            raise InputError(where, f"{key}.from", "needs the case library", "give the priors")
        dist, params, part = pooled_prior(where, spec, *pooled)
        support = parameter_support(name)
        if FAMILIES[dist].support not in SUPPORT_FITS[support]:
            raise InputError(where, key, f"pooled {dist} does not fit {support}", "refit it")
        check_bounds(where, key, params)
        return Prior(name, dist, params, spec.source.strip(), pooled=part)
    assert spec.dist is not None, "a table without from = 'library' names its family"
    if spec.interval is None:
        return Prior(name, spec.dist, dict(spec.values), spec.source.strip())
    tails = spec.tails or tails
    lower, upper, mass = spec.interval
    try:
        params = cached_elicit(spec.dist, lower, upper, mass, tails=tails)
    except InputError as exc:
        raise InputError(where, key, exc.problem, exc.fix) from None
    check_bounds(where, key, params, elicited=True)
    return Prior(name, spec.dist, params, spec.source.strip(), spec.interval, tails)
