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
from datetime import date, datetime
from pathlib import Path
from typing import Any

from model.case.inputs import (
    check_values,
    read_toml,
    require_table,
    require_text,
    unknown_key,
)
from model.case.levers import validate_decision, validate_design, validate_levers
from model.case.overlay import apply_overlay, parse_sets
from model.case.pooled_prior import materialize, validate_variant
from model.case.prior import Prior, resolve_prior
from model.case.schema import (
    CASE_KEYS,
    CORE_PARAMS,
    DEFAULT_TAILS,
    ELICITATION_KEYS,
    EVIDENCE_KEYS,
    OPPOSE_PREFIX,
    OPTIONAL_PARAMS,
    OPTIONAL_TOP_KEYS,
    TAILS,
    TOP_KEYS,
)
from model.case.source_dates import check_source_dates, hindsight_flag
from model.case.vocabulary import Vocabulary, read_vocabulary
from model.constants import (
    AS_OF,
    PRIORS_FILE,
    ROOT,
)
from model.errors import InputError


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
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    """The case's words: arena names, parameter labels, what evidence resolves each input."""
    hindsight: list[str] = field(default_factory=list)
    """Sources dated after the as-of date, each ``"FILE: KEY dated DATE"``: only from scenarios
    marked ``hindsight = true`` (empty for the baseline, the experts and the headline)."""

    def label(self, name: str) -> str:
        """Plain label of a parameter, from the case's vocabulary and lever labels."""
        return self.vocabulary.label(name, levers=self.levers)

    @property
    def case(self) -> dict[str, Any]:
        """The ``[case]`` table."""
        return self.raw["case"]

    @property
    def levers(self) -> dict[str, Any]:
        """The ``[levers]`` table."""
        return self.raw["levers"]

    @property
    def design(self) -> dict[str, Any]:
        """The design on the table (``[design]``)."""
        return self.raw["design"]

    @property
    def decision(self) -> dict[str, Any]:
        """The ``[decision]`` table: what designs are worth (empty: worth is P(deal))."""
        return self.raw.get("decision", {})

    @property
    def evidence(self) -> dict[str, Any]:
        """The ``[evidence]`` table."""
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
        """The analysis date."""
        return self.case["as_of"]

    @property
    def components(self) -> list[str]:
        """The package components that have an opposition prior."""
        return sorted(n[len(OPPOSE_PREFIX) :] for n in self.params if n.startswith(OPPOSE_PREFIX))

    @property
    def allow_outside_evidence(self) -> bool:
        """True when a layer (``--allow-outside-evidence``) lets evidence live outside ROOT."""
        return any(kind == "allow_outside_evidence" and value for kind, value in self.layers)

    def evidence_dir(self) -> Path:
        """The evidence folder; outside the project only with ``allow_outside_evidence``."""
        folder = (self.path.parent / self.evidence.get("dir", "../data")).resolve()
        if not self.allow_outside_evidence and not folder.is_relative_to(ROOT):
            raise InputError(
                self.path,
                f"evidence.dir = {self.evidence.get('dir')!r}",
                f"{folder} is outside the project {ROOT}",
                "keep the evidence inside the project, or pass --allow-outside-evidence",
            )
        return folder

    def params_hash(self) -> str:
        """Hash of the resolved priors only (what the posterior depends on)."""
        blob = {n: [p.dist, p.params] for n, p in sorted(self.params.items())}
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
    allow_outside_evidence: bool = False,
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
    allow_outside_evidence : bool
        Let ``evidence.dir`` point outside the project (kept as a layer, so what-ifs inherit it).

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
    todo += [("allow_outside_evidence", True)] if allow_outside_evidence else []
    overlays, questions, changes_evidence = [], [], False
    dated = raw.get("case", {}).get("dated_sources", False) is True
    to_date: list[tuple[Path | str, dict[str, Any], bool, bool]] = [(path, raw, False, dated)]
    for kind, value in todo:
        if kind == "scenario":
            over = read_toml(value)
            marked = hindsight_flag(value, over)
            to_date.append((value, over, marked, False))  # dated where a date is given
            materialize(priors_raw, over, where=value, folder=path.parent)
            changes_evidence |= apply_overlay(priors_raw, over, where=value, scenario=True)
            overlays.append(str(value))
            question = over.get("question", "")
            questions.append(f"[hindsight] {question}" if marked else question)
        elif kind == "as_of":
            if not isinstance(value, date) or isinstance(value, datetime):
                raise InputError("--as-of", repr(value), "must be a date", "write YYYY-MM-DD")
            priors_raw["case"]["as_of"] = value
        elif kind == "allow_outside_evidence":
            continue
        elif kind == "overrides":
            check_values("overrides", value)
            to_date.append(("overrides", value, False, False))
            materialize(priors_raw, value, where="overrides", folder=path.parent)
            changes_evidence |= apply_overlay(priors_raw, value, where="overrides")
            overlays.append("overrides")
        else:
            over = parse_sets(value)
            to_date.append(("--set", over, False, False))
            materialize(priors_raw, over, where="--set", folder=path.parent)
            changes_evidence |= apply_overlay(priors_raw, over, where="--set")
            overlays.append("--set " + " ".join(value))
    where = path if not overlays else f"{path} + {', '.join(overlays)}"
    validate_base(where, priors_raw)
    hindsight = [
        label
        for at, table, marked, required in to_date
        for label in check_source_dates(
            at, table, priors_raw["case"]["as_of"], hindsight=marked, required=required
        )
    ]
    tails = priors_raw.get("elicitation", {}).get("tails", DEFAULT_TAILS)
    pooled = (path.parent, priors_raw["evidence"], priors_raw["case"]["as_of"])
    params = {
        name: resolve_prior(where, name, spec, tails=tails, pooled=pooled)
        for name, spec in priors_raw["params"].items()
    }
    vocabulary = _validate_resolved(where, priors_raw, params)
    return Priors(
        path, priors_raw, params, overlays, questions, changes_evidence, todo, vocabulary, hindsight
    )


