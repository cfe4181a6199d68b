"""The headline's number to use, diagnostics in words, and one meaning per change interval.

Fast: fake summaries, reliability tables and documents, no fit.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from model.report.headline import base_rate_words, how_it_erred
from model.report.render import Document, Headline, Para, Section, linked, to_html, to_markdown
from model.views.words import CHANGE_MEANING, GLOSSARY, change_words

RELIABILITY = pd.DataFrame(
    {
        "lo": [0.0, 0.2, 0.4, 0.6, 0.8],
        "hi": [0.2, 0.4, 0.6, 0.8, 1.0],
        "n": [12, 7, 6, 2, 0],
        "predicted": [0.1, 0.3, 0.5, 0.7, None],
        "observed": [0.17, 0.71, 0.5, 1.0, None],
        "too_small": [False, False, False, True, True],
    }
)


def test_the_backtest_error_is_read_from_the_reliability_table():
    text = how_it_erred(RELIABILITY)
    # weighted over the readable bins: (12*0.07 + 7*0.41 + 6*0) / 25 = 0.148 -> 15 points low
    assert "too low by 15 points" in text and "25 past forecasts" in text
    assert "forecasts of 20%-40% came true 71% of the time" in text
    high = RELIABILITY.assign(observed=[0.0, 0.1, 0.3, 0.5, None])
    assert "too high" in how_it_erred(high)


def test_without_a_backtest_or_a_base_rate_the_box_says_not_computed():
    assert "not computed" in how_it_erred(None)
    assert "not computed" in base_rate_words({"p_deal": {"mean": 0.1}})
    few = RELIABILITY.assign(too_small=True)
    assert "too few past forecasts" in how_it_erred(few)


def test_the_base_rate_is_shown_beside_p_deal():
    summary = {"base_rate": {"mean": 0.42, "lo": 0.3, "hi": 0.55}}
    words = base_rate_words(summary)
    assert "42%" in words and "30% to 55%" in words
    ref = {"base_rate": summary["base_rate"], "base_rate_text": words, "erred": "E."}
    doc = _doc([Headline(0.093, 0.01, 0.3, "t", ["b"], reference=ref)])
    html = to_html(doc)
    head = html[html.index('id="headline"') :]
    assert "P(deal) = 9.3%" in head and 'id="base-rate"' in head and ">42.0%<" in head
    assert head.index("P(deal) = 9.3%") < head.index('id="base-rate"') < head.index("<ul")
    missing = {"base_rate": None, "base_rate_text": base_rate_words({}), "erred": "E."}
    html = to_html(_doc([Headline(0.093, 0.01, 0.3, "t", ["b"], reference=missing)]))
    assert "not computed" in html
    assert "42%" in to_markdown(doc)


def _doc(blocks, *, problems=()) -> Document:
    return Document(
        title="T",
        subtitle="S",
        problems=list(problems),
        diagnostics_ok="Sampler diagnostics: OK (max R-hat 1.002, min bulk ESS 900).",
        sections=[Section("summary", "Headline", blocks)],
        banner="The fit behind the numbers below failed its sampler checks.",
    )


def test_the_banner_is_one_plain_sentence_and_the_raw_lines_stay_out_of_it():
    raw = "tail ESS 399 < 400 for gov_will: the 90% intervals' ends are too noisy"
    html = to_html(_doc([Para("x")], problems=[raw]))
    start = html.index('id="diagnostics-banner"')
    banner = html[start : html.index("</div>", start)]
    assert "failed its sampler checks" in banner and "gov_will" not in banner
    assert 'href="#appendix"' in banner
    assert 'id="diagnostics-banner"' not in to_html(_doc([Para("x")]))


def test_every_glossary_term_is_linked_where_it_is_used():
    html = to_html(_doc([Para("R-hat, bulk ESS, 3 divergent transitions, Pareto k, PIT, "
                              "log score and Brier score")]))  # fmt: skip
    for anchor, _ in GLOSSARY.values():
        if anchor != "ebfmi":
            assert f'href="#glossary-{anchor}"' in html, anchor
    assert linked("E-BFMI") == '<a class="term" href="#glossary-ebfmi">E-BFMI</a>'
    assert {a for a, _ in GLOSSARY.values()} >= {
        "rhat", "ess", "divergences", "pareto-k", "pit", "log-score", "brier",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("value", "threshold", "above", "digits", "shown"),
    [
        (399.6, 400, False, 0, "399"),
        (1.0104, 1.01, True, 3, "1.011"),
        (0.2999, 0.3, False, 2, "0.29"),
    ],
)
def test_a_failed_threshold_never_rounds_onto_the_threshold(value, threshold, above, digits, shown):
    from model.inference.diagnostics import past, problems

    assert past(value, threshold, digits=digits, above=above) == shown
    d = {
        "r_hat_max": 1.0, "ess_bulk_min": 1000, "ess_tail_min": 399.6, "divergences": 0,
        "e_bfmi_min": 1.0, "worst_r_hat": "a", "worst_ess": "b", "worst_ess_tail": "c",
    }  # fmt: skip
    assert problems(d)[0].startswith("tail ESS 399 < 400")


def test_a_change_is_a_difference_of_means_with_its_error_and_a_design_adds_its_draws():
    row = {"delta_p_deal_mean": 0.013, "delta_p_deal_mcse": 0.002}
    assert change_words(row) == "+1.3 ± 0.2 points"
    design = row | {"delta_p_deal_draws_lo": -0.004, "delta_p_deal_draws_hi": 0.041}
    assert change_words(design) == (
        "+1.3 ± 0.2 points; in 90% of posterior draws this design moves P(deal) by -0.4 to "
        "+4.1 points"
    )
    assert change_words(row | {"delta_p_deal_draws_lo": math.nan}) == "+1.3 ± 0.2 points"
    assert "Monte Carlo" in CHANGE_MEANING
