"""A panel overlay written as TOML reads back as the same overlay (model.app.scenario_file)."""

import tomllib
from datetime import date

import pytest

from model.app.scenario_file import merge, to_toml

OVERLAY = {
    "case": {"hindsight": False, "note": 'a "quoted" word'},
    "evidence": {"reference": True, "poll_rows": [1, 2]},
    "design": {"conditions": {"none": 0.25, "reporting": 0.75}, "size": "usd1000m"},
    "levers": {
        "conditions": {
            "choice": {"none": 0.25, "reporting": 0.75},
            "levels": {"reporting": {"label": "Reporting", "us": {"us_conditions_reporting": 0.5}}},
        }
    },
    "params": {"p_agree": {"lower": 0.4, "upper": 0.9, "mass": 0.9, "source": "Judgment."}},
}


def test_the_written_scenario_reads_back_as_the_overlay():
    text = to_toml(OVERLAY, question="What if Congress attaches reporting?", source="Judgment.")
    back = tomllib.loads(text)
    assert back.pop("question") == "What if Congress attaches reporting?"
    assert back.pop("source") == "Judgment."
    assert back.pop("changes_evidence") is True  # it touches [evidence]: said at the top
    assert back == OVERLAY
    assert text.index("changes_evidence") < text.index("[evidence]")


def test_an_overlay_without_evidence_does_not_claim_to_change_it():
    text = to_toml({"params": OVERLAY["params"]}, question="q", source="s")
    assert "changes_evidence" not in text
    assert tomllib.loads(text)["params"] == OVERLAY["params"]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (float("nan"), "not a finite number"),
        (float("inf"), "not a finite number"),
        (date(2007, 8, 15), "cannot write date to TOML"),
    ],
)
def test_a_value_toml_cannot_hold_is_refused_not_written(value, problem):
    with pytest.raises(ValueError, match=problem):
        to_toml({"case": {"x": value}}, question="q", source="s")


def test_merge_replaces_parameter_tables_and_scalars_and_merges_other_tables():
    first = {"case": {"a": 1, "b": 2}, "params": {"p": {"lower": 0.1}}, "name": "first"}
    then = {"case": {"b": 3}, "params": {"p": {"mu": 0.5}}, "name": "then"}
    merged = merge(first, then)
    assert merged == {"case": {"a": 1, "b": 3}, "params": {"p": {"mu": 0.5}}, "name": "then"}
    assert first["case"] == {"a": 1, "b": 2}  # the scenario read from its file is untouched
