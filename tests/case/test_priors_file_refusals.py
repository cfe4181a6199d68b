"""A priors file's shape and one prior's table: each mistake one line naming the key.

The baseline file, read as TOML and changed one key at a time, goes through the checks the
loader runs first (`PriorsFile.parse`) and the per-prior check (`PriorSpec.parse`, then
`resolve_prior`).
"""

import copy
import tomllib

import pytest

from model.case.priors import resolve_prior
from model.case.spec import PriorsFile, PriorSpec
from model.constants import PRIORS_FILE
from model.errors import InputError

WHERE = "priors/test.toml"


@pytest.fixture(scope="module")
def raw():
    return tomllib.loads(PRIORS_FILE.read_text(encoding="utf-8"))


def _error(raw, change) -> InputError:
    changed = copy.deepcopy(raw)
    change(changed)
    with pytest.raises(InputError) as info:
        PriorsFile.parse(WHERE, changed)
    assert info.value.where == WHERE and info.value.fix
    return info.value


def test_the_baseline_passes(raw):
    PriorsFile.parse(WHERE, copy.deepcopy(raw))


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda r: r.update(extras={}), "extras"),
        (lambda r: r["case"].update(colour="red"), "case.colour"),
        (lambda r: r["evidence"].update(polls="x.csv"), "evidence.polls"),
        (lambda r: r.setdefault("elicitation", {}).update(style="maxent"), "elicitation.style"),
    ],
)
def test_an_unknown_key_is_named(raw, change, key):
    assert key in _error(raw, change).key


def test_reference_must_be_true_or_false(raw):
    err = _error(raw, lambda r: r["evidence"].update(reference="yes"))
    assert err.key == "evidence.reference" and err.problem == "must be true or false"


def test_a_parameter_the_model_does_not_know(raw):
    err = _error(raw, lambda r: r["params"].update(weather={"dist": "Normal", "mu": 0}))
    assert err.key == "params.weather"


def test_a_core_parameter_left_out(raw):
    def change(r):
        r["params"].pop("p_agree")
        r["vocabulary"]["labels"].pop("p_agree")

    err = _error(raw, change)
    assert err.key == "params.p_agree" and err.problem == "missing"


def test_a_component_named_twice(raw):
    err = _error(raw, lambda r: r["case"].update(components=["funds", "training", "funds"]))
    assert err.key == "case.components" and err.problem == "names a component twice"


def _prior_error(name, spec) -> InputError:
    with pytest.raises(InputError) as info:
        resolve_prior(WHERE, PriorSpec.parse(WHERE, name, spec))
    assert info.value.where == WHERE and info.value.fix
    return info.value


def test_a_library_prior_outside_a_priors_file_is_refused():
    err = _prior_error("us_support", {"from": "library", "source": "[2007-08-15] x"})
    assert err.key == "params.us_support.from" and err.problem == "needs the case library"


def test_an_unknown_key_in_a_prior():
    spec = {"dist": "Normal", "mu": 0.0, "sigma": 1.0, "source": "[2007-08-15] x", "shape": 2}
    assert "params.opinion_shift.shape" in _prior_error("opinion_shift", spec).key


def test_an_interval_and_parameters_together():
    spec = {"dist": "Normal", "mu": 0.0, "sigma": 1.0, "lower": -1.0, "upper": 1.0}
    err = _prior_error("opinion_shift", spec | {"mass": 0.9, "source": "[2007-08-15] x"})
    assert err.problem == "gives both an interval and distribution parameters"


def test_a_negative_lower_end_for_a_positive_parameter():
    spec = {"dist": "LogNormal", "lower": -1.0, "upper": 2.0, "mass": 0.9}
    err = _prior_error("poll_error", spec | {"source": "[2007-08-15] x"})
    assert err.key == "params.poll_error.lower" and err.problem == "must be >= 0, got -1.0"
