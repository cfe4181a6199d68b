"""Tornado tables and flip points: exact answers for linear outcomes."""

from __future__ import annotations

import numpy as np
import pytest

from model.analysis.sensitivity.tornado import flip_point, tornado


@pytest.fixture
def draws() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    b = rng.normal(size=4000)
    return {
        "a": rng.normal(size=4000),
        "b": b - b.mean(),
        "c": rng.uniform(size=4000),
        "k": rng.integers(0, 3, size=4000),
    }


def linear(d):
    return 2.0 * d["a"] - 3.0 * d["b"]


def test_unused_input_has_zero_swing_and_linear_swing_is_coef_times_range(draws):
    table = tornado(draws, linear, inputs=["c", "a", "b"])
    assert list(table.columns) == [
        "input",
        "low_value",
        "high_value",
        "low",
        "high",
        "base",
        "swing",
    ]
    rows = table.set_index("input")
    assert rows.loc["c", "swing"] == 0.0
    assert rows.loc["c", "low"] == rows.loc["c", "high"] == rows.loc["c", "base"]
    for name, coef in (("a", 2.0), ("b", -3.0)):
        q10, q90 = np.quantile(draws[name], [0.1, 0.9])
        assert rows.loc[name, "low_value"] == q10
        assert rows.loc[name, "high_value"] == q90
        assert rows.loc[name, "swing"] == pytest.approx(abs(coef) * (q90 - q10), rel=1e-12)
        # the other input keeps its draws, so its mean contributes as in the base case
        others = linear(draws).mean() - coef * draws[name].mean()
        assert rows.loc[name, "low"] == pytest.approx(others + coef * q10, abs=1e-12)
    assert rows.loc["b", "low"] > rows.loc["b", "high"]  # decreasing in b
    assert table["input"].tolist() == ["b", "a", "c"]
    assert table["swing"].is_monotonic_decreasing
    assert (table["base"] == linear(draws).mean()).all()


def test_custom_quantiles_default_inputs_and_determinism(draws):
    table = tornado(draws, linear, low_q=0.25, high_q=0.75)
    assert set(table["input"]) == set(draws)
    q25, q75 = np.quantile(draws["a"], [0.25, 0.75])
    rows = table.set_index("input")
    assert rows.loc["a", "swing"] == pytest.approx(2.0 * (q75 - q25), rel=1e-12)
    assert table.equals(tornado(draws, linear, low_q=0.25, high_q=0.75))


def test_integer_input_is_set_to_observed_values_and_draws_are_not_modified(draws):
    before = {k: v.copy() for k, v in draws.items()}
    weights = np.array([0.0, 1.0, 5.0])

    def indexed(d):
        return weights[d["k"]] + d["c"]  # fails unless k stays an integer array

    table = tornado(draws, indexed, inputs=["k", "c"])
    rows = table.set_index("input")
    assert rows.loc["k", "low_value"] == 0
    assert rows.loc["k", "high_value"] == 2
    assert rows.loc["k", "swing"] == pytest.approx(5.0, rel=1e-12)
    for name, values in before.items():
        assert np.array_equal(draws[name], values)


def test_swing_of_a_nonlinear_outcome_uses_the_whole_distribution(draws):
    # mean outcome with a set to v is mean(exp(v + b)); swing = (e^q90 - e^q10) * mean(e^b)
    table = tornado(draws, lambda d: np.exp(d["a"] + d["b"]), inputs=["a"])
    q10, q90 = np.quantile(draws["a"], [0.1, 0.9])
    expected = (np.exp(q90) - np.exp(q10)) * np.exp(draws["b"]).mean()
    assert table["swing"].iloc[0] == pytest.approx(expected, rel=1e-12)


def test_flip_point_finds_the_crossing_of_a_linear_outcome(draws):
    # mean outcome with a set to v: 0.5 + 0.2 (v - 1) + 0.1 mean(b), which is 0.5 at
    # v = 1 - 0.5 mean(b); mean(b) is 0 up to rounding
    def outcome(d):
        return 0.5 + 0.2 * (d["a"] - 1.0) + 0.1 * d["b"]

    result = flip_point(draws, outcome, input="a", threshold=0.5)
    assert result["input"] == "a"
    assert result["crosses_at"] == pytest.approx(1.0 - 0.5 * draws["b"].mean(), abs=1e-9)
    assert result["best_changes_at"] is None
    grid = np.quantile(draws["a"], np.linspace(0.01, 0.99, 41))
    assert result["values"] == pytest.approx(grid.tolist(), rel=1e-15)
    assert len(result["means"]) == 41
    assert np.all(np.diff(result["means"]) > 0)
    low = flip_point(draws, outcome, input="a", threshold=0.0)["crosses_at"]
    assert low == pytest.approx(-1.5 - 0.5 * draws["b"].mean(), abs=1e-9)
    # 0.95 needs a = 3.25 and -0.2 needs a = -2.5, both outside the 1st-99th percentiles of a
    # standard normal (about -2.33 to 2.33)
    assert flip_point(draws, outcome, input="a", threshold=0.95)["crosses_at"] is None
    assert flip_point(draws, outcome, input="a", threshold=-0.2)["crosses_at"] is None


def test_flip_point_with_explicit_grid_and_exact_hit(draws):
    def outcome(d):
        return 0.2 * d["a"] + 0.5

    result = flip_point(draws, outcome, input="a", grid=[1.0, -2.0, 0.0, 1.0, 2.0])
    assert result["values"] == [-2.0, 0.0, 1.0, 2.0]
    assert result["crosses_at"] == 0.0  # the mean outcome is exactly 0.5 at a grid point


def test_flip_point_reports_where_the_best_option_changes(draws):
    # option 0 has mean utility equal to the value of a, option 1 is worth 0.6 always: at the
    # median of a (about 0) option 1 is best, and option 0 takes over above a = 0.6
    def decision(d):
        return np.column_stack([d["a"], np.full(d["a"].shape, 0.6)])

    grid = np.linspace(-2.0, 2.0, 9)
    result = flip_point(draws, linear, input="a", grid=grid, decision=decision)
    assert result["best_at_median"] == 1
    assert result["best_changes_at"] == 1.0
    assert result["best"] == [1, 1, 1, 1, 1, 1, 0, 0, 0]

    def never(d):
        return np.column_stack([d["a"] - 10.0, d["b"]])

    assert flip_point(draws, linear, input="a", decision=never)["best_changes_at"] is None


def test_bad_calls_are_rejected(draws):
    with pytest.raises(KeyError):
        tornado(draws, linear, inputs=["missing"])
    with pytest.raises(ValueError, match="shape"):
        tornado(draws, lambda d: np.zeros(3), inputs=["a"])
    with pytest.raises(ValueError, match="quantiles"):
        tornado(draws, linear, low_q=-0.1)
    with pytest.raises(ValueError, match="q_range"):
        flip_point(draws, linear, input="a", q_range=(0.9, 0.1))
