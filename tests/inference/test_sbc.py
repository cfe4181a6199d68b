"""Slow: simulation-based calibration (SBC) of the fits the tool uses (data-touched parameters).

The 2007 models: each replicate draws the data-touched parameters from their priors, simulates
the poll (and, for the judgment priors, the reference class) as the evidence files lay them out,
fits the model (2 chains x 200 draws, thinned to 100), and records the rank of the true value
among the posterior draws. The default model (``priors/baseline.toml``: the poll is its only
likelihood) at 200 replicates; the judgment-priors model at 100.

The library model (``model.library.exact``): 200 replicates on the library's real design (its
cases' domains, sides, request dates and windows, as of today's file), outcomes coded as the
library codes them (enactment at any time with its date, a failure is Congress's "no" before the
Congress's end, an enactment beyond the horizon is pending and censored), the grid posterior,
99 draws.

If the likelihood and the fit are right, the ranks are uniform (Talts et al. 2018,
arXiv:1804.06788). Uniformity is tested per parameter with a chi-square test on 10 bins,
Bonferroni-corrected for the parameters at a family-wise alpha of 0.01.
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
N_REP_DEFAULT = 200
N_REP_LIBRARY = 200
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
    if "duration_mu" in truth and len(ref):
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


def replicate(rep: int, full, params=PARAMS) -> dict[str, int]:
    """Rank of each true parameter among the thinned posterior draws of one replicate."""
    import logging

    import pymc as pm

    from model.case.priors import Priors
    from model.inference.fit import evidence_for
    from model.inference.pymc_model import build_model

    logging.getLogger("pymc").setLevel(logging.ERROR)
    priors = Priors(**{**full.__dict__, "params": {n: full.params[n] for n in params}})
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
    for name in params:
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


def _uniform(results, params, n_draws):
    report = {}
    for name in params:
        ranks = np.array([r[name] for r in results])
        counts = np.bincount(ranks * BINS // (n_draws + 1), minlength=BINS)
        report[name] = (stats.chisquare(counts).pvalue, counts.tolist())
    print("\nSBC:", {k: (round(p, 4), c) for k, (p, c) in report.items()})
    for name, (pvalue, counts) in report.items():
        assert pvalue > ALPHA / len(params), (name, pvalue, counts)


@pytest.mark.slow
def test_ranks_of_the_default_2007_model_are_uniform():
    from joblib import Parallel, delayed

    from model.case.priors import load_priors
    from model.inference.fit import evidence_for
    from model.inference.pymc_model import data_params

    full = load_priors()
    params = tuple(sorted(data_params(full, evidence_for(full))))
    assert "poll_error" in params and not {"duration_mu", "us_support"} & set(params)
    jobs = min(2, os.cpu_count() or 1)
    results = Parallel(n_jobs=jobs)(
        delayed(replicate)(r, full, params) for r in range(N_REP_DEFAULT)
    )
    _uniform(results, params, CHAINS * DRAWS // THIN)


LIBRARY_DRAWS = 99
LIBRARY_PARAMS = (
    "logit_us:aid",
    "logit_us:trade",
    "mu:aid",
    "mu:trade",
    "sigma",
    "logit_acc:basing",
    "logit_acc:trade",
)


def _library_replicate(rep: int, design) -> dict[str, int]:
    """Rank of each true domain effect among the grid posterior's draws, one replicate."""
    import pandas as pd
    from scipy.special import expit

    from model.library import exact

    rng = np.random.default_rng(7000 + rep)
    truth = exact.prior_draw(rng)
    us, acc = [], []
    for r in design.itertuples():
        d = r.domain
        if r.us_needed:
            span = r.window_months
            if rng.random() < expit(truth["logit_us"][d]):
                t = float(np.exp(truth["mu"][d] + truth["sigma"] * rng.normal()))
                us.append((r.id, d, min(t, r.horizon), float(t <= r.horizon)))
            else:
                us.append((r.id, d, rng.uniform(0.2, span), -1.0))  # Congress's "no"
        if r.partner_needed:
            acc.append((r.id, d, float(rng.random() < expit(truth["logit_acc"][d]))))
    rows = {
        "us": pd.DataFrame(us, columns=["episode", "domain", "t", "observed"]).assign(weight=1.0),
        "acc": pd.DataFrame(acc, columns=["episode", "domain", "y"]).assign(weight=1.0),
    }
    post = exact.fit_exact(rows)
    ranks = {}
    for side, hurdle in (("logit_us", "us"), ("mu", "us"), ("logit_acc", "acc")):
        for d in exact.DOMAINS:
            name = f"{side}:{d}"
            if name not in LIBRARY_PARAMS:
                continue
            key = "logit" if side != "mu" else "mu"
            draws = post[hurdle].draws(d, n=LIBRARY_DRAWS, seed=rep)[key]
            ranks[name] = int(np.sum(draws < truth[side][d]))
    draws = post["us"].draws("aid", n=LIBRARY_DRAWS, seed=rep)["sigma"]
    below, ties = int(np.sum(draws < truth["sigma"])), int(np.sum(draws == truth["sigma"]))
    ranks["sigma"] = below + int(rng.integers(0, ties + 1))  # a grid value: ties split at random
    return ranks


@pytest.mark.slow
def test_ranks_of_the_library_model_on_the_library_design_are_uniform():
    from joblib import Parallel, delayed

    from model.case.dates import months_between
    from model.library import exact
    from model.library.cases import load_cases

    lib = load_cases()
    ev = exact.events(lib.cases)
    as_of = max(lib.cases["as_of"])
    design = ev.assign(
        us_needed=ev["us_needed"].astype(bool),
        partner_needed=lib.cases.set_index("id").loc[ev["id"], "partner_needed"].to_numpy() == 1,
        horizon=[months_between(r, as_of) + 24 for r in ev["request_date"]],
    )
    jobs = min(2, os.cpu_count() or 1)
    results = Parallel(n_jobs=jobs)(
        delayed(_library_replicate)(r, design) for r in range(N_REP_LIBRARY)
    )
    _uniform(results, LIBRARY_PARAMS, LIBRARY_DRAWS)
