"""The PyMC model: closed-form checks of the data-informed blocks."""

import numpy as np
import pytest
from scipy import stats

from model.inference.fit import evidence_for, fit
from model.inference.pymc_model import build_model, data_params, poll_rows


@pytest.fixture(scope="module")
def no_poll_error_fit(small_settings):
    """Both readings, but an error beyond sampling of ~1e-4: the poll block is conjugate again."""
    from model.case.priors import load_priors

    priors = load_priors(overrides={"params": {"poll_error": {"mu": -9.2, "sigma": 0.01}}})
    return fit(priors, settings=small_settings)


def test_poll_block_matches_closed_form_beta_binomial(no_poll_error_fit, baseline_priors):
    # With poll_error ~ 0 each component's share is Beta(alpha + k, beta + n - k), where the k
    # readings of one sample count n / k respondents each: the sample is counted once.
    result = no_poll_error_fit
    rows = poll_rows(result.evidence)
    assert set(rows["reading"]) == {"article", "item"}
    for comp in ("funds", "troops", "training"):
        prior = baseline_priors.params[f"oppose_{comp}"].params
        mine = rows[rows["component"] == comp]
        k, n = mine["opposed_eff"].sum(), mine["n_eff"].sum()
        assert n == 500
        exact = stats.beta(prior["alpha"] + k, prior["beta"] + n - k)
        draws = result.draws[f"oppose_{comp}"]
        mcse = draws.std() / np.sqrt(result.diagnostics["ess_bulk_min"])
        assert draws.mean() == pytest.approx(exact.mean(), abs=4 * mcse)
        for q in (0.05, 0.95):
            # Monte Carlo error of a quantile: sqrt(q (1 - q) / ESS) / density there
            ess = result.diagnostics["ess_tail_min"]
            q_mcse = np.sqrt(q * (1 - q) / ess) / exact.pdf(exact.ppf(q))
            assert np.quantile(draws, q) == pytest.approx(exact.ppf(q), abs=4 * q_mcse)


def test_error_beyond_sampling_widens_the_poll_evidence(small_fit, no_poll_error_fit):
    # The two readings of funds (77% and 71%) disagree: with the error term the posterior of
    # oppose_funds lies between them and is wider than the conjugate (no-error) posterior.
    funds = small_fit.draws["oppose_funds"]
    assert 0.71 < funds.mean() < 0.77
    assert funds.std() > 1.2 * no_poll_error_fit.draws["oppose_funds"].std()


def test_judgment_parameters_keep_their_prior(small_fit, baseline_priors):
    from model.case.distributions import scipy_dist

    touched = data_params(baseline_priors, small_fit.evidence)
    # the library replaces the reference class: the durations are priors now
    assert touched == {"oppose_funds", "oppose_troops", "oppose_training", "poll_error"}
    for name in ("p_agree", "gov_will", "window_months"):
        p = baseline_priors.params[name]
        d = small_fit.draws[name]
        assert stats.kstest(d[::4], scipy_dist(p.dist, p.params).cdf).pvalue > 1e-3


JUDGMENT = "priors/scenarios/judgment_priors.toml"
"""The scenario that keeps the 4-row reference class in the model, one row of it censored."""


def _reference_term(priors, evidence):
    """The model's log-likelihood of each reference row and its gradient in ``duration_mu``.

    A compiled function of ``(duration_mu, log duration_sigma)``, the free values of the model.
    """
    import pytensor

    model = build_model(priors, evidence)
    mu, log_sigma = (model.rvs_to_values[model[n]] for n in ("duration_mu", "duration_sigma"))
    (logp,) = model.logp(vars=[model["reference_months"]], sum=False)
    outs = [logp, pytensor.grad(logp.sum(), mu)]
    return model.compile_fn(outs, inputs=[mu, log_sigma], point_fn=False)


def test_censored_row_enters_by_its_survival_function_and_pulls_duration_up():
    # The pending package is right-censored: its months so far enter by log P(T > t), the
    # others by the log density. Since d/dmu log S(t) (the hazard in log time) exceeds
    # d/dmu log f(t) everywhere, the censored row pulls duration_mu up more than the same row
    # read as an enactment would (the fitted comparison is the slow test below).
    from model.case.priors import load_priors

    priors = load_priors(scenarios=[JUDGMENT])
    evidence = evidence_for(priors)
    censored = evidence.reference["censored"].to_numpy(dtype=bool)
    assert censored.any() and not censored.all()
    as_event = evidence_for(priors)
    as_event.reference = as_event.reference.assign(censored=False)
    months = evidence.reference["months"].to_numpy(dtype=float)
    model_censored = _reference_term(priors, evidence)
    model_event = _reference_term(priors, as_event)
    for mu in (0.5, 1.8, 3.0):
        for sigma in (0.3, 1.0):
            d = stats.lognorm(s=sigma, scale=np.exp(mu))
            logp, grad = model_censored(mu, np.log(sigma))
            want = np.where(censored, d.logsf(months), d.logpdf(months))
            np.testing.assert_allclose(logp, want, rtol=1e-6)
            event_logp, event_grad = model_event(mu, np.log(sigma))
            np.testing.assert_allclose(event_logp, d.logpdf(months), rtol=1e-6)
            z = (np.log(months) - mu) / sigma
            hazard = stats.norm.pdf(z) / (sigma * stats.norm.sf(z))
            assert grad == pytest.approx(np.where(censored, hazard, z / sigma).sum(), rel=1e-6)
            assert grad > event_grad


@pytest.mark.slow
def test_censored_row_moves_duration_upwards(small_settings):
    from model.case.priors import load_priors

    baseline_priors = load_priors(scenarios=[JUDGMENT])
    evidence = evidence_for(baseline_priors)
    as_event = evidence_for(baseline_priors)
    as_event.reference = as_event.reference.assign(censored=False)
    censored = fit(baseline_priors, evidence=evidence, settings=small_settings)
    observed = fit(baseline_priors, evidence=as_event, settings=small_settings)
    gap = censored.draws["duration_mu"].mean() - observed.draws["duration_mu"].mean()
    mcse = censored.draws["duration_mu"].std() / np.sqrt(300)
    assert gap > 4 * mcse


def test_model_has_a_variable_per_prior_and_the_likelihoods(baseline_priors):
    model = build_model(baseline_priors, evidence_for(baseline_priors))
    names = {v.name for v in model.free_RVs}
    assert names == set(baseline_priors.params)
    observed = {v.name for v in model.observed_RVs}
    assert observed == {"poll_funds", "poll_troops", "poll_training"}  # the library: a prior
    from model.case.priors import load_priors

    old = load_priors(scenarios=[JUDGMENT])
    model = build_model(old, evidence_for(old))
    assert {v.name for v in model.observed_RVs} == observed | {"reference_months"}


def test_several_readings_need_an_error_term(baseline_priors):
    from model.case.priors import Priors
    from model.errors import InputError

    params = {k: v for k, v in baseline_priors.params.items() if k != "poll_error"}
    bare = Priors(**{**baseline_priors.__dict__, "params": params})
    with pytest.raises(InputError, match="poll_error"):
        build_model(bare, evidence_for(baseline_priors))
    one = evidence_for(baseline_priors)
    one.poll = one.poll[one.poll["reading"] == "item"].reset_index(drop=True)
    assert {v.name for v in build_model(bare, one).free_RVs} == set(params)
