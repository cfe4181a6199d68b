"""What evidence is worth buying (EVSI curves) and how the forecast moves with time.

Words, tables and figures; plot functions are pure: payload in, figure out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model.constants import VOI_WORTH_POINTS
from model.views.style import finish, style
from model.views.words import pct

WORTH_POINTS = VOI_WORTH_POINTS
"""EVSI below this many P(deal) points is not worth a delay (the project's VOI threshold)."""


def evsi_table(payload: dict) -> pd.DataFrame:
    """One row per study and sample size: EVSI in points and value units, errors, bounds, net."""
    rows = []
    for curve in payload["curves"]:
        st = curve["study"]
        for r in curve["rows"]:
            row = {
                "study": st["name"],
                "kind": st["kind"],
                "n": r["n"],
                "n_effective": r["n_effective"],
                "evsi_points": 100 * r["evsi_p_deal"],
                "se_points": 100 * r["se_p_deal"],
                "evppi_points": 100 * curve["evppi"]["p_deal"],
                "evsi_value": r["evsi_value"],
                "se_value": r["se_value"],
                "evppi_value": curve["evppi"]["value"],
                "cost": r["cost"],
                "net_value": r["net_value"],
            }
            if "nested_p_deal" in r:
                row |= {
                    "nested_points": 100 * r["nested_p_deal"],
                    "nested_se_points": 100 * r["nested_se_p_deal"],
                    "nested_value": r["nested_value"],
                    "nested_se_value": r["nested_se_value"],
                    "high_k": r["high_k"],
                    "n_outer": r["n_outer"],
                }
            rows.append(row)
    return pd.DataFrame(rows)


def study_verdict(curve: dict) -> str:
    """Whether the study at its own size is worth commissioning before choosing, in words."""
    st, r = curve["study"], curve["at_n"]
    pts, se = 100 * r["evsi_p_deal"], 100 * r["se_p_deal"]
    bound = 100 * curve["evppi"]["p_deal"]
    text = (
        f"{st['label']} (n = {st['n']}): expected to raise the chance of a deal, by choosing the "
        f"design after seeing its result, by {pts:.2f} points (Monte Carlo SE {se:.2f}; perfect "
        f"knowledge of what it measures would give at most {bound:.2f}), and the decision's "
        f"expected value by {r['evsi_value']:.4f} units (SE {r['se_value']:.4f}) against a cost "
        f"of {r['cost']:.4f}. "
    )
    if r["net_value"] > 2 * r["se_value"] and pts >= WORTH_POINTS:
        text += "Worth commissioning before the design is chosen."
    elif pts < WORTH_POINTS and r["net_value"] <= 2 * r["se_value"]:
        text += (
            f"Not worth waiting for: under {WORTH_POINTS:g} point of P(deal) and no net value "
            "within its error; whatever it finds, the best design stays the same or nearly so."
        )
    else:
        text += "Marginal: its value is within its Monte Carlo error of its cost."
    if curve["best_n"] is not None and curve["best_n"] != st["n"]:
        text += f" The largest expected net value is at n = {curve['best_n']}."
    return text


def format_evsi(payload: dict) -> str:
    """The CLI's text: one table per study and a verdict each."""
    lines = []
    table = evsi_table(payload)
    for curve in payload["curves"]:
        st = curve["study"]
        sub = table[table["study"] == st["name"]]
        lines.append(
            f"{st['label']} [{st['name']}: {st['kind']}, reads {', '.join(st['informs'])}]"
        )
        head = f"  {'n':>6} {'EVSI pts':>9} {'SE':>6} {'EVSI value':>11} {'SE':>8} {'net':>9}"
        nested = "nested_points" in sub
        if nested:
            head += f" {'nested pts':>10} {'SE':>6} {'high k':>7}"
        lines.append(head)
        for r in sub.to_dict("records"):
            line = (
                f"  {r['n']:>6} {r['evsi_points']:>9.3f} {r['se_points']:>6.3f} "
                f"{r['evsi_value']:>11.5f} {r['se_value']:>8.5f} {r['net_value']:>9.5f}"
            )
            if nested:
                line += (
                    f" {r['nested_points']:>10.3f} {r['nested_se_points']:>6.3f} "
                    f"{r['high_k']:>4}/{r['n_outer']}"
                )
            lines.append(line)
        lines.append(
            f"  EVPPI bound: {100 * curve['evppi']['p_deal']:.3f} points "
            f"(SE {100 * curve['evppi_se']['p_deal']:.3f}), "
            f"{curve['evppi']['value']:.5f} value units (binned, cross-fitted: "
            f"{100 * curve['evppi_binned']['p_deal']:.3f} points)"
        )
        lines.append("  " + study_verdict(curve))
        lines.append("")
    lines.append(f"Method: {payload['curves'][0]['method']}." if payload["curves"] else "")
    lines.append(f"Value units: {payload['units']['value']}.")
    return "\n".join(lines)


def format_timeline(payload: dict) -> str:
    """The CLI's text: one line per date, then the halving and 10% dates."""
    lines = [
        f"{'date':<11} {'P(framework)':>13} {'P(agreed, enacted in time)':>27} {'P(accepted)':>12} "
        f"{'P(deal) [90% interval]':>26}  status"
    ]
    for r in payload["rows"]:
        d = r["p_deal"]
        lines.append(
            f"{r['date']:<11} {pct(r['p_framework']['mean']):>13} "
            f"{pct(r['p_enacted_in_time']['mean']):>27} {pct(r['p_accepted']['mean']):>12} "
            f"{pct(d['mean']) + ' [' + pct(d['lo']) + ', ' + pct(d['hi']) + ']':>26}  "
            f"{r['status']}" + (" (refit needed)" if r["refit_needed"] else "")
        )
    lines.append("")
    lines.append(timeline_words(payload))
    return "\n".join(lines)


def timeline_words(payload: dict) -> str:
    """The halving and 10% dates in a sentence."""
    start = payload["start_p_enacted_in_time"]
    text = (
        f"With no news after {payload['start']}, P(the framework is agreed and Congress enacts it "
        f"in time) ({pct(start)} then) halves "
        f"by {payload['halves'] or 'never, before the window closes'}"
    )
    text += f" and falls below 10% by {payload['below_10'] or 'never'}."
    if payload["below_10"] == payload["start"]:
        text = text.replace(f"by {payload['below_10']}.", "already at the start.")
    return text + f" Conditioning: {payload['conditioning']}."


def evsi_figure(payload: dict) -> Figure:
    """EVSI (P(deal) points) against sample size per study, with 2 SE bands and EVPPI lines."""
    fig = Figure(figsize=(7.5, 4.2))
    axes = fig.subplots(1, max(1, len(payload["curves"])), squeeze=False)[0]
    for i, (ax, curve) in enumerate(zip(axes, payload["curves"], strict=False)):
        color, _, _ = style(i)
        n = np.array([r["n"] for r in curve["rows"]])
        y = 100 * np.array([r["evsi_p_deal"] for r in curve["rows"]])
        se = 100 * np.array([r["se_p_deal"] for r in curve["rows"]])
        ax.fill_between(n, np.maximum(y - 2 * se, 0), y + 2 * se, color=color, alpha=0.2)
        ax.plot(n, y, marker="o", color=color, label="EVSI (regression)")
        if "nested_p_deal" in curve["rows"][0]:
            z = 100 * np.array([r["nested_p_deal"] for r in curve["rows"]])
            ax.plot(n, z, marker="x", linestyle=":", color="black", label="EVSI (nested)")
        ax.axhline(100 * curve["evppi"]["p_deal"], color="grey", linestyle="--", label="EVPPI")
        ax.set_xscale("log")
        finish(ax, curve["study"]["kind"].replace("_", " "), "sample size n", "P(deal) points")
    axes[0].legend(fontsize=7, loc="upper left")
    fig.suptitle("Expected value of sample information, choosing the design after the study")
    fig.tight_layout()
    return fig


def timeline_figure(payload: dict, *, marks: dict | None = None) -> Figure:
    """P(deal) and P(agreed and enacted in time) as of each date, with intervals and crossings."""
    fig = Figure(figsize=(7.5, 4.0))
    ax = fig.subplots()
    dates = pd.to_datetime([r["date"] for r in payload["rows"]])
    for i, (key, name) in enumerate(
        (("p_enacted_in_time", "P(agreed and enacted in time)"), ("p_deal", "P(deal)"))
    ):
        color, _, _ = style(i)
        mean = [r[key]["mean"] for r in payload["rows"]]
        ax.fill_between(
            dates,
            [r[key]["lo"] for r in payload["rows"]],
            [r[key]["hi"] for r in payload["rows"]],
            color=color,
            alpha=0.15,
        )
        ax.plot(dates, mean, marker="o", markersize=3, color=color, label=name)
    for key, text in (("halves", "halved"), ("below_10", "below 10%")):
        if payload.get(key):
            ax.axvline(pd.Timestamp(payload[key]), color="grey", linestyle=":")
            ax.text(
                pd.Timestamp(payload[key]),
                0.98,
                f" {text}",
                va="top",
                fontsize=7,
                transform=ax.get_xaxis_transform(),
            )
    for name, when in (marks or {}).items():
        ax.axvline(pd.Timestamp(when), color="lightgrey", linewidth=0.8)
        ax.text(
            pd.Timestamp(when),
            0.02,
            name,
            rotation=90,
            fontsize=6,
            transform=ax.get_xaxis_transform(),
        )
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    finish(ax, "The forecast as time passes without news", "as of", "probability")
    fig.autofmt_xdate()
    return fig


def evsi_payload_json(payload: dict) -> dict:
    """The ``--json`` payload: the computed curves plus the table's rows (points, units)."""
    return {**payload, "table": evsi_table(payload).to_dict("records")}


def format_library_timelines(payload: dict) -> str:
    """The CLI's text for library cases: each case's path (one case) or the scores per horizon."""
    lines = []
    if len(payload["cases"]) == 1:
        case = payload["cases"][0]
        outcome = "enacted in time" if case["outcome"] == 1 else "not enacted in time"
        lines.append(
            f"{case['id']} ({case['domain']}): {outcome}; resolved "
            f"{case['resolved_months']:.1f} months after the request; the running base rate "
            f"at the request {pct(case['base_rate'])}"
        )
        lines.append(f"{'month':>6} {'P(enacted in time | not yet)':>29} {'90% interval':>18}")
        for m, p, lo, hi in zip(case["months"], case["p"], case["lo"], case["hi"], strict=True):
            lines.append(f"{m:>6.1f} {pct(p):>29} {'[' + pct(lo) + ', ' + pct(hi) + ']':>18}")
        lines.append("")
    lines.append(
        "Scores per horizon (months after the request; cases unresolved then), the library "
        "model's path against the running base rate at the request:"
    )
    lines.append(
        f"{'horizon':>8} {'n':>4} {'log score':>10} {'Brier':>7} {'base log':>9} {'base Brier':>11}"
    )
    for m, b in zip(payload["scores"], payload["base_rate_scores"], strict=True):
        lines.append(
            f"{m['horizon']:>8.0f} {m['n']:>4} {m['log_score']:>10.3f} {m['brier']:>7.3f} "
            f"{b['log_score']:>9.3f} {b['brier']:>11.3f}"
        )
    return "\n".join(lines)
