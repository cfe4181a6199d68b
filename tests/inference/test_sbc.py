"""Slow: simulation-based calibration (SBC) of the fit on the parameters the data touch.

Each replicate draws the data-touched parameters from their priors, simulates the poll and the
reference class as the evidence files lay them out, fits the model (2 chains x 200 draws, thinned
to 100), and records the rank of the true value among the posterior draws. If the sampler and
the likelihood are right, the ranks are uniform on 0..100 (Talts et al. 2018, arXiv:1804.06788).
Uniformity is tested per parameter with a chi-square test on 10 bins, Bonferroni-corrected for
the six parameters at a family-wise alpha of 0.01.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from scipy import stats

PARAMS = (
    "duration_mu",
    "duration_sigma",
    "oppose_funds",
    "oppose_troops",
    "oppose_training",
    "poll_error",
)
N_REP = 100
DRAWS, TUNE, CHAINS, THIN = 200, 300, 2, 4
BINS = 10
ALPHA = 0.01


def simulate(priors, evidence, rng):
    """True parameters from the priors and data simulated from them, laid out like the files."""
    from model.analysis.checks import simulate_months, simulate_poll
    from model.inference.prior_draws import prior_draws
    from model.inference.pymc_model import poll_rows

    truth = prior_draws(priors, size=1, rng=rng)
    ref = evidence.reference.copy()
    months = simulate_months(truth, len(ref), rng)[0]
    cut = ref["months"].to_numpy(float)
    pending = ref["censored"].to_numpy(bool) & (months > cut)
    ref["months"] = np.where(pending, cut, months)
    ref["censored"] = pending
    rows = poll_rows(evidence)
    k = (rows["n"] / rows["n_eff"]).round().astype(int).to_numpy()
    counts = simulate_poll(truth, rows, rng)[0]
    poll = evidence.poll.copy()
    poll["n"], poll["opposed"] = rows["n_eff"].to_numpy() * k, counts * k
    return {n: float(v[0]) for n, v in truth.items()}, ref, poll


def replicate(rep: int, full) -> dict[str, int]:
    """Rank of each true parameter among the thinned posterior draws of one replicate."""
    import logging

    import pymc as pm

    from model.case.priors import Priors
    from model.inference.fit import evidence_for
    from model.inference.pymc_model import build_model

    logging.getLogger("pymc").setLevel(logging.ERROR)
    priors = Priors(**{**full.__dict__, "params": {n: full.params[n] for n in PARAMS}})
    evidence = evidence_for(full)
    rng = np.random.default_rng(20070815 + rep)
    truth, evidence.reference, evidence.poll = simulate(priors, evidence, rng)
    with build_model(priors, evidence):
        tree = pm.sample(
            draws=DRAWS,
            tune=TUNE,
            chains=CHAINS,
            cores=1,
            random_seed=rep,
            target_accept=0.95,
            progressbar=False,
            compute_convergence_checks=False,
        )
    post = tree["posterior"]
    ranks = {}
    for name in PARAMS:
        draws = np.asarray(post[name].values)[:, ::THIN].reshape(-1)
        ranks[name] = int(np.sum(draws < truth[name]))
    return ranks


@pytest.mark.slow
def test_ranks_of_the_data_touched_parameters_are_uniform():
    from joblib import Parallel, delayed

    from model.case.priors import load_priors

    # once, here (the workers share no elicitation cache file); the judgment priors keep the
    # reference-class likelihood that the duration parameters are checked against
    full = load_priors(scenarios=["priors/scenarios/judgment_priors.toml"])

    jobs = min(2, os.cpu_count() or 1)
    results = Parallel(n_jobs=jobs)(delayed(replicate)(r, full) for r in range(N_REP))
    n_draws = CHAINS * DRAWS // THIN
    report = {}
    for name in PARAMS:
        ranks = np.array([r[name] for r in results])
        counts = np.bincount(ranks * BINS // (n_draws + 1), minlength=BINS)
        chi2 = stats.chisquare(counts)
        report[name] = (chi2.pvalue, counts.tolist())
    print("\nSBC:", {k: (round(p, 4), c) for k, (p, c) in report.items()})
    for name, (pvalue, counts) in report.items():
        assert pvalue > ALPHA / len(PARAMS), (name, pvalue, counts)
