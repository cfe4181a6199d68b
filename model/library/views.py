"""The backtest in words, tables, JSON and a reliability diagram (pure: data in, figure out)."""

from __future__ import annotations

import math

import pandas as pd

from model.library.backtest import Backtest, pit_histogram, reliability
from model.views.words import pct_interval, signed_points

NAMES = {
    "base_rate": "running base rate",
    "fifty_fifty": "50% for everything",
    "stack": "stack (prequential)",
    "hierarchical": "library model alone",
}
HURDLE_NAMES = {"us": "enacted in time", "acc": "accepted", "us_any": "enacted at any time"}


def backtest_table(result: Backtest) -> pd.DataFrame:
    """One row per forecaster: overall mean log score, Brier, 90% coverage, n, chosen."""
    rows = []
    for kind, table in (("forecaster", result.scores), ("baseline", result.baselines)):
        for name, s in table.items():
            rows.append(
                {
                    "name": name,
                    "kind": kind,
                    "log_score": s["log_score"],
                    "brier": s["brier"],
                    "coverage_90": s.get("coverage_90"),
                    "n": s["n"],
                    "chosen": name == result.chosen_variant,
                }
            )
    return pd.DataFrame(rows)


def hurdle_table(result: Backtest) -> pd.DataFrame:
    """One row per forecaster and hurdle: log score, Brier, mean forecast, observed, n."""
    rows = []
    for name, s in {**result.scores, **result.baselines}.items():
        for h, label in HURDLE_NAMES.items():
            t = s.get(h, {})
            if not t.get("n"):
                continue
            rows.append(
                {
                    "name": name,
                    "event": label,
                    "log_score": t["log_score"],
                    "brier": t["brier"],
                    "mean_forecast": t["mean_forecast"],
                    "observed": t["observed"],
                    "n": t["n"],
                    "episodes": t["episodes"],
                }
            )
    return pd.DataFrame(rows)


def paired_table(result: Backtest) -> pd.DataFrame:
    """The stack's paired log-score differences against each baseline, per event and overall."""
    rows = []
    for ref, per in result.comparisons.items():
        for h, c in per.items():
            if not c.get("n"):
                continue
            rows.append(
                {
                    "against": ref,
                    "event": HURDLE_NAMES.get(h, h),
                    "mean_difference": c["mean"],
                    "se": c["se"],
                    "won": c["won"],
                    "lost": c["lost"],
                    "n": c["n"],
                    "cases_needed": c["needed"],
                }
            )
    return pd.DataFrame(rows)


def backtest_payload(result: Backtest) -> dict:
    """The JSON of ``feasibility backtest --json``.

    ``cases``, ``scores``, ``baselines``, ``chosen_variant``, ``comparisons``, ``weights``
    (the stack's weight of the library model per hurdle for the next forecast) and ``targets``.
    """
    cases = result.cases[["id", "episode", "as_of", "forecast", "outcome", "scores"]]
    return {
        "cases": cases.to_dict(orient="records"),
        "scores": result.scores,
        "baselines": result.baselines,
        "chosen_variant": result.chosen_variant,
        "comparisons": result.comparisons,
        "weights": result.weights,
        "targets": result.targets,
    }


def _num(x, fmt="{:.3f}") -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else fmt.format(x)


def calibration_words(result: Backtest) -> str:
    """The reliability table and the PIT histogram of the chosen forecaster, in sentences."""
    table = reliability(result)
    readable = table[~table["too_small"]]
    small = table[table["too_small"] & (table["n"] > 0)]
    parts = []
    for r in readable.itertuples():
        parts.append(
            f"forecasts of {r.lo:.0%}-{r.hi:.0%} (n = {r.n}, mean {r.predicted:.0%}) came true "
            f"{r.observed:.0%} of the time"
        )
    name = NAMES.get(result.chosen_variant, result.chosen_variant)
    text = "Calibration of the " + name + ": " + ("; ".join(parts) or "no bin")
    if len(small):
        bins = ", ".join(f"{r.lo:.0%}-{r.hi:.0%} (n = {r.n})" for r in small.itertuples())
        text += f". Too few cases to read in {bins}"
    pit = pit_histogram(result)
    text += (
        f". Months to enactment: PIT counts {pit['counts']} over {pit['n']} enacted cases "
        "(flat if calibrated; piled at the right when enactment took longer than forecast)."
    )
    return text


