"""PSIS weights: they turn draws of one distribution into an estimate under another."""

import numpy as np
import pytest

from model.analysis.importance import psis_row, psis_weights


def test_reweighting_normal_draws_recovers_the_shifted_mean():
    rng = np.random.default_rng(4)
    x = rng.normal(0.0, 1.0, size=4000)
    # target N(0.3, 1) over proposal N(0, 1): log ratio 0.3 x - 0.045
    w, k = psis_row(0.3 * x - 0.045, chains=4)
    assert w.sum() == pytest.approx(1.0)
    assert k < 0.5, "a small shift of a normal is an easy reweighting"
    se = 1 / np.sqrt(1 / np.sum(w**2))  # sd 1 over the effective sample size
    assert abs(np.sum(w * x) - 0.3) < 4 * se


def test_equal_ratios_give_equal_weights_and_no_tail():
    w, k = psis_row(np.full(400, 2.5), chains=4)
    assert np.allclose(w, 1 / 400)
    assert k == -np.inf


def test_a_heavy_tail_is_flagged_by_k():
    rng = np.random.default_rng(5)
    x = rng.normal(0.0, 1.0, size=4000)
    _, k = psis_row(3.0 * x - 4.5, chains=4)  # target N(3, 1): far in the proposal's tail
    assert k > 0.7


def test_one_row_is_the_row_of_the_batch():
    rng = np.random.default_rng(6)
    rows = rng.normal(size=(3, 800))
    w, k = psis_weights(rows, 4)
    for i in range(3):
        wi, ki = psis_row(rows[i], 4)
        assert np.allclose(wi, w[i]) and ki == pytest.approx(k[i])
