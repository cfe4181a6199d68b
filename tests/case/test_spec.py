"""The typed spec (model/case/spec.py): one place that checks every table, frozen results."""

import copy
import dataclasses
import tomllib

import pytest

from model.case.priors import load_priors, overlay_priors
from model.case.spec import PriorsFile, PriorSpec, Scenario, Study
from model.cli.main import main
from model.constants import PRIORS_FILE
from model.errors import InputError

BASE = tomllib.loads(PRIORS_FILE.read_text(encoding="utf-8"))


def parse(raw):
    return PriorsFile.parse("priors.toml", copy.deepcopy(raw))


def test_the_spec_refuses_a_misspelt_parameter_with_its_hint():
    raw = copy.deepcopy(BASE)
    raw["vocabulary"] = {"labels": {"us_suport": "Congress's willingness"}}
    with pytest.raises(InputError) as err:
        parse(raw)
    assert str(err.value) == (
        "priors.toml: vocabulary.labels.us_suport: unknown key; fix: did you mean 'us_support'?"
    )
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize(
    ("table", "good", "bad", "hint"),
    [
        ("case", "as_of", "as_off", "as_of"),
        ("evidence", "poll_reading", "poll_readin", "poll_reading"),
        ("params.opinion_shift", "sigma", "sigam", "sigma"),
        ("levers.military", "question", "questoin", "question"),
    ],
)
def test_each_table_refuses_a_misspelt_key_with_its_hint(table, good, bad, hint):
    raw = copy.deepcopy(BASE)
    node = raw
    for part in table.split("."):
        node = node[part]
    node[bad] = node.pop(good)
    with pytest.raises(InputError, match=f"{table}.{bad}: unknown key; fix: did you mean '{hint}'"):
        parse(raw)


def test_the_cli_refuses_a_misspelt_parameter_in_one_line_with_exit_2(capsys):
    code = main(["run", "--set", "params.us_suport.mu=0.5"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert "params.us_suport: unknown key" in err
    assert "did you mean 'us_support'?" in err


def test_a_scenario_is_checked_before_it_is_merged():
    with pytest.raises(InputError, match="questoin: unknown key; fix: did you mean 'question'"):
        Scenario.parse("s.toml", {"questoin": "x", "source": "y"}, file=True)
    with pytest.raises(InputError, match="question: missing"):
        Scenario.parse("s.toml", {"source": "y"}, file=True)
    overlay = Scenario.parse("--set", {"design": {"military": "none"}})
    assert overlay.changes == {"design": {"military": "none"}} and not overlay.touches_evidence


def test_the_spec_is_frozen_and_its_tables_parse_back_to_it():
    spec = parse(BASE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.case = spec.case  # type: ignore[misc]
    assert PriorsFile.parse("again", copy.deepcopy(spec.tables)) == spec
    assert spec.params["opinion_shift"] == PriorSpec.parse(
        "x", "opinion_shift", BASE["params"]["opinion_shift"]
    )
    assert set(spec.levers) == set(BASE["levers"]) and spec.design == BASE["design"]


def test_priors_carry_the_spec_and_hash_it_deterministically():
    first, second = load_priors(), load_priors()
    assert not hasattr(first, "raw")
    assert first.spec == second.spec
    assert first.full_hash() == second.full_hash()
    assert first.params_hash() == second.params_hash()
    moved = overlay_priors(first, {"design": {"military": "advisers"}})
    assert moved.full_hash() != first.full_hash()
    assert moved.full_hash() == load_priors(layers=moved.layers).full_hash()


def test_a_study_is_checked_in_the_spec():
    table = {"kind": "whip_count", "n": 50, "reliability": 0.8, "source": "s"}
    table["sources"] = {"reliability": "r"}
    study = Study.parse(table, where="w.toml", name="w", components=["funds"])
    assert (study.kind, study.n, study.reliability, study.informs) == (
        "whip_count",
        50,
        0.8,
        ["us_support"],
    )
    with pytest.raises(InputError, match=r"study\.reliabilty: unknown key; fix: did you mean"):
        Study.parse(table | {"reliabilty": 1}, where="w.toml", name="w", components=[])


def test_an_overlay_of_numbers_keeps_the_checked_tables_and_equals_a_fresh_load():
    base = load_priors()
    change = {"opinion_shift": {"dist": "Normal", "mu": 0.02, "sigma": 0.05, "source": "x"}}
    moved = overlay_priors(base, {"params": change})
    assert moved.spec.levers is base.spec.levers  # nothing but a prior's numbers re-checked
    assert moved.spec.params["opinion_shift"].values == {"mu": 0.02, "sigma": 0.05}
    fresh = PriorsFile.parse("again", copy.deepcopy(moved.spec.tables))
    assert fresh == moved.spec and fresh.tables == moved.spec.tables
    again = load_priors(layers=moved.layers)
    assert again.spec == moved.spec and again.full_hash() == moved.full_hash()
    with pytest.raises(InputError, match=r"params\.opinion_shift\.sigma: must be > 0, got -1"):
        overlay_priors(base, {"params": {"opinion_shift": {"sigma": -1}}})


@pytest.mark.parametrize(
    ("table", "key", "value", "expect"),
    [
        ("case", "dated_sources", "yes", "case.dated_sources: must be true or false"),
        ("levers.military", "question", 3, "levers.military.question: must be a non-empty string"),
    ],
)
def test_a_typed_field_refuses_a_value_of_the_wrong_type(table, key, value, expect):
    raw = copy.deepcopy(BASE)
    node = raw
    for part in table.split("."):
        node = node[part]
    node[key] = value
    with pytest.raises(InputError) as err:
        parse(raw)
    assert str(err.value).startswith(f"priors.toml: {expect}")
