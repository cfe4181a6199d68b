"""Package-design levers: validation, and what a design does to each arena.

A lever (``[levers.NAME]``) has levels; each level may add log-odds terms to the donor's
legislature (``us = {param = scale}`` in the first case: the key is the arena's prefix,
``case.arenas``) and to the partner (``mx = {...}``), add poll components to the
package (``components``), and hold the request back (``request_not_before``, months).
A design picks one level per lever, or a mixture (``{level = weight}``) when it is unknown.

A lever has an ``owner``: the two executives (default) choose its level; Congress chooses the
level of a lever with ``owner = "congress"``, with the probabilities in its ``choice``. The
decision optimises the executives' levers only and averages over Congress's choice
(`decision_designs`). The optional ``[decision]`` table says what a design is worth to each
side (`design_value`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from model.case.inputs import is_number, require_table, require_text, unknown_key
from model.case.schema import (
    BEST_ALTERNATIVE,
    CORE_PARAMS,
    DECISION_KEYS,
    LEVER_KEYS,
    LEVER_TABLE_KEYS,
    OPPOSE_PREFIX,
    OWNERS,
)
from model.case.vocabulary import in_sentence
from model.constants import MAX_DECISION_VALUE, MAX_DELAY_MONTHS, MAX_DESIGNS, MAX_LEVER_EFFECT
from model.errors import InputError


@dataclass(frozen=True)
class Effects:
    """What one pure design does: log-odds terms per arena, components, earliest request."""

    donor: dict[str, float]
    partner: dict[str, float]
    components: tuple[str, ...]
    request_not_before: float


def validate_levers(
    where, levers: dict[str, Any], params: dict[str, Any], *, arenas: dict[str, str]
) -> None:
    """Check every lever and level, and that every effect parameter is used and exists."""
    used: set[str] = set()
    components: set[str] = set()
    for lever, table in levers.items():
        require_table(where, f"levers.{lever}", table)
        for k in table:
            if k not in LEVER_TABLE_KEYS:
                raise unknown_key(where, f"levers.{lever}.{k}", LEVER_TABLE_KEYS)
        levels = require_table(where, f"levers.{lever}.levels", table.get("levels"))
        if not levels:
            raise InputError(where, f"levers.{lever}.levels", "empty", "give at least one level")
        _validate_owner(where, lever, table)
        for level, spec in levels.items():
            key = f"levers.{lever}.levels.{level}"
            require_table(where, key, spec)
            allowed = LEVER_KEYS | set(arenas.values())
            for k in spec:
                if k not in allowed:
                    raise unknown_key(where, f"{key}.{k}", allowed)
            if "label" in spec:
                require_text(where, f"{key}.label", spec["label"])
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
                    used.add(param)
            comps = spec.get("components", [])
            if not isinstance(comps, list) or not all(isinstance(c, str) for c in comps):
                raise InputError(where, f"{key}.components", "must be a list of names", "fix it")
            components.update(comps)
            delay = spec.get("request_not_before", 0.0)
            if not is_number(delay) or not 0 <= delay <= MAX_DELAY_MONTHS:
                raise InputError(
                    where,
                    f"{key}.request_not_before",
                    f"must be months in [0, {MAX_DELAY_MONTHS}], got {delay!r}",
                    "fix it",
                )
    _check_grid_size(where, levers)
    for name in params:
        prefixes = tuple(f"{a}_" for a in arenas.values())
        if name.startswith(prefixes) and name not in CORE_PARAMS and name not in used:
            raise InputError(
                where, f"params.{name}", "not used by any lever", "reference it or remove it"
            )
    for comp in components:
        if OPPOSE_PREFIX + comp not in params:
            raise InputError(
                where, f"params.{OPPOSE_PREFIX}{comp}", "missing", f"add a prior for {comp}"
            )


def _check_grid_size(where, levers: dict[str, Any]) -> None:
    """Refuse a design grid larger than ``MAX_DESIGNS`` (it would not fit in memory)."""
    count = 1
    for table in levers.values():
        count *= max(1, len(table["levels"]))
    if count > MAX_DESIGNS:
        sizes = " x ".join(str(len(t["levels"])) for t in levers.values())
        raise InputError(
            where,
            "levers",
            f"the design grid would hold {count:,} designs ({sizes} levels), more than "
            f"{MAX_DESIGNS:,}",
            "use fewer levers or levels (each design is a column of draws in memory)",
        )


def _validate_owner(where, lever: str, table: dict[str, Any]) -> None:
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


def _check_mixture(where, key: str, mix: dict, options: dict) -> None:
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


def owner(levers: dict[str, Any], lever: str) -> str:
    """Who sets a lever: ``"executive"`` (default) or ``"congress"``."""
    return levers[lever].get("owner", "executive")


def validate_decision(where, decision: dict[str, Any], levers: dict, *, arenas: dict) -> None:
    """Check the ``[decision]`` table: unit, source, weights, value per lever level, threshold."""
    for k in decision:
        if k not in DECISION_KEYS:
            raise unknown_key(where, f"decision.{k}", DECISION_KEYS)
    if not decision:
        return
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
                if level not in levers[lever]["levels"]:
                    raise unknown_key(where, key, levers[lever]["levels"], value=level)
                if not is_number(v) or abs(v) > MAX_DECISION_VALUE:
                    raise InputError(
                        where,
                        f"{key}.{level}",
                        f"must be a number in [-{MAX_DECISION_VALUE:g}, {MAX_DECISION_VALUE:g}] "
                        "(larger worths overflow the expected values)",
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


def design_value(pure: dict[str, str], decision: dict[str, Any], *, arenas: dict) -> float:
    """What a pure design is worth if the deal happens, in the ``[decision]`` table's unit.

    ``sum_side weight_side * sum_lever value[side][lever][level]`` (an unlisted level is worth
    0; a side without a weight weighs 1 / number of sides). Without a ``[decision]`` table
    every design is worth 1, so the expected value is P(deal).
    """
    value = decision.get("value")
    if not value:
        return 1.0
    sides = list(arenas.values())
    weights = decision.get("weights", {})
    total = 0.0
    for side in sides:
        worth = sum(
            float(value.get(side, {}).get(lever, {}).get(level, 0.0))
            for lever, level in pure.items()
        )
        total += float(weights.get(side, 1.0 / len(sides))) * worth
    return total


def decision_designs(levers: dict[str, Any]) -> list[dict[str, Any]]:
    """The designs the executives choose among: every combination of their levers' levels.

    A lever Congress sets is not chosen: each design carries Congress's ``choice`` mixture for
    it, so evaluating the design averages over what Congress does.
    """
    mine = {k: v for k, v in levers.items() if owner(levers, k) == "executive"}
    fixed = {k: dict(v["choice"]) for k, v in levers.items() if owner(levers, k) == "congress"}
    return [{lever: (d | fixed)[lever] for lever in levers} for d in grid(mine)]


def decision_form(design: dict[str, Any], levers: dict[str, Any]) -> list[dict[str, Any]]:
    """A design (possibly with mixtures) as decision designs.

    Its executive levels are split into pure combinations, with Congress's ``choice`` for the
    levers Congress sets.
    """
    mine = {k: v for k, v in design.items() if owner(levers, k) == "executive"}
    fixed = {k: dict(levers[k]["choice"]) for k in design if owner(levers, k) == "congress"}
    return [{lever: (pure | fixed)[lever] for lever in design} for _, pure in expand(mine)]


def validate_design(where, design: dict[str, Any], levers: dict[str, Any]) -> None:
    """Check that the design names one level (or a mixture of levels) of every lever."""
    for lever in design:
        if lever not in levers:
            raise unknown_key(where, f"design.{lever}", levers)
    for lever, table in levers.items():
        if lever not in design:
            raise InputError(where, f"design.{lever}", "missing", "pick a level of this lever")
        choice = design[lever]
        options = table["levels"]
        if not isinstance(choice, str | dict):
            raise InputError(
                where,
                f"design.{lever}",
                f"must be a level name or a mixture, got {choice!r}",
                f'write e.g. {lever} = "{next(iter(options))}"',
            )
        mix = choice if isinstance(choice, dict) else {choice: 1.0}
        _check_mixture(where, f"design.{lever}", mix, options)


def expand(design: dict[str, Any]) -> list[tuple[float, dict[str, str]]]:
    """Split a design with mixtures into weighted pure designs (weights sum to 1)."""
    items = []
    for lever, choice in design.items():
        mix = choice if isinstance(choice, dict) else {choice: 1.0}
        items.append([(lever, level, float(w)) for level, w in mix.items() if w > 0])
    out = []
    for combo in itertools.product(*items):
        weight = 1.0
        for _, _, w in combo:
            weight *= w
        out.append((weight, {lever: level for lever, level, _ in combo}))
    return out


def effects(
    pure: dict[str, str], levers: dict[str, Any], *, base_components, arenas: dict[str, str]
) -> Effects:
    """Sum what each chosen level does into one :class:`Effects`."""
    donor: dict[str, float] = {}
    partner: dict[str, float] = {}
    comps = list(base_components)
    not_before = 0.0
    for lever, level in pure.items():
        spec = levers[lever]["levels"][level]
        for param, scale in spec.get(arenas["donor"], {}).items():
            donor[param] = donor.get(param, 0.0) + float(scale)
        for param, scale in spec.get(arenas["partner"], {}).items():
            partner[param] = partner.get(param, 0.0) + float(scale)
        comps += [c for c in spec.get("components", []) if c not in comps]
        not_before = max(not_before, float(spec.get("request_not_before", 0.0)))
    return Effects(donor, partner, tuple(comps), not_before)


def grid(levers: dict[str, Any]) -> list[dict[str, str]]:
    """Every pure design: the cartesian product of all levers' levels."""
    names = list(levers)
    return [
        dict(zip(names, combo, strict=True))
        for combo in itertools.product(*(list(levers[n]["levels"]) for n in names))
    ]


