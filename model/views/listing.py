"""``feasibility list``: the parameters, the levers and the scenarios a user can change or ask."""

from __future__ import annotations

from pathlib import Path

from model.case.distributions import central_interval
from model.case.inputs import read_toml
from model.case.priors import Priors
from model.constants import CI_MASS


def listing(priors: Priors, scenario_files: list[Path], expert_files: list[Path] = ()) -> dict:
    """Parameters (name, label, prior, implied interval), levers with levels, scenarios, experts.

    Returns
    -------
    dict
        ``params`` (list of rows), ``levers`` (lever -> question, levels, design choice),
        ``scenarios`` and ``experts`` (lists of name, question, file).
    """
    params = []
    for name, p in priors.params.items():
        lo, hi = central_interval(p.dist, p.params)
        params.append(
            {
                "name": name,
                "label": priors.label(name),
                "prior": p.describe(),
                "elicited": list(p.interval) if p.interval else None,
                "lo": lo,
                "hi": hi,
            }
        )
    levers = {
        lever: {
            "question": table.get("question", ""),
            "levels": {lvl: spec.get("label", lvl) for lvl, spec in table["levels"].items()},
            "design": priors.design[lever],
        }
        for lever, table in priors.levers.items()
    }
    scenarios, experts = (
        [
            {"name": f.stem, "question": read_toml(f).get("question", ""), "file": str(f)}
            for f in files
        ]
        for files in (scenario_files, expert_files)
    )
    return {"params": params, "levers": levers, "scenarios": scenarios, "experts": experts}


def format_listing(data: dict) -> str:
    """Plain-text listing for a terminal."""
    mass = f"{CI_MASS:.0%}"
    lines = [f"Parameters (--set params.NAME.KEY=VALUE; implied {mass} interval):"]
    for r in data["params"]:
        lines.append(f"  {r['name']:<30}{r['prior']:<38}[{r['lo']:.3g}, {r['hi']:.3g}]")
        lines.append(f"  {'':<30}{r['label']}")
    lines.append("Levers (--set design.LEVER=LEVEL; * = the design on the table):")
    for lever, spec in data["levers"].items():
        lines.append(f"  {lever}: {spec['question']}")
        choice = spec["design"]
        for level, label in spec["levels"].items():
            mark = "*" if level == choice or (isinstance(choice, dict) and level in choice) else " "
            lines.append(f"   {mark} {level:<16}{label}")
    lines.append("Scenarios (feasibility whatif NAME):")
    lines += [f"  {s['name']:<24}{s['question']}" for s in data["scenarios"]]
    if data.get("experts"):
        lines.append("Experts (feasibility run --expert NAME; pooled in the report and the panel):")
        lines += [f"  {s['name']:<24}{s['question']}" for s in data["experts"]]
    return "\n".join(lines)
