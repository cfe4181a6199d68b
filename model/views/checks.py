"""Checks shown back: the elicitation table in text, and the predictive-check figure.

Pure functions: data in (tables from `model.analysis.elicitation` and `model.analysis.checks`),
text or a figure out.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter, ScalarFormatter

from model.views.style import OKABE_ITO, require


def format_elicitation(table: pd.DataFrame) -> str:
    """Text table of `elicitation_table`: quantiles and the mass outside each interval.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of `model.analysis.elicitation.elicitation_table`.

    Returns
    -------
    str
    """
    lines = [
        "Elicited priors shown back: the expert's interval, the prior it became, its 5% / 50% / "
        "95% quantiles and the prior mass below and above the interval",
        f"{'parameter':<17}{'tails':<8}{'interval (mass)':<22}{'5%':>9}{'50%':>9}{'95%':>9}"
        f"{'below':>8}{'above':>8}  prior",
    ]
    for r in table.itertuples():
        span = f"[{r.lower:g}, {r.upper:g}] ({r.mass:.0%})"
        lines.append(
            f"{r.parameter:<17}{r.tails:<8}{span:<22}{r.q05:>9.3g}{r.q50:>9.3g}{r.q95:>9.3g}"
            f"{r.below:>8.1%}{r.above:>8.1%}  {r.prior}"
        )
    lines.append(
        "tails = equal puts (1 - mass) / 2 on each side; maxent (PreliZ) may split it unevenly. "
        "Set [elicitation] tails, or a prior's own tails, in the priors file."
    )
    return "\n".join(lines)


def predictive_figure(months: pd.DataFrame, poll: pd.DataFrame) -> Figure:
    """Observations against their prior and posterior predictive 90% intervals.

    Parameters
    ----------
    months : pandas.DataFrame
        `predictive_checks` ``months`` table: ``package``, ``observed``, ``censored``,
        ``prior_lo``, ``prior_median``, ``prior_hi``, ``post_lo``, ``post_median``,
        ``post_hi``, ``loo_pit``.
    poll : pandas.DataFrame
        `predictive_checks` ``poll`` table: ``reading``, ``component``, ``n``, ``observed``
        and the same interval and PIT columns (counts; shown as shares of ``n``).

    Returns
    -------
    matplotlib.figure.Figure
        Two panels: months to enactment (log scale) and poll shares; a hollow marker is a
        censored package (still pending: at least that long).
    """
    cols = ["observed", "prior_lo", "prior_median", "prior_hi", "post_lo", "post_median", "post_hi"]
    require(months, ["package", "censored", "loo_pit", *cols], "predictive_figure months")
    require(poll, ["reading", "component", "n", "loo_pit", *cols], "predictive_figure poll")
    fig = Figure(figsize=(8.0, 1.2 + 0.45 * (len(months) + len(poll))), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 1, height_ratios=[max(len(months), 1), max(len(poll), 1)])
    shares = poll.assign(**{c: poll[c] / poll["n"] for c in cols})
    panels = (
        (axes[0], months, [textwrap.shorten(str(p), 38) for p in months["package"]], "months"),
        (axes[1], shares, [f"{r.component} ({r.reading})" for r in poll.itertuples()], "share"),
    )
    for ax, table, labels, unit in panels:
        y = np.arange(len(table))[::-1]
        for offset, (prefix, colour, name) in enumerate(
            (
                ("prior", OKABE_ITO["sky_blue"], "prior predictive"),
                ("post", OKABE_ITO["vermillion"], "posterior"),
            )
        ):
            yy = y + (0.15 if offset == 0 else -0.15)
            ax.hlines(
                yy,
                table[f"{prefix}_lo"],
                table[f"{prefix}_hi"],
                color=colour,
                lw=2.5,
                label=f"{name} 90%",
            )
            ax.plot(table[f"{prefix}_median"], yy, "|", color=colour, ms=10)
        hollow = table["censored"].to_numpy(bool) if "censored" in table else np.zeros(len(y), bool)
        ax.plot(table["observed"][~hollow], y[~hollow], "D", color="black", label="observed")
        if hollow.any():
            ax.plot(
                table["observed"][hollow],
                y[hollow],
                "D",
                mfc="white",
                color="black",
                label="still pending (at least)",
            )
        for yi, value in zip(y, table["loo_pit"], strict=True):
            if np.isfinite(value):
                ax.annotate(
                    f"LOO-PIT {value:.2f}",
                    (1.0, yi),
                    xycoords=("axes fraction", "data"),
                    xytext=(4, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=7,
                )
        ax.set_yticks(y, labels, fontsize=8)
        ax.set_xlabel(
            "months from request to enactment"
            if unit == "months"
            else "share opposed (as the likelihood counts it)"
        )
        if unit == "months":
            ax.set_xscale("log")
            ax.xaxis.set_major_formatter(ScalarFormatter())
            ax.xaxis.set_minor_formatter(NullFormatter())
        ax.legend(fontsize=7, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=4, frameon=False)
    return fig
