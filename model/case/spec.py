"""One typed spec of the case's input files: priors, scenarios (and experts), studies.

Every table of these TOML files has a frozen dataclass here, built by one ``parse`` classmethod
that makes all the checks of that table and raises one :class:`~model.errors.InputError` line
(file, key, problem, fix; an unknown key gets the closest known one as its hint). The loaders
read a file (`model.case.inputs.read_toml`), merge the overlays on the tables as read
(`model.whatif.overlay`), then parse the result here; what they hand on is the typed spec.

- :class:`PriorsFile`: a whole priors file (``case``, ``evidence``, ``elicitation``, ``params``,
  ``levers``, ``design``, ``decision``, ``variant``, ``vocabulary``), with its tables
  :class:`CaseTable`, :class:`EvidenceTable`, :class:`PriorSpec` (one ``[params.NAME]``),
  :class:`Lever` and :class:`Level`, :class:`Decision`, :class:`Variant`.
- :class:`Scenario`: a scenario file, an expert's file (a scenario in ``priors/experts``, which
  may not use hindsight), or an in-memory overlay (``overrides``, ``--set``).
- :class:`Study`: a study file's ``[study]`` table.

``PriorsFile.tables`` is the canonical serialisation: the tables as given (defaults not filled
in, except ``case.as_of``), the same for equal specs; overlays merge onto it and the priors'
hash is taken of it.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from model.case.distributions import FAMILIES, POSITIVE_PARAMS, SUPPORT_FITS
from model.case.inputs import is_number, require_table, require_text, unknown_key
from model.case.schema import (
    BEST_ALTERNATIVE,
    CASE_KEYS,
    CORE_PARAMS,
    DECISION_KEYS,
    DEFAULT_TAILS,
    ELICITATION_KEYS,
    EVIDENCE_KEYS,
    INTERVAL_KEYS,
    LEVER_KEYS,
    LEVER_TABLE_KEYS,
    OPPOSE_PREFIX,
    OPTIONAL_PARAMS,
    OPTIONAL_TOP_KEYS,
    OWNERS,
    PARAM_EXTRA_KEYS,
    POOLED_FROM,
    SCENARIO_KEYS,
    TAILS,
    TOP_KEYS,
    VARIANTS,
)
from model.case.source_dates import hindsight_flag
from model.case.vocabulary import Vocabulary, read_vocabulary
from model.constants import (
    AS_OF,
    INTERVAL_MIN_WIDTH,
    MAX_DECISION_VALUE,
    MAX_DELAY_MONTHS,
    MAX_DESIGNS,
    MAX_LEVER_EFFECT,
    PARAM_BOUNDS,
    STUDY_MAX_N,
)
from model.errors import InputError

Where = str | Path
"""The file (or overlay, or option) a table came from, as errors name it."""


# ---- one prior ---------------------------------------------------------------------------


def parameter_support(name: str) -> str:
    """Support the model needs for a parameter, from its name."""
    if name in CORE_PARAMS or name in OPTIONAL_PARAMS:
        return (CORE_PARAMS | OPTIONAL_PARAMS)[name][0]
    if name.startswith(OPPOSE_PREFIX):
        return "unit"
    return "real"


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


@dataclass(frozen=True)
class Adjustment:
    """One sourced Normal(mu, sigma) added to a library-based prior's log-odds."""

    label: str
    mu: float
    sigma: float
    source: str


