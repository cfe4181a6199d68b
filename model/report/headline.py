"""The headline: four short bullets an adviser can act on, and the same as one paragraph.

1. The answer. 2. Why it is that number: the weakest hurdle, and what drives it. 3. What to
ask for, and how sure we are of it. 4. What would change the answer. Every number is computed
from the results; every word about the arenas comes from the case's vocabulary.
"""

from __future__ import annotations

import pandas as pd

from model.constants import CI_MASS, P_BEST_FIRM, VOI_WORTH_POINTS
from model.report.results import Results
from model.views.words import near_tie_mask, pct_whole, recommend

CI = f"{CI_MASS:.0%} interval"


def near_ties(ranking: pd.DataFrame, *, by_value: bool = False) -> pd.DataFrame:
    """The designs of the grid within the near-tie margin of the best (`near_tie_mask`)."""
    return ranking[near_tie_mask(ranking, by_value=by_value)]


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


def is_fragile(best: pd.Series, *, by_value: bool = False) -> bool:
    """True when the best design is rarely best, or its gain's interval includes zero."""
    suffix, gain = ("_value", "value_gain") if by_value else ("", "gain")
    return bool(
        best[f"p_best{suffix}"] < P_BEST_FIRM or best[f"{gain}_lo"] <= 0 <= best[f"{gain}_hi"]
    )


def _why(res: Results) -> str:
    s, vocab = res.summary, res.fit.priors.vocabulary
    hurdles = vocab.hurdles()
    weakest = min(hurdles, key=lambda k: s[k]["mean"])
    text = f"The weakest hurdle is {hurdles[weakest]} ({pct_whole(s[weakest]['mean'])})"
    if weakest == "p_enacted" and "p_willing" in s:
        text += (
            f": {vocab.words['donor_short']} is willing with "
            f"{pct_whole(s['p_willing']['mean'])} and, if willing, enacts in time with "
            f"{pct_whole(s['p_in_time']['mean'])}"
        )
    text += "."
    if res.sensitivity["tornado"]:
        top = res.sensitivity["tornado"][0]
        text += (
            f" What moves the answer most is {res.label(top['input'])}: from its 10th to its 90th "
            f"percentile, P(deal) runs from {pct_whole(top['low'])} to {pct_whole(top['high'])}."
        )
    return text


def _ask(res: Results) -> str:
    rec = recommend(res.fit, res.ranking)
    text = " ".join(s for s in rec.sentences if s.startswith(("Ask for:", "The recommendation")))
    edges = edge_levers(rec.best, res.fit.priors.levers)
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


def how_it_erred(table) -> str:
    """How the model's past forecasts erred, in one sentence, from a backtest reliability table.

    Parameters
    ----------
    table : pandas.DataFrame or None
        ``lo, hi, n, predicted, observed, too_small`` per bin of forecast probability
        (`model.library.backtest.reliability`).

    Returns
    -------
    str
        The direction (too low or too high) and size of the error, weighted over the bins with
        enough cases, and the bin that erred most; "not computed" without a table.
    """
    if table is None or len(table) == 0:
        return "How the model erred in the backtest: not computed in this run."
    rows = table[(table["n"] > 0) & ~table["too_small"].astype(bool)]
    if rows.empty:
        return (
            "How the model erred in the backtest: too few past forecasts per bin to say "
            f"({int(table['n'].sum())} forecasts in all)."
        )
    gap = rows["observed"] - rows["predicted"]
    mean = float((gap * rows["n"]).sum() / rows["n"].sum())
    worst = rows.loc[gap.abs().idxmax()]
    direction = "too low" if mean > 0 else "too high"
    return (
        f"In the backtest the model's forecasts were {direction} by {abs(100 * mean):.0f} points "
        f"on average ({int(rows['n'].sum())} past forecasts, each case's yes/no questions counted "
        "apart, in the bins with enough of them): forecasts of "
        f"{worst['lo']:.0%}-{worst['hi']:.0%} came true {worst['observed']:.0%} of the time."
    )


def base_rate_words(summary: dict) -> str:
    """What the library's base rate alone gives for this case, or that it was not computed."""
    rate = summary.get("base_rate")
    if not rate:
        return "The base rate of comparable past deals for this case: not computed in this run."
    return (
        f"The base rate of comparable past deals alone gives {pct_whole(rate['mean'])} ({CI} "
        f"{pct_whole(rate['lo'])} to {pct_whole(rate['hi'])})."
    )


def reliability_of(backtest):
    """The backtest's reliability table: its own attribute when it carries one, else computed."""
    if backtest is None:
        return None
    table = getattr(backtest, "reliability", None)
    if table is not None and not callable(table):
        return table
    from model.library.backtest import reliability

    return reliability(backtest)


def number_to_use(res: Results) -> dict:
    """The headline box's second number: the base rate, and how the model erred in the past.

    Returns
    -------
    dict
        ``base_rate`` (``{"mean", "lo", "hi"}`` or None), ``base_rate_text`` and ``erred``
        (sentences built from the computed values; "not computed" when they are missing).
    """
    return {
        "base_rate": res.summary.get("base_rate"),
        "base_rate_text": base_rate_words(res.summary),
        "erred": how_it_erred(reliability_of(res.backtest)),
    }


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
        f"About {pct_whole(deal['mean'])} that the deal goes through "
        f"({CI} {pct_whole(deal['lo'])} to {pct_whole(deal['hi'])}): "
        f"it needs {', '.join(hurdles.values())}, all three."
    )
    return [answer, _why(res), _ask(res), _change(res)]


def headline_text(res: Results) -> str:
    """The headline bullets as one paragraph (the Markdown form)."""
    return " ".join(headline_bullets(res))
