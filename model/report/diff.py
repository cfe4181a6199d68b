"""``feasibility diff OLD NEW``: what changed between two runs, and which input moved each output.

Each side is a report's ``tables`` folder (or the report folder holding it) or the output of
``feasibility run --json``. Inputs compared: the priors (hash, and each parameter's resolved
prior), the evidence hash, the code (git commit, model and package versions), the seed and the
sampler settings. Outputs: P(framework), P(enacted), P(accepted), P(deal) and the months to
enactment, each mean and interval.

Attribution, per output: when only priors changed and both runs recorded their resolved
priors, each changed prior is put back to its older value alone on the newer posterior
(:func:`model.whatif.attribution.replay`) and the one whose return moves the output most is
named, with every prior's contribution. Otherwise, by rule: one changed input moved every
output; among several changed priors, the one with the largest first-order variance index of
P(deal) (the report's ``first_order.csv``) is named; else the changed inputs are listed
together. Each output says which way it was attributed.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from model.errors import InputError
from model.files import read_text
from model.whatif.attribution import OUTPUTS, replay

CODE_KEYS = ("git_commit", "model_version")
NOISE = "Monte Carlo noise (no changed prior reaches this output; the runs were fitted apart)"


def load_run(path: str | Path) -> dict[str, Any]:
    """Read one side: ``{"inputs": {...}, "priors": {name: text}, "outputs": {...}, "index"}``.

    Raises
    ------
    InputError
        A missing, special or oversized file, JSON that is not a ``run --json`` output, a
        report folder missing its tables, or an output that is not a finite number.
    """
    path = Path(path)
    try:
        side = _load_side(path)
    except InputError:
        raise
    except (KeyError, ValueError, TypeError, AttributeError, pd.errors.ParserError) as exc:
        text = " ".join(str(exc).split())[:120]
        raise InputError(
            path,
            "(contents)",
            f"not a report or `run --json` output ({type(exc).__name__}: {text})",
            "give a report folder or a saved `run --json` output",
        ) from None
    for name, values in side["outputs"].items():
        for k in ("mean", "lo", "hi"):
            v = values.get(k) if isinstance(values, dict) else None
            if not _finite(v):
                raise InputError(
                    path,
                    f"{name}.{k}",
                    f"must be a finite number, got {v!r}",
                    "give the output of a complete run",
                )
    return side


def _finite(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number a run writes")


def _load_side(path: Path) -> dict[str, Any]:
    if path.is_dir():
        tables = path / "tables" if (path / "tables").is_dir() else path
        return _from_tables(tables)
    if not path.exists():
        raise InputError(path, "(file)", "not found", "give a report folder or a --json file")
    text = read_text(path, what="`run --json` output or report folder")
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        problem = f"not JSON ({' '.join(str(exc).split())[:120]})"
        raise InputError(path, "(file)", problem, "save `run --json` output") from None
    if not isinstance(data, dict) or "provenance" not in data or "p_deal" not in data:
        raise InputError(path, "(file)", "not a `run --json` output", "save `run --json` output")
    prov = data["provenance"]
    if not isinstance(prov, dict):
        raise InputError(path, "provenance", "must be a table", "save `run --json` output")
    return {
        "inputs": _inputs(prov, prov.get("versions", {})),
        "priors": data.get("priors", {}),
        "outputs": {k: data[k] for k in OUTPUTS if k in data},
        "index": {},
        "replay": _replay_record(prov, data.get("prior_specs", {})),
    }


def _replay_record(prov: dict, specs: dict) -> dict[str, Any]:
    keys = ("priors_file", "priors_hash", "seed", "sampler")
    return {k: prov.get(k) for k in keys} | {"specs": specs}


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(read_text(path, what="report table (CSV)")))


def _from_tables(tables: Path) -> dict[str, Any]:
    for name in ("provenance.json", "summary.csv"):
        if not (tables / name).exists():
            raise InputError(tables, name, "missing", "point at a report or its tables/")
    prov = json.loads(read_text(tables / "provenance.json"), parse_constant=_no_constant)
    summary = _csv(tables / "summary.csv")
    versions = {k.removeprefix("version_"): v for k, v in prov.items() if k.startswith("version_")}
    priors, specs = {}, {}
    if (tables / "priors.csv").exists():
        frame = _csv(tables / "priors.csv")
        priors = dict(zip(frame["name"], frame["prior"], strict=True))
        if "spec" in frame:
            specs = {n: json.loads(t) for n, t in zip(frame["name"], frame["spec"], strict=True)}
    index = {}
    if (tables / "first_order.csv").exists():
        frame = _csv(tables / "first_order.csv")
        index = dict(zip(frame["input"], frame["index"], strict=True))
    outputs = {
        row["quantity"]: {"mean": row["mean"], "lo": row["lo"], "hi": row["hi"]}
        for _, row in summary.iterrows()
    }
    return {
        "inputs": _inputs(prov, versions),
        "priors": priors,
        "outputs": outputs,
        "index": index,
        "replay": _replay_record(prov, specs),
    }


def _inputs(prov: dict, versions: dict) -> dict[str, Any]:
    code = {"git_commit": prov.get("git_commit", versions.get("git_commit"))}
    code |= {k: v for k, v in sorted(versions.items()) if k != "git_commit"}
    sampler = prov.get("sampler")
    return {
        "priors": prov.get("priors_hash"),
        "evidence": prov.get("evidence_hash"),
        "code": json.dumps(code, sort_keys=True, default=str),
        "seed": prov.get("seed"),
        "sampler": json.dumps(sampler, sort_keys=True) if isinstance(sampler, dict) else sampler,
    }


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Compare two loaded sides.

    Returns
    -------
    dict
        ``inputs`` (name -> {old, new} for those that changed), ``params`` (parameter ->
        {old, new} for changed priors), ``outputs`` (name -> old, new, change, moved_by).
    """
    inputs = {
        k: {"old": old["inputs"][k], "new": new["inputs"][k]}
        for k in old["inputs"]
        if old["inputs"][k] != new["inputs"].get(k)
    }
    names = sorted(set(old["priors"]) | set(new["priors"]))
    params = {
        n: {"old": old["priors"].get(n, "(absent)"), "new": new["priors"].get(n, "(absent)")}
        for n in names
        if old["priors"].get(n) != new["priors"].get(n)
    }
    cause = _cause(inputs, params, new["index"] or old["index"])
    replayed, why = _replayed(old, new, inputs, params)
    outputs = {}
    for key in OUTPUTS:
        if key in old["outputs"] and key in new["outputs"]:
            a, b = old["outputs"][key], new["outputs"][key]
            change = float(b["mean"]) - float(a["mean"])
            row = {"old": a, "new": b, "change": change, "moved_by": cause if change else "-"}
            row["attribution"] = "rule" + (f" ({why})" if why else "")
            parts = (replayed or {}).get("contributions", {}).get(key)
            if parts and change:
                top = max(parts, key=lambda n: abs(parts[n]))
                moved = f"prior of {top}" if parts[top] else NOISE
                row |= {"moved_by": moved, "attribution": "replayed", "contributions": parts}
                row["interaction"] = change - sum(parts.values())
            outputs[key] = row
    result = {"inputs": inputs, "params": params, "outputs": outputs}
    if replayed:
        result["replay"] = {k: replayed[k] for k in ("methods", "skipped")}
    return result


