"""Words: designs and recommendations as sentences a policy analyst reads."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from model.case.levers import describe, level_label, owner
from model.constants import CI_PCT, NEAR_TIE_POINTS, P_BEST_FIRM
from model.inference.fit import Fit


@dataclass(frozen=True)
class Recommendation:
    """The one recommendation: the best design, by the decision's criterion, and its fragility.

    The headline, the design section, the CLI and notebook 04 all read this one computation, so
    they say the same thing in the same words.
    """

    best: pd.Series
    baseline: pd.Series
    criterion: str
    """``"expected value"`` when the priors file has a ``[decision]`` unit, else ``"P(deal)"``."""
    p_best: float
    """Share of posterior draws in which the best design is best by the criterion."""
    fragile: bool
    ties: int
    """Designs of the grid within the near-tie margin of the best, by the criterion."""
    n_designs: int
    sentences: list[str]

    @property
    def text(self) -> str:
        """The recommendation as one paragraph."""
        return " ".join(self.sentences)

    @property
    def verdict(self) -> str:
        """One clause: firm or fragile, and how often the design is best."""
        return (
            f"{'fragile' if self.fragile else 'firm'}: it has the highest {self.criterion} in "
            f"{self.p_best:.0%} of posterior draws"
        )


def near_tie_mask(ranking: pd.DataFrame, *, by_value: bool) -> pd.Series:
    """Designs of the grid within the near-tie margin of the best (`NEAR_TIE_POINTS`).

    By P(deal): within ``NEAR_TIE_POINTS`` percentage points. By expected value: within the
    same share of the best design's expected value.
    """
    grid = ~ranking["is_baseline"]
    if by_value:
        best = ranking.loc[grid, "value_mean"].max()
        return grid & (ranking["value_mean"] >= best * (1 - NEAR_TIE_POINTS / 100))
    best = ranking.loc[grid, "p_deal_mean"].max()
    return grid & (ranking["p_deal_mean"] >= best - NEAR_TIE_POINTS / 100)


def _size_reason(fit: Fit, best: pd.Series, ranking: pd.DataFrame) -> str:
    """Why the best design's size helps (or not): the same design at the size on the table."""
    levers, design = fit.priors.levers, fit.priors.design
    if "size" not in levers or best.get("size") == design.get("size"):
        return ""
    same = ranking[~ranking["is_baseline"]]
    for lever in levers:
        if lever != "size":
            same = same[same[lever] == best[lever]]
    same = same[same["size"] == design["size"]]
    if same.empty:
        return ""
    other = same.iloc[0]
    vocab = fit.priors.vocabulary
    effects = [
        n
        for n in fit.priors.params
        if n.endswith("_per_100m") and vocab.role_of(n) is not None and "size" in n
    ]
    effect_words = "; ".join(
        f"{fit.priors.label(n)}: mean {fit.draws[n].mean():+.2f} log-odds per USD 100M "
        f"(source: {fit.priors.params[n].source.split('.')[0]})"
        for n in effects
        if n in fit.draws
    )
    size_now = level_label(levers, "size", design["size"])
    size_best = level_label(levers, "size", best["size"])
    d_deal = 100 * (best["p_deal_mean"] - other["p_deal_mean"])
    if "value_mean" in best and fit.priors.decision.get("unit"):
        d_value = best["value_mean"] - other["value_mean"]
        why = (
            f"Why {size_best} rather than {size_now}: with everything else the same, it changes "
            f"P(deal) by {d_deal:+.1f} points but expected value by {d_value:+.2f}"
        )
        if d_value > 0 and d_deal < 0:
            why += (
                ": the larger package is worth more if the deal happens, which outweighs its "
                "cost in P(deal)."
            )
        elif d_value > 0:
            why += ": it is worth more if the deal happens and costs no P(deal)."
        else:
            why += "."
    else:
        why = (
            f"Why {size_best} rather than {size_now}: with everything else the same, it changes "
            f"P(deal) by {d_deal:+.1f} points."
        )
    return why + (f" The size effects: {effect_words}." if effect_words else "")


