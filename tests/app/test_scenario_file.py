"""Scenario files written by the panel: TOML the loader reads back to the same priors."""

import tomllib

import pytest

from model.app.scenario_file import merge, save_scenario, to_toml
from model.case.priors import load_priors, overlay_priors
from model.errors import InputError

OVERLAY = {
    "params": {"opinion_shift": {"mu": 0.0725, "sigma": 0.05, "source": 'Panel: "mu" moved.'}},
    "design": {"military": "advisers", "conditions": {"none": 0.5, "reporting": 0.5}},
    "levers": {
        "size": {"levels": {"usd400m": {"label": "USD 400M", "us": {"us_size_per_100m": -1.0}}}}
    },
}


def test_toml_reads_back_to_the_same_overlay():
    text = to_toml(OVERLAY, question="What if?", source="Judgment.")
    back = tomllib.loads(text)
    assert back.pop("question") == "What if?" and back.pop("source") == "Judgment."
    assert back == OVERLAY


def test_saved_scenario_loads_to_the_in_memory_priors(tmp_path):
    base = load_priors()
    path, loaded = save_scenario(
        base, OVERLAY, folder=tmp_path, name="advisers_400m", question="What if?", source="J."
    )
    assert path == tmp_path / "advisers_400m.toml"
    direct = overlay_priors(base, OVERLAY)
    assert loaded.full_hash() == direct.full_hash()
    assert loaded.questions[-1] == "What if?"


@pytest.mark.parametrize(
    ("name", "question", "overlay", "key"),
    [
        ("Bad Name", "What if?", OVERLAY, "name"),
        ("ok", "", OVERLAY, "question"),
        ("ok", "What if?", {}, "(changes)"),
        # a changed prior without its own source: refused by the loader, file removed
        (
            "ok",
            "What if?",
            {"params": {"opinion_shift": {"mu": 0.1}}},
            "params.opinion_shift.source",
        ),
    ],
)
def test_bad_saves_are_refused_and_leave_no_file(tmp_path, name, question, overlay, key):
    with pytest.raises(InputError) as err:
        save_scenario(
            load_priors(), overlay, folder=tmp_path, name=name, question=question, source="J."
        )
    assert err.value.key == key
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_not_overwritten(tmp_path):
    (tmp_path / "taken.toml").write_text("keep")
    with pytest.raises(InputError, match="already exists"):
        save_scenario(
            load_priors(), OVERLAY, folder=tmp_path, name="taken", question="Q?", source="J."
        )
    assert (tmp_path / "taken.toml").read_text() == "keep"


def test_slider_tables_replace_a_scenarios_interval():
    scenario = {"params": {"us_support": {"lower": -2.5, "upper": 0.5, "source": "s"}}}
    sliders = {"params": {"us_support": {"mu": -1.0, "sigma": 0.9, "source": "panel"}}}
    merged = merge(scenario, sliders)
    assert merged["params"]["us_support"] == sliders["params"]["us_support"]
    assert overlay_priors(load_priors(), merged).params["us_support"].params == {
        "mu": -1.0,
        "sigma": 0.9,
    }
