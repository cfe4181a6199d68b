"""Elicitation shown back: quantiles and tail masses of every elicited prior."""

import pytest

from model.analysis.elicitation import compare_conventions, elicitation_table
from model.case.priors import load_priors


def test_table_lists_every_elicited_prior_with_equal_tails(baseline_priors):
    table = elicitation_table(baseline_priors).set_index("parameter")
    elicited = {n for n, p in baseline_priors.params.items() if p.interval is not None}
    assert set(table.index) == elicited
    assert (table["tails"] == "equal").all()
    for name, row in table.iterrows():
        # equal tails: the interval is the 5%-95% interval
        assert row["below"] == pytest.approx(0.05, abs=1e-5), name
        assert row["above"] == pytest.approx(0.05, abs=1e-5), name
        assert row["q05"] == pytest.approx(row["lower"], rel=1e-4), name
        assert row["q95"] == pytest.approx(row["upper"], rel=1e-4), name
        assert row["q05"] < row["q50"] < row["q95"]


def test_maxent_convention_shows_the_uneven_tails(baseline_priors):
    table = elicitation_table(baseline_priors, tails="maxent").set_index("parameter")
    row = table.loc["announce_months"]
    assert row["below"] == pytest.approx(0.004, abs=0.001)
    assert row["above"] == pytest.approx(0.096, abs=0.002)
    assert row["below"] + row["above"] == pytest.approx(1 - row["mass"], abs=0.01)
    # the same table from a file that chose maxent
    chosen = elicitation_table(load_priors(sets=['elicitation.tails="maxent"']))
    assert chosen.set_index("parameter").loc["announce_months", "above"] == row["above"]
    both = compare_conventions(baseline_priors)
    assert both.loc["announce_months", "above_maxent"] > both.loc["announce_months", "above_equal"]
    # the Normal is symmetric: both conventions agree (an elicited Normal: the judgment priors)
    judged = load_priors(scenarios=["priors/scenarios/judgment_priors.toml"])
    normal = compare_conventions(judged).loc["us_support"]
    assert normal["above_maxent"] == pytest.approx(0.05, abs=1e-3)
