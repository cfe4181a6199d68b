"""The headline: four short bullets an adviser can act on, and the same as one paragraph.

1. The answer. 2. Why it is that number: the weakest hurdle, and what drives it. 3. What to
ask for, and how sure we are of it. 4. What would change the answer. Every number is computed
from the results; every word about the arenas comes from the case's vocabulary.
"""

from __future__ import annotations

import pandas as pd

from model.case.levers import describe
from model.constants import CI_MASS, NEAR_TIE_POINTS, P_BEST_FIRM, VOI_WORTH_POINTS
from model.report.results import Results

CI = f"{CI_MASS:.0%} interval"


def _pct(x: float) -> str:
    return f"{x:.0%}" if abs(x) >= 0.095 else f"{x:.1%}"


def near_ties(ranking: pd.DataFrame, *, points: float = NEAR_TIE_POINTS) -> pd.DataFrame:
    """The designs of the grid whose mean P(deal) is within ``points`` of the best's."""
    grid = ranking[~ranking["is_baseline"]]
    best = grid["p_deal_mean"].max()
    return grid[grid["p_deal_mean"] >= best - points / 100]


def edge_levers(best: pd.Series, levers: dict) -> list[str]:
    """Ordered levers (three or more levels) where the best design takes the first or last level.

    A lever is ordered when its levels are a scale: their names carry a number (a size) or they
    hold the request back by different times. A best design on the edge of such a range may be
    best only because the grid stops there.
    """
    out = []
    for lever, table in levers.items():
        levels = list(table["levels"])
        delays = {spec.get("request_not_before") for spec in table["levels"].values()}
        ordered = all(any(c.isdigit() for c in name) for name in levels) or len(delays) == len(
            levels
        )
        if len(levels) >= 3 and ordered and best[lever] in (levels[0], levels[-1]):
            out.append(lever)
    return out


def is_fragile(best: pd.Series) -> bool:
    """True when the best design is rarely best, or its gain's interval includes zero."""
    return bool(best["p_best"] < P_BEST_FIRM or best["gain_lo"] <= 0 <= best["gain_hi"])


def _why(res: Results) -> str:
    s, vocab = res.summary, res.fit.priors.vocabulary
    hurdles = vocab.hurdles()
    weakest = min(hurdles, key=lambda k: s[k]["mean"])
    text = f"The weakest hurdle is {hurdles[weakest]} ({_pct(s[weakest]['mean'])})"
    if weakest == "p_enacted" and "p_willing" in s:
        text += (
            f": {vocab.words['donor_short']} is willing with {_pct(s['p_willing']['mean'])} and, "
            f"if willing, enacts in time with {_pct(s['p_in_time']['mean'])}"
        )
    text += "."
    if res.sensitivity["tornado"]:
        top = res.sensitivity["tornado"][0]
        text += (
            f" What moves the answer most is {res.label(top['input'])}: from its 10th to its 90th "
            f"percentile, P(deal) runs from {_pct(top['low'])} to {_pct(top['high'])}."
        )
    return text


def _ask(res: Results) -> str:
    ranking, priors = res.ranking, res.fit.priors
    best = ranking[ranking["is_best"]].iloc[0]
    mine = {k: v for k, v in priors.levers.items() if v.get("owner", "executive") == "executive"}
    changes = describe(best, mine, against=priors.design)
    text = (
        f"Ask for: {changes}. That moves P(deal) by {100 * best['gain_mean']:+.1f} points "
        f"({CI} {100 * best['gain_lo']:+.1f} to {100 * best['gain_hi']:+.1f}); it is the best "
        f"design in {best['p_best']:.0%} of posterior draws."
    )
    if is_fragile(best):
        ties = near_ties(ranking)
        text += (
            f" The recommendation is fragile: many designs tie ({len(ties)} of "
            f"{int((~ranking['is_baseline']).sum())} are within {NEAR_TIE_POINTS:g} point of the "
            "best), so choose among them on other grounds."
        )
    edges = edge_levers(best, priors.levers)
    if edges:
        text += (
            f" It sits on the edge of the range of {' and '.join(edges)} (the first or last "
            "level considered): the best may lie beyond it."
        )
    return text


def _change(res: Results) -> str:
    parts = []
    rows = res.scenarios[res.scenarios["method"] != "baseline"]
    if len(rows):
        top = rows.loc[rows["delta_p_deal_mean"].abs().idxmax()]
        parts.append(
            f"Of the {len(rows)} scenarios, the one that moves the answer most is "
            f"\u201c{top['question']}\u201d: {100 * top['delta_p_deal_mean']:+.1f} points."
        )
    sens, vocab = res.sensitivity, res.fit.priors.vocabulary
    evppi = dict(sens["evppi"])
    worth = max(evppi.values(), default=0.0)
    if worth < VOI_WORTH_POINTS:
        judged = [n for n in ("us_support", "gov_will") if n in res.fit.priors.params]
        tests = sorted({vocab.evidence_for(n) for n in judged})
        parts.append(
            f"No single input is worth learning before choosing the design (the largest value "
            f"of information is {worth:.1f} points): the answer rests on judgment of "
            + " and of ".join(res.label(n) for n in judged)
            + (f"; {' and '.join(tests)} would test it." if tests else ".")
        )
    else:
        name = max(evppi, key=evppi.get)
        parts.append(
            f"The uncertainty most worth resolving before choosing is {res.label(name)} "
            f"({evppi[name]:.1f} points of P(deal)); {vocab.evidence_for(name)} would settle it."
        )
    return " ".join(parts)


def headline_bullets(res: Results) -> list[str]:
    """The four headline bullets: the answer, why, what to ask for, what would change it.

    Parameters
    ----------
    res : Results
        The computed results.

    Returns
    -------
    list of str
    """
    deal, hurdles = res.summary["p_deal"], res.fit.priors.vocabulary.hurdles()
    answer = (
        f"About {_pct(deal['mean'])} that the deal goes through ({CI} {_pct(deal['lo'])} to "
        f"{_pct(deal['hi'])}): it needs {', '.join(hurdles.values())}, all three."
    )
    return [answer, _why(res), _ask(res), _change(res)]


def headline_text(res: Results) -> str:
    """The headline bullets as one paragraph (the Markdown form)."""
    return " ".join(headline_bullets(res))
