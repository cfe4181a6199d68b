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
