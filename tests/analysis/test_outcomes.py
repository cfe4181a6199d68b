"""Outcome probabilities: prior predictive sanity and the timing curve's shape."""

import numpy as np
import pytest

from model.analysis.outcomes import evaluate, lognormal_cdf, timing
from model.inference.fit import evidence_for
from model.inference.prior_draws import prior_draws


@pytest.fixture(scope="module")
def prior_world(baseline_priors):
    draws = prior_draws(baseline_priors, size=4000, rng=np.random.default_rng(1))
    return draws, evidence_for(baseline_priors)


def test_prior_predictive_probabilities_are_probabilities(prior_world, baseline_priors):
    draws, evidence = prior_world
    out = evaluate(draws, baseline_priors, evidence)
    for key in ("p_framework", "p_congress", "p_enacted", "p_accepted", "p_deal"):
        assert np.all((out[key] >= 0) & (out[key] <= 1)), key
        assert np.mean((out[key] > 0) & (out[key] < 1)) > 0.99, key
    assert np.all(out["p_deal"] <= out["p_enacted"])
    assert np.all(out["p_enacted"] <= out["p_congress"])


def test_timing_curve_is_non_decreasing_and_ends_at_p_enacted(prior_world, baseline_priors):
    draws, evidence = prior_world
    months = np.linspace(0, 30, 121)
    curve = timing(draws, baseline_priors, evidence, months)
    assert np.all(np.diff(curve, axis=1) >= -1e-12)
    final = evaluate(draws, baseline_priors, evidence)["p_enacted"]
    np.testing.assert_allclose(curve[:, -1], final, atol=1e-12)


def test_timing_flat_between_window_and_election_without_lame_duck(prior_world):
    from model.case.priors import load_priors

    baseline_priors = load_priors(overrides={"variant": ["hard_window"]})  # a hard cut-off
    draws, evidence = prior_world
    draws = dict(draws, p_lame_duck=np.zeros_like(draws["p_lame_duck"]))
    months = np.linspace(0, 30, 301)
    curve = timing(draws, baseline_priors, evidence, months)
    after = months[None, :] >= draws["window_months"][:, None]
    flat = np.where(after, curve - curve[:, -1:], 0.0)
    np.testing.assert_allclose(flat, 0.0, atol=1e-12)


def test_lognormal_cdf_matches_scipy():
    from scipy import stats

    t = np.array([-1.0, 0.0, 0.5, 3.0, 20.0])
    got = lognormal_cdf(t, np.full(5, 1.2), np.full(5, 0.4))
    want = np.where(t > 0, stats.lognorm(s=0.4, scale=np.exp(1.2)).cdf(np.maximum(t, 1e-12)), 0)
    np.testing.assert_allclose(got, want, atol=1e-12)


def test_mixture_design_is_the_weighted_average(prior_world, baseline_priors):
    draws, evidence = prior_world
    base = evaluate(draws, baseline_priors, evidence)
    parts = {
        level: evaluate(
            draws, baseline_priors, evidence, design={**baseline_priors.design, "conditions": level}
        )
        for level in ("none", "reporting", "certification")
    }
    weights = baseline_priors.design["conditions"]
    want = sum(weights[k] * parts[k]["p_deal"] for k in parts)
    np.testing.assert_allclose(base["p_deal"], want)
