"""Load, overlay, validate and elicit the priors file of a case.

A priors file is TOML with the tables ``case``, ``evidence``, ``params``, ``levers`` and
``design``. Scenario files overlay it and change only the keys they name. Every problem is
reported as one :class:`~model.errors.InputError` line naming the file, the key and the fix.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from model.case.distributions import FAMILIES, POSITIVE_PARAMS, SUPPORT_FITS, elicit, scipy_dist
from model.case.inputs import is_number, read_toml, require_table, unknown_key
from model.case.levers import validate_design, validate_levers
from model.case.overlay import apply_overlay, parse_sets
from model.case.pooled_prior import PooledPart, pooled_prior, validate_variant
from model.case.schema import (
    CASE_KEYS,
    CORE_PARAMS,
    EVIDENCE_KEYS,
    INTERVAL_KEYS,
    OPPOSE_PREFIX,
    OPTIONAL_PARAMS,
    OPTIONAL_TOP_KEYS,
    PARAM_EXTRA_KEYS,
    TOP_KEYS,
)
from model.constants import AS_OF, CACHE_DIR, PRIORS_FILE
from model.errors import InputError


@dataclass(frozen=True)
class Prior:
    """One resolved prior: distribution, its parameters, and what it rests on."""

    name: str
    dist: str
    params: dict[str, float]
    source: str
    interval: tuple[float, float, float] | None = None
    pooled: PooledPart | None = None
    """Set when the prior is the library's pooled prediction plus sourced adjustments."""

    def describe(self) -> str:
        """Short text such as ``Beta(alpha=7.1, beta=4.32)``."""
        args = ", ".join(f"{k}={v:.3g}" for k, v in self.params.items())
        return f"{self.dist}({args})"


@dataclass
class Priors:
    """A validated, resolved priors file, possibly with scenario overlays applied."""

    path: Path
    raw: dict[str, Any]
    params: dict[str, Prior]
    overlays: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    changes_evidence: bool = False
    layers: list[tuple[str, Any]] = field(default_factory=list)
    """Overlays in the order applied: ("scenario", path), ("overrides", dict), ("sets", list),
    ("as_of", date)."""

    @property
    def case(self) -> dict[str, Any]:
        return self.raw["case"]

    @property
    def levers(self) -> dict[str, Any]:
        return self.raw["levers"]

    @property
    def design(self) -> dict[str, Any]:
        return self.raw["design"]

    @property
    def evidence(self) -> dict[str, Any]:
        return self.raw["evidence"]

    @property
    def design_label(self) -> str:
        """How reports name the design on the table (``case.design_label``)."""
        return self.case.get("design_label", "the baseline design")

    @property
    def variant(self) -> dict[str, str]:
        """The structural variant: each choice's option (``model.case.schema.VARIANTS``)."""
        return validate_variant(self.path, self.raw.get("variant", []))

    @property
    def as_of(self) -> date:
        return self.case["as_of"]

    @property
    def components(self) -> list[str]:
        return sorted(n[len(OPPOSE_PREFIX) :] for n in self.params if n.startswith(OPPOSE_PREFIX))

    def evidence_dir(self) -> Path:
        return (self.path.parent / self.evidence.get("dir", "../data")).resolve()

    def params_hash(self) -> str:
        """Hash of the resolved priors only (what the posterior depends on)."""
        blob = {n: [p.dist, p.params] for n, p in sorted(self.params.items())}
        if not self.evidence.get("reference", True):
            blob["(reference class)"] = "not used"
        return _digest(blob)

    def full_hash(self) -> str:
        """Hash of everything: priors, levers, design, case and evidence settings."""
        blob = {k: self.raw[k] for k in sorted(self.raw) if k != "params"}
        return _digest({"params": self.params_hash(), "rest": _jsonable(blob)})


def _digest(obj: Any) -> str:
    text = json.dumps(_jsonable(obj), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, date):
        return obj.isoformat()
    return obj