def _replayed(old: dict, new: dict, inputs: dict, params: dict) -> tuple[dict | None, str]:
    """Replay the changed priors when only priors changed and both sides recorded them."""
    if set(inputs) != {"priors"} or not params:
        return None, ""
    older, newer = old.get("replay") or {}, new.get("replay") or {}
    changed = [n for n in params if n in older.get("specs", {}) and n in newer.get("specs", {})]
    if not changed:
        return None, "the runs did not record their resolved priors"
    try:
        return replay(newer, older["specs"], changed), ""
    except ValueError as exc:
        return None, f"no replay: {exc}"


def _cause(inputs: dict, params: dict, index: dict) -> str:
    if not inputs:
        return "nothing changed in the inputs"
    changed = [k for k in inputs if k != "priors"]
    if "priors" in inputs and params:
        ranked = sorted(params, key=lambda n: -float(index.get(n, 0.0) or 0.0))
        top = ranked[0] if len(ranked) == 1 or index else None
        changed.append(f"prior of {top}" if top else "priors (" + ", ".join(ranked) + ")")
    elif "priors" in inputs:
        changed.append("priors")
    if changed == ["seed"]:
        return "seed (Monte Carlo noise only)"
    return changed[0] if len(changed) == 1 else "together: " + ", ".join(changed)


def format_diff(result: dict[str, Any]) -> str:
    """Plain-text summary of a diff."""
    lines = ["Inputs changed:" if result["inputs"] else "Inputs: none changed"]
    for k, v in result["inputs"].items():
        lines.append(f"  {k}: {_short(v['old'])} -> {_short(v['new'])}")
    for n, v in result["params"].items():
        lines.append(f"  prior {n}: {v['old']} -> {v['new']}")
    lines.append(f"{'output':<22}{'old':>9}{'new':>9}{'change':>9}  moved most by")
    for k, v in result["outputs"].items():
        lines.append(
            f"{k:<22}{float(v['old']['mean']):>9.4f}{float(v['new']['mean']):>9.4f}"
            f"{v['change']:>+9.4f}  {v['moved_by']} [{v['attribution']}]"
        )
        parts = v.get("contributions", {})
        if parts:
            each = ", ".join(f"{n} {c:+.4f}" for n, c in sorted(parts.items(), key=_size))
            rest = f"; unexplained {v['interaction']:+.4f}"
            lines.append(f"{'':<22}each prior put back alone: {each}{rest}")
    for name, why in result.get("replay", {}).get("skipped", {}).items():
        lines.append(f"  {name}: not replayed ({why})")
    return "\n".join(lines)


def _size(item) -> float:
    return -abs(item[1])


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."
