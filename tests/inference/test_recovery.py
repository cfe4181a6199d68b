"""Slow: parameter recovery as coverage: known parameters, many simulated data sets, and the
share of 90% intervals that contain the truth.

The truth is fixed (not drawn from the prior: that is SBC, tests/inference/test_sbc.py) and the
data are large (a poll of 2000 per row, 40 packages), so the posterior is dominated by the data
and its 90% intervals should contain the truth in about 90% of replicates.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from scipy import stats

TRUE = {
    "duration_mu": 2.0,
    "duration_sigma": 0.35,
    "oppose_funds": 0.62,
    "oppose_troops": 0.81,
    "oppose_training": 0.3,
    "poll_error": 0.05,
}
N_REP, N_PACKAGES, CUTOFF, POLL_N = 40, 40, 9.0, 2000


def replicate(rep: int, full) -> dict[str, bool]:
    """Whether each parameter's 90% interval covers the truth in one simulated data set."""
    import logging

    import pymc as pm

    from model.analysis.checks import simulate_poll
    from model.case.priors import Priors
    from model.inference.fit import evidence_for
    from model.inference.pymc_model import build_model, poll_rows

    logging.getLogger("pymc").setLevel(logging.ERROR)
    priors = Priors(**{**full.__dict__, "params": {n: full.params[n] for n in TRUE}})
    evidence = evidence_for(full)
    rng = np.random.default_rng(42 + rep)
    months = rng.lognormal(TRUE["duration_mu"], TRUE["duration_sigma"], size=N_PACKAGES)
    censored = months > CUTOFF
    ref = evidence.reference.iloc[[0] * N_PACKAGES].reset_index(drop=True)
    evidence.reference = ref.assign(months=np.where(censored, CUTOFF, months), censored=censored)
    poll = evidence.poll.assign(n=POLL_N, opposed=0)
    evidence.poll = poll
    rows = poll_rows(evidence)
    k = POLL_N // rows["n_eff"].to_numpy()
    truth = {n: np.array([v]) for n, v in TRUE.items()}
    evidence.poll = poll.assign(opposed=simulate_poll(truth, rows, rng)[0] * k)
    with build_model(priors, evidence):
        tree = pm.sample(
            draws=500,
            tune=500,
            chains=2,
            cores=1,
            random_seed=rep,
            target_accept=0.95,
            progressbar=False,
            compute_convergence_checks=False,
        )
    covered = {}
    for name, value in TRUE.items():
        lo, hi = np.quantile(np.asarray(tree["posterior"][name].values), [0.05, 0.95])
        covered[name] = bool(lo < value < hi)
    return covered


@pytest.mark.slow
def test_ninety_percent_intervals_cover_the_truth_ninety_percent_of_the_time():
    from joblib import Parallel, delayed

    from model.case.priors import load_priors

    # once, here (the workers share no elicitation cache file); the judgment priors keep the
    # reference-class likelihood that the duration parameters are checked against
    full = load_priors(scenarios=["priors/scenarios/judgment_priors.toml"])

    results = Parallel(n_jobs=min(2, os.cpu_count() or 1))(
        delayed(replicate)(r, full) for r in range(N_REP)
    )
    per_param = {n: sum(r[n] for r in results) for n in TRUE}
    print("\ncoverage of 90% intervals:", {n: f"{c}/{N_REP}" for n, c in per_param.items()})
    # each parameter: a two-sided binomial test of 0.9 at alpha 0.01 / 6 (Bonferroni)
    for name, hits in per_param.items():
        pvalue = stats.binomtest(hits, N_REP, 0.9).pvalue
        assert pvalue > 0.01 / len(TRUE), (name, hits, N_REP)
    pooled = sum(per_param.values()) / (N_REP * len(TRUE))
    assert 0.82 < pooled < 0.97, pooled