def recommend(fit: Fit, ranking: pd.DataFrame) -> Recommendation:
    """The one recommendation of a ranking: best design, gain, fragility and why, in words.

    Parameters
    ----------
    fit : Fit
        The baseline posterior (its levers, design on the table and decision).
    ranking : pandas.DataFrame
        `model.analysis.decision.rank_designs`.

    Returns
    -------
    Recommendation
    """
    levers, design = fit.priors.levers, fit.priors.design
    by_value = bool(fit.priors.decision.get("unit")) and "value_mean" in ranking
    best = ranking[ranking["is_best"]].iloc[0]
    base = ranking[ranking["is_baseline"]].iloc[0]
    suffix, criterion = ("_value", "expected value") if by_value else ("", "P(deal)")
    p_best = float(best[f"p_best{suffix}"])
    gain = ("value_gain" if by_value else "gain") + "_{}"
    lo, hi = best[gain.format("lo")], best[gain.format("hi")]
    fragile = bool(p_best < P_BEST_FIRM or lo <= 0 <= hi)
    ties = int(near_tie_mask(ranking, by_value=by_value).sum())
    n_designs = int((~ranking["is_baseline"]).sum())
    mine = {k: v for k, v in levers.items() if owner(levers, k) == "executive"}
    changes = describe(best, mine, against=design)
    sentences = [
        f"Ask for: {changes}. It moves P(deal) from {base['p_deal_mean']:.0%} (the design on "
        f"the table) to {best['p_deal_mean']:.0%} ({CI_PCT} interval {best['p_deal_lo']:.0%} to "
        f"{best['p_deal_hi']:.0%}), a change of {100 * best['gain_mean']:+.1f} points on average "
        f"(in {CI_PCT} of posterior draws this design moves P(deal) by "
        f"{100 * best['gain_lo']:+.1f} to {100 * best['gain_hi']:+.1f} points)."
    ]
    if by_value:
        unit = fit.priors.decision["unit"]
        sentences.append(
            f"Its expected value is {best['value_mean']:.2f} ({unit}; {CI_PCT} interval "
            f"{best['value_lo']:.2f} to {best['value_hi']:.2f}) against {base['value_mean']:.2f} "
            f"for the design on the table, a gain of {best['value_gain_mean']:+.2f} on average "
            f"(in {CI_PCT} of posterior draws {best['value_gain_lo']:+.2f} to "
            f"{best['value_gain_hi']:+.2f})."
        )
    if fragile:
        sentences.append(
            f"The recommendation is fragile: it has the highest {criterion} in only "
            f"{p_best:.0%} of posterior draws, and {ties} of the {n_designs} designs come within "
            f"{NEAR_TIE_POINTS:g}{' point' if not by_value else '% of its ' + criterion}, so "
            "choose among them on other grounds."
        )
    else:
        sentences.append(
            f"The recommendation is firm: it has the highest {criterion} in {p_best:.0%} of "
            "posterior draws."
        )
    if by_value:
        grid = ranking[~ranking["is_baseline"]]
        top = grid.loc[grid["p_deal_mean"].idxmax()]
        if top.name == best.name or top["p_deal_mean"] <= best["p_deal_mean"]:
            sentences.append("It is also the design most likely to pass.")
        else:
            sentences.append(
                f"The design most likely to pass ({describe(top, mine, against=design)}) has "
                f"P(deal) {top['p_deal_mean']:.0%} against {best['p_deal_mean']:.0%}, but a "
                f"lower expected value ({top['value_mean']:.2f} against "
                f"{best['value_mean']:.2f}): it passes more often with less in it."
            )
    reason = _size_reason(fit, best, ranking)
    if reason:
        sentences.append(reason)
    return Recommendation(best, base, criterion, p_best, fragile, ties, n_designs, sentences)


def recommendation(fit: Fit, ranking: pd.DataFrame) -> str:
    """The recommendation as one paragraph (`recommend`'s sentences)."""
    return recommend(fit, ranking).text


def pct(x: float) -> str:
    """A probability as a percentage with one decimal (``11.0%``), the same in CLI and report."""
    return f"{x:.1%}"


def pct_whole(x: float) -> str:
    """A probability as a whole percentage (``47%``), with one decimal below 9.5% (``4.5%``).

    The headline's rule: a reader sees round numbers, but a small chance keeps its digit so that
    it does not read as ``0%`` or ``5%`` for 4.5%.
    """
    return f"{x:.0%}" if abs(x) >= 0.095 else f"{x:.1%}"


def plain_number(v: float) -> str:
    """A number in plain notation: 3 significant digits, never ``1e-08``."""
    if abs(v) < 0.0005:
        return "0.000" if v >= 0 else "-0.000"
    return f"{v:.3g}" if 0.001 <= abs(v) < 1e5 else f"{v:,.3f}"


