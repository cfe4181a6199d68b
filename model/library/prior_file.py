"""Priors taken from the case library: the pooled prediction plus sourced case adjustments.

A ``[params.NAME]`` table with ``from = "library"`` takes its distribution from the pooled
posterior predictive that ``feasibility pooled`` wrote (``[evidence] pooled``, a path
relative to the priors file; default the project's ``data/pooled_prior.json``), fitted on the
cases resolved before the as-of date. The file is refused when stale: when the cases known on
the priors' as-of date are not those it was fitted on. Each entry of the table's ``adjust`` is
a Normal(mu, sigma) with a ``source``, added to the pooled log-odds (a sum of independent
Normals: the means add, the variances add).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from model.case.distributions import FAMILIES
from model.case.inputs import is_number
from model.case.schema import CORE_PARAMS, INTERVAL_KEYS
from model.case.spec import PriorSpec
from model.constants import PARAM_BOUNDS, POOLED_FILE
from model.errors import InputError
from model.files import read_text
from model.library.cases import known_at, load_cases, training_digest

_LIBRARIES: dict = {}


@dataclass(frozen=True)
class PooledPart:
    """What a library-based prior is made of: the pooled prediction and the adjustments."""

    dist: str
    params: dict[str, float]
    adjustments: tuple[tuple[str, float, float, str], ...] = field(default_factory=tuple)
    n_cases: int = 0
    file: str = ""
    reference: float = 0.5
    """The library's typical partner opposition (the ``gov_will`` reference point)."""


def _library(path: Path):
    stat = path.stat() if path.exists() else None
    key = (str(path), stat and (stat.st_mtime_ns, stat.st_size))
    if key not in _LIBRARIES:
        _LIBRARIES[key] = load_cases(path)
    return _LIBRARIES[key]


def read_pooled(where, folder: Path, evidence: dict[str, Any], as_of: date) -> dict[str, Any]:
    """Read the pooled-prior file and refuse it when stale for ``as_of``."""
    path = (folder / evidence.get("pooled", POOLED_FILE)).resolve()
    fix = "run `feasibility pooled` to write it"
    if not path.exists():
        raise InputError(where, "evidence.pooled", f"{path} not found", fix)
    try:
        blob = json.loads(read_text(path, what="pooled-prior JSON file"), parse_constant=_no_nan)
    except InputError as exc:
        raise InputError(where, "evidence.pooled", f"{path}: {exc.problem}", fix) from None
    except (ValueError, RecursionError) as exc:
        problem = f"{path} is not valid JSON ({' '.join(str(exc).split())[:120]})"
        raise InputError(where, "evidence.pooled", problem, fix) from None
    if not isinstance(blob, dict) or not isinstance(blob.get("params"), dict):
        raise InputError(where, "evidence.pooled", f"{path} has no params table", fix)
    _check_pooled_params(path, blob["params"], fix)
    cases = _library((path.parent / blob.get("cases_file", "cases.csv")).resolve())
    train = known_at(cases.cases, as_of)
    if training_digest(train) != blob.get("training_digest"):
        problem = f"{path.name} was fitted on other cases than those known on {as_of}"
        raise InputError(where, "evidence.pooled", problem, f"{fix} (with --as-of {as_of})")
    return blob | {"path": str(path)}


def _no_nan(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _check_pooled_params(path: Path, params: dict, fix: str) -> None:
    """Each entry a known core parameter with a known family and its parameters in bounds."""
    for name, entry in params.items():
        key = f"params.{name}"
        if name not in CORE_PARAMS:
            raise InputError(path, key, "unknown parameter", f"{fix} (the model has no {name})")
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("dist"), str)
            or entry["dist"] not in FAMILIES
        ):
            raise InputError(path, f"{key}.dist", f"must be one of {sorted(FAMILIES)}", fix)
        values = entry.get("params")
        expected = set(FAMILIES[entry["dist"]].params)
        if not isinstance(values, dict) or set(values) != expected:
            raise InputError(path, f"{key}.params", f"must give {sorted(expected)}", fix)
        for k, v in values.items():
            low, high = PARAM_BOUNDS[k]
            if not is_number(v):
                raise InputError(path, f"{key}.params.{k}", f"{v!r} is not a number", fix)
            if not low <= v <= high:
                raise InputError(
                    path, f"{key}.params.{k}", f"{v!r} outside [{low:g}, {high:g}]", fix
                )


def pooled_prior(where, spec: PriorSpec, folder: Path, evidence, as_of: date):
    """``(dist, params, PooledPart)`` of a checked ``from = "library"`` parameter table."""
    name, key = spec.name, f"params.{spec.name}"
    blob = read_pooled(where, folder, evidence, as_of)
    entry = blob["params"].get(name)
    if not isinstance(entry, dict):
        raise InputError(where, key, f"{Path(blob['path']).name} has no {name}", "refit it")
    dist, params = entry["dist"], {k: float(v) for k, v in entry["params"].items()}
    if spec.dist is not None and spec.dist != dist:
        raise InputError(where, f"{key}.dist", f"the library gives {dist}", "drop dist or match")
    if spec.adjust and dist != "Normal":
        raise InputError(where, f"{key}.adjust", f"needs a Normal prior, not {dist}", "drop it")
    parts = tuple((a.label, a.mu, a.sigma, a.source.strip()) for a in spec.adjust)
    final = dict(params)
    if parts:
        final = {
            "mu": params["mu"] + sum(p[1] for p in parts),
            "sigma": math.sqrt(params["sigma"] ** 2 + sum(p[2] ** 2 for p in parts)),
        }
    reference = blob.get("reference", {}).get("opposition", 0.5)
    n = int(blob.get("n_training", 0))
    part = PooledPart(dist, params, parts, n, blob["path"], float(reference))
    return dist, final, part


def materialize(raw: dict[str, Any], over: Any, *, where, folder: Path) -> None:
    """Write out the library-based priors that an overlay re-parametrises, in ``raw``.

    An overlay that gives a library-based prior new distribution numbers changes the pooled
    numbers it names and keeps the others, as with any other prior.
    """
    params = over.get("params") if isinstance(over, dict) else None
    if not isinstance(params, dict):
        return
    keys = {"dist", *INTERVAL_KEYS, *(k for f in FAMILIES.values() for k in f.params)}
    for name, spec in params.items():
        base = raw["params"].get(name)
        if not (isinstance(spec, dict) and isinstance(base, dict) and "from" in base):
            continue
        if set(spec) & keys:
            checked = PriorSpec.parse(where, name, base)
            dist, values, _ = pooled_prior(
                where, checked, folder, raw["evidence"], raw["case"]["as_of"]
            )
            raw["params"][name] = {"dist": dist, **values, "source": base.get("source", "")}
