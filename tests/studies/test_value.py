"""EVSI: the preposterior value of a poll, a whip count and soundings (model.studies.value)."""

import itertools

import numpy as np
import pytest

from model.analysis.sensitivity.voi import evppi
from model.studies import value as E
from model.studies.plans import Study

S = 4000


@pytest.fixture(scope="module")
def toy():
    """A posterior where the poll's share decides between two designs (known EVPPI)."""
    rng = np.random.default_rng(1)
    theta = rng.beta(8, 3, S)
    draws = {
        "oppose_funds": theta,
        "opinion_shift": np.zeros(S),
        "us_support": rng.normal(0.0, 1.0, S),
    }
    u = np.column_stack([1 - theta, np.full(S, 0.28)])
    q = 1 / (1 + np.exp(-draws["us_support"]))
    u_whip = np.column_stack([q, np.full(S, 0.5)])
    return draws, {"p_deal": u}, {"p_deal": u_whip}


def poll(n):
    return Study(name="t", kind="poll", n=n, label="t", component="funds")


def whip(n, r):
    return Study(name="w", kind="whip_count", n=n, label="w", reliability=r)


def exact_evsi(draws, study, u):
    """EVSI by summing over every possible result (the draws as the prior): no outer noise."""
    n = E.effective_n(study)
    lik = np.exp(E.log_likelihood(draws, study, np.arange(n + 1)))
    means = (lik @ u) / lik.sum(axis=1)[:, None]
    return float((lik.mean(axis=1) * means.max(axis=1)).sum() - u.mean(axis=0).max())


def test_regression_matches_the_exact_sum_over_results(toy):
    draws, util, _ = toy
    for n in (10, 100, 1000):
        got = E.evsi_regression(draws, poll(n), util)["p_deal"]
        truth = exact_evsi(draws, poll(n), util["p_deal"])
        assert abs(got["evsi"] - truth) < 3 * got["se"] + 1e-3, (n, got, truth)


def test_evsi_non_negative_rising_and_below_evppi(toy):
    draws, util, _ = toy
    bound = evppi(draws["oppose_funds"], util["p_deal"])
    got = [E.evsi_regression(draws, poll(n), util)["p_deal"] for n in (10, 100, 1000, 5000)]
    values = [g["evsi"] for g in got]
    assert all(v >= 0 for v in values)
    for a, b in itertools.pairwise(got):
        assert b["evsi"] >= a["evsi"] - 2 * np.hypot(a["se"], b["se"])
    assert values[-1] - values[0] > 0.01  # more respondents, clearly more value here
    assert all(g["evsi"] <= bound + 2 * g["se"] for g in got)
    assert values[-1] > 0.9 * bound  # a large poll comes close to perfect information


def test_reliability_zero_is_worth_nothing(toy):
    draws, _, util = toy
    for method in ("regression", "nested"):
        if method == "regression":
            got = E.evsi_regression(draws, whip(200, 0.0), util)["p_deal"]
        else:
            got = E.evsi_nested(draws, whip(200, 0.0), util, chains=4, n_outer=300)["p_deal"]
        assert got["evsi"] <= 2 * got["se"] + 1e-9, (method, got)
    informative = E.evsi_regression(draws, whip(200, 0.9), util)["p_deal"]
    assert informative["evsi"] > 5 * informative["se"]


def test_a_reliable_whip_count_is_worth_more_than_an_unreliable_one(toy):
    draws, _, util = toy
    low = E.evsi_regression(draws, whip(100, 0.3), util)["p_deal"]
    high = E.evsi_regression(draws, whip(100, 0.9), util)["p_deal"]
    assert high["evsi"] - low["evsi"] > 2 * np.hypot(low["se"], high["se"])


def test_nested_agrees_with_regression_on_the_toy(toy):
    draws, util, _ = toy
    for n in (30, 300):
        fast = E.evsi_regression(draws, poll(n), util)["p_deal"]
        slow = E.evsi_nested(draws, poll(n), util, chains=4, n_outer=1000)
        err = np.hypot(fast["se"], slow["p_deal"]["se"])
        assert abs(fast["evsi"] - slow["p_deal"]["evsi"]) < 3 * err, (n, fast, slow)
        assert 0 <= slow["high_k"] <= slow["n_outer"]


def test_curve_on_the_small_fit(small_fit):
    from model.analysis.decision import deal_matrix
    from model.analysis.sensitivity.voi import evpi

    matrix = deal_matrix(small_fit)
    study = Study(
        name="p", kind="poll", n=500, label="p", component="funds", design_effect=1.5, cost=0.02
    )
    curve = E.evsi_curve(small_fit, study, sizes=[100, 1000], matrix=matrix)
    assert [r["n"] for r in curve["rows"]] == [100, 500, 1000]
    for row in curve["rows"]:
        for u in E.UTILITIES:
            assert 0 <= row[f"evsi_{u}"] <= evpi(matrix[u]) + 3 * row[f"se_{u}"]
        assert row["net_value"] == pytest.approx(row["evsi_value"] - row["cost"])
        for u in E.UTILITIES:
            err = np.hypot(row[f"se_{u}"], curve["evppi_se"][u])
            assert row[f"evsi_{u}"] <= curve["evppi"][u] + 3 * err + 1e-9
    assert curve["rows"][1]["cost"] == pytest.approx(0.02)
    assert curve["at_n"]["n"] == 500


@pytest.mark.slow
def test_fast_and_brute_force_agree_on_the_fitted_posterior(small_fit):
    """On the real design matrix, both estimates agree within their Monte Carlo errors."""
    from model.analysis.decision import deal_matrix

    matrix = deal_matrix(small_fit)
    util = {u: matrix[u] for u in E.UTILITIES}
    for study in (poll(500), whip(50, 0.6)):
        fast = E.evsi_regression(small_fit.draws, study, util)
        slow = E.evsi_nested(small_fit.draws, study, util, chains=2, n_outer=1000)
        for u in E.UTILITIES:
            err = np.hypot(fast[u]["se"], slow[u]["se"])
            assert abs(fast[u]["evsi"] - slow[u]["evsi"]) < 3 * err + 1e-3, (study.kind, u)