def overlay_priors(
    base: Priors, overlay: dict[str, Any], *, where: str = "overrides", question: str = ""
) -> Priors:
    """Apply a nested overlay to already loaded priors, in memory (no file is read).

    The same checks as :func:`load_priors` run on the result; priors the overlay leaves alone
    keep their resolved parameters (no new elicitation). Loading ``base.path`` with the
    returned ``layers`` gives the same priors.

    Parameters
    ----------
    base : Priors
        Loaded priors (with any overlays they already carry).
    overlay : dict
        Same shape as a scenario file's tables (``params``, ``design``, ``levers``, ...).
    where : str
        How errors name this overlay.
    question : str
        The question the overlay asks (kept in ``questions``).

    Returns
    -------
    Priors
    """
    raw = {
        k: dict(v) if k == "params" else copy.deepcopy(v) if k in overlay or k == "case" else v
        for k, v in base.raw.items()
    }
    materialize(raw, overlay, where=where, folder=base.path.parent)
    changes_evidence = apply_overlay(raw, overlay, where=where)
    validate_base(where, raw)
    check_source_dates(where, overlay, raw["case"]["as_of"])
    tails = raw.get("elicitation", {}).get("tails", DEFAULT_TAILS)
    pooled = (base.path.parent, raw["evidence"], raw["case"]["as_of"])
    params = {
        name: base.params[name]
        if name in base.params and spec is base.raw["params"].get(name)
        else resolve_prior(where, name, spec, tails=tails, pooled=pooled)
        for name, spec in raw["params"].items()
    }
    if set(overlay) <= {"params"} and set(raw["params"]) == set(base.params):
        vocabulary = base.vocabulary  # new numbers for known priors: nothing else to check
    else:
        vocabulary = _validate_resolved(where, raw, params)
    return Priors(
        base.path,
        raw,
        params,
        [*base.overlays, where],
        [*base.questions, question],
        base.changes_evidence or changes_evidence,
        [*base.layers, ("overrides", copy.deepcopy(overlay))],
        vocabulary,
        base.hindsight,
    )


