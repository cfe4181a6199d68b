"""Pure plotting functions: plain pandas / numpy data in, a new ``Figure`` out.

Figures are built without pyplot (no global state, no GUI backend). Colours are Okabe-Ito and
every series also differs by marker, line style or hatch, so figures survive colour-blindness
and greyscale printing. Intervals are 90% credible intervals.
"""

from __future__ import annotations

import io
import itertools
import math
import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from model.views.style import (
    BAR,
    BOX,
    CRI,
    NOTE,
    OKABE_ITO,
    OUT_LEGEND,
    finish,
    interval_rows,
    label_rows,
    legend_columns,
    legend_label,
    require,
    rows_figure,
    style,
)


def decomposition(
    table: pd.DataFrame,
    *,
    title: str = "P(deal) = P(framework) × P(enacted in time) × P(accepted)",
) -> Figure:
    """Point-and-interval chart of the factors of P(deal).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per factor with columns ``label, mean, lo, hi`` (probabilities; ``lo``/``hi``
        bound the 90% credible interval). Rows are drawn top to bottom in the given order; a
        row whose label is ``"Deal"`` (case-insensitive) or, failing that, the last row is
        emphasised as the product.

    Returns
    -------
    matplotlib.figure.Figure
    """
    require(table, ["label", "mean", "lo", "hi"], "decomposition")
    t = table.reset_index(drop=True)
    labels = [str(s) for s in t["label"]]
    fig, ax = rows_figure(len(t))
    interval_rows(ax, t, labels, list(range(len(t))))
    deal = [i for i, s in enumerate(labels) if s.strip().lower().startswith("deal")]
    k = deal[0] if deal else len(t) - 1
    yk = len(t) - 1 - k
    ax.axhspan(yk - 0.45, yk + 0.45, color="0.9", zorder=0)
    ax.get_yticklabels()[k].set_fontweight("bold")
    ax.set_xlim(0, 1)
    finish(ax, title, f"Probability (0-1); bars: {CRI}", "Factor", fontsize=10.5)
    return fig


