"""Words: designs and recommendations as sentences a policy analyst reads."""

from __future__ import annotations

import pandas as pd

from model.case.levers import describe
from model.constants import CI_PCT
from model.inference.fit import Fit


def recommendation(fit: Fit, ranking: pd.DataFrame) -> str:
    """One plain sentence a policy analyst could act on."""
    best = ranking[ranking["is_best"]].iloc[0]
    base = ranking[ranking["is_baseline"]].iloc[0]
    return (
        f"Ask for: {describe(best, fit.priors.levers)}. It raises P(deal) from "
        f"{base['p_deal_mean']:.0%} "
        f"(baseline) to {best['p_deal_mean']:.0%} ({CI_PCT} interval {best['p_deal_lo']:.0%} to "
        f"{best['p_deal_hi']:.0%}), a gain of {best['gain_mean'] * 100:+.1f} points "
        f"({CI_PCT} "
        f"interval {best['gain_lo'] * 100:+.1f} to {best['gain_hi'] * 100:+.1f}); it is the best "
        f"design in {best['p_best']:.0%} of posterior draws and its expected regret is "
        f"{best['regret'] * 100:.1f} probability points."
    )


def pct(x: float) -> str:
    """A probability as a percentage with one decimal (``11.0%``), the same in CLI and report."""
    return f"{x:.1%}"


def pct_interval(d: dict) -> str:
    """``mean [lo, hi]`` of a probability, as percentages."""
    return f"{pct(d['mean'])} [{pct(d['lo'])}, {pct(d['hi'])}]"


def points(x: float) -> str:
    """A probability difference or error in percentage points (``0.31``)."""
    return f"{100 * x:.2f}"
