"""The exact library model's grid prior, drawn once per SBC replicate (`exact.prior_draw`)."""

import numpy as np
import pandas as pd
import pytest

from model.constants import TARGET_CASE_FILE
from model.library import exact
from model.library.cases import load_cases

N = 60


@pytest.fixture(scope="module")
def draws():
    rng = np.random.default_rng(11)
    return [exact.prior_draw(rng) for _ in range(N)]


def _half_cell(grid):
    return np.gradient(grid).max() / 2


def test_every_domain_gets_an_effect_inside_its_grid(draws):
    for d in draws:
        for side, grid in (("logit_us", exact.LOGIT_GRID), ("logit_acc", exact.LOGIT_GRID)):
            assert set(d[side]) == set(exact.DOMAINS)
            values = np.array(list(d[side].values()))
            assert (values >= grid[0] - _half_cell(grid)).all()
            assert (values <= grid[-1] + _half_cell(grid)).all()
        mu, half = np.array(list(d["mu"].values())), _half_cell(exact.MU_GRID)
        assert set(d["mu"]) == set(exact.DOMAINS)
        assert (mu >= exact.MU_GRID[0] - half).all() and (mu <= exact.MU_GRID[-1] + half).all()
        assert d["sigma"] in exact.SIGMA_GRID  # sigma is a grid point, not jittered


def test_the_draws_follow_the_stated_hyperpriors(draws):
    """Means of many draws sit where the hyperpriors put them (within about 4 standard errors)."""
    sigma = np.array([d["sigma"] for d in draws])
    median, _ = exact.PRIORS["dur_sigma"]
    assert 0.65 * median < np.median(sigma) < 1.45 * median
    m, _ = exact.PRIORS["dur_m"]
    mu = np.array([list(d["mu"].values()) for d in draws])
    assert abs(mu.mean() - m) < 0.45
    a, _ = exact.PRIORS["a"]
    logit = np.array([list(d["logit_us"].values()) for d in draws])
    assert abs(logit.mean() - a) < 0.8
    assert logit.std() > 1.0  # Normal(0, 1.5) on the level, plus the domains' spread


def test_the_same_seed_gives_the_same_draw():
    one = exact.prior_draw(np.random.default_rng(5))
    two = exact.prior_draw(np.random.default_rng(5))
    other = exact.prior_draw(np.random.default_rng(6))
    assert one == two and one != other


def test_an_outcome_left_empty_is_not_scored():
    """A case whose ``enacted`` is missing (None, or not a number) has no scored outcome."""
    case = load_cases(TARGET_CASE_FILE, pending=True).cases.iloc[[0]].copy()
    case["us_needed"] = 1.0
    for empty in (None, "unknown"):
        frame = case.astype({"enacted": object})
        frame["enacted"] = pd.Series([empty], index=frame.index, dtype=object)
        row = exact.events(frame).iloc[0]
        assert np.isnan(row["enacted_any"]) and np.isnan(row["enacted_in_time"])
        assert row["us_known"] is None and np.isnan(row["months"])
