"""Design levers: mixtures, effects and the grid."""

import pytest

from model.case.levers import (
    decision_designs,
    decision_form,
    describe,
    design_value,
    effects,
    expand,
    grid,
    label,
)
from model.case.priors import load_priors
from model.errors import InputError


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


def test_decision_designs_leave_congress_levers_to_its_choice(baseline_priors):
    levers = baseline_priors.levers
    designs = decision_designs(levers)
    assert len(designs) == len(grid(levers)) // 3
    assert all(d["conditions"] == levers["conditions"]["choice"] for d in designs)
    assert len({label(d) for d in designs}) == len(designs)
    (on_table,) = decision_form(baseline_priors.design, levers)
    assert on_table in designs
    assert "conditions as Congress chooses (none 30%" in describe(on_table, levers)


def test_design_value_sums_levels_weighted_by_side():
    decision = {
        "weights": {"us": 0.25, "mx": 0.75},
        "value": {"us": {"a": {"x": 4.0}}, "mx": {"a": {"x": 1.0}, "b": {"y": 2.0}}},
    }
    arenas = {"donor": "us", "partner": "mx"}
    assert design_value({"a": "x", "b": "y"}, decision, arenas=arenas) == 0.25 * 4 + 0.75 * 3
    assert design_value({"a": "z", "b": "z"}, decision, arenas=arenas) == 0.0
    assert design_value({"a": "x"}, {}, arenas=arenas) == 1.0


@pytest.mark.parametrize(
    ("sets", "match"),
    [
        (['levers.conditions.owner="senate"'], "levers.conditions.owner"),
        (["levers.conditions.choice.none=0.9"], "sum to 1"),
        (["decision.weights.eu=1.0"], "decision.weights.eu"),
        (["decision.value.us.size.usd2000m=3.0"], "decision.value.us.size"),
        (["decision.flip_threshold=1.5"], "flip_threshold"),
        (['decision.flip_threshold="median"'], "flip_threshold"),
    ],
)
def test_bad_owner_choice_and_decision_keys_are_one_line_errors(sets, match):
    with pytest.raises(InputError, match=match):
        load_priors(sets=sets)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"owner": "congress"}, "missing: Congress's probability"),
        ({"choice": {"none": 1.0}}, "only a lever Congress sets"),
    ],
)
def test_owner_and_choice_go_together(tmp_path, change, match):
    import tomllib

    import tomli_w

    from model.constants import PRIORS_FILE

    raw = tomllib.loads(PRIORS_FILE.read_text())
    raw["levers"]["military"] |= change
    raw["evidence"]["dir"] = str(PRIORS_FILE.parent.parent / "data")
    path = tmp_path / "priors.toml"
    path.write_text(tomli_w.dumps(raw))
    with pytest.raises(InputError, match=match):
        load_priors(path)