def label(pure: dict[str, Any]) -> str:
    """Compact text for a design, e.g. ``military=none, conditions=reporting``.

    A mixture reads ``conditions=none 30% / reporting 50% / certification 20%``.
    """
    return ", ".join(f"{k}={level_text(v)}" for k, v in pure.items())


def level_text(choice: str | dict) -> str:
    """A level, or a mixture of levels as ``none 30% / reporting 50%``."""
    if isinstance(choice, dict):
        return " / ".join(f"{k} {w:.0%}" for k, w in choice.items())
    return str(choice)


def level_label(levers: dict[str, Any], lever: str, level: str) -> str:
    """A level's label as it reads mid-sentence (``lever: level`` when it has none)."""
    spec = levers[lever]["levels"][level]
    return in_sentence(spec["label"]) if "label" in spec else f"{lever}: {level}"


def describe(
    design: dict[str, Any],
    levers: dict[str, Any],
    *,
    against: dict[str, Any] | None = None,
    unchanged: str = "no change to the design on the table",
) -> str:
    """A pure design in the levers' own words, for sentences.

    Parameters
    ----------
    design : dict
        Lever -> level (extra keys, e.g. a ranking row's columns, are ignored).
    levers : dict
        The priors file's levers.
    against : dict, optional
        Another design: only the levers where ``design`` differs from it are described.
    unchanged : str
        The text when nothing differs.

    Returns
    -------
    str
        Level labels joined by "; ". Unlabelled on/off levers are grouped ("arms and cash on").
    """
    parts: list[str] = []
    switched: dict[str, list[str]] = {}
    for lever, spec in levers.items():
        level = design[lever]
        if against is not None and against.get(lever) == level:
            continue
        if isinstance(level, dict) or level not in spec["levels"]:
            who = "as Congress chooses" if owner(levers, lever) == "congress" else "mixed"
            parts.append(f"{lever} {who} ({level_text(level)})")
            continue
        if "label" not in spec["levels"][level] and set(spec["levels"]) == {"on", "off"}:
            switched.setdefault(level, []).append(lever)
        else:
            parts.append(level_label(levers, lever, level))
    for level, names in switched.items():
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        parts.append(f"{joined} {level}")
    return "; ".join(parts) or unchanged