def validate_base(where, raw: dict[str, Any]) -> None:
    """Check the top-level shape, the case and evidence tables and every param table."""
    for key in raw:
        if key not in TOP_KEYS:
            raise unknown_key(where, key, TOP_KEYS)
    for key in TOP_KEYS - OPTIONAL_TOP_KEYS:
        if key not in raw:
            raise InputError(where, key, "missing table", f"add a [{key}] table (see README)")
        require_table(where, key, raw[key])
    arenas = read_vocabulary(where, raw).arenas
    prefixes = tuple(f"{arenas[r]}_" for r in ("donor", "partner"))
    case = raw["case"]
    for key in case:
        if key not in CASE_KEYS:
            raise unknown_key(where, f"case.{key}", CASE_KEYS)
    case.setdefault("as_of", AS_OF)
    if not isinstance(case["as_of"], date) or isinstance(case["as_of"], datetime):
        raise InputError(
            where, "case.as_of", f"must be a TOML date, got {case['as_of']!r}", "write 2007-08-15"
        )
    for key in ("name", "description", "design_label"):
        if key in case:
            require_text(where, f"case.{key}", case[key])
    _check_components(where, case, raw["params"])
    for key, value in raw["evidence"].items():
        if key not in EVIDENCE_KEYS:
            raise unknown_key(where, f"evidence.{key}", EVIDENCE_KEYS)
        if key == "reference":
            if not isinstance(value, bool):
                raise InputError(where, "evidence.reference", "must be true or false", "fix it")
        else:
            require_text(where, f"evidence.{key}", value)
    for key, value in require_table(where, "elicitation", raw.get("elicitation", {})).items():
        if key not in ELICITATION_KEYS:
            raise unknown_key(where, f"elicitation.{key}", ELICITATION_KEYS)
        if value not in TAILS:
            raise unknown_key(where, f"elicitation.{key}", TAILS, value=value)
    for name, spec in raw["params"].items():
        require_table(where, f"params.{name}", spec)
        known = name in CORE_PARAMS or name in OPTIONAL_PARAMS
        if not known and not name.startswith((*prefixes, OPPOSE_PREFIX)):
            raise InputError(
                where,
                f"params.{name}",
                "not a parameter of the model",
                f"name it one of {', '.join(CORE_PARAMS)}, "
                f"{prefixes[0]}*, {prefixes[1]}* or {OPPOSE_PREFIX}*",
            )
    for name in CORE_PARAMS:
        if name not in raw["params"]:
            raise InputError(where, f"params.{name}", "missing", "add a [params.NAME] table")


def _validate_resolved(where, raw: dict[str, Any], params: dict[str, Prior]) -> Vocabulary:
    """Checks that need the resolved priors: variant, levers, design, decision; the words."""
    variant = validate_variant(where, raw.get("variant", []))
    if variant["hurdles"] == "shared_factor" and "hurdle_correlation" not in params:
        raise InputError(
            where, "params.hurdle_correlation", "missing", "the shared_factor variant needs it"
        )
    vocabulary = read_vocabulary(where, raw)
    validate_levers(where, raw["levers"], params, arenas=vocabulary.arenas)
    validate_design(where, raw["design"], raw["levers"])
    decision = require_table(where, "decision", raw.get("decision", {}))
    validate_decision(where, decision, raw["levers"], arenas=vocabulary.arenas)
    return vocabulary


def _check_components(where, case: dict[str, Any], params: dict[str, Any]) -> None:
    """``case.components``: a non-empty list of distinct names, each with an oppose_* prior."""
    comps = case.get("components")
    fix = 'write e.g. components = ["funds", "training"]'
    if comps is None:
        raise InputError(where, "case.components", "missing", fix)
    if not isinstance(comps, list) or not all(isinstance(c, str) and c for c in comps):
        raise InputError(where, "case.components", f"must be a list of names, got {comps!r}", fix)
    if not comps:
        raise InputError(where, "case.components", "empty", "name the package's components")
    if len(set(comps)) != len(comps):
        raise InputError(where, "case.components", "names a component twice", "list each once")
    for comp in comps:
        if OPPOSE_PREFIX + comp not in params:
            raise InputError(
                where,
                f"case.components = {comp!r}",
                f"no prior [params.{OPPOSE_PREFIX}{comp}]",
                f"add one, or use one of {', '.join(_known_components(params)) or '(none)'}",
            )


def _known_components(params: dict[str, Any]) -> list[str]:
    return sorted(n[len(OPPOSE_PREFIX) :] for n in params if n.startswith(OPPOSE_PREFIX))