def interval(d: dict, fmt=pct) -> str:
    """``mean [lo, hi]`` of a summary (keys ``mean``, ``lo``, ``hi``), each written by `fmt`."""
    return f"{fmt(d['mean'])} [{fmt(d['lo'])}, {fmt(d['hi'])}]"


def pct_interval(d: dict) -> str:
    """``mean [lo, hi]`` of a probability, as percentages (``11.0% [6.2%, 17.1%]``)."""
    return interval(d, pct)


def points(x: float) -> str:
    """A probability difference or error in percentage points (``0.31``)."""
    return f"{100 * x:.2f}"


def signed_points(x: float) -> str:
    """A change of probability in percentage points, signed, one decimal (``+3.2``)."""
    return f"{100 * x:+.1f}"


GLOSSARY = {
    "R-hat": (
        "rhat",
        "Compares the sampler's independent chains: near 1.00 they agree; above 1.01 they have "
        "not converged to the same answer, and the numbers may be wrong.",
    ),
    "ESS": (
        "ess",
        "Effective sample size: how many independent draws the correlated draws are worth. "
        "Bulk ESS is for means, tail ESS for interval ends; below 400 they are too noisy.",
    ),
    "divergences": (
        "divergences",
        "Divergent transitions: steps where the sampler could not follow the posterior's "
        "shape; any divergence means parts of the posterior may be missed.",
    ),
    "E-BFMI": (
        "ebfmi",
        "Energy diagnostic of the sampler: below 0.3 it moves poorly through the posterior.",
    ),
    "Pareto k": (
        "pareto-k",
        "How far a reweighted answer can be trusted: below about 0.7 the reweighting is "
        "reliable; above, the tool refits instead.",
    ),
    "PIT": (
        "pit",
        "Probability integral transform: where each real outcome fell in its forecast "
        "distribution. Calibrated forecasts give a flat histogram.",
    ),
    "log score": (
        "log-score",
        "The log of the probability a forecast gave to what happened, averaged over cases: "
        "0 is perfect, higher (closer to 0) is better.",
    ),
    "Brier": (
        "brier",
        "Brier score: the mean squared gap between the forecast probability and what "
        "happened (1 or 0): 0 is perfect, 0.25 is a 50% guess on everything.",
    ),
}
"""Each technical term the report and the panel use: its anchor and one plain definition."""

GLOSSARY_PATTERNS = {
    "rhat": r"R-hat",
    "ess": r"(?:bulk |tail )?ESS\b",
    "divergences": r"divergen(?:ces|t transitions?)",
    "ebfmi": r"E-BFMI",
    "pareto-k": r"Pareto k\b",
    "pit": r"\bPIT\b",
    "log-score": r"log scores?",
    "brier": r"\bBrier(?: score)?",
}
"""How each glossary term is found in running text (to link every use to its definition)."""


def change_words(row, *, key: str = "delta_p_deal") -> str:
    """The change in P(deal) of a what-if row: a difference of means +/- its Monte Carlo error.

    A design change on the same posterior draws adds its per-draw interval, labelled as such.

    Parameters
    ----------
    row : mapping
        A comparison row (`model.whatif.answers.row`): ``{key}_mean``, ``{key}_mcse`` and,
        for a design change, ``{key}_draws_lo`` and ``{key}_draws_hi``.

    Returns
    -------
    str
        E.g. ``+1.3 ± 0.2 points`` or ``+1.3 ± 0.0 points; in 90% of posterior draws this
        design moves P(deal) by +0.4 to +2.5 points``.
    """
    text = f"{100 * row[f'{key}_mean']:+.1f} ± {100 * row[f'{key}_mcse']:.1f} points"
    lo, hi = row.get(f"{key}_draws_lo"), row.get(f"{key}_draws_hi")
    if lo is not None and hi is not None and lo == lo and hi == hi:
        text += (
            f"; in {CI_PCT} of posterior draws this design moves P(deal) by "
            f"{100 * lo:+.1f} to {100 * hi:+.1f} points"
        )
    return text


CHANGE_MEANING = (
    "Change: the difference between the two means of P(deal), ± its Monte Carlo standard error "
    "(the noise from using a finite number of posterior draws). Only a change of design, "
    "answered on the same posterior draws, adds the per-draw interval, labelled as such."
)
"""What every change column means, said once where changes are shown."""
