"""The recommendation's words on the small fit's ranking, and on that ranking changed a little.

Each change puts one case the real ranking does not show today (the best design also the most
likely to pass; a larger size that costs no P(deal), or is worth less; no decision unit).
"""

import pytest

from model.analysis.decision import rank_designs
from model.views.words import plain_number, recommend


@pytest.fixture(scope="module")
def ranking(small_fit):
    return rank_designs(small_fit)


def _best_and_same_at_table_size(fit, ranking):
    best = ranking[ranking["is_best"]].iloc[0]
    same = ranking[~ranking["is_baseline"]]
    for lever in fit.priors.levers:
        if lever != "size":
            same = same[same[lever] == best[lever]]
    same = same[same["size"] == fit.priors.design["size"]]
    return best.name, same.index[0]


def test_the_verdict_clause_says_firm_or_fragile_and_how_often(small_fit, ranking):
    rec = recommend(small_fit, ranking)
    word = "fragile" if rec.fragile else "firm"
    assert rec.verdict == (
        f"{word}: it has the highest {rec.criterion} in {rec.p_best:.0%} of posterior draws"
    )
    assert rec.criterion == "expected value" and 0 <= rec.p_best <= 1


def test_a_best_design_that_also_passes_most_often_says_so(small_fit, ranking):
    changed = ranking.copy()
    best = changed.index[changed["is_best"]][0]
    changed.loc[best, "p_deal_mean"] = changed["p_deal_mean"].max() + 0.01
    assert "It is also the design most likely to pass." in recommend(small_fit, changed).text


def test_a_larger_size_worth_more_at_no_cost_in_p_deal(small_fit, ranking):
    if ranking.loc[ranking["is_best"], "size"].iloc[0] == small_fit.priors.design["size"]:
        pytest.skip("the best design keeps the size on the table")
    changed = ranking.copy()
    best, other = _best_and_same_at_table_size(small_fit, changed)
    changed.loc[other, "p_deal_mean"] = changed.loc[best, "p_deal_mean"] - 0.02
    changed.loc[other, "value_mean"] = changed.loc[best, "value_mean"] - 1.0
    text = recommend(small_fit, changed).text
    assert "P(deal) by +2.0 points but expected value by +1.00" in text
    assert "it is worth more if the deal happens and costs no P(deal)." in text


def test_a_larger_size_worth_less_is_stated_without_a_reason(small_fit, ranking):
    if ranking.loc[ranking["is_best"], "size"].iloc[0] == small_fit.priors.design["size"]:
        pytest.skip("the best design keeps the size on the table")
    changed = ranking.copy()
    best, other = _best_and_same_at_table_size(small_fit, changed)
    changed.loc[other, "value_mean"] = changed.loc[best, "value_mean"] + 0.5
    text = recommend(small_fit, changed).text
    assert "but expected value by -0.50." in text
    changed = changed.drop(index=other)  # no such design at the table's size: no size reason
    assert "Why " not in recommend(small_fit, changed).text


def test_without_values_the_size_reason_is_in_p_deal_alone(small_fit, ranking):
    rec = recommend(small_fit, ranking.drop(columns=["value_mean"]))
    assert rec.criterion == "P(deal)"
    why = [s for s in rec.sentences if s.startswith("Why ")]
    if ranking.loc[ranking["is_best"], "size"].iloc[0] != small_fit.priors.design["size"]:
        assert len(why) == 1 and " points." in why[0] and "expected value" not in why[0]


@pytest.mark.parametrize(
    ("v", "text"),
    [(0.0001, "0.000"), (-0.0004, "-0.000"), (0.25, "0.25"), (123456.0, "123,456.000")],
)
def test_plain_numbers_never_use_exponents(v, text):
    assert plain_number(v) == text
