"""Levers and the `[decision]` table: each mistake is one line naming the key and the fix.

The baseline's own tables, changed one key at a time, go through the validators the priors
loader runs (`PriorsFile.parse`); `describe` groups unlabelled switches.
"""

import copy

import pytest

from model.case.levers import describe
from model.case.spec import PriorsFile
from model.constants import MAX_DELAY_MONTHS, MAX_DESIGNS
from model.errors import InputError

WHERE = "priors/test.toml"


def _parse(priors, table: str, change) -> None:
    """Parse the priors' own tables with ``table`` changed, as the loader checks a file."""
    raw = copy.deepcopy(priors.spec.tables)
    change(raw[table])
    PriorsFile.parse(WHERE, raw)


def _levers_error(priors, change) -> InputError:
    with pytest.raises(InputError) as info:
        _parse(priors, "levers", change)
    assert info.value.where == WHERE and info.value.fix
    return info.value


def _decision_error(priors, change) -> InputError:
    with pytest.raises(InputError) as info:
        _parse(priors, "decision", change)
    assert info.value.where == WHERE and info.value.fix
    return info.value


def test_the_baseline_tables_pass(baseline_priors):
    assert PriorsFile.parse(WHERE, copy.deepcopy(baseline_priors.spec.tables)) == (
        baseline_priors.spec
    )


def test_an_unknown_key_of_a_lever(baseline_priors):
    err = _levers_error(baseline_priors, lambda lv: lv["military"].update(colour="red"))
    assert "levers.military.colour" in err.key


def test_a_lever_without_levels(baseline_priors):
    err = _levers_error(baseline_priors, lambda lv: lv["military"].update(levels={}))
    assert err.key == "levers.military.levels" and err.problem == "empty"


def test_an_unknown_key_of_a_level(baseline_priors):
    err = _levers_error(baseline_priors, lambda lv: lv["arms"]["levels"]["on"].update(cost=3))
    assert "levers.arms.levels.on.cost" in err.key


@pytest.mark.parametrize("delay", [-1.0, MAX_DELAY_MONTHS + 1, "soon"])
def test_a_request_delay_outside_the_months_allowed(baseline_priors, delay):
    def change(lv):
        lv["timing"]["levels"]["early_2008"]["request_not_before"] = delay

    err = _levers_error(baseline_priors, change)
    assert err.key == "levers.timing.levels.early_2008.request_not_before"
    assert f"must be months in [0, {MAX_DELAY_MONTHS}], got {delay!r}" in err.problem


def test_a_component_without_its_prior(baseline_priors):
    def change(lv):
        lv["military"]["levels"]["advisers"]["components"] = ["drones"]

    err = _levers_error(baseline_priors, change)
    assert err.key == "params.oppose_drones" and err.problem == "missing"
    assert "drones" in err.fix


def test_a_design_grid_too_large_for_memory(baseline_priors):
    levels = {f"level_{i}": {} for i in range(MAX_DESIGNS // 600)}
    err = _levers_error(baseline_priors, lambda lv: lv.update(extra={"levels": levels}))
    assert err.key == "levers" and f"more than {MAX_DESIGNS:,}" in err.problem
    assert f"x {len(levels)} levels" in err.problem and "fewer levers or levels" in err.fix


@pytest.mark.parametrize("weight", [1.5, -0.1, "half"])
def test_congress_choice_weights_must_be_probabilities(baseline_priors, weight):
    err = _levers_error(baseline_priors, lambda lv: lv["conditions"]["choice"].update(none=weight))
    assert err.key == "levers.conditions.choice.none"
    assert f"weight must be a number in [0, 1], got {weight!r}" in err.problem


def test_an_unknown_key_of_the_decision(baseline_priors):
    err = _decision_error(baseline_priors, lambda d: d.update(currency="USD"))
    assert "decision.currency" in err.key


@pytest.mark.parametrize("key", ["unit", "source"])
def test_the_decision_says_its_unit_and_source(baseline_priors, key):
    err = _decision_error(baseline_priors, lambda d: d.update({key: "  "}))
    assert err.key == f"decision.{key}" and err.problem == "missing" and key in err.fix


def test_a_weight_for_a_side_the_case_does_not_have(baseline_priors):
    err = _decision_error(baseline_priors, lambda d: d["weights"].update(eu=0.5))
    assert "decision.weights.eu" in err.key


@pytest.mark.parametrize("weight", [-1.0, 1e7, "a lot"])
def test_a_side_weight_out_of_range(baseline_priors, weight):
    err = _decision_error(baseline_priors, lambda d: d["weights"].update(us=weight))
    assert err.key == "decision.weights.us" and "only the ratio matters" in err.problem


def test_a_value_for_a_side_the_case_does_not_have(baseline_priors):
    err = _decision_error(baseline_priors, lambda d: d["value"].update(eu={}))
    assert "decision.value.eu" in err.key


def test_a_value_for_a_lever_that_does_not_exist(baseline_priors):
    err = _decision_error(baseline_priors, lambda d: d["value"]["us"].update(drones={"on": 1}))
    assert "decision.value.us.drones" in err.key


def test_a_value_for_a_level_that_does_not_exist(baseline_priors):
    err = _decision_error(baseline_priors, lambda d: d["value"]["mx"]["size"].update(usd9m=1.0))
    assert "decision.value.mx.size" in err.key and "usd9m" in err.line()


def test_unlabelled_switches_are_grouped_in_words():
    switch = {"levels": {"on": {}, "off": {}}}
    levers = {
        "arms": switch,
        "cash": switch,
        "demand": switch,
        "size": {"levels": {"big": {"label": "A big package"}}},
    }
    design = {"arms": "on", "cash": "on", "demand": "off", "size": "big"}
    assert describe(design, levers) == "a big package; arms and cash on; demand off"
    three = {"arms": "on", "cash": "on", "demand": "on", "size": "big"}
    assert describe(three, levers).endswith("; arms, cash and demand on")
