"""The elicitation cache: PreliZ maximum-entropy fits kept on disk, one file per entry.

Importing PreliZ costs seconds, so every elicited prior is cached, keyed by the prior's spec and
the PreliZ version. Each entry is written through a unique temporary file and an atomic replace
(concurrent processes neither crash nor lose entries) and checked on load: an entry that no
longer puts the elicited mass inside the interval is elicited again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from model.case.distributions import FAMILIES, cdf, elicit
from model.case.inputs import is_number
from model.constants import CACHE_DIR, MASS_TOLERANCE
from model.errors import InputError
from model.files import write_text


def cached_elicit(
    dist: str, lower: float, upper: float, mass: float, *, tails: str = "maxent"
) -> dict[str, float]:
    """Elicitation (PreliZ maximum entropy, or ``tails="equal"``), cached on disk.

    One file per entry under ``CACHE_DIR/elicited``, named by the hash of the prior's spec and
    the PreliZ version, written through a unique temporary file and an atomic replace, so
    concurrent processes neither crash nor lose entries. A loaded entry is used only when it
    still puts ``mass`` between ``lower`` and ``upper``; otherwise it is elicited again. A cache
    that cannot be written is skipped (it only saves time).
    """
    spec = {"dist": dist, "lower": lower, "upper": upper, "mass": mass, "preliz": _preliz()}
    spec["tails"] = tails
    name = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:24]
    path = CACHE_DIR / "elicited" / f"{name}.json"
    hit = _read_entry(path, spec, dist)
    if hit is not None and abs(interval_mass(dist, hit, lower, upper) - mass) <= MASS_TOLERANCE:
        return hit
    try:
        params = elicit(dist, lower, upper, mass, tails=tails)
        got = interval_mass(dist, params, lower, upper)
    except Exception as exc:  # PreliZ raises many kinds on impossible intervals
        first = (str(exc).splitlines() or [""])[0]
        raise InputError(
            f"{dist}[{lower}, {upper}]",
            "elicitation",
            f"PreliZ could not fit it ({type(exc).__name__}: {first})",
            "widen the interval or give the parameters directly",
        ) from None
    if not abs(got - mass) <= MASS_TOLERANCE:
        raise InputError(
            f"{dist}[{lower}, {upper}]",
            "elicitation",
            f"best fit holds {got:.2f}, not {mass}",
            "widen the interval or give the parameters directly",
        )
    _write_entry(path, spec | {"params": params})
    return params


def interval_mass(dist: str, params: dict[str, float], lower: float, upper: float) -> float:
    """Probability a resolved prior puts between ``lower`` and ``upper`` (NaN when undefined)."""
    return float(cdf(dist, params, upper) - cdf(dist, params, lower))


def _preliz() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("preliz")
    except PackageNotFoundError:
        return "unknown"


def _read_entry(path: Path, spec: dict[str, Any], dist: str) -> dict[str, float] | None:
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or {k: entry.get(k) for k in spec} != spec:
        return None
    params = entry.get("params")
    names = set(FAMILIES[dist].params)
    if not isinstance(params, dict) or set(params) != names:
        return None
    if not all(is_number(v) for v in params.values()):
        return None
    return {k: float(params[k]) for k in FAMILIES[dist].params}


def _write_entry(path: Path, entry: dict[str, Any]) -> None:
    try:
        write_text(path, json.dumps(entry, sort_keys=True))
    except OSError:
        return
