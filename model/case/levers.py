"""Package-design levers: what a design does to each arena (checked by `model.case.spec`).

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

from model.case.vocabulary import in_sentence


@dataclass(frozen=True)
class Effects:
    """What one pure design does: log-odds terms per arena, components, earliest request."""

    donor: dict[str, float]
    partner: dict[str, float]
    components: tuple[str, ...]
    request_not_before: float


def owner(levers: dict[str, Any], lever: str) -> str:
    """Who sets a lever: ``"executive"`` (default) or ``"congress"``."""
    return levers[lever].get("owner", "executive")


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
