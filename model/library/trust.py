"""The report's section "How far to trust this number": the rolling-origin backtest.

Every sentence is built from the computed backtest (`model.library.backtest`): the scores of
the stack the tool uses and of the baselines, its calibration, what the case library did to
this case's forecast against the judgment priors of the first version, and what the library's
base rate alone gives for this case.
"""

from __future__ import annotations

import pandas as pd

from model.constants import CI_PCT
from model.library.views import NAMES, backtest_table, base_rate_words, calibration_words
from model.report.render import Bullets, Fig, Para, Section, Table
from model.views.words import pct_interval

JUDGMENT_SCENARIO = "judgment_priors"
"""The scenario that keeps the first version's judgment priors (no case library)."""


def verdict(backtest) -> str:
    """The backtest's scores in words: the stack the tool uses against the two baselines."""
    best = backtest.scores[backtest.chosen_variant]
    base, fifty = backtest.baselines["base_rate"], backtest.baselines["fifty_fifty"]
    gain = backtest.comparisons["base_rate"]["overall"]
    text = (
        f"Over {best['n']} past deals forecast in date order, each from what was known before "
        "its own decision date, the forecast the tool uses (a stack of the library model and the "
        "running base rate, its weights chosen from earlier cases only) scored a mean log score "
        f"of {best['log_score']:.3f} on the event it forecasts (enacted before the Congress ends, "
        f"and accepted; higher is better, 0 is perfect), against {base['log_score']:.3f} for the "
        f"running base rate of the library and {fifty['log_score']:.3f} for 50% on everything "
        f"(paired difference to the base rate {gain['mean']:+.3f}, standard error "
        f"{gain['se']:.3f}, better on {gain['won']} of {gain['n']} deals); its mean Brier score "
        f"was {best['brier']:.3f} against {base['brier']:.3f} and {fifty['brier']:.3f} (lower is "
        "better). "
    )
    if best["log_score"] > base["log_score"]:
        text += "It beats the running base rate on mean log score"
        if gain["mean"] < 2 * gain["se"]:
            text += (
                f", by less than two standard errors: about {gain['needed']} deals would be "
                "needed to confirm the edge"
            )
        text += ". "
    else:
        text += (
            "Said plainly: it does NOT beat the running base rate "
            f"({best['log_score'] - base['log_score']:+.3f} in mean log score), so on the "
            "library's evidence this model's probabilities are less reliable than the share of "
            "past deals that went through; read the number above as a judgment-laden estimate, "
            "not a calibrated one. "
        )
    cover = best.get("coverage_90")
    if cover is not None and cover == cover:
        text += (
            f"Its 90% intervals for the months to enactment held {cover:.0%} of the time "
            "(90% if calibrated)."
        )
    return text


def _then_and_now(res) -> str:
    table = res.scenarios
    old = table[table["scenario"] == JUDGMENT_SCENARIO] if len(table) else table
    now = res.summary["p_deal"]
    text = f"With the case library, P(deal) is {pct_interval(now)} ({CI_PCT} interval)"
    if len(old):
        r = old.iloc[0]
        then = {k: r[f"p_deal_{k}"] for k in ("mean", "lo", "hi")}
        text += (
            f"; with the first version's judgment priors, the 4-row reference class and a hard "
            f"window (scenario {JUDGMENT_SCENARIO}, refitted) it is {pct_interval(then)}"
        )
    text += "."
    effect = res.adjustments or {}
    if effect.get("adjustments"):
        names = ", ".join(
            f"{res.label(a['param'])} {a['mu']:+g} on the log-odds ({a['name'].replace('_', ' ')})"
            for a in effect["adjustments"]
        )
        text += (
            f" The sourced case adjustments to the pooled prediction ({names}) moved it from "
            f"{pct_interval(effect['without'])} to {pct_interval(effect['with'])}."
        )
    return text + base_rate_words(effect.get("base_rate"))


def problems_line(backtest) -> list[str]:
    """The backtest's sampler problems for the top of the report: one summary line, if any.

    Each refit's failed checks are listed in full in the section itself.
    """
    if not backtest.problems:
        return []
    refits = {p.split(":", 1)[0] for p in backtest.problems}
    return [
        f"{len(refits)} of {backtest.fits} backtest refits failed a sampler check "
        f"({len(backtest.problems)} problems: R-hat, ESS or divergences; listed in 'How far to "
        "trust this number'): their forecasts carry more Monte Carlo error than the interval shows"
    ]


def trust_section(res, pngs: dict) -> Section:
    """The section: verdict, variant table, reliability diagram, calibration, 2007 then/now."""
    title = "How far to trust this number"
    backtest = res.backtest
    if backtest is None:
        note = (
            "The backtest was not run for this report (`feasibility report --skip-backtest`, "
            "or the Python API without `backtest=True`); `feasibility backtest` runs it."
        )
        return Section("trust", title, [Para(note), Para(_then_and_now(res))])
    table = backtest_table(backtest)
    shown = pd.DataFrame(
        {
            "Forecaster": [
                NAMES.get(n, n) + (" (chosen)" if c else "")
                for n, c in zip(table["name"], table["chosen"], strict=True)
            ],
            "Kind": table["kind"],
            "Mean log score": table["log_score"].round(3),
            "Mean Brier": table["brier"].round(3),
            "90% coverage (months)": [
                "-" if v != v else f"{v:.0%}" for v in table["coverage_90"].astype(float)
            ],
            "Cases": table["n"],
        }
    )
    blocks = [
        Para(verdict(backtest)),
        Table(shown, "Rolling-origin scores per forecaster and baseline", "backtest.csv"),
    ]
    if "reliability" in pngs:
        png, alt = pngs["reliability"]
        blocks.append(Fig("reliability", "Reliability of the stack's forecasts.", alt, png))
    blocks += [
        Para(calibration_words(backtest)),
        Para(_then_and_now(res)),
        Para("Notes: " + "; ".join(backtest.notes) + "."),
    ]
    if backtest.problems:
        blocks += [
            Para("Sampler problems of the backtest's refits:"),
            Bullets(list(backtest.problems)),
        ]
    return Section("trust", title, blocks)