def format_backtest(result: Backtest) -> str:
    """The text of ``feasibility backtest``: tables, paired differences, targets, notes."""
    table = backtest_table(result)
    lines = ["Overall (log score of each case's whole outcome; episode-weighted)"]
    lines.append(f"{'':26} {'log score':>10} {'Brier':>7} {'cover90':>8} {'n':>4}")
    for r in table.itertuples():
        mark = " <- used" if r.chosen else ""
        name = NAMES.get(r.name, r.name)
        cov = _num(r.coverage_90, "{:.0%}")
        lines.append(
            f"{name:26} {_num(r.log_score):>10} {_num(r.brier):>7} {cov:>8} {r.n:>4}{mark}"
        )
    lines += ["", "Per event"]
    lines.append(
        f"{'':26} {'event':20} {'log score':>10} {'Brier':>7} {'mean p':>7} {'obs':>6} {'n':>4}"
    )
    for r in hurdle_table(result).itertuples():
        lines.append(
            f"{NAMES.get(r.name, r.name):26} {r.event:20} {r.log_score:>10.3f} {r.brier:>7.3f} "
            f"{r.mean_forecast:>7.3f} {r.observed:>6.3f} {r.n:>4}"
        )
    lines += ["", "Paired log-score difference of the stack (positive: the stack is better)"]
    for r in paired_table(result).itertuples():
        lines.append(
            f"vs {NAMES.get(r.against, r.against):22} {r.event:20} {r.mean_difference:+.3f} "
            f"(SE {r.se:.3f}); won {r.won}, lost {r.lost} of {r.n}"
        )
    weights = ", ".join(f"{HURDLE_NAMES[h]} {w:.2f}" for h, w in result.weights.items())
    lines += [
        "",
        f"Stack weight of the library model for the next forecast: {weights} "
        "(the rest is the running base rate).",
        calibration_words(result),
        "",
        "Targets:",
        *[f"  {t}" for t in result.targets],
        f"Refits: {result.fits} (exact grid posteriors).",
    ]
    lines += [f"note: {n}" for n in result.notes]
    return "\n".join(lines)


def reliability_figure(table: pd.DataFrame, *, title: str = "Reliability of the backtest"):
    """Reliability diagram: observed frequency against forecast, bins sized by their count.

    Parameters
    ----------
    table : pandas.DataFrame
        ``model.library.backtest.reliability`` output (``lo, hi, n, predicted, observed,
        too_small``).
    title : str
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="perfect calibration")
    shown = table[table["n"] > 0]
    for small, style in ((False, "o"), (True, "x")):
        part = shown[shown["too_small"] == small]
        if len(part):
            label = "too few cases to read" if small else "bins with enough cases"
            ax.scatter(
                part["predicted"],
                part["observed"],
                s=20 + 15 * part["n"],
                marker=style,
                label=label,
            )
            for r in part.itertuples():
                ax.annotate(
                    f"n={r.n}",
                    (r.predicted, r.observed),
                    fontsize=8,
                    xytext=(4, 4),
                    textcoords="offset points",
                )
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1.05),
        xlabel="forecast probability",
        ylabel="observed frequency",
        title=title,
    )
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def format_adjustments(effect: dict) -> str:
    """One sentence: how far the case adjustments moved P(deal) from the pooled prediction."""
    names = ", ".join(f"{a['param']}.{a['name']} ({a['mu']:+g})" for a in effect["adjustments"])
    moved = f"from {pct_interval(effect['without'])} to {pct_interval(effect['with'])}"
    sentence = (
        f"Case adjustments to the library's pooled prediction ({names}) moved P(deal) {moved} "
        f"({signed_points(effect['change'])} points, by {effect.get('method', 'recompute')})."
    )
    return sentence + base_rate_words(effect.get("base_rate"))


def base_rate_words(rates: dict | None) -> str:
    """The library's base rate alone for this case, beside the model's P(deal); '' if none."""
    if not rates:
        return ""
    us, acc = rates["enacted_in_time"], rates["accepted"]
    return (
        f" The library's running base rate alone gives P(enacted in time) {pct_interval(us)} and "
        f"P(accepted) {pct_interval(acc)}; with the model's own P(framework): P(deal) "
        f"{pct_interval(rates)} by the base rate."
    ) + _stack_words(rates.get("stack"))


def _stack_words(stack: dict | None) -> str:
    if not stack:
        return ""
    w = stack["weights"]
    return (
        f" The library's own forecast for this case (the prequential stack, weights on the "
        f"library model {w['us']:.2f} and {w['acc']:.2f}): P(enacted in time) "
        f"{stack['p_enacted_in_time']:.1%} x P(accepted) {stack['p_accepted']:.1%} = "
        f"{stack['both']:.1%}."
    )
