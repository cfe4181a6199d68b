"""The PyMC model: closed-form checks of the data-informed blocks."""

import numpy as np
import pytest
from scipy import stats

from model.inference.fit import evidence_for, fit
from model.inference.pymc_model import build_model, data_params


def test_poll_block_matches_closed_form_beta_binomial(small_fit, baseline_priors):
    for comp in ("funds", "troops"):
        prior = baseline_priors.params[f"oppose_{comp}"].params
        rows = small_fit.evidence.poll[small_fit.evidence.poll["component"] == comp]
        k, n = rows["opposed"].sum(), rows["n"].sum()
        exact = stats.beta(prior["alpha"] + k, prior["beta"] + n - k)
        draws = small_fit.draws[f"oppose_{comp}"]
        mcse = draws.std() / np.sqrt(small_fit.diagnostics["ess_bulk_min"])
        assert draws.mean() == pytest.approx(exact.mean(), abs=4 * mcse)
        for q in (0.05, 0.95):
            # Monte Carlo error of a quantile: sqrt(q (1 - q) / ESS) / density there
            ess = small_fit.diagnostics["ess_tail_min"]
            q_mcse = np.sqrt(q * (1 - q) / ess) / exact.pdf(exact.ppf(q))
            assert np.quantile(draws, q) == pytest.approx(exact.ppf(q), abs=4 * q_mcse)


def test_judgment_parameters_keep_their_prior(small_fit, baseline_priors):
    from model.case.distributions import scipy_dist

    touched = data_params(baseline_priors, small_fit.evidence)
    assert touched == {"oppose_funds", "oppose_troops"}  # the library replaces the reference
    for name in ("p_agree", "gov_will", "window_months"):
        p = baseline_priors.params[name]
        d = small_fit.draws[name]
        assert stats.kstest(d[::4], scipy_dist(p.dist, p.params).cdf).pvalue > 1e-3


def test_censored_row_moves_duration_upwards(small_settings):
    from model.case.priors import load_priors

    baseline_priors = load_priors(scenarios=["priors/scenarios/judgment_priors.toml"])
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
    assert {v.name for v in model.observed_RVs} == {"poll_funds", "poll_troops"}
    from model.case.priors import load_priors

    old = load_priors(scenarios=["priors/scenarios/judgment_priors.toml"])
    model = build_model(old, evidence_for(old))
    assert {v.name for v in model.observed_RVs} == {"poll_funds", "poll_troops", "reference_months"}
