"""--set parsing and overlay merging."""

import pytest

from model.case.priors import load_priors
from model.errors import InputError
from model.whatif.overlay import merge_variant, parse_sets


def test_parse_sets_reads_toml_values():
    out = parse_sets(["params.p_agree.lower=0.3", "design.military=advisers", "evidence.dir='x'"])
    assert out == {
        "params": {"p_agree": {"lower": 0.3}},
        "design": {"military": "advisers"},
        "evidence": {"dir": "x"},
    }


@pytest.mark.parametrize("item", ["no_equals_sign", "a..b=1"])
def test_parse_sets_rejects_malformed_items(item):
    with pytest.raises(InputError):
        parse_sets([item])


def test_a_design_mixture_can_be_replaced_by_one_level():
    priors = load_priors(overrides={"design": {"conditions": "none"}})
    assert priors.design["conditions"] == "none"


def test_unknown_lever_key_is_named():
    with pytest.raises(InputError, match=r"levers\.military\.levels\.none\.labl"):
        load_priors(overrides={"levers": {"military": {"levels": {"none": {"labl": "x"}}}}})


def test_a_variant_option_replaces_only_its_own_choice():
    assert merge_variant(["falling_hazard"], ["shared_factor"]) == [
        "falling_hazard",
        "shared_factor",
    ]
    assert merge_variant(["falling_hazard", "shared_factor"], "hard_window") == [
        "shared_factor",
        "hard_window",
    ]
    both = load_priors(sets=["variant=shared_factor"]).variant
    assert both == {
        "window": "congress_end",
        "acceptance": "most_opposed",
        "hurdles": "shared_factor",
    }
    with pytest.raises(InputError, match="variant"):
        load_priors(sets=["variant=soft_window"])


def test_cli_variant_reaches_the_priors(capsys):
    from model.cli.main import main

    assert main(["list", "--variant", "hard_window", "--json"]) == 0
    assert main(["list", "--variant", "no_such_option"]) == 2
    assert "variant" in capsys.readouterr().err
