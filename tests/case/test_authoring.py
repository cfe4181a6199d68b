"""Authoring: a scenario may add lever levels, levers and parameters, checked like the baseline."""

import pytest

from model.case.priors import load_priors, overlay_priors
from model.constants import SCENARIO_DIR
from model.errors import InputError

WITHHELD = SCENARIO_DIR / "usd400m_withheld.toml"

NEW_LEVEL = {
    "levers": {
        "size": {"levels": {"usd400m": {"label": "USD 400M", "us": {"us_size_per_100m": -1.0}}}}
    },
    "design": {"size": "usd400m"},
}


def test_a_scenario_adds_levels_and_parameters():
    priors = load_priors(scenarios=[WITHHELD])
    assert "usd400m" in priors.levers["size"]["levels"]
    assert "withheld_25" in priors.levers["conditions"]["levels"]
    assert priors.params["us_withheld_per_10pct"].params == {"mu": 0.12, "sigma": 0.08}
    assert priors.design == load_priors().design | {"size": "usd400m", "conditions": "withheld_25"}


def test_the_baseline_is_untouched_by_an_added_level():
    base = load_priors()
    new = overlay_priors(base, NEW_LEVEL)
    assert "usd400m" in new.levers["size"]["levels"]
    assert "usd400m" not in base.levers["size"]["levels"]
    assert base.design["size"] == "usd500m"


@pytest.mark.parametrize(
    ("overlay", "key", "fix"),
    [
        # a misspelled existing parameter: still "did you mean", and how to add one
        (
            {"params": {"us_conditions_reportng": {"mu": 0.1}}},
            "params.us_conditions_reportng",
            "did you mean 'us_conditions_reporting'?",
        ),
        # a new parameter whose name the model cannot use
        (
            {"params": {"withheld": {"dist": "Normal", "mu": 0, "sigma": 1, "source": "x"}}},
            "params.withheld",
            "dist and source",
        ),
        # a new level without a label
        (
            {"levers": {"size": {"levels": {"usd400m": {"us": {"us_size_per_100m": -1.0}}}}}},
            "levers.size.levels.usd400m",
            "label",
        ),
        # a new level's effect names a parameter nobody added
        (
            {
                "levers": {
                    "size": {"levels": {"usd400m": {"label": "x", "us": {"us_nothing": 1.0}}}}
                }
            },
            "levers.size.levels.usd400m.us.us_nothing",
            "add [params.us_nothing]",
        ),
        # a new parameter without its source
        (
            {"params": {"us_new": {"dist": "Normal", "mu": 0, "sigma": 1}}},
            "params.us_new.source",
            "say what",
        ),
        # an impossible prior on a new parameter, checked like the baseline's
        (
            {
                "params": {"mx_new": {"dist": "Normal", "mu": 0, "sigma": -1, "source": "x"}},
                "levers": {"size": {"levels": {"x": {"label": "x", "mx": {"mx_new": 1.0}}}}},
            },
            "params.mx_new.sigma",
            "positive",
        ),
    ],
)
def test_bad_additions_name_the_key_and_the_fix(overlay, key, fix):
    with pytest.raises(InputError) as err:
        overlay_priors(load_priors(), overlay)
    assert err.value.key == key
    assert fix in err.value.fix


def test_a_new_lever_needs_a_design_choice():
    lever = {"question": "Who audits?", "levels": {"gao": {"label": "GAO audits"}}}
    with pytest.raises(InputError, match=r"design\.audit: missing"):
        overlay_priors(load_priors(), {"levers": {"audit": lever}})
    new = overlay_priors(load_priors(), {"levers": {"audit": lever}, "design": {"audit": "gao"}})
    assert new.design["audit"] == "gao"


def test_in_memory_overlay_equals_the_loader(tmp_path):
    base = load_priors()
    new = overlay_priors(base, {"params": {"opinion_shift": {"mu": 0.1}}, **NEW_LEVEL})
    again = load_priors(base.path, layers=new.layers)
    assert again.params_hash() == new.params_hash()
    assert again.full_hash() == new.full_hash()


def test_the_readme_template_loads(tmp_path):
    import re

    from model.constants import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Write your own scenario", 1)[1]
    template = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    path = tmp_path / "template.toml"
    path.write_text(template)
    priors = load_priors(scenarios=[path])
    assert priors.design["size"] == "usd400m"
    assert priors.params["mx_withheld_per_10pct"].interval == (-0.4, 0.05, 0.9)
