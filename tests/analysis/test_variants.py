"""Structural variants: closed forms, and the default reproduces the first version."""

import numpy as np
import pytest

from model.analysis.outcomes import evaluate, timing
from model.analysis.variants import DEFAULT, from_label, joint, label, opposition
from model.case.priors import load_priors
from model.errors import InputError
from model.inference.fit import evidence_for
from model.inference.prior_draws import prior_draws


@pytest.fixture(scope="module")
def world():
    priors = load_priors(overrides={"variant": ["hard_window"]})
    draws = prior_draws(priors, size=2000, rng=np.random.default_rng(4))
    return priors, draws, evidence_for(priors)


def test_labels_round_trip():
    assert label(DEFAULT) == "baseline"
    v = from_label("falling_hazard+shared_factor")
    assert v["window"] == "falling_hazard" and v["hurdles"] == "shared_factor"
    assert label(v) == "falling_hazard+shared_factor"
    with pytest.raises(ValueError):
        from_label("soft_window")


def test_opposition_weighted_mean_closed_form():
    a, b = np.array([0.8, 0.2]), np.array([0.2, 0.2])
    assert opposition([a, b], DEFAULT).tolist() == [0.8, 0.2]
    got = opposition([a, b], from_label("weighted_opposition"))
    np.testing.assert_allclose(got, [(0.64 + 0.04) / 1.0, 0.2])


def test_shared_factor_raises_p_deal_and_keeps_each_hurdle(world):
    priors, draws, evidence = world
    shared = load_priors(overrides={"variant": ["hard_window", "shared_factor"]})
    base, corr = evaluate(draws, priors, evidence), evaluate(draws, shared, evidence)
    for key in ("p_framework", "p_enacted", "p_accepted"):
        np.testing.assert_allclose(base[key], corr[key])
    assert np.mean(corr["p_deal"] > base["p_deal"]) > 0.99
    pure = evaluate(draws, priors, evidence, design={**priors.design, "conditions": "none"})
    ind = joint(draws["p_agree"], pure["p_enacted"], pure["p_accepted"], draws, DEFAULT)
    np.testing.assert_allclose(pure["p_deal"], ind, rtol=1e-12)


def test_falling_hazard_timing_ends_at_p_enacted_and_allows_late_enactment(world):
    priors, draws, evidence = world
    hazard = load_priors(overrides={"variant": ["falling_hazard"]})
    months = np.linspace(0, 30, 61)
    curve = timing(draws, hazard, evidence, months)
    assert np.all(np.diff(curve, axis=1) >= -1e-9)
    out = evaluate(draws, hazard, evidence)
    np.testing.assert_allclose(curve[:, -1], out["p_enacted"], atol=1e-9)
    hard = evaluate(dict(draws, p_lame_duck=np.zeros(2000)), priors, evidence)
    assert np.mean(out["p_enacted"] >= hard["p_enacted"] - 1e-9) > 0.99


def test_variant_names_are_checked():
    with pytest.raises(InputError, match="variant"):
        load_priors(overrides={"variant": ["soft_window"]})
    with pytest.raises(InputError, match="two options"):
        load_priors(overrides={"variant": ["hard_window", "falling_hazard"]})


def test_the_falling_hazard_memo_answers_like_a_fresh_computation():
    from model.analysis import variants

    rng = np.random.default_rng(3)
    draws = {
        "duration_mu": rng.normal(2.0, 0.3, 200),
        "duration_sigma": rng.gamma(10.0, 0.05, 200),
        "window_months": rng.uniform(3.0, 14.0, 200),
    }
    start = rng.uniform(0.0, 2.0, 200)
    kwargs = {"election": 14.7, "lame_duck_end": 16.6}
    variants._HAZARD_MEMO.clear()
    fresh = variants.falling_hazard_by(draws, start, [6.0, 16.6], **kwargs)
    again = variants.falling_hazard_by(draws, start, [6.0, 16.6], **kwargs)
    np.testing.assert_array_equal(fresh, again)
    again[:] = -1.0  # a caller's writes never reach the memo
    np.testing.assert_array_equal(
        variants.falling_hazard_by(draws, start, [6.0, 16.6], **kwargs), fresh
    )
    moved = dict(draws, duration_mu=draws["duration_mu"] + 0.2)  # new draws: computed again
    assert not np.array_equal(
        variants.falling_hazard_by(moved, start, [6.0, 16.6], **kwargs), fresh
    )
    later = variants.falling_hazard_by(draws, start + 1.0, [6.0, 16.6], **kwargs)
    assert not np.array_equal(later, fresh)