@dataclass(frozen=True)
class PriorSpec:
    """One ``[params.NAME]`` table, checked, not yet resolved (`model.case.priors.resolve_prior`).

    Either a ``dist`` with its parameters (``values``) or an expert's interval (``interval``:
    lower, upper, mass), or ``from = "library"`` (``library``) with sourced ``adjust`` terms.
    """

    name: str
    source: str
    dist: str | None = None
    """None only for a library-based prior that names no family."""
    values: dict[str, float] = field(default_factory=dict)
    interval: tuple[float, float, float] | None = None
    tails: str | None = None
    """The table's own elicitation convention (None: the file's ``[elicitation] tails``)."""
    library: bool = False
    adjust: tuple[Adjustment, ...] = ()

    @classmethod
    def parse(cls, where: Where, name: str, spec: Any) -> PriorSpec:
        """Check one ``[params.NAME]`` table (every check that needs no file or fit)."""
        key = f"params.{name}"
        spec = require_table(where, key, spec)
        if "from" in spec or "adjust" in spec:
            return cls._library(where, name, spec)
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
            raise InputError(
                where, f"{key}.tails", "applies only to an elicited interval", "remove it"
            )
        tails = spec.get("tails")
        if "tails" in spec and tails not in TAILS:
            raise unknown_key(where, f"{key}.tails", TAILS, value=tails)
        if given_interval:
            interval = _interval(where, key, dist, spec)
            return cls(name, source, dist, interval=interval, tails=tails)
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
        values = {k: float(spec[k]) for k in family.params}
        check_bounds(where, key, values)
        return cls(name, source, dist, values=values)

    @classmethod
    def _library(cls, where: Where, name: str, spec: dict[str, Any]) -> PriorSpec:
        key = f"params.{name}"
        if spec.get("from") != POOLED_FROM:
            raise InputError(where, f"{key}.from", "must be 'library'", 'write from = "library"')
        source = spec.get("source")
        if not isinstance(source, str) or not source.strip():
            raise InputError(where, f"{key}.source", "missing", "say what this prior rests on")
        extra = sorted(set(spec) - {"from", "source", "adjust", "dist"})
        if extra:
            raise InputError(
                where,
                f"{key}.{extra[0]}",
                "a library-based prior takes its numbers from the library",
                'drop it, or drop from = "library" and give the whole distribution',
            )
        adjust = spec.get("adjust", {})
        if not isinstance(adjust, dict):
            raise InputError(where, f"{key}.adjust", "must be a table", "see README")
        parts = []
        for label, adj in sorted(adjust.items()):
            at = f"{key}.adjust.{label}"
            if not isinstance(adj, dict) or set(adj) != {"mu", "sigma", "source"}:
                raise InputError(where, at, "needs mu, sigma and source", "give exactly those")
            if not (is_number(adj["mu"]) and is_number(adj["sigma"]) and adj["sigma"] > 0):
                raise InputError(where, at, "mu and sigma must be numbers, sigma > 0", "fix them")
            if not isinstance(adj["source"], str) or not adj["source"].strip():
                raise InputError(where, f"{at}.source", "missing", "say what it rests on")
            parts.append(Adjustment(label, float(adj["mu"]), float(adj["sigma"]), adj["source"]))
        dist = str(spec["dist"]) if "dist" in spec else None
        return cls(name, source, dist, library=True, adjust=tuple(parts))

    def table(self) -> dict[str, Any]:
        """The table as a priors file writes it."""
        out: dict[str, Any] = {"from": POOLED_FROM} if self.library else {}
        if self.dist is not None:
            out["dist"] = self.dist
        out.update(self.values)
        if self.interval is not None:
            out.update(zip(INTERVAL_KEYS, self.interval, strict=True))
        if self.tails is not None:
            out["tails"] = self.tails
        if self.adjust:
            out["adjust"] = {
                a.label: {"mu": a.mu, "sigma": a.sigma, "source": a.source} for a in self.adjust
            }
        out["source"] = self.source
        return out


def _interval(where: Where, key: str, dist: str, spec: dict[str, Any]):
    """An elicited interval's ``(lower, upper, mass)``, checked for the family's support."""
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
    return lower, upper, mass


# ---- the case, the evidence, the variant -------------------------------------------------