def timing(
    months: np.ndarray,
    curves: Mapping[str, Mapping[str, np.ndarray]],
    *,
    calendar: Mapping[str, float],
    horizon_label: str = "months after the as-of date",
    title: str = "Cumulative probability that the package has been enacted by month t",
) -> Figure:
    """Cumulative probability of enactment over time with calendar events.

    Parameters
    ----------
    months : numpy.ndarray
        Time grid (months since the as-of date), shape ``(T,)``.
    curves : mapping
        Curve name -> mapping with arrays ``mean, lo, hi`` of shape ``(T,)``: P(enacted by
        month t) and its 90% credible interval.
    calendar : mapping
        Event name -> month. Events outside the range of ``months`` are not drawn.
    horizon_label : str
        X-axis label (the time unit).

    Returns
    -------
    matplotlib.figure.Figure
    """
    x = np.asarray(months, dtype=float)
    fig = Figure(figsize=(8.5, 5.2), layout="constrained")
    ax = fig.add_subplot()
    for i, (name, c) in enumerate(curves.items()):
        colour, marker, ls = style(i)
        mean, lo, hi = (np.asarray(c[k], dtype=float) for k in ("mean", "lo", "hi"))
        if i == 0:  # one band only, so the curves stay distinguishable
            ax.fill_between(x, lo, hi, color=colour, alpha=0.18, lw=0)
        kw = {"marker": marker, "ms": 5, "markevery": max(len(x) // 8, 1), "mec": "black"}
        ax.plot(x, mean, color=colour, ls=ls, lw=2, mew=0.5, label=str(name), **kw)
    previous, height = -np.inf, 0.985
    for name, month in sorted(calendar.items(), key=lambda kv: kv[1]):
        if not x.min() <= month <= x.max():
            continue
        height = 0.985 if month - previous > 0.06 * (x.max() - x.min()) or height < 0.9 else 0.62
        previous = month
        ax.axvline(month, color="0.35", ls=(0, (4, 3)), lw=0.9, zorder=1)
        box = {**BOX, "ec": "none", "pad": 0.5}
        kw = {"ha": "right", "va": "top", "fontsize": 8.5, "color": "0.2", "bbox": box}
        ax.text(month, height, f" {name}", rotation=90, transform=ax.get_xaxis_transform(), **kw)
    ax.set_xlim(x.min(), x.max())
    ax.set_ylim(0, 1.0)
    finish(ax, title, horizon_label, "P(enacted by month t) (probability)")
    ax.grid(color="0.9", lw=0.6)
    handles = [*ax.get_legend_handles_labels()[0]]
    if curves:
        first_colour = style(0)[0]
        band = f"{CRI} of the first curve (shaded)"
        handles.append(Patch(color=first_colour, alpha=0.3, label=band))
    for h in handles:
        h.set_label(legend_label(h.get_label()))
    labels = [h.get_label() for h in handles]
    fig.legend(handles=handles, ncol=legend_columns(fig, labels), **OUT_LEGEND)
    return fig


def _iso_levels(p_framework: float) -> list[float]:
    levels = [round(v, 1) for v in np.arange(0.1, 1.0, 0.1) if v < p_framework - 1e-9]
    if not levels and p_framework > 0:
        levels = [float(v) for v in np.round(np.linspace(0, p_framework, 5)[1:-1], 3)]
    return levels


def winset(
    designs: pd.DataFrame,
    *,
    p_framework: float,
    n_top: int = 10,
    xlabel: str = "P(enacted in time)",
    ylabel: str = "P(accepted)",
) -> Figure:
    """Two-level-game win-set map of package designs.

    Parameters
    ----------
    designs : pandas.DataFrame
        One row per design with columns ``label, p_enacted_mean, p_enacted_lo,
        p_enacted_hi, p_accepted_mean, p_accepted_lo, p_accepted_hi, is_baseline,
        is_best`` (probabilities; booleans for the last two). Exactly zero or one row
        should be flagged in each boolean column (only the first flagged row is marked).
    p_framework : float
        P(framework agreed); iso-lines show P(deal) = p_framework * x * y.
    n_top : int
        Number of top designs (by the product of the two means) that get error bars.

    Returns
    -------
    matplotlib.figure.Figure
    """
    cols = ["label"] + [f"p_{a}_{s}" for a in ("enacted", "accepted") for s in ("mean", "lo", "hi")]
    require(designs, [*cols, "is_baseline", "is_best"], "winset")
    d = designs.reset_index(drop=True)
    x, y = d["p_enacted_mean"].to_numpy(float), d["p_accepted_mean"].to_numpy(float)
    labels = d["label"].astype(str).tolist()
    fig = Figure(figsize=(7.5, 7.2), layout="constrained")
    ax = fig.add_subplot()
    grid = np.linspace(0, 1, 201)
    gx, gy = np.meshgrid(grid, grid)
    levels = _iso_levels(p_framework)
    if levels:
        kw = {"colors": "0.45", "linestyles": ":", "linewidths": 1}
        ax.contour(gx, gy, p_framework * gx * gy, levels=levels, **kw)
        # label each iso-line where it leaves the axes on the right edge (x = 1.02)
        kw = {**NOTE, "color": "0.3", "fontsize": 8, "xytext": (3, 0), "va": "center"}
        for lev in levels:
            xy = (1.0, lev / (p_framework * 1.02))
            ax.annotate(f"{lev:g}", xy, xycoords=("axes fraction", "data"), **kw)
        kw.update(xytext=(3, 4), va="baseline")
        ax.annotate("P(deal)\niso-lines", (1.0, 1.0), xycoords="axes fraction", **kw)
    kw = {"color": OKABE_ITO["sky_blue"], "alpha": 0.6, "lw": 0, "zorder": 2}
    ax.scatter(x, y, s=10, label=f"design ({len(d)})", gid="designs", **kw)
    base = np.flatnonzero(d["is_baseline"].to_numpy(bool))[:1]
    best = np.flatnonzero(d["is_best"].to_numpy(bool))[:1]
    order = np.argsort(-(x * y), kind="stable")
    top = [i for i in order if i not in set(base) | set(best)][: max(n_top, 0)]

    def bars(idx, fmt, colour, size, label, gid, **extra):
        if len(idx) == 0:
            return
        r = d.iloc[list(idx)]
        pairs = [[f"p_{a}_{s}" for a in ("enacted", "accepted")] for s in ("mean", "lo", "hi")]
        m, lo, hi = (r[c].to_numpy(float).T for c in pairs)  # each (2 axes, n)
        err = np.stack([m - lo, hi - m], axis=1).clip(min=0)  # (2 axes, 2 sides, n)
        kw = {"fmt": fmt, "color": colour, "ms": size, "mec": "black", "mew": 0.8, "capsize": 2}
        kw |= {"elinewidth": 1, "zorder": 4, "label": label, **extra}
        eb = ax.errorbar(*m, xerr=err[0], yerr=err[1], **kw)
        eb.lines[0].set_gid(gid)

    def name(idx, role):  # legend entry carrying the design's own label
        return textwrap.fill(f"{role}: {labels[idx[0]]}" if len(idx) else role, 46)

    bars(
        top,
        "D",
        OKABE_ITO["green"],
        5,
        f"top {len(top)} by P(deal), with {CRI}",
        "top",
        alpha=0.75,
    )
    bars(best, "*", OKABE_ITO["orange"], 17, name(best, "best design"), "best")
    # hollow and drawn on top, so the best-design star stays visible if it is also the baseline
    hollow = {"mfc": "none", "mec": OKABE_ITO["vermillion"], "mew": 2.2, "zorder": 5}
    bars(base, "s", OKABE_ITO["vermillion"], 15, name(base, "baseline"), "baseline", **hollow)
    same = len(base) and len(best) and base[0] == best[0]
    notes = [(base, "Baseline = best")] if same else [(best, "Best"), (base, "Baseline")]
    kw = {"ha": "center", "va": "center", "zorder": 6, "bbox": BOX, "fontweight": "bold", **NOTE}
    for idx, text in notes:
        if len(idx):
            i = int(idx[0])  # short tag pushed towards the centre of the map, off the edges
            off = (-28 if x[i] > 0.5 else 28, -22 if y[i] > 0.5 else 22)
            gid = "annotation_" + text.lower().replace(" = ", "_")
            arrow = {"arrowstyle": "-", "color": "0.2", "lw": 0.8}
            ax.annotate(text, (x[i], y[i]), xytext=off, gid=gid, arrowprops=arrow, **kw)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    title = f"Win-set map of package designs (P(framework) = {p_framework:.2f})"
    finish(ax, title, f"{xlabel} (probability)", f"{ylabel} (probability)")
    labels = ax.get_legend_handles_labels()[1]
    fig.legend(ncol=min(2, legend_columns(fig, labels)), **OUT_LEGEND)
    return fig


def tornado(table: pd.DataFrame, *, base: float, outcome_label: str = "P(deal)") -> Figure:
    """One-way sensitivity (tornado) chart.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per input with columns ``input, low, high``: the outcome mean when the input
        is set to its 10th (``low``) and 90th (``high``) percentile.
    base : float
        Outcome mean at the baseline; bars start here.
    outcome_label : str
        Name of the outcome for the axis label.

    Returns
    -------
    matplotlib.figure.Figure
        Inputs sorted by swing ``|high - low|``, largest on top; ``ax.patches`` holds the
        10th-percentile bars (top to bottom), then the 90th-percentile bars.
    """
    require(table, ["input", "low", "high"], "tornado")
    t = table.assign(_swing=(table["high"] - table["low"]).abs())
    t = t.sort_values("_swing", ascending=False, kind="stable").reset_index(drop=True)
    fig, ax = rows_figure(len(t), width=8)
    y = label_rows(ax, [str(s) for s in t["input"]])
    sides = (("low", "blue", "///", "10th"), ("high", "orange", "\\\\\\", "90th"))
    for col, colour, hatch, name in sides:
        kw = {
            "color": OKABE_ITO[colour],
            "hatch": hatch,
            "label": f"input at its {name} percentile",
        }
        ax.barh(y, t[col].to_numpy(float) - base, left=base, **kw, **BAR)
    ax.axvline(base, color="black", lw=1.2, zorder=3)
    kw = {"xytext": (0, 3), "ha": "center", "va": "bottom", **NOTE}
    ax.annotate(f"base = {base:.3f}", (base, 1.0), xycoords=("data", "axes fraction"), **kw)
    title = f"Tornado: one-way sensitivity of {outcome_label}"
    finish(ax, title, f"{outcome_label} (probability)", "Input", pad=16)
    labels = ax.get_legend_handles_labels()[1]
    fig.legend(ncol=min(2, legend_columns(fig, labels)), **OUT_LEGEND)
    return fig


def indices(values: pd.Series | Mapping[str, float], *, title: str, xlabel: str) -> Figure:
    """Horizontal bar chart of per-input indices (variance shares, EVPPI, ...).

    Parameters
    ----------
    values : pandas.Series or mapping
        Input name -> value. Drawn sorted descending, largest at the top.
    title, xlabel : str
        Figure title and x-axis label (include the unit, e.g. "EVPPI (USD)").

    Returns
    -------
    matplotlib.figure.Figure
    """
    s = pd.Series(values, dtype=float).sort_values(ascending=False, kind="stable")
    if s.empty:
        raise ValueError("indices: no values to plot")
    fig, ax = rows_figure(len(s))
    y = label_rows(ax, [str(i) for i in s.index])
    v = s.to_numpy(float)
    ax.barh(y, v, color=OKABE_ITO["blue"], hatch="//", **BAR)
    span = float(np.nanmax(np.abs(v))) if np.isfinite(v).any() else 1.0
    for yi, vi in zip(y, v, strict=True):
        if np.isfinite(vi):
            ax.annotate(f"{vi:.3g}", (max(vi, 0.0), yi), xytext=(3, 0), va="center", **NOTE)
    lo = min(0.0, float(np.nanmin(v)) - 0.03 * span) if np.isfinite(v).any() else 0.0
    ax.set_xlim(lo, max(span * 1.15, 1e-12))
    ax.axvline(0, color="black", lw=0.8)
    finish(ax, title, xlabel, "Input")
    return fig


def prior_posterior(
    prior: Mapping[str, np.ndarray], posterior: Mapping[str, np.ndarray], *, ncols: int = 4
) -> Figure:
    """Grid of prior vs posterior density panels, one per parameter.

    Parameters
    ----------
    prior, posterior : mapping
        Parameter name -> 1-D array of draws (any extra dimensions are flattened). A name
        present in only one mapping gets only that curve. Panel order: prior keys first,
        then posterior-only keys.
    ncols : int
        Number of panel columns.

    Returns
    -------
    matplotlib.figure.Figure
    """
    names = list(dict.fromkeys(itertools.chain(prior, posterior)))
    if not names:
        raise ValueError("prior_posterior: no parameters to plot")
    ncols = max(1, min(ncols, len(names)))
    nrows = max(1, math.ceil(len(names) / ncols))
    fig = Figure(figsize=(2.6 * ncols + 0.6, 2.1 * nrows + 1.0), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    c = OKABE_ITO
    kinds = (("prior", prior, c["orange"], "--"), ("posterior", posterior, c["blue"], "-"))
    for ax, name in zip(axes, names, strict=False):
        draws = {
            k: np.asarray(src[name], dtype=float).ravel() for k, src, *_ in kinds if name in src
        }
        draws = {k: v[np.isfinite(v)] for k, v in draws.items()}
        allv = np.concatenate([v for v in draws.values() if v.size] or [np.zeros(1)])
        lo, hi = np.quantile(allv, [0.005, 0.995])
        bins = np.linspace(lo, hi, 41) if hi > lo else 20
        for kind, _, colour, ls in kinds:
            if kind in draws and draws[kind].size:
                kw = {"density": True, "histtype": "step", "lw": 1.6, "label": kind}
                ax.hist(draws[kind], bins=bins, color=colour, ls=ls, **kw)
        ax.set_title(textwrap.fill(str(name), 34), fontsize=8.5)
        ax.tick_params(labelsize=7.5)
        ax.set_yticks([])
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    handles = [Line2D([], [], color=c, ls=ls, lw=1.6, label=k) for k, _, c, ls in kinds]
    fig.legend(handles=handles, loc="outside upper right", ncol=2, frameon=False)
    fig.suptitle("Prior vs posterior of each parameter")
    fig.supxlabel("Parameter value (native units of each parameter)", fontsize=10)
    fig.supylabel("Probability density (per unit of the parameter)", fontsize=10)
    return fig


def to_png_bytes(fig: Figure, *, dpi: int = 110) -> bytes:
    """Render ``fig`` to PNG bytes with the Agg canvas (``dpi``: dots per inch).

    Returns
    -------
    bytes
        The PNG file contents.
    """
    buf = io.BytesIO()
    FigureCanvasAgg(fig).print_figure(buf, format="png", dpi=dpi)
    return buf.getvalue()
