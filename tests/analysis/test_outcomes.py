"""Outcome probabilities: prior predictive sanity and the timing curve's shape."""

import math
from datetime import date

import numpy as np
import pytest

from model.analysis.outcomes import evaluate, lognormal_cdf, opposition_reference, timing
from model.case.priors import load_priors
from model.inference.fit import evidence_for
from model.inference.prior_draws import prior_draws


@pytest.fixture(scope="module")
def hard_priors():
    """The baseline with a hard election window: the formulas worked by hand below."""
    from model.case.priors import load_priors

    return load_priors(sets=["variant=hard_window"])


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


def _phi(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


@pytest.fixture
def hand_draw(baseline_priors):
    """One hand-set draw: every design effect 0 except the ones a test sets."""
    draw = {name: np.zeros(1) for name in baseline_priors.params}
    draw |= {
        "p_agree": np.array([0.6]),
        "announce_months": np.array([1.0]),
        "us_support": np.array([0.0]),
        "duration_mu": np.array([math.log(4.0)]),
        "duration_sigma": np.array([0.5]),
        "window_months": np.array([10.0]),
        "p_lame_duck": np.array([0.2]),
        "gov_will": np.array([1.0]),
        "opinion_weight": np.array([4.0]),
        "opinion_shift": np.array([0.1]),
        "oppose_funds": np.array([0.7]),
        "oppose_training": np.array([0.2]),
        "oppose_troops": np.array([0.95]),
    }
    return draw


PURE = {
    "military": "none",
    "conditions": "none",
    "arms": "off",
    "cash": "off",
    "demand": "off",
    "size": "usd500m",
    "timing": "after_summit",
}


def test_outcomes_by_hand(hand_draw, hard_priors):
    """Every outcome of one draw against numbers worked by hand (as of 15 Aug 2007)."""
    evidence = evidence_for(hard_priors)
    out = evaluate(hand_draw, hard_priors, evidence, design=PURE)
    lame_duck_end = (date(2009, 1, 3) - date(2007, 8, 15)).days / (365.25 / 12)  # 16.6 months
    in_window = _phi(math.log((10.0 - 1.0) / 4.0) / 0.5)  # duration <= window - start
    by_end = _phi(math.log((lame_duck_end - 1.0) / 4.0) / 0.5)
    willing = 0.5  # expit(us_support = 0)
    p_enacted = willing * (in_window + 0.2 * (by_end - in_window))
    # funds and training are in the package; funds is the most opposed: 0.7 + 0.1 shift, taken
    # relative to the library's typical opposition (the reference of the library-based gov_will)
    ref = hard_priors.params["gov_will"].pooled.reference
    p_accept = 1 / (1 + math.exp(-(1.0 - 4.0 * (0.8 - ref))))
    assert out["p_congress"][0] == pytest.approx(willing)
    assert out["p_enacted"][0] == pytest.approx(p_enacted, rel=1e-12)
    assert out["p_enacted"][0] == pytest.approx(0.4787, abs=1e-4)
    assert out["p_accepted"][0] == pytest.approx(p_accept, rel=1e-12)
    judged = load_priors(scenarios=["priors/scenarios/judgment_priors.toml"])
    assert opposition_reference(judged) == 0.5  # a judgment gov_will is stated at an even split
    assert out["p_deal"][0] == pytest.approx(0.6 * p_enacted * p_accept, rel=1e-12)


def test_congress_end_counts_every_enactment_by_the_end_of_the_congress(hand_draw, hard_priors):
    """The library's in-time rule: P(enacted) = willing x F(lame_duck_end - start)."""
    evidence = evidence_for(hard_priors)
    priors = load_priors(sets=["variant=congress_end"])
    out = evaluate(hand_draw, priors, evidence, design=PURE)
    lame_duck_end = (date(2009, 1, 3) - date(2007, 8, 15)).days / (365.25 / 12)
    assert out["p_enacted"][0] == pytest.approx(
        0.5 * _phi(math.log((lame_duck_end - 1.0) / 4.0) / 0.5), rel=1e-12
    )


def test_most_opposed_component_decides_and_opposition_is_clipped(hand_draw, baseline_priors):
    evidence = evidence_for(baseline_priors)
    troops = evaluate(hand_draw, baseline_priors, evidence, design={**PURE, "military": "troops"})
    # troops (0.95 + 0.1 = 1.05) is now the most opposed and is clipped to 1
    ref = opposition_reference(baseline_priors)
    expected = 1 / (1 + math.exp(-(1.0 - 4.0 * (1.0 - ref))))
    assert troops["p_accepted"][0] == pytest.approx(expected, rel=1e-12)
    hand_draw["oppose_troops"] = np.array([0.99])
    again = evaluate(hand_draw, baseline_priors, evidence, design={**PURE, "military": "troops"})
    assert again["p_accepted"][0] == pytest.approx(expected, rel=1e-12)


def test_lame_duck_enactment_counts_only_after_the_election(hand_draw, hard_priors):
    evidence = evidence_for(hard_priors)
    election = evidence.months("election")
    months = [9.9, election - 0.01, election + 0.01]
    curve = timing(hand_draw, hard_priors, evidence, months, design=PURE)[0]
    in_window = 0.5 * _phi(math.log((10.0 - 1.0) / 4.0) / 0.5)
    assert curve[1] == pytest.approx(in_window, rel=1e-12)  # flat between window and election
    assert curve[2] > curve[1]  # the lame-duck session adds after the election
    assert curve[0] == pytest.approx(0.5 * _phi(math.log(8.9 / 4.0) / 0.5), rel=1e-12)


def test_window_is_capped_at_the_election(prior_world, hard_priors):
    """A window drawn past election day counts only up to the election; the rest is lame duck."""
    from scipy.special import expit

    draws, evidence = prior_world
    design = {**hard_priors.design, "conditions": "none"}
    election, end = evidence.months("election"), evidence.months("lame_duck_end")
    late = dict(draws, window_months=np.full_like(draws["window_months"], end + 5.0))
    at_election = dict(draws, window_months=np.full_like(draws["window_months"], election))
    got = evaluate(late, hard_priors, evidence, design=design)["p_enacted"]
    want = evaluate(at_election, hard_priors, evidence, design=design)["p_enacted"]
    np.testing.assert_allclose(got, want, atol=1e-12)
    # The closed form with the window at the election (none of the design's effects apply).
    start = np.maximum(draws["announce_months"], 0.0)
    mu, sigma = draws["duration_mu"], draws["duration_sigma"]
    f_e, f_end = lognormal_cdf(election - start, mu, sigma), lognormal_cdf(end - start, mu, sigma)
    p_time = f_e + draws["p_lame_duck"] * (f_end - f_e)
    assert np.any(draws["window_months"] > election)  # the prior does reach past election day
    np.testing.assert_allclose(
        want, expit(draws["us_support"] + _us_effects(late, hard_priors, design)) * p_time
    )
    curve = timing(late, hard_priors, evidence, [election, end, end + 5], design=design)
    np.testing.assert_allclose(curve[:, -1], got, atol=1e-12)


def _us_effects(draws, priors, design):
    from model.case.levers import effects

    eff = effects(
        design,
        priors.levers,
        base_components=priors.case["components"],
        arenas=priors.vocabulary.arenas,
    )
    assert eff.request_not_before == 0
    return sum(scale * draws[param] for param, scale in eff.donor.items())


def test_falling_hazard_window_is_capped_at_the_election_too(prior_world):
    """Under the falling hazard too, a window drawn past election day fades from the election."""
    draws, evidence = prior_world
    baseline_priors = load_priors(sets=["variant=falling_hazard"])
    election, end = evidence.months("election"), evidence.months("lame_duck_end")
    late = dict(draws, window_months=np.full_like(draws["window_months"], end + 5.0))
    at_election = dict(draws, window_months=np.full_like(draws["window_months"], election))
    got = evaluate(late, baseline_priors, evidence)["p_enacted"]
    want = evaluate(at_election, baseline_priors, evidence)["p_enacted"]
    np.testing.assert_allclose(got, want, atol=1e-12)
