"""Checks shown back: the elicitation table in text, and the predictive-check figure.

Pure functions: data in (tables from `model.analysis.elicitation` and `model.analysis.checks`),
text or a figure out.
"""

from __future__ import annotations

import pandas as pd


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
