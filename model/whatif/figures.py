"""Pure figures of what-if scenarios: the outcome by scenario, and sorted changes from it."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from model.analysis.intervals import z_score
from model.views.style import (
    CRI,
    OUT_LEGEND,
    finish,
    interval_rows,
    label_rows,
    legend_columns,
    require,
    rows_figure,
    style,
)


def scenario_changes(
    table: pd.DataFrame, *, label: str = "question", outcome: str = "P(deal)"
) -> Figure:
    """Horizontal intervals of each scenario's change from the baseline, sorted by size.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per scenario (a ``method == "baseline"`` row is left out) with columns
        ``delta_p_deal_mean``, ``delta_p_deal_lo``, ``delta_p_deal_hi`` (probabilities) and the
        ``label`` column (default: the scenario's question, in words).
    label : str, default "question"
        Column that names each row on the axis.
    outcome : str, default "P(deal)"
        Name of the outcome, for the axis label.

    Returns
    -------
    matplotlib.figure.Figure
        The x axis is in percentage points and scaled to the data, with zero marked.
    """
    cols = ["delta_p_deal_mean", "delta_p_deal_lo", "delta_p_deal_hi", label]
    require(table, cols, "scenario_changes")
    t = table[table.get("method", pd.Series("", index=table.index)) != "baseline"]
    t = t.sort_values("delta_p_deal_mean", ascending=False).reset_index(drop=True)
    fig, ax = rows_figure(max(len(t), 1), width=9)
    mean, lo, hi = (
        100 * t[f"delta_p_deal_{k}"].to_numpy(dtype=float) for k in ("mean", "lo", "hi")
    )
    y = label_rows(ax, [textwrap.shorten(str(q), 70, placeholder="…") for q in t[label]])
    ax.errorbar(
        mean,
        y,
        xerr=[mean - lo, hi - mean],
        fmt="o",
        color="#0072B2",
        ecolor="#0072B2",
        capsize=3,
        mec="black",
    )
    ax.axvline(0, color="0.3", lw=1, ls="--")
    span = max(float(np.max(np.abs([lo, hi]))) if len(t) else 1.0, 0.5)
    ax.set_xlim(-1.1 * span, 1.1 * span)
    finish(
        ax,
        f"Change in {outcome} from the baseline, by scenario (sorted)",
        f"Change in {outcome}, percentage points; bars: ± {z_score():.3f} Monte Carlo errors; "
        "dashed: no change",
        "",
    )
    return fig


def scenarios(table: pd.DataFrame, *, value: str = "p_deal") -> Figure:
    """Forest plot of an outcome across scenarios.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per scenario with column ``scenario`` and either ``mean, lo, hi`` or
        ``{value}_mean, {value}_lo, {value}_hi``; optional ``method`` (e.g. "MCMC",
        "reweighting") gives each method its own marker. The first row is the baseline.
    value : str
        Name of the outcome. Names starting with ``p_`` are treated as probabilities
        (0-1 axis, label ``P(...)``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    require(table, ["scenario"], "scenarios")
    cols = ["mean", "lo", "hi"]
    if not set(cols) <= set(table.columns):
        alt = [f"{value}_{c}" for c in cols]
        require(table, alt, "scenarios")
        table = table.rename(columns=dict(zip(alt, cols, strict=True)))
    t = table.reset_index(drop=True)
    methods = list(dict.fromkeys(t["method"].astype(str))) if "method" in t else []
    groups = [methods.index(m) for m in t["method"].astype(str)] if methods else [0] * len(t)
    fig, ax = rows_figure(len(t), width=8)
    labels = [str(s) for s in t["scenario"]]
    interval_rows(ax, t, labels, groups)
    ax.axvline(float(t["mean"].iloc[0]), color="0.3", ls="--", lw=1, zorder=1)
    ax.get_yticklabels()[0].set_fontweight("bold")
    is_p = value.startswith("p_")
    name = f"P({value[2:].replace('_', ' ')})" if is_p else value.replace("_", " ")
    if is_p:
        ax.set_xlim(0, 1)
    unit = " (probability)" if is_p else ""
    finish(ax, f"{name} by scenario", f"{name}{unit}; bars: {CRI}; dashed: baseline", "Scenario")
    if len(methods) > 1:
        kw = {"mec": "black", "ls": ""}
        styles = [style(i) for i in range(len(methods))]
        handles = [
            Line2D([], [], color=c, marker=mk, label=m, **kw)
            for (c, mk, _), m in zip(styles, methods, strict=True)
        ]
        ncol = legend_columns(fig, methods)
        fig.legend(handles=handles, title="method", ncol=ncol, **OUT_LEGEND)
    return fig
