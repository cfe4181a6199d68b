"""Scenario overlays and ``--set`` overrides: merged into the base tables, changing only the keys.

An overlay's own top level is checked by `model.case.spec.Scenario`, the merged tables by
`model.case.spec.PriorsFile`.
"""

from __future__ import annotations

import copy
import tomllib
from typing import Any

from model.case.distributions import FAMILIES
from model.case.inputs import check_values, require_table, unknown_key
from model.case.schema import CASE_SETTABLE, INTERVAL_KEYS, OPPOSE_PREFIX, VARIANTS
from model.case.spec import Scenario
from model.case.vocabulary import DEFAULT_ARENAS
from model.errors import InputError


def _addable(prefix: str) -> tuple[str, ...] | None:
    """Keys a new table under ``prefix`` must carry, or None where nothing may be added.

    A new lever (under ``levers``) needs a question and levels; a new level (under
    ``levers.NAME.levels``) needs a label.
    """
    parts = prefix.split(".")
    if parts == ["levers"]:
        return ("question", "levels")
    if len(parts) == 3 and parts[0] == "levers" and parts[2] == "levels":
        return ("label",)
    return None


def parse_sets(sets: list[str]) -> dict[str, Any]:
    """Turn ``["params.p_agree.lower=0.3", "design.military=advisers"]`` into a nested dict.

    Values are read as TOML values (numbers, booleans, quoted strings); a bare word is a string.
    """
    out: dict[str, Any] = {}
    for item in sets:
        if "=" not in item:
            raise InputError(
                "--set", item, "expected KEY=VALUE", "write e.g. params.p_agree.lower=0.3"
            )
        key, text = (s.strip() for s in item.split("=", 1))
        try:
            value = tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            value = text
        except RecursionError:
            raise InputError(
                "--set", key, "value nested too deeply", "give a simple value"
            ) from None
        check_values("--set", value, key)
        parts = key.split(".")
        if not all(parts):
            raise InputError(
                "--set", key, "empty part in the dotted key", "write e.g. design.military"
            )
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise InputError("--set", key, "sets a key twice", "give each key once")
        node[parts[-1]] = value
    return out


def merge_variant(old, new):
    """The variant list after an overlay: each option named replaces its choice's option.

    ``variant = ["hard_window"]`` in a scenario changes the window and keeps the other choices;
    anything but a list of names is returned as given, for the loader to refuse.
    """
    new = [new] if isinstance(new, str) else new
    if not (isinstance(new, list) and isinstance(old, list)):
        return new
    choice = {o: c for c, options in VARIANTS.items() for o in options}
    named = {choice.get(n, n) for n in new if isinstance(n, str)}
    return [o for o in old if choice.get(o, o) not in named] + list(new)


def apply_overlay(base: dict[str, Any], over: Scenario) -> bool:
    """Merge a checked overlay into the tables ``base`` in place; True when it changes evidence.

    Only keys the base has may change (a new lever or level, or a new design-effect or
    opposition prior, may be added with the keys it needs); a parameter table a scenario file
    changes must carry its own ``source``. The result is checked whole by
    `model.case.spec.PriorsFile.parse`.
    """
    where, scenario, changes = over.where, over.file, over.changes
    for table in ("case", "evidence", "design", "levers", "elicitation", "decision"):
        if table in changes:
            base.setdefault(table, {})
            _merge(base, table, changes[table], where=where, prefix=table)
    if "variant" in changes:
        base["variant"] = merge_variant(base.get("variant", []), changes["variant"])
    for name, spec in require_table(where, "params", changes.get("params", {})).items():
        key = f"params.{name}"
        if not isinstance(spec, dict):
            raise InputError(
                where, key, "must be a table", f"write [{key}] with the keys to change"
            )
        if name not in base["params"]:
            arenas = base["case"].get("arenas", {}) or DEFAULT_ARENAS
            addable = (*(f"{a}_" for a in (DEFAULT_ARENAS | arenas).values()), OPPOSE_PREFIX)
            if not _adds(spec, ("dist",)) or not name.startswith(addable):
                raise _unknown_or_add(where, key, base["params"], "dist and source")
            base["params"][name] = {}
        if scenario and "source" not in spec:
            raise InputError(
                where, f"{key}.source", "missing", "say what the changed value rests on"
            )
        _merge_param(base["params"], name, spec, where=where)
    return over.touches_evidence


def _merge(base: dict, table: str, over, *, where, prefix: str) -> None:
    if not isinstance(over, dict):
        raise InputError(where, prefix, "must be a table", "see README")
    target = base[table]
    for key, value in over.items():
        settable = table == "case" and key in CASE_SETTABLE  # defaulted when absent
        if table != "design" and key not in target and not settable:
            needs = _addable(prefix)
            if needs is None or not _adds(value, needs):
                what = " and ".join(needs) if needs else None
                raise _unknown_or_add(where, f"{prefix}.{key}", target, what)
            target[key] = copy.deepcopy(value)
            continue
        if isinstance(value, dict) and isinstance(target.get(key), dict) and table != "design":
            _merge(target, key, value, where=where, prefix=f"{prefix}.{key}")
        else:
            target[key] = value


def _merge_param(params: dict, name: str, spec: dict, *, where) -> None:
    """Merge keys into a parameter; switching between interval and parameters replaces them."""
    current = dict(params[name])
    dist = spec.get("dist", current.get("dist"))
    family = FAMILIES.get(dist) if isinstance(dist, str) else None
    new_keys = set(spec) - {"dist", "source"}
    if (
        new_keys & set(INTERVAL_KEYS)
        or (family and new_keys & set(family.params))
        or "dist" in spec
    ):
        uses_interval = bool(new_keys & set(INTERVAL_KEYS))
        keep = set(INTERVAL_KEYS) if uses_interval else set(family.params if family else ())
        current = {k: v for k, v in current.items() if k in keep or k in {"dist", "source"}}
    current.update(spec)
    params[name] = current


def _adds(value, needs: tuple[str, ...]) -> bool:
    """True when ``value`` is a new table that carries every key ``needs`` names."""
    return isinstance(value, dict) and all(k in value for k in needs)


def _unknown_or_add(where, key: str, allowed, needs: str | None) -> InputError:
    """Unknown key, or (where a scenario may add one) say how to add it."""
    err = unknown_key(where, key, allowed)
    if needs and "did you mean" not in err.fix:
        return InputError(where, key, "not in the baseline", f"to add it, give {needs}")
    if needs:
        return InputError(where, key, err.problem, f"{err.fix} (to add it, give {needs})")
    return err