def load_priors(
    path: str | Path = PRIORS_FILE,
    *,
    scenarios: list[str | Path] | None = None,
    overrides: dict[str, Any] | None = None,
    sets: list[str] | None = None,
    as_of: date | None = None,
    layers: list[tuple[str, Any]] | None = None,
) -> Priors:
    """Load a priors file, apply scenario overlays and overrides, validate and elicit.

    Parameters
    ----------
    path : str or Path
        The base priors file.
    scenarios : list of path, optional
        Scenario overlay files, applied in order.
    overrides : dict, optional
        A nested overlay given in Python (same shape as a scenario file).
    sets : list of str, optional
        ``KEY=VALUE`` overrides with dotted keys, as given to ``--set``.
    as_of : date, optional
        Replaces ``case.as_of``.
    layers : list of (kind, value), optional
        Overlays applied first, as kept in ``Priors.layers`` of an earlier load (so a what-if
        applies on top of everything its baseline already had).

    Returns
    -------
    Priors

    Raises
    ------
    InputError
        On any malformed, unknown or impossible entry.
    """
    path = Path(path)
    raw = read_toml(path)
    validate_base(path, raw)
    priors_raw = copy.deepcopy(raw)
    todo = list(layers or [])
    todo += [("scenario", Path(p)) for p in scenarios or []]
    todo += [("overrides", overrides)] if overrides else []
    todo += [("sets", list(sets))] if sets else []
    todo += [("as_of", as_of)] if as_of is not None else []
    overlays, questions, changes_evidence = [], [], False
    for kind, value in todo:
        if kind != "as_of":
            over = read_toml(value) if kind == "scenario" else value
            over = parse_sets(value) if kind == "sets" else over
            where_over = value if kind == "scenario" else kind
            _materialize(priors_raw, over, where=where_over, folder=path.parent)
        if kind == "scenario":
            over = read_toml(value)
            changes_evidence |= apply_overlay(priors_raw, over, where=value, scenario=True)
            _overlay_variant(priors_raw, over, where=value)
            overlays.append(str(value))
            questions.append(over.get("question", ""))
        elif kind == "as_of":
            priors_raw["case"]["as_of"] = value
        elif kind == "overrides":
            changes_evidence |= apply_overlay(priors_raw, value, where="overrides")
            _overlay_variant(priors_raw, value, where="overrides")
            overlays.append("overrides")
        else:
            changes_evidence |= apply_overlay(priors_raw, parse_sets(value), where="--set")
            _overlay_variant(priors_raw, parse_sets(value), where="--set")
            overlays.append("--set " + " ".join(value))
    where = path if not overlays else f"{path} + {', '.join(overlays)}"
    validate_base(where, priors_raw)
    pooled = (path.parent, priors_raw["evidence"], priors_raw["case"]["as_of"])
    params = {
        name: resolve_prior(where, name, spec, pooled=pooled)
        for name, spec in priors_raw["params"].items()
    }
    variant = validate_variant(where, priors_raw.get("variant", []))
    if variant["hurdles"] == "shared_factor" and "hurdle_correlation" not in params:
        raise InputError(
            where, "params.hurdle_correlation", "missing", "the shared_factor variant needs it"
        )
    validate_levers(where, priors_raw["levers"], params)
    validate_design(where, priors_raw["design"], priors_raw["levers"])
    return Priors(path, priors_raw, params, overlays, questions, changes_evidence, todo)


def validate_base(where, raw: dict[str, Any]) -> None:
    """Check the top-level shape, the case and evidence tables and every param table."""
    for key in raw:
        if key not in TOP_KEYS:
            raise unknown_key(where, key, TOP_KEYS)
    for key in TOP_KEYS - OPTIONAL_TOP_KEYS:
        if key not in raw:
            raise InputError(where, key, "missing table", f"add a [{key}] table (see README)")
        require_table(where, key, raw[key])
    case = raw["case"]
    for key in case:
        if key not in CASE_KEYS:
            raise unknown_key(where, f"case.{key}", CASE_KEYS)
    case.setdefault("as_of", AS_OF)
    if not isinstance(case["as_of"], date):
        raise InputError(where, "case.as_of", "must be a TOML date", "write it as 2007-08-15")
    for key in raw["evidence"]:
        if key not in EVIDENCE_KEYS:
            raise unknown_key(where, f"evidence.{key}", EVIDENCE_KEYS)
    if not isinstance(raw["evidence"].get("reference", True), bool):
        raise InputError(where, "evidence.reference", "must be true or false", "fix it")
    if not isinstance(raw["evidence"].get("pooled", ""), str):
        raise InputError(where, "evidence.pooled", "must be a path", 'write "../data/..."')
    for name, spec in raw["params"].items():
        require_table(where, f"params.{name}", spec)
        known = name in CORE_PARAMS or name in OPTIONAL_PARAMS
        if not known and not name.startswith(("us_", "mx_", OPPOSE_PREFIX)):
            raise InputError(
                where,
                f"params.{name}",
                "not a parameter of the model",
                f"name it one of {', '.join(CORE_PARAMS)}, us_*, mx_* or oppose_*",
            )
    for name in CORE_PARAMS:
        if name not in raw["params"]:
            raise InputError(where, f"params.{name}", "missing", "add a [params.NAME] table")


