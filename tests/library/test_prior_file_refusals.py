"""A `from = "library"` prior, and the pooled file it reads, refused in one line when wrong."""

import json
from datetime import date

import pytest

from model.case.spec import PriorSpec, Variant
from model.constants import POOLED_FILE
from model.errors import InputError
from model.library.prior_file import pooled_prior, read_pooled

WHERE = "priors/test.toml"
AS_OF = date(2007, 8, 15)
SOURCE = "[2007-08-15] the case library"


def _spec(**extra):
    return {"from": "library", "source": SOURCE, **extra}


def _error(name, spec) -> InputError:
    with pytest.raises(InputError) as info:
        pooled_prior(WHERE, PriorSpec.parse(WHERE, name, spec), POOLED_FILE.parent, {}, AS_OF)
    assert info.value.where == WHERE and info.value.fix
    return info.value


def test_the_library_prior_plus_an_adjustment():
    adjust = {"fatigue": {"mu": -0.5, "sigma": 0.5, "source": SOURCE}}
    spec = PriorSpec.parse(WHERE, "us_support", _spec(adjust=adjust))
    dist, params, part = pooled_prior(WHERE, spec, POOLED_FILE.parent, {}, AS_OF)
    base = json.loads(POOLED_FILE.read_text())["params"]["us_support"]["params"]
    assert dist == "Normal"
    assert params["mu"] == pytest.approx(base["mu"] - 0.5)
    assert params["sigma"] == pytest.approx((base["sigma"] ** 2 + 0.25) ** 0.5)
    assert part.adjustments == (("fatigue", -0.5, 0.5, SOURCE),)  # shown with its source


def test_numbers_given_beside_from_library_are_refused():
    err = _error("us_support", _spec(mu=1.0))
    assert err.key == "params.us_support.mu"
    assert "takes its numbers from the library" in err.problem


def test_a_parameter_the_pooled_file_does_not_hold():
    err = _error("p_agree", _spec())
    assert err.key == "params.p_agree" and "has no p_agree" in err.problem
    assert err.fix == "refit it"


def test_a_family_other_than_the_librarys():
    err = _error("us_support", _spec(dist="Beta"))
    assert err.key == "params.us_support.dist" and "the library gives Normal" in err.problem


def test_adjust_must_be_a_table():
    err = _error("gov_will", _spec(adjust="a little"))
    assert err.key == "params.gov_will.adjust" and err.problem == "must be a table"


def test_an_adjustment_needs_a_normal_library_prior():
    adjust = {"x": {"mu": 0.1, "sigma": 0.1, "source": SOURCE}}
    err = _error("duration_sigma", _spec(adjust=adjust))
    assert err.key == "params.duration_sigma.adjust" and "needs a Normal prior, not" in err.problem


@pytest.mark.parametrize(
    "adj", [{"mu": "x", "sigma": 1.0}, {"mu": 0.1, "sigma": 0.0}, {"mu": 0.1, "sigma": -1}]
)
def test_adjustment_numbers_must_be_numbers_with_a_positive_sigma(adj):
    err = _error("us_support", _spec(adjust={"x": adj | {"source": SOURCE}}))
    assert err.key == "params.us_support.adjust.x"
    assert err.problem == "mu and sigma must be numbers, sigma > 0"


def test_an_adjustment_says_what_it_rests_on():
    err = _error("us_support", _spec(adjust={"x": {"mu": 0.1, "sigma": 0.2, "source": " "}}))
    assert err.key == "params.us_support.adjust.x.source" and err.problem == "missing"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"params": ', "is not valid JSON ("),
        ('{"params": {"us_support": NaN}}', "is not valid JSON (NaN is not a number JSON allows"),
        ("[1, 2]", "has no params table"),
        ('{"params": []}', "has no params table"),
    ],
)
def test_a_broken_pooled_file_is_refused_naming_it(tmp_path, text, problem):
    path = tmp_path / "pooled.json"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        read_pooled(WHERE, tmp_path, {"pooled": "pooled.json"}, AS_OF)
    err = info.value
    assert err.key == "evidence.pooled" and problem in err.problem
    assert str(path) in err.problem and "feasibility pooled" in err.fix


def test_a_variant_given_as_one_name_is_a_list_of_one():
    assert Variant.parse(WHERE, "falling_hazard") == Variant.parse(WHERE, ["falling_hazard"])
    assert Variant.parse(WHERE, "falling_hazard").choices["window"] == "falling_hazard"