def _given(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


@dataclass(frozen=True)
class CaseTable:
    """The ``[case]`` table: the analysis date, the package's components, the names."""

    as_of: date
    components: tuple[str, ...]
    name: str | None = None
    description: str | None = None
    design_label: str | None = None
    arenas: dict[str, str] | None = None
    expert_weight: object = None
    """Checked by the experts' pool (`model.experts.pool`), with ``--weights``."""
    dated_sources: bool | None = None

    @classmethod
    def parse(cls, where: Where, case: dict[str, Any], params: dict[str, Any]) -> CaseTable:
        """Check ``[case]``; ``params`` (the ``[params]`` table) names the components' priors."""
        for key in case:
            if key not in CASE_KEYS:
                raise unknown_key(where, f"case.{key}", CASE_KEYS)
        as_of = case.get("as_of", AS_OF)
        if not isinstance(as_of, date) or isinstance(as_of, datetime):
            raise InputError(
                where, "case.as_of", f"must be a TOML date, got {as_of!r}", "write 2007-08-15"
            )
        for key in ("name", "description", "design_label"):
            if key in case:
                require_text(where, f"case.{key}", case[key])
        components = _components(where, case, params)
        dated = case.get("dated_sources")
        if dated is not None and not isinstance(dated, bool):
            raise InputError(where, "case.dated_sources", "must be true or false", "fix it")
        arenas = case.get("arenas")
        return cls(
            as_of,
            components,
            case.get("name"),
            case.get("description"),
            case.get("design_label"),
            dict(arenas) if arenas is not None else None,
            case.get("expert_weight"),
            dated,
        )

    def table(self) -> dict[str, Any]:
        """The table as a priors file writes it (``as_of`` always)."""
        return _given(
            name=self.name,
            description=self.description,
            as_of=self.as_of,
            dated_sources=self.dated_sources,
            components=list(self.components),
            design_label=self.design_label,
            arenas=dict(self.arenas) if self.arenas is not None else None,
            expert_weight=self.expert_weight,
        )


def _components(where: Where, case: dict[str, Any], params: dict[str, Any]) -> tuple[str, ...]:
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
            known = sorted(n[len(OPPOSE_PREFIX) :] for n in params if n.startswith(OPPOSE_PREFIX))
            raise InputError(
                where,
                f"case.components = {comp!r}",
                f"no prior [params.{OPPOSE_PREFIX}{comp}]",
                f"add one, or use one of {', '.join(known) or '(none)'}",
            )
    return tuple(comps)


@dataclass(frozen=True)
class EvidenceTable:
    """The ``[evidence]`` table: the data folder, the poll reading, the reference class."""

    dir: str | None = None
    poll_reading: str | None = None
    reference: bool | None = None
    pooled: str | None = None

    @classmethod
    def parse(cls, where: Where, evidence: dict[str, Any]) -> EvidenceTable:
        """Check ``[evidence]``: known keys, text, ``reference`` true or false."""
        for key, value in evidence.items():
            if key not in EVIDENCE_KEYS:
                raise unknown_key(where, f"evidence.{key}", EVIDENCE_KEYS)
            if key == "reference":
                if not isinstance(value, bool):
                    raise InputError(where, "evidence.reference", "must be true or false", "fix it")
            else:
                require_text(where, f"evidence.{key}", value)
        return cls(**evidence)

    def table(self) -> dict[str, Any]:
        """The table as a priors file writes it."""
        return _given(
            dir=self.dir,
            poll_reading=self.poll_reading,
            reference=self.reference,
            pooled=self.pooled,
        )


@dataclass(frozen=True)
class Variant:
    """The structural variant: the option names given, and each choice's option."""

    names: tuple[str, ...] = ()
    choices: dict[str, str] = field(
        default_factory=lambda: {choice: options[0] for choice, options in VARIANTS.items()}
    )

    @classmethod
    def parse(cls, where: Where, names: Any) -> Variant:
        """One option per choice (``model.case.schema.VARIANTS``), the defaults elsewhere."""
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise InputError(where, "variant", "must be a list of names", 'write variant = ["..."]')
        out = {choice: options[0] for choice, options in VARIANTS.items()}
        seen = set()
        options = {o: c for c, opts in VARIANTS.items() for o in opts}
        for name in names:
            if name not in options:
                raise unknown_key(where, "variant", options, value=name)
            if options[name] in seen:
                raise InputError(
                    where, f"variant = {names}", "two options of one choice", "keep one"
                )
            seen.add(options[name])
            out[options[name]] = name
        return cls(tuple(names), out)


# ---- levers, the design, the decision ----------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One level of a lever: its label, log-odds effects per arena, components, timing."""

    label: str | None = None
    effects: dict[str, dict[str, float]] = field(default_factory=dict)
    """Arena prefix (``us``, ``mx``) -> parameter -> log-odds scale, as given."""
    components: tuple[str, ...] | None = None
    request_not_before: float | None = None

    @classmethod
    def parse(cls, where: Where, key: str, spec: Any, *, params, arenas: dict[str, str]) -> Level:
        """Check ``[levers.NAME.levels.LEVEL]``; ``params`` are the file's parameter names."""
        require_table(where, key, spec)
        allowed = LEVER_KEYS | set(arenas.values())
        for k in spec:
            if k not in allowed:
                raise unknown_key(where, f"{key}.{k}", allowed)
        if "label" in spec:
            require_text(where, f"{key}.label", spec["label"])
        effects: dict[str, dict[str, float]] = {}
        for arena in arenas.values():
            terms = require_table(where, f"{key}.{arena}", spec.get(arena, {}))
            for param, scale in terms.items():
                if param not in params or not param.startswith(f"{arena}_"):
                    raise InputError(
                        where,
                        f"{key}.{arena}.{param}",
                        "names no such parameter",
                        f"add [params.{param}] or name an existing {arena}_* parameter",
                    )
                if not is_number(scale) or abs(scale) > MAX_LEVER_EFFECT:
                    raise InputError(
                        where,
                        f"{key}.{arena}.{param}",
                        f"must be a log-odds effect in [-{MAX_LEVER_EFFECT:g}, "
                        f"{MAX_LEVER_EFFECT:g}], got {scale!r} (beyond it the outcome "
                        "is already certain)",
                        "give a log-odds change, e.g. 0.5",
                    )
            if arena in spec:
                effects[arena] = dict(terms)
        comps = spec.get("components", [])
        if not isinstance(comps, list) or not all(isinstance(c, str) for c in comps):
            raise InputError(where, f"{key}.components", "must be a list of names", "fix it")
        delay = spec.get("request_not_before", 0.0)
        if not is_number(delay) or not 0 <= delay <= MAX_DELAY_MONTHS:
            raise InputError(
                where,
                f"{key}.request_not_before",
                f"must be months in [0, {MAX_DELAY_MONTHS}], got {delay!r}",
                "fix it",
            )
        return cls(
            spec.get("label"),
            effects,
            tuple(comps) if "components" in spec else None,
            spec.get("request_not_before"),
        )

    def table(self) -> dict[str, Any]:
        """The table as a priors file writes it."""
        out = _given(label=self.label)
        out.update({arena: dict(terms) for arena, terms in self.effects.items()})
        if self.components is not None:
            out["components"] = list(self.components)
        return out | _given(request_not_before=self.request_not_before)


@dataclass(frozen=True)
class Lever:
    """``[levers.NAME]``: the question, the levels, who sets it, Congress's choice."""

    levels: dict[str, Level]
    question: str | None = None
    owner: str | None = None
    """``executive`` (None: the default) or ``congress``."""
    choice: dict[str, float] | None = None
    """Congress's probability of each level (a lever Congress sets)."""

    @classmethod
    def parse(
        cls, where: Where, lever: str, table: Any, *, params, arenas: dict[str, str]
    ) -> Lever:
        """Check one lever and its levels."""
        require_table(where, f"levers.{lever}", table)
        for k in table:
            if k not in LEVER_TABLE_KEYS:
                raise unknown_key(where, f"levers.{lever}.{k}", LEVER_TABLE_KEYS)
        levels = require_table(where, f"levers.{lever}.levels", table.get("levels"))
        if not levels:
            raise InputError(where, f"levers.{lever}.levels", "empty", "give at least one level")
        _check_owner(where, lever, table)
        if "question" in table:
            require_text(where, f"levers.{lever}.question", table["question"])
        parsed = {
            level: Level.parse(
                where, f"levers.{lever}.levels.{level}", spec, params=params, arenas=arenas
            )
            for level, spec in levels.items()
        }
        choice = table.get("choice")
        return cls(
            parsed, table.get("question"), table.get("owner"), dict(choice) if choice else None
        )

    def table(self) -> dict[str, Any]:
        """The table as a priors file writes it."""
        out = _given(question=self.question, owner=self.owner)
        out["levels"] = {name: level.table() for name, level in self.levels.items()}
        if self.choice is not None:
            out["choice"] = dict(self.choice)
        return out


def _check_owner(where: Where, lever: str, table: dict[str, Any]) -> None:
    owner = table.get("owner", "executive")
    if owner not in OWNERS:
        raise unknown_key(where, f"levers.{lever}.owner", OWNERS, value=owner)
    if owner == "executive" and "choice" in table:
        raise InputError(
            where, f"levers.{lever}.choice", "only a lever Congress sets has a choice", "remove it"
        )
    if owner == "congress":
        if not isinstance(table.get("choice"), dict):
            raise InputError(
                where,
                f"levers.{lever}.choice",
                "missing: Congress's probability of each level",
                f"write choice = {{{next(iter(table['levels']))} = 1.0, ...}}",
            )
        _check_mixture(where, f"levers.{lever}.choice", table["choice"], table["levels"])


def _check_mixture(where: Where, key: str, mix: dict, options) -> None:
    for level, weight in mix.items():
        if not isinstance(level, str) or level not in options:
            raise unknown_key(where, key, options, value=level)
        if not is_number(weight) or not 0 <= weight <= 1:
            raise InputError(
                where,
                f"{key}.{level}",
                f"weight must be a number in [0, 1], got {weight!r}",
                "fix it",
            )
    if abs(sum(mix.values()) - 1.0) > 1e-6:
        raise InputError(where, key, "mixture weights must sum to 1", "rescale them")


def _levers(
    where: Where, levers: dict[str, Any], params: dict[str, Any], *, arenas: dict[str, str]
) -> dict[str, Lever]:
    """Every lever; the grid's size; every effect parameter used; every component's prior."""
    parsed = {
        name: Lever.parse(where, name, table, params=params, arenas=arenas)
        for name, table in levers.items()
    }
    count = math.prod(max(1, len(lever.levels)) for lever in parsed.values())
    if count > MAX_DESIGNS:
        sizes = " x ".join(str(len(lever.levels)) for lever in parsed.values())
        raise InputError(
            where,
            "levers",
            f"the design grid would hold {count:,} designs ({sizes} levels), more than "
            f"{MAX_DESIGNS:,}",
            "use fewer levers or levels (each design is a column of draws in memory)",
        )
    levels = [level for lever in parsed.values() for level in lever.levels.values()]
    used = {param for level in levels for terms in level.effects.values() for param in terms}
    for name in params:
        prefixes = tuple(f"{a}_" for a in arenas.values())
        if name.startswith(prefixes) and name not in CORE_PARAMS and name not in used:
            raise InputError(
                where, f"params.{name}", "not used by any lever", "reference it or remove it"
            )
    components = {comp for level in levels for comp in level.components or ()}
    for comp in components:
        if OPPOSE_PREFIX + comp not in params:
            raise InputError(
                where, f"params.{OPPOSE_PREFIX}{comp}", "missing", f"add a prior for {comp}"
            )
    return parsed


def _design(
    where: Where, design: dict[str, Any], levers: dict[str, Lever]
) -> dict[str, str | dict[str, float]]:
    """The design names one level (or a mixture of levels) of every lever."""
    for lever in design:
        if lever not in levers:
            raise unknown_key(where, f"design.{lever}", levers)
    for lever, table in levers.items():
        if lever not in design:
            raise InputError(where, f"design.{lever}", "missing", "pick a level of this lever")
        choice = design[lever]
        options = table.levels
        if not isinstance(choice, str | dict):
            raise InputError(
                where,
                f"design.{lever}",
                f"must be a level name or a mixture, got {choice!r}",
                f'write e.g. {lever} = "{next(iter(options))}"',
            )
        mix = choice if isinstance(choice, dict) else {choice: 1.0}
        _check_mixture(where, f"design.{lever}", mix, options)
    return {k: dict(v) if isinstance(v, dict) else v for k, v in design.items()}


@dataclass(frozen=True)
class Decision:
    """``[decision]``: what a design is worth to each side, how the sides weigh, the threshold.

    Empty (every field None) when the file has no such table: a design is then worth P(deal).
    """

    unit: str | None = None
    source: str | None = None
    weights: dict[str, float] | None = None
    value: dict[str, dict[str, dict[str, float]]] | None = None
    flip_threshold: str | float | None = None

    @classmethod
    def parse(
        cls, where: Where, decision: dict[str, Any], levers: dict[str, Lever], *, arenas: dict
    ) -> Decision:
        """Check the table: unit, source, weights, worth per lever level, threshold."""
        for k in decision:
            if k not in DECISION_KEYS:
                raise unknown_key(where, f"decision.{k}", DECISION_KEYS)
        if not decision:
            return cls()
        for k in ("unit", "source"):
            if not isinstance(decision.get(k), str) or not decision[k].strip():
                raise InputError(where, f"decision.{k}", "missing", f'add {k} = "..."')
        sides = set(arenas.values())
        weights = require_table(where, "decision.weights", decision.get("weights", {}))
        for side, w in weights.items():
            if side not in sides:
                raise unknown_key(where, f"decision.weights.{side}", sides)
            if not is_number(w) or not 0 <= w <= MAX_DECISION_VALUE:
                raise InputError(
                    where,
                    f"decision.weights.{side}",
                    f"must be a number in [0, {MAX_DECISION_VALUE:g}] (only the ratio matters)",
                    "fix it",
                )
        effective = [weights.get(side, 1.0 / len(sides)) for side in sides]
        if not any(w > 0 for w in effective):
            raise InputError(
                where,
                "decision.weights",
                "every side weighs 0: every design would be worth nothing",
                "give at least one side a weight above 0",
            )
        value = require_table(where, "decision.value", decision.get("value", {}))
        for side, table in value.items():
            if side not in sides:
                raise unknown_key(where, f"decision.value.{side}", sides)
            for lever, worth in require_table(where, f"decision.value.{side}", table).items():
                key = f"decision.value.{side}.{lever}"
                if lever not in levers:
                    raise unknown_key(where, key, levers)
                for level, v in require_table(where, key, worth).items():
                    if level not in levers[lever].levels:
                        raise unknown_key(where, key, levers[lever].levels, value=level)
                    if not is_number(v) or abs(v) > MAX_DECISION_VALUE:
                        raise InputError(
                            where,
                            f"{key}.{level}",
                            f"must be a number in [-{MAX_DECISION_VALUE:g}, "
                            f"{MAX_DECISION_VALUE:g}] (larger worths overflow the expected values)",
                            "give the worth in the table's unit",
                        )
        threshold = decision.get("flip_threshold", BEST_ALTERNATIVE)
        if threshold != BEST_ALTERNATIVE and not (is_number(threshold) and 0 < threshold < 1):
            raise InputError(
                where,
                "decision.flip_threshold",
                f"must be {BEST_ALTERNATIVE!r} or a probability in (0, 1), got {threshold!r}",
                f'write flip_threshold = "{BEST_ALTERNATIVE}" or e.g. 0.2',
            )
        return cls(
            decision["unit"],
            decision["source"],
            dict(weights) if "weights" in decision else None,
            _copy(value) if "value" in decision else None,
            decision.get("flip_threshold"),
        )

    def table(self) -> dict[str, Any]:
        """The table as a priors file writes it (empty when not given)."""
        return _given(
            unit=self.unit,
            source=self.source,
            weights=_copy(self.weights),
            value=_copy(self.value),
            flip_threshold=self.flip_threshold,
        )


def _copy(value: Any) -> Any:
    """A copy of nested tables (dicts) of plain values."""
    return {k: _copy(v) for k, v in value.items()} if isinstance(value, dict) else value


# ---- the whole priors file ----------------------------------------------------------------


def check_top(where: Where, raw: dict[str, Any]) -> tuple[Vocabulary, CaseTable, EvidenceTable]:
    """The checks of a whole priors file's top level, its case, evidence and parameter names.

    Run on a base file before overlays merge onto its tables (they need those tables), and as
    the first part of :meth:`PriorsFile.parse`. Sets ``case.as_of`` to its default when absent,
    so an overlay may change it.
    """
    for key in raw:
        if key not in TOP_KEYS:
            raise unknown_key(where, key, TOP_KEYS)
    for key in TOP_KEYS - OPTIONAL_TOP_KEYS:
        if key not in raw:
            raise InputError(where, key, "missing table", f"add a [{key}] table (see README)")
        require_table(where, key, raw[key])
    vocabulary = read_vocabulary(where, raw)
    arenas = vocabulary.arenas
    prefixes = tuple(f"{arenas[r]}_" for r in ("donor", "partner"))
    case = CaseTable.parse(where, raw["case"], raw["params"])
    raw["case"].setdefault("as_of", case.as_of)
    evidence = EvidenceTable.parse(where, raw["evidence"])
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
    return vocabulary, case, evidence


@dataclass(frozen=True)
class PriorsFile:
    """A whole priors file (with any overlays merged), every table checked.

    The priors are checked tables (:class:`PriorSpec`), not yet elicited or taken from the
    library: `model.case.priors.load_priors` resolves them.
    """

    case: CaseTable
    evidence: EvidenceTable
    params: dict[str, PriorSpec]
    levers: dict[str, Lever]
    design: dict[str, str | dict[str, float]]
    decision: Decision = field(default_factory=Decision)
    variant: Variant = field(default_factory=Variant)
    tails: str | None = None
    """``[elicitation] tails``: the file-wide convention (None: ``DEFAULT_TAILS``)."""
    vocabulary: dict[str, dict[str, str]] = field(default_factory=dict)
    """The ``[vocabulary]`` table as given (`words` has it with the generic defaults)."""
    words: Vocabulary = field(default_factory=Vocabulary)

    @classmethod
    def parse(
        cls, where: Where, raw: dict[str, Any], *, base: PriorsFile | None = None
    ) -> PriorsFile:
        """Check every table of a priors file and return its typed spec.

        Parameters
        ----------
        where : str or Path
            How errors name the file (with its overlays).
        raw : dict
            The file's tables as read (and merged with overlays).
        base : PriorsFile, optional
            The spec ``raw`` was made from by an in-memory overlay: the tables ``raw`` shares
            with ``base.tables`` (the same objects, unchanged) keep their checked form, so a
            slider's move re-checks only the priors it changes.

        Returns
        -------
        PriorsFile

        Raises
        ------
        InputError
            One line for the first malformed, unknown or impossible entry.
        """
        words, case, evidence = check_top(where, raw)
        kept = base.tables["params"] if base is not None else {}
        params = {
            name: base.params[name]
            if base is not None and spec is kept.get(name)
            else PriorSpec.parse(where, name, spec)
            for name, spec in raw["params"].items()
        }
        if base is not None and base._same_rest(raw, params):
            spec = dataclasses.replace(base, case=case, evidence=evidence, params=params)
            tables = {
                n: kept[n] if p is base.params.get(n) else p.table() for n, p in params.items()
            }
            # the cached tables, shared where the spec is: a panel's move rebuilds one prior's
            spec.__dict__["tables"] = base.tables | {
                "case": case.table(),
                "evidence": evidence.table(),
                "params": tables,
            }
            return spec
        variant = Variant.parse(where, raw.get("variant", []))
        if variant.choices["hurdles"] == "shared_factor" and "hurdle_correlation" not in params:
            raise InputError(
                where, "params.hurdle_correlation", "missing", "the shared_factor variant needs it"
            )
        levers = _levers(where, raw["levers"], params, arenas=words.arenas)
        design = _design(where, raw["design"], levers)
        table = require_table(where, "decision", raw.get("decision", {}))
        decision = Decision.parse(where, table, levers, arenas=words.arenas)
        vocabulary = {k: dict(v) for k, v in raw.get("vocabulary", {}).items()}
        tails = raw.get("elicitation", {}).get("tails")
        return cls(
            case, evidence, params, levers, design, decision, variant, tails, vocabulary, words
        )

    def _same_rest(self, raw: dict[str, Any], params: dict[str, PriorSpec]) -> bool:
        """True when ``raw`` changes only the numbers of known priors (nothing else to check)."""
        tables = self.tables
        rest = (set(raw) | set(tables)) - {"params", "case"}
        shared = all(raw.get(k) is tables.get(k) for k in rest)
        return shared and raw["case"] == tables["case"] and params.keys() == self.params.keys()

    @property
    def file_tails(self) -> str:
        """The elicitation convention of priors that do not give their own."""
        return self.tails or DEFAULT_TAILS

    @cached_property
    def tables(self) -> dict[str, Any]:
        """The canonical serialisation: the tables as a priors file writes them.

        Equal specs give equal tables; parsing them gives the spec back. Shared by every
        caller: read it, never change it (copy first).
        """
        out: dict[str, Any] = {}
        if self.variant.names:
            out["variant"] = list(self.variant.names)
        out["case"] = self.case.table()
        if self.tails is not None:
            out["elicitation"] = {"tails": self.tails}
        out["evidence"] = self.evidence.table()
        out["params"] = {name: spec.table() for name, spec in self.params.items()}
        out["levers"] = {name: lever.table() for name, lever in self.levers.items()}
        out["design"] = _copy(self.design)
        decision = self.decision.table()
        if decision:
            out["decision"] = decision
        if self.vocabulary:
            out["vocabulary"] = _copy(self.vocabulary)
        return out


# ---- scenarios, experts and overlays ------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """A scenario file, an expert's file, or an in-memory overlay (``overrides``, ``--set``).

    An expert's file is a scenario in ``priors/experts`` and may not use hindsight. The changed
    tables (``params``, ``design``, ``levers``, ...) stay as given: they are a patch, merged onto
    the base file's tables (`model.whatif.overlay.apply_overlay`) before the result is parsed as a
    :class:`PriorsFile`.
    """

    where: str
    changes: dict[str, Any]
    """The tables the overlay changes, as given."""
    question: str = ""
    source: str = ""
    changes_evidence: bool = False
    hindsight: bool = False
    file: bool = False
    """A scenario or expert file (needs its question and sources) rather than an overlay."""

    @classmethod
    def parse(cls, where: Where, over: dict[str, Any], *, file: bool = False) -> Scenario:
        """Check an overlay's top level: known keys; a file's question, source and flags."""
        hindsight = hindsight_flag(where, over) if file else False
        allowed = SCENARIO_KEYS if file else TOP_KEYS
        for key in over:
            if key not in allowed:
                raise unknown_key(where, key, allowed)
        if file:
            for key in ("question", "source"):
                if not isinstance(over.get(key), str) or not over[key].strip():
                    raise InputError(where, key, "missing", f'add a one-line {key} = "..."')
        declared = over.get("changes_evidence", False)
        if not isinstance(declared, bool):
            raise InputError(where, "changes_evidence", "must be true or false", "fix it")
        if file and over.get("evidence") and not declared:
            raise InputError(
                where,
                "evidence",
                "changes the evidence without saying so",
                "add changes_evidence = true at the top, or drop the [evidence] table",
            )
        changes = {k: v for k, v in over.items() if k in TOP_KEYS}
        return cls(
            str(where),
            changes,
            over.get("question", ""),
            over.get("source", ""),
            declared,
            hindsight,
            file,
        )

    @property
    def touches_evidence(self) -> bool:
        """True when the overlay changes ``[evidence]``."""
        return bool(self.changes.get("evidence"))


# ---- studies -----------------------------------------------------------------------------

KINDS = ("poll", "whip_count", "soundings")
STUDY_KEYS = {
    "poll": {"kind", "label", "n", "component", "design_effect", "cost", "sizes", "source"},
    "whip_count": {"kind", "label", "n", "reliability", "cost", "sizes", "source"},
    "soundings": {"kind", "label", "n", "reliability", "cost", "sizes", "source"},
}
"""The keys of a ``[study]`` table of each kind."""
SOURCED = ("design_effect", "reliability", "cost")
"""Assumptions that need their own entry in ``[study.sources]`` when given."""
TARGET = {"whip_count": "us_support", "soundings": "gov_will"}
"""The parameter a whip count or soundings read (the poll reads ``oppose_<component>``)."""
DEFAULT_SIZES = {
    "poll": (100, 200, 350, 500, 1000, 2000, 3500, 5000),
    "whip_count": (10, 20, 35, 50, 100, 200, 300, 435),
    "soundings": (2, 3, 5, 8, 12, 20, 30, 50),
}
"""Eight sizes per kind: respondents (100 to 5,000), House members (10 to 435), officials."""


@dataclass(frozen=True)
class Study:
    """One checked study (a file's ``[study]`` table; `model.studies.plans`).

    Attributes
    ----------
    name : str
        The file's stem (or the name given).
    kind : str
        ``poll``, ``whip_count`` or ``soundings``.
    n : int
        Respondents, members or officials.
    label : str
        Words for tables.
    component : str or None
        The polled component (polls only).
    design_effect : float
        Variance inflation of the poll's sample (1 for the other kinds).
    reliability : float
        Chance the signal reads the parameter rather than noise (1 for polls).
    cost : float
        Cost in the decision's value units (0 when not given).
    sizes : tuple of int
        Sample sizes of the EVSI curve.
    sources : dict
        Assumption -> what it rests on; ``study`` -> the study's own source.
    path : str
        The file the study came from.
    """

    name: str
    kind: str
    n: int
    label: str
    component: str | None = None
    design_effect: float = 1.0
    reliability: float = 1.0
    cost: float = 0.0
    sizes: tuple[int, ...] = ()
    sources: dict = field(default_factory=dict)
    path: str = ""

    @property
    def informs(self) -> list[str]:
        """The parameters the study's result depends on (its EVPPI bound is theirs)."""
        if self.kind == "poll":
            assert self.component is not None, "a poll names its component"
            return [OPPOSE_PREFIX + self.component, "opinion_shift"]
        return [TARGET[self.kind]]

    def with_n(self, n: int) -> Study:
        """The same study with another sample size."""
        return Study(**{**self.__dict__, "n": int(n)})

    @classmethod
    def parse(cls, table: Any, *, where: str, name: str, components) -> Study:
        """Check one ``[study]`` table (and its ``sources``) and return the `Study`.

        Parameters
        ----------
        table : dict
            The table's keys (``kind``, ``n``, ...) plus ``sources``.
        where : str
            The file name for messages.
        name : str
            The study's name.
        components : iterable of str
            Components the priors have an opposition prior for (``oppose_<c>``).

        Returns
        -------
        Study
        """
        table = dict(require_table(where, "study", table))
        sources = dict(require_table(where, "study.sources", table.pop("sources", {})))
        kind = table.get("kind")
        if kind not in KINDS:
            raise unknown_key(where, "study.kind", KINDS, value=kind)
        for key in table:
            if key not in STUDY_KEYS[kind]:
                raise unknown_key(where, f"study.{key}", STUDY_KEYS[kind])
        source = require_text(
            where, "study.source", table.get("source"), fix="say what it rests on"
        )
        n = _count(where, "study.n", table.get("n"), low=1)
        label = require_text(where, "study.label", table.get("label", f"{kind} of {n}"))
        component, design_effect, reliability = None, 1.0, 1.0
        if kind == "poll":
            component = table.get("component")
            known = sorted(components)
            if component not in known:
                raise InputError(
                    where,
                    f"study.component = {component!r}",
                    "unknown component (no opposition prior for it)",
                    f"use one of {', '.join(known)}",
                )
            design_effect = _number(
                where,
                "study.design_effect",
                table.get("design_effect", 1.0),
                low=1.0,
                high=100.0,
                fix="1 for a simple random sample, about 1.5 for a telephone poll",
            )
        else:
            if "reliability" not in table:
                raise InputError(
                    where, "study.reliability", "missing", "give a number in [0, 1] and its source"
                )
            reliability = _number(
                where,
                "study.reliability",
                table["reliability"],
                low=0.0,
                high=1.0,
                fix="give the chance the signal is read right, in [0, 1]",
            )
        cost = _number(
            where,
            "study.cost",
            table.get("cost", 0.0),
            low=0.0,
            high=1e6,
            fix="give the cost in the decision's value units, 0 or more",
        )
        sizes = table.get("sizes", DEFAULT_SIZES[kind])
        if not isinstance(sizes, list | tuple) or not sizes:
            raise InputError(where, "study.sizes", "must be a list of counts", "e.g. [100, 500]")
        counts = tuple(
            sorted({_count(where, f"study.sizes[{i}]", v, low=1) for i, v in enumerate(sizes)})
        )
        for key in SOURCED:
            if key in table:
                require_text(
                    where,
                    f"study.sources.{key}",
                    sources.get(key),
                    fix=f"say what the {key} rests on",
                )
        for key in sources:
            if key not in SOURCED:
                raise unknown_key(where, f"study.sources.{key}", SOURCED)
        return cls(
            name,
            kind,
            n,
            label,
            component,
            design_effect,
            reliability,
            cost,
            counts,
            {"study": source, **{k: str(v) for k, v in sources.items()}},
            where,
        )


def _count(where, key: str, value, *, low: int) -> int:
    if not (is_number(value) and float(value).is_integer() and low <= value <= STUDY_MAX_N):
        raise InputError(
            where,
            f"{key} = {value!r}",
            f"must be a whole number in [{low}, {STUDY_MAX_N}]",
            "give a count, e.g. 500",
        )
    return int(value)


def _number(where, key: str, value, *, low: float, high: float, fix: str) -> float:
    if not (is_number(value) and low <= value <= high):
        raise InputError(where, f"{key} = {value!r}", f"must be a number in [{low}, {high}]", fix)
    return float(value)
