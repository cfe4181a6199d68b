"""--set parsing and overlay merging."""

import pytest

from model.case.overlay import parse_sets
from model.case.priors import load_priors
from model.errors import InputError


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
