"""Words: designs and recommendations as sentences a policy analyst reads."""

from __future__ import annotations

import pandas as pd

from model.case.levers import describe
from model.constants import CI_PCT
from model.inference.fit import Fit


def recommendation(fit: Fit, ranking: pd.DataFrame) -> str:
    """One plain sentence a policy analyst could act on: the design of highest expected value."""
    best = ranking[ranking["is_best"]].iloc[0]
    base = ranking[ranking["is_baseline"]].iloc[0]
    moves = "raises" if best["gain_mean"] >= 0 else "changes"
    text = (
        f"Ask for: {describe(best, fit.priors.levers)}. It {moves} P(deal) from "
        f"{base['p_deal_mean']:.0%} "
        f"(baseline) to {best['p_deal_mean']:.0%} ({CI_PCT} interval {best['p_deal_lo']:.0%} to "
        f"{best['p_deal_hi']:.0%}), a change of {best['gain_mean'] * 100:+.1f} points "
        f"({CI_PCT} "
        f"interval {best['gain_lo'] * 100:+.1f} to {best['gain_hi'] * 100:+.1f})"
    )
    unit = fit.priors.decision.get("unit")
    if not unit:
        return text + (
            f"; it is the best design in {best['p_best']:.0%} of posterior draws and its "
            f"expected regret is {best['regret'] * 100:.1f} probability points."
        )
    top = ranking[~ranking["is_baseline"]].sort_values("p_deal_mean", ascending=False).iloc[0]
    return text + (
        f". Its expected value is {best['value_mean']:.2f} ({unit}; {CI_PCT} interval "
        f"{best['value_lo']:.2f} to {best['value_hi']:.2f}) against {base['value_mean']:.2f} "
        f"for the baseline, a gain of {best['value_gain_mean']:+.2f} ({CI_PCT} interval "
        f"{best['value_gain_lo']:+.2f} to {best['value_gain_hi']:+.2f}); it has the highest "
        f"expected value in {best['p_best_value']:.0%} of posterior draws (expected regret "
        f"{best['regret_value']:.2f}). The design most likely to pass "
        f"({describe(top, fit.priors.levers, against=best)}) has P(deal) "
        f"{top['p_deal_mean']:.0%} but expected value {top['value_mean']:.2f}."
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
