"""Loading, validating, eliciting and overlaying priors."""

import copy
import tomllib
from pathlib import Path

import numpy as np
import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.case.distributions import ppf
from model.case.priors import load_priors
from model.constants import PRIORS_FILE
from model.errors import InputError

BASE = tomllib.loads(PRIORS_FILE.read_text())


def test_every_prior_has_a_source_and_valid_parameters(baseline_priors):
    for prior in baseline_priors.params.values():
        assert len(prior.source) > 20
        assert all(np.isfinite(v) for v in prior.params.values())


def test_elicited_interval_holds_its_mass(baseline_priors):
    for prior in baseline_priors.params.values():
        if prior.interval is None:
            continue
        lower, upper, mass = prior.interval
        got = _cdf(prior, upper) - _cdf(prior, lower)
        assert got == pytest.approx(mass, abs=0.01), prior.name


def _cdf(prior, x):
    from model.case.distributions import scipy_dist

    return scipy_dist(prior.dist, prior.params).cdf(x)


def test_set_overrides_change_only_their_key(baseline_priors):
    changed = load_priors(sets=["params.p_agree.lower=0.2"])
    assert changed.params["p_agree"].interval[0] == 0.2
    assert changed.params["p_agree"].interval[1:] == baseline_priors.params["p_agree"].interval[1:]
    same = {n for n in baseline_priors.params if n != "p_agree"}
    for n in same:
        assert changed.params[n] == baseline_priors.params[n]


def test_switching_from_interval_to_parameters_replaces_them():
    changed = load_priors(overrides={"params": {"p_agree": {"alpha": 2.0, "beta": 8.0}}})
    assert changed.params["p_agree"].params == {"alpha": 2.0, "beta": 8.0}
    assert changed.params["p_agree"].interval is None


def test_quantiles_follow_the_distribution(baseline_priors):
    prior = baseline_priors.params["oppose_funds"]
    assert ppf(prior.dist, prior.params, 0.5) == pytest.approx(0.5)


def _mutate(data, path, value):
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))


PATHS = list(_paths(BASE))
VALUES = st.one_of(
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=8),
    st.booleans(),
    st.lists(st.integers(0, 3), max_size=3),
    st.dictionaries(st.text(min_size=1, max_size=6), st.integers(0, 3), max_size=2),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    mutations=st.lists(st.tuples(st.sampled_from(PATHS), VALUES), min_size=1, max_size=3),
    drop=st.lists(st.sampled_from(PATHS), max_size=1),
)
def test_random_priors_raise_only_input_error(tmp_path_factory, mutations, drop):
    data = copy.deepcopy(BASE)
    for path, value in mutations:
        try:
            _mutate(data, path, value)
        except (TypeError, KeyError):
            continue
    for path in drop:
        try:
            node = data
            for key in path[:-1]:
                node = node[key]
            node.pop(path[-1], None)
        except (KeyError, TypeError, AttributeError):
            pass
    folder = tmp_path_factory.mktemp("random")
    target = folder / "priors.toml"
    target.write_text(tomli_w.dumps(data))
    try:
        load_priors(target)
    except InputError as exc:
        assert "\n" not in exc.line()


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_random_text_raises_only_input_error(tmp_path_factory, text):
    target = Path(tmp_path_factory.mktemp("text")) / "priors.toml"
    target.write_text(text)
    with pytest.raises(InputError):
        load_priors(target)


def test_layers_replay_every_overlay_in_order():
    from datetime import date

    from model.constants import SCENARIO_DIR

    # another as-of date needs its own pooled fit (`feasibility pooled --as-of`), or the
    # judgment priors, which do not depend on the library
    first = load_priors(
        scenarios=[SCENARIO_DIR / "judgment_priors.toml", SCENARIO_DIR / "military_advisers.toml"],
        sets=["params.p_agree.lower=0.3"],
        as_of=date(2007, 9, 1),
    )
    again = load_priors(layers=first.layers, scenarios=[SCENARIO_DIR / "certification.toml"])
    assert again.as_of == date(2007, 9, 1)
    assert again.design["military"] == "advisers"
    assert again.design["conditions"] == "certification"
    assert again.params["p_agree"].interval[0] == 0.3


def test_elicitation_convention_file_wide_and_per_prior(baseline_priors):
    from model.case.distributions import scipy_dist

    assert baseline_priors.params["announce_months"].tails == "equal"
    maxent = load_priors(sets=['elicitation.tails="maxent"'])
    one = load_priors(sets=['params.announce_months.tails="maxent"'])
    for priors in (maxent, one):
        p = priors.params["announce_months"]
        assert p.tails == "maxent"
        assert scipy_dist(p.dist, p.params).sf(6.0) == pytest.approx(0.096, abs=0.002)
    assert one.params["p_agree"] == baseline_priors.params["p_agree"]
    assert maxent.params["p_agree"] != baseline_priors.params["p_agree"]
    assert maxent.params_hash() != baseline_priors.params_hash()
    # judgment given as parameters is not elicited: the convention leaves it alone
    assert maxent.params["oppose_funds"] == baseline_priors.params["oppose_funds"]


def test_elicitation_cache_key_includes_the_convention(baseline_priors):
    import json

    from model.constants import CACHE_DIR

    load_priors(sets=['elicitation.tails="maxent"'])
    entries = [json.loads(p.read_text()) for p in (CACHE_DIR / "elicited").glob("*.json")]
    found = {
        e["tails"]: e["params"]
        for e in entries
        if (e["dist"], e["lower"], e["upper"], e["mass"]) == ("LogNormal", 0.5, 6.0, 0.9)
    }
    assert set(found) == {"maxent", "equal"}
    assert found["maxent"] != found["equal"]


@pytest.mark.parametrize(
    ("sets", "match"),
    [
        (['elicitation.tails="even"'], "elicitation.tails"),
        (['params.announce_months.tails="odd"'], "announce_months.tails"),
        (['params.oppose_funds.tails="equal"'], "only to an elicited interval"),
    ],
)
def test_bad_elicitation_conventions_are_one_line_errors(sets, match):
    with pytest.raises(InputError, match=match):
        load_priors(sets=sets)
