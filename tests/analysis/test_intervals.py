"""Intervals, weighted quantiles and provenance stamps."""

import numpy as np
import pytest

from model.analysis.intervals import interval, weighted_quantile
from model.inference.stamps import versions


def test_interval_is_the_equal_tailed_90_percent():
    x = np.arange(1001, dtype=float)
    out = interval(x)
    assert out == {"mean": 500.0, "lo": pytest.approx(50.0), "hi": pytest.approx(950.0)}


def test_uniform_weights_match_unweighted_quantiles():
    x = np.random.default_rng(0).normal(size=5000)
    w = np.full(x.size, 1 / x.size)
    np.testing.assert_allclose(
        weighted_quantile(x, [0.05, 0.5, 0.95], w), np.quantile(x, [0.05, 0.5, 0.95]), atol=0.01
    )


def test_weights_shift_the_interval():
    x = np.linspace(0, 1, 1001)
    w = x / x.sum()  # density 2x on [0, 1]: median 1/sqrt(2)
    assert weighted_quantile(x, 0.5, w) == pytest.approx(2**-0.5, abs=0.01)
    assert interval(x, weights=w)["mean"] == pytest.approx(2 / 3, abs=1e-3)


def test_versions_name_the_stack():
    v = versions()
    assert {"python", "pymc", "arviz", "numpy", "model"} <= set(v)


def test_mcse_of_iid_draws_is_sd_over_root_n():
    from model.analysis.intervals import mcse_mean

    x = np.random.default_rng(1).normal(size=4000)
    assert mcse_mean(x, chains=4) == pytest.approx(1 / np.sqrt(4000), rel=0.1)
    assert mcse_mean(np.full(40, 0.3), chains=4) == 0.0


def test_mcse_counts_autocorrelation():
    """AR(1) with coefficient rho: MCSE = sd sqrt((1 + rho) / (1 - rho) / n)."""
    from model.analysis.intervals import mcse_mean

    rng = np.random.default_rng(2)
    rho, n, chains = 0.8, 5000, 4
    x = np.zeros((chains, n))
    x[:, 0] = rng.normal(size=chains)
    for t in range(1, n):
        x[:, t] = rho * x[:, t - 1] + np.sqrt(1 - rho**2) * rng.normal(size=chains)
    want = np.sqrt((1 + rho) / (1 - rho) / (n * chains))
    assert mcse_mean(x.reshape(-1), chains=chains) == pytest.approx(want, rel=0.15)


def test_z_score_of_the_90_percent_interval():
    from model.analysis.intervals import z_score

    assert z_score() == pytest.approx(1.6448536, abs=1e-6)


@pytest.mark.parametrize("n", [1, 2, 7, 400, 4001])
def test_the_partial_sort_quantile_equals_numpys(n):
    from model.analysis.intervals import weighted_quantile

    x = np.random.default_rng(n).normal(size=n)
    for q in ([0.05, 0.95], 0.5, [0.0, 1.0]):
        np.testing.assert_array_equal(weighted_quantile(x, q), np.quantile(x, q))


def test_several_intervals_at_once_equal_each_alone():
    from model.analysis.intervals import intervals

    rng = np.random.default_rng(5)
    arrays = {"a": rng.normal(size=801), "b": rng.beta(2, 5, size=801)}
    together = intervals(arrays)
    assert together == {k: interval(v) for k, v in arrays.items()}
    w = rng.dirichlet(np.ones(801))
    assert intervals(arrays, weights=w) == {k: interval(v, weights=w) for k, v in arrays.items()}
