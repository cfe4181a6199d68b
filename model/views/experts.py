"""Several experts side by side: each answer, the pooled answer, where they disagree."""

from __future__ import annotations

import math

from model.analysis.baseline import OUTCOMES


def format_experts(payload: dict) -> str:
    """Text table: one column per expert and the pool; then the disagreement per parameter."""
    names = [e["name"] for e in payload["experts"]]
    head = f"{'quantity':<28}" + "".join(f"{n[:18]:>20}" for n in names) + f"{'pooled':>20}"
    lines = [head]
    weights = "".join(f"{e['weight']:>20.3f}" for e in payload["experts"])
    lines.append(f"{'weight':<28}{weights}{'':>20}")
    labels = payload["experts"][0]["summary"]["labels"]
    for key in OUTCOMES:
        label = labels[key]
        cells = [e["summary"][key] for e in payload["experts"]] + [payload["pooled"][key]]
        lines.append(f"{label[:27]:<28}" + "".join(_cell(c) for c in cells))
    lines.append(
        f"Where they disagree (spread of P(deal) means across experts: sd "
        f"{math.sqrt(payload['spread']):.3f}); each parameter's prior swapped in alone:"
    )
    for r in payload["disagreement"]:
        share = "   n/a" if math.isnan(r["share"]) else f"{r['share']:>6.0%}"
        means = ", ".join(f"{k} {v:.3f}" for k, v in r["means"].items())
        lines.append(
            f"  {r['param']:<30}{share}  sd {math.sqrt(max(r['variance'], 0)):.3f}  ({means})"
        )
    if not payload["disagreement"]:
        lines.append("  none: the experts' priors are identical")
    return "\n".join(lines)


def _cell(s: dict) -> str:
    return f"{s['mean']:>7.3f} [{s['lo']:.2f},{s['hi']:.2f}]".rjust(20)
