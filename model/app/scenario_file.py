"""Panel overlays as data: merge a scenario with slider changes, write it as a scenario file.

A saved file carries the ``question``, a top-level ``source`` and a ``source`` for every
changed parameter, and is checked by loading it with the same loader as every scenario
(:func:`~model.case.priors.load_priors`) before it is kept.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from model.case.priors import Priors, load_priors
from model.errors import InputError
from model.files import create_text

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
"""A saved scenario's name: lower case, digits and underscores (it becomes the file stem)."""


def merge(first: dict[str, Any], then: dict[str, Any]) -> dict[str, Any]:
    """Overlay ``then`` after ``first``: a parameter table in ``then`` replaces the whole table.

    Slider changes carry every parameter of a distribution, so they replace what a scenario
    said about that prior (an interval or parameters) rather than mixing the two.
    """
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in first.items()}
    for key, value in then.items():
        if key == "params":
            out["params"] = {**out.get("params", {}), **value}
        elif isinstance(value, dict):
            out[key] = {**out.get(key, {}), **value}
        else:
            out[key] = value
    return out


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"not a finite number: {v}")
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    raise ValueError(f"cannot write {type(v).__name__} to TOML")


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k)


def to_toml(overlay: dict[str, Any], *, question: str, source: str) -> str:
    """TOML text of a scenario: question and source first, then one table per changed thing.

    ``changes_evidence = true`` is written whenever the overlay touches ``[evidence]``.
    """
    lines = [f"question = {_value(question)}", f"source = {_value(source)}"]
    if overlay.get("evidence"):
        lines.append("changes_evidence = true")
    for table in ("case", "evidence", "design"):
        if overlay.get(table):
            lines += ["", f"[{table}]"]
            lines += [f"{_key(k)} = {_value(v)}" for k, v in overlay[table].items()]
    for lever, spec in overlay.get("levers", {}).items():
        for level, body in spec.get("levels", {}).items():
            lines += ["", f"[levers.{_key(lever)}.levels.{_key(level)}]"]
            lines += [f"{_key(k)} = {_value(v)}" for k, v in body.items()]
        rest = {k: v for k, v in spec.items() if k != "levels"}
        if rest:
            lines += ["", f"[levers.{_key(lever)}]"]
            lines += [f"{_key(k)} = {_value(v)}" for k, v in rest.items()]
    for name, spec in overlay.get("params", {}).items():
        lines += ["", f"[params.{_key(name)}]"]
        lines += [f"{_key(k)} = {_value(v)}" for k, v in spec.items()]
    return "\n".join(lines) + "\n"


def save_scenario(
    base: Priors, overlay: dict[str, Any], *, folder: Path, name: str, question: str, source: str
) -> tuple[Path, Priors]:
    """Write ``overlay`` as ``folder/name.toml``, checked by the loader; refuse to overwrite.

    Parameters
    ----------
    base : Priors
        The baseline the overlay applies to (its own layers are applied first on reload).
    overlay : dict
        Changed values only; each ``params`` table must carry its ``source``.
    folder : Path
        Where the file goes.
    name, question, source : str
        File stem, the one-line question and what the scenario rests on.

    Returns
    -------
    (Path, Priors)
        The file written and the priors it loads to.

    Raises
    ------
    InputError
        A bad name, an existing file, a missing question or source, or an overlay the loader
        refuses (the file is then removed).
    """
    if not NAME.match(name or ""):
        raise InputError("save", "name", f"{name!r} is not a file stem", "use e.g. usd400m_25pct")
    for key, text in (("question", question), ("source", source)):
        if not text or not text.strip() or "\n" in text:
            raise InputError("save", key, "missing or not one line", f"write the {key} in one line")
    path = Path(folder) / f"{name}.toml"
    if path.exists():
        raise InputError(path, "(file)", "already exists", "choose another name")
    if not overlay:
        raise InputError("save", "(changes)", "nothing changed", "move a slider or pick a level")
    path.parent.mkdir(parents=True, exist_ok=True)
    create_text(path, to_toml(overlay, question=question, source=source))
    try:
        loaded = load_priors(base.path, layers=base.layers, scenarios=[path])
    except InputError:
        path.unlink()
        raise
    return path, loaded