def _materialize(raw: dict[str, Any], over: dict[str, Any], *, where, folder: Path) -> None:
    """Write out a library-based prior that an overlay re-parametrises, so that the overlay
    changes the pooled numbers it names and keeps the others (as with any other prior)."""
    params = over.get("params") if isinstance(over, dict) else None
    if not isinstance(params, dict):
        return
    keys = {"dist", *INTERVAL_KEYS, *(k for f in FAMILIES.values() for k in f.params)}
    for name, spec in params.items():
        base = raw["params"].get(name)
        if not (isinstance(spec, dict) and isinstance(base, dict) and "from" in base):
            continue
        if set(spec) & keys:
            pooled = (folder, raw["evidence"], raw["case"]["as_of"])
            dist, values, _ = pooled_prior(where, name, base, *pooled)
            raw["params"][name] = {"dist": dist, **values, "source": base.get("source", "")}


def _overlay_variant(raw: dict[str, Any], over: dict[str, Any], *, where) -> None:
    if "variant" in over:
        value = over["variant"]
        raw["variant"] = [value] if isinstance(value, str) else value
        validate_variant(where, raw["variant"])


def resolve_prior(where, name: str, spec: dict[str, Any], *, pooled=None) -> Prior:
    """Validate one ``[params.NAME]`` table and turn it into a :class:`Prior`.

    ``pooled`` is ``(folder, evidence table, as_of)``, used by ``from = "library"`` tables.
    """
    key = f"params.{name}"
    if "from" in spec or "adjust" in spec:
        if pooled is None:
            raise InputError(where, f"{key}.from", "needs the case library", "give the priors")
        dist, params, part = pooled_prior(where, name, spec, *pooled)
        support = parameter_support(name)
        if FAMILIES[dist].support not in SUPPORT_FITS[support]:
            raise InputError(where, key, f"pooled {dist} does not fit {support}", "fix [pooled]")
        return Prior(name, dist, params, spec.get("source", "").strip(), None, part)
    dist = spec.get("dist")
    if not isinstance(dist, str) or dist not in FAMILIES:
        raise unknown_key(where, f"{key}.dist", FAMILIES, value=dist)
    family = FAMILIES[dist]
    allowed = {"dist", "source", *family.params, *INTERVAL_KEYS, *PARAM_EXTRA_KEYS}
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
            raise InputError(where, f"{key}.{k}", f"must be a number, got {spec[k]!r}", "fix it")
    if given_interval:
        return _elicited(where, key, name, dist, spec, source)
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
    return Prior(name, dist, params, source.strip())


def parameter_support(name: str) -> str:
    """Support the model needs for a parameter, from its name."""
    if name in CORE_PARAMS:
        return CORE_PARAMS[name][0]
    if name in OPTIONAL_PARAMS:
        return OPTIONAL_PARAMS[name][0]
    if name.startswith(OPPOSE_PREFIX):
        return "unit"
    return "real"


def _elicited(where, key, name, dist, spec, source) -> Prior:
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
        params = cached_elicit(dist, lower, upper, mass)
    except InputError as exc:
        raise InputError(where, key, exc.problem, exc.fix) from None
    return Prior(name, dist, params, source.strip(), (lower, upper, mass))


def cached_elicit(dist: str, lower: float, upper: float, mass: float) -> dict[str, float]:
    """PreliZ maximum-entropy elicitation, cached on disk (importing PreliZ costs seconds)."""
    cache = CACHE_DIR / "elicited.json"
    key = f"{dist}|{lower!r}|{upper!r}|{mass!r}"
    table: dict[str, Any] = {}
    if cache.exists():
        try:
            table = json.loads(cache.read_text())
            if not isinstance(table, dict):
                raise ValueError("not a JSON object")
        except ValueError:
            table = {}
    hit = table.get(key)
    if isinstance(hit, dict) and set(hit) == set(FAMILIES[dist].params):
        return {k: float(v) for k, v in hit.items()}
    try:
        params = elicit(dist, lower, upper, mass)
        got = scipy_dist(dist, params).cdf(upper) - scipy_dist(dist, params).cdf(lower)
    except Exception as exc:  # PreliZ raises many kinds on impossible intervals
        raise InputError(
            f"{dist}[{lower}, {upper}]",
            "elicitation",
            f"PreliZ could not fit it ({exc})",
            "widen the interval or give the parameters directly",
        ) from None
    if not abs(got - mass) <= 0.02:
        raise InputError(
            f"{dist}[{lower}, {upper}]",
            "elicitation",
            f"best fit holds {got:.2f}, not {mass}",
            "widen the interval or give the parameters directly",
        )
    table[key] = params
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    tmp.write_text(json.dumps(table, indent=1, sort_keys=True))
    tmp.replace(cache)
    return params
