"""Predictive checks: PIT values against closed forms, LOO-PIT against plain importance sampling."""

import numpy as np
import pytest

from model.analysis.checks import loo_pit_values, pit, predictive_checks, simulate_months


def test_prior_pit_of_the_prior_median_is_one_half(baseline_priors):
    # log(months) = duration_mu + duration_sigma z is symmetric about the prior mean of
    # duration_mu (a Normal), so the prior predictive puts exactly half its mass below exp(mean)
    from model.inference.prior_draws import prior_draws

    rng = np.random.default_rng(1)
    draws = prior_draws(
        baseline_priors, size=40000, rng=rng, names=["duration_mu", "duration_sigma"]
    )
    sim = simulate_months(draws, 1, rng)
    mean = baseline_priors.params["duration_mu"].params["mu"]
    assert pit(sim, np.array([np.exp(mean)]))[0] == pytest.approx(0.5, abs=0.01)
    assert pit(sim, np.array([1e4]))[0] == 1.0


def test_mid_pit_of_counts_splits_ties():
    sim = np.array([[1], [2], [2], [3]])
    assert pit(sim, np.array([2]))[0] == pytest.approx(0.25 + 0.25)


def test_loo_pit_matches_self_normalised_importance_sampling():
    # y_i ~ N(theta, 1), theta's posterior draws N(0.2, 0.3): with mild influence PSIS and raw
    # importance weights 1 / p(y_i | theta) agree on P(y_rep <= y_i | y_-i)
    rng = np.random.default_rng(3)
    theta = rng.normal(0.2, 0.3, size=4000)
    y = np.array([-1.0, 0.2, 1.5])
    log_lik = -0.5 * (y[None, :] - theta[:, None]) ** 2
    rep = theta[:, None] + rng.standard_normal((4000, 3))
    values, k = loo_pit_values(log_lik, rep, y, chains=4, seed=0)
    w = np.exp(-log_lik)
    w /= w.sum(axis=0)
    plain = (w * (rep <= y[None, :])).sum(axis=0)
    np.testing.assert_allclose(values, plain, atol=0.02)
    assert np.all(k < 0.5)


def test_checks_of_the_fit(small_fit):
    checks = predictive_checks(small_fit, prior_size=2000)
    months, poll = checks["months"], checks["poll"]
    assert len(months) == len(small_fit.evidence.reference)
    assert len(poll) == len(small_fit.evidence.poll)
    pending = months["censored"]
    assert months.loc[pending, "loo_pit"].isna().all()
    assert months.loc[~pending, "loo_pit"].between(0, 1).all()
    assert months.loc[pending, "p_still_pending_post"].between(0, 1).all()
    # the posterior predictive of the poll is far narrower than the prior predictive
    width = lambda t, p: (t[f"{p}_hi"] - t[f"{p}_lo"]).to_numpy()  # noqa: E731
    assert np.all(width(poll, "post") < 0.5 * width(poll, "prior"))
    for table in (months, poll):
        assert (table["prior_lo"] <= table["prior_median"]).all()
        assert (table["post_median"] <= table["post_hi"]).all()
    assert checks["simulated"]["poll"]["post"].shape[1] == len(poll)
    assert any("Poll counts" in s for s in checks["sentences"])


def test_sentences_name_a_surprising_observation(small_fit):
    import copy

    fit = copy.copy(small_fit)
    fit.evidence = copy.copy(small_fit.evidence)
    fit.evidence.reference = fit.evidence.reference.assign(months=[5.2, 8.5, 300.0, 6.3])
    checks = predictive_checks(fit, prior_size=2000)
    assert checks["months"]["prior_pit"].iloc[2] > 0.99
    assert any("found surprising" in s and "PIT 1.000" in s for s in checks["sentences"])
