"""Shared style for the figures: an Okabe-Ito palette, markers, line styles and layout helpers.

Every series differs by colour and by marker, line style or hatch, so figures survive
colour-blindness and greyscale printing.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model.constants import CI_PCT

OKABE_ITO = dict(
    black="#000000", orange="#E69F00", sky_blue="#56B4E9", green="#009E73", yellow="#F0E442",
    blue="#0072B2", vermillion="#D55E00", purple="#CC79A7",
)  # fmt: skip
# Ordered for contrast in greyscale (dark / light alternate); yellow left out (poor on white).
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "<", ">"]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (8, 3))]
CRI = f"{CI_PCT} credible interval"
# Shared keyword sets (kept here so the calls below stay short).
NOTE = {"textcoords": "offset points", "fontsize": 8.5}
BOX = {"fc": "white", "ec": "0.5", "alpha": 0.8, "pad": 2}
BAR = {"height": 0.6, "edgecolor": "black", "lw": 0.6}
OUT_LEGEND = {"loc": "outside lower center", "frameon": False, "fontsize": 8.5}


def require(table: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise ValueError naming ``what`` when ``table`` lacks any of ``columns``."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {missing}; got {list(table.columns)}")
    if len(table) == 0:
        raise ValueError(f"{what}: the table has no rows")


def style(i: int) -> tuple[str, str, object]:
    """Colour, marker and line style of the ``i``-th series."""
    n = i % len(COLOURS), i % len(MARKERS), i % len(LINESTYLES)
    return COLOURS[n[0]], MARKERS[n[1]], LINESTYLES[n[2]]


def rows_figure(n_rows: int, width: float = 7.5) -> tuple[Figure, object]:
    """A new figure tall enough for ``n_rows`` categorical rows, and its axes."""
    fig = Figure(figsize=(width, 1.4 + 0.42 * max(n_rows, 1)), layout="constrained")
    return fig, fig.add_subplot()


def label_rows(ax, labels: list[str]) -> np.ndarray:
    """Put one categorical row per label on the y axis, first label at the top."""
    y = np.arange(len(labels))[::-1]
    ax.set_yticks(y, labels)
    ax.set_ylim(-0.7, len(labels) - 0.3)
    ax.grid(axis="x", color="0.88", lw=0.6)
    ax.set_axisbelow(True)
    return y


def finish(ax, title: str, xlabel: str, ylabel: str, **title_kw) -> None:
    """Set the title (wrapped at drawing time to stay inside the figure) and the axis labels."""
    ax.set_title(title, wrap=True, **title_kw)
    ax.set_xlabel(xlabel, wrap=True)
    ax.set_ylabel(ylabel)


def interval_rows(ax, table: pd.DataFrame, labels: list[str], groups: list[int]) -> None:
    """One point-and-interval row per table row (top to bottom, styled by group).

    ``mean [lo, hi]`` is written just outside the right edge of the axes.
    """
    y = label_rows(ax, labels)
    note = {"xycoords": ("axes fraction", "data"), "xytext": (5, 0), "va": "center", **NOTE}
    rows = table[["mean", "lo", "hi"]].to_numpy(float)
    for yi, g, (m, lo, hi) in zip(y, groups, rows, strict=True):
        colour, marker, _ = style(g)
        kw = {"fmt": marker, "color": colour, "mec": "black", "ms": 8, "capsize": 4}
        ax.errorbar(m, yi, xerr=[[m - lo], [hi - m]], elinewidth=2, zorder=3, **kw)
        ax.annotate(f"{m:.2f} [{lo:.2f}, {hi:.2f}]", (1.0, yi), **note)


def legend_columns(fig: Figure, labels: list[str], *, fontsize: float = 8.5) -> int:
    """The most legend columns (at most 3) whose labels fit side by side in the figure's width.

    Estimated from the labels' lengths (about 0.6 em a character, plus the marker and the
    gaps), so a figure-level legend below the axes is never cut at the figure's edges.
    """
    width = fig.get_figwidth() * 72 * 0.95
    for ncol in range(min(len(labels), 3), 1, -1):
        longest = max(len(str(x)) for x in labels)
        if ncol * (longest * 0.6 * fontsize + 4 * fontsize) <= width:
            return ncol
    return 1


def legend_label(text: str, *, width: int = 60) -> str:
    """A legend label wrapped onto lines of at most ``width`` characters."""
    return textwrap.fill(str(text), width)
