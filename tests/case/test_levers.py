"""Design levers: mixtures, effects and the grid."""

import pytest

from model.case.levers import effects, expand, grid, label


def test_expand_splits_mixtures_into_weighted_pure_designs(baseline_priors):
    pieces = expand(baseline_priors.design)
    assert sum(w for w, _ in pieces) == pytest.approx(1.0)
    assert {d["conditions"] for _, d in pieces} == {"none", "reporting", "certification"}
    assert all(d["military"] == "none" for _, d in pieces)


def test_effects_sum_levels_and_add_components(baseline_priors):
    design = {
        **baseline_priors.design,
        "military": "troops",
        "conditions": "reporting",
        "size": "usd1000m",
        "timing": "early_2008",
    }
    eff = effects(
        design,
        baseline_priors.levers,
        base_components=["funds", "training"],
        arenas=baseline_priors.vocabulary.arenas,
    )
    assert eff.donor == {
        "us_military_troops": 1.0,
        "us_conditions_reporting": 1.0,
        "us_size_per_100m": 5.0,
    }
    assert eff.components == ("funds", "training", "troops")
    assert eff.request_not_before == 5.5


def test_grid_is_the_cartesian_product(baseline_priors):
    designs = grid(baseline_priors.levers)
    sizes = [len(t["levels"]) for t in baseline_priors.levers.values()]
    expected = 1
    for n in sizes:
        expected *= n
    assert len(designs) == expected
    assert len({label(d) for d in designs}) == expected
