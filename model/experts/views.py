"""Several experts side by side: each answer, the pooled answer, where they disagree."""

from __future__ import annotations

import math

import pandas as pd

from model.analysis.baseline import OUTCOMES
from model.views.words import pct, pct_interval


def format_experts(payload: dict) -> str:
    """Text table: one column per expert and the pool; then the disagreement per parameter."""
    names = [e["name"] for e in payload["experts"]]
    head = f"{'quantity':<28}" + "".join(f"{n[:18]:>20}" for n in names) + f"{'pooled':>20}"
    lines = [head]
    weights = "".join(f"{e['weight']:>20.3f}" for e in payload["experts"])
    lines.append(f"{'weight':<28}{weights}{'':>20}")
    labels = payload["labels"]
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


def experts_table(payload: dict) -> pd.DataFrame:
    """One row per expert and one for the pool: weight, each outcome's mean and interval."""
    labels = payload["labels"]
    rows = []
    for e in [*payload["experts"], {"name": "pooled (linear opinion pool)", "weight": 1.0}]:
        summary = e.get("summary", payload["pooled"])
        row = {"expert": e["name"], "weight": round(e["weight"], 3)}
        for key in OUTCOMES:
            s = summary[key]
            row[labels[key]] = pct_interval(s)
        row["answered by"] = e.get("method", "mixture of the experts' draws")
        rows.append(row)
    return pd.DataFrame(rows)


def disagreement_table(payload: dict, *, label) -> pd.DataFrame:
    """Per parameter: its share of the spread in P(deal), and each expert's P(deal).

    Each expert's P(deal) has only that parameter's prior swapped into the first expert's
    posterior.
    """
    names = [e["name"] for e in payload["experts"]]
    rows = []
    for r in payload["disagreement"]:
        row = {
            "parameter": label(r["param"]),
            "name": r["param"],
            "share of the spread": "n/a" if math.isnan(r["share"]) else f"{r['share']:.0%}",
            "sd of P(deal)": round(math.sqrt(max(r["variance"], 0.0)), 4),
        }
        row |= {f"P(deal), {n}'s prior": _mean(r["means"].get(n)) for n in names}
        rows.append(row)
    return pd.DataFrame(rows)


def disagreement_words(payload: dict, *, label) -> str:
    """Where the experts disagree, in words: the largest contributions and what is left."""
    experts = payload["experts"]
    means = sorted(experts, key=lambda e: e["summary"]["p_deal"]["mean"])
    low, high = means[0], means[-1]
    pooled = payload["pooled"]["p_deal"]
    text = (
        f"{len(experts)} experts, pooled as a linear opinion pool (a mixture of their "
        f"posteriors), give P(deal) {pct(pooled['mean'])} [{pct(pooled['lo'])}, "
        f"{pct(pooled['hi'])}]. Their own answers run from {pct(low['summary']['p_deal']['mean'])} "
        f"({low['name']}) to {pct(high['summary']['p_deal']['mean'])} ({high['name']}); "
        f"the spread of their P(deal) means has sd {math.sqrt(payload['spread']):.3f}. "
    )
    rows = [r for r in payload["disagreement"] if math.isfinite(r["share"])]
    if not rows:
        return text + "Their priors are identical: nothing to attribute."
    top = rows[:3]
    parts = [f"{label(r['param'])} ({r['share']:.0%})" for r in top]
    text += (
        "Swapping one parameter's prior at a time into the first expert's posterior, the "
        f"disagreement comes most from {', '.join(parts)}: settling "
        f"{label(top[0]['param']).lower()} would narrow the experts' spread most."
    )
    explained = sum(r["variance"] for r in rows)
    if payload["spread"] > 0:
        ratio = explained / payload["spread"]
        text += (
            f" The one-at-a-time swaps add up to {ratio:.0%} of the spread of the experts' "
            "own means (not 100%: priors interact, and an expert's posterior is not the first "
            "expert's with one prior changed)."
        )
    return text


def _mean(value) -> str:
    return "" if value is None else pct(value)
