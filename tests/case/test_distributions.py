"""Distributions: scipy and PyMC agree, elicitation holds its mass."""

import numpy as np
import pytest

from model.case.distributions import FAMILIES, elicit, logpdf, scipy_dist

PARAMS = {
    "Beta": {"alpha": 2.5, "beta": 4.0},
    "Normal": {"mu": -0.3, "sigma": 0.7},
    "LogNormal": {"mu": 1.2, "sigma": 0.4},
    "Gamma": {"alpha": 3.0, "beta": 0.5},
    "HalfNormal": {"sigma": 0.6},
}


@pytest.mark.parametrize("dist", sorted(FAMILIES))
def test_scipy_and_pymc_log_densities_agree(dist):
    import pymc as pm

    x = np.array([0.2, 0.5, 0.8]) if dist == "Beta" else np.array([0.3, 1.0, 2.5])
    rv = getattr(pm, dist).dist(**PARAMS[dist])
    want = pm.logp(rv, x).eval()
    np.testing.assert_allclose(logpdf(dist, PARAMS[dist], x), want, rtol=1e-6)


@pytest.mark.parametrize(
    ("dist", "lower", "upper"), [("Beta", 0.4, 0.85), ("Gamma", 6.0, 13.0), ("Normal", -1, 2)]
)
def test_elicited_distribution_holds_the_mass(dist, lower, upper):
    params = elicit(dist, lower, upper, 0.9)
    d = scipy_dist(dist, params)
    assert d.cdf(upper) - d.cdf(lower) == pytest.approx(0.9, abs=0.01)


@pytest.mark.parametrize(
    ("dist", "lower", "upper", "mass"),
    [
        ("Beta", 0.45, 0.9, 0.9),
        ("Beta", 0.05, 0.4, 0.8),
        ("Gamma", 6.0, 13.0, 0.9),
        ("Gamma", 1.0, 8.0, 0.5),
        ("LogNormal", 0.5, 6.0, 0.9),
        ("Normal", -1.5, 1.5, 0.9),
    ],
)
def test_equal_tails_put_half_the_missing_mass_on_each_side(dist, lower, upper, mass):
    d = scipy_dist(dist, elicit(dist, lower, upper, mass, tails="equal"))
    tail = (1 - mass) / 2
    assert d.cdf(lower) == pytest.approx(tail, abs=1e-6)
    assert d.sf(upper) == pytest.approx(tail, abs=1e-6)


def test_equal_tails_closed_forms():
    # Normal: mu is the midpoint and sigma = half-width / z_0.95; LogNormal: the same on logs
    z = 1.6448536269514722
    got = elicit("Normal", -1.0, 3.0, 0.9, tails="equal")
    assert got == pytest.approx({"mu": 1.0, "sigma": 2.0 / z})
    got = elicit("LogNormal", 0.5, 6.0, 0.9, tails="equal")
    assert got == pytest.approx({"mu": np.log(3.0) / 2, "sigma": np.log(12) / 2 / z})
    with pytest.raises(ValueError, match="lower > 0"):
        elicit("LogNormal", 0.0, 6.0, 0.9, tails="equal")


def test_maxent_splits_the_missing_mass_unevenly_where_the_issue_says():
    # PreliZ maxent on announce_months' interval: 0.4% below 0.5 and 9.6% above 6 (issue 12)
    d = scipy_dist("LogNormal", elicit("LogNormal", 0.5, 6.0, 0.9, tails="maxent"))
    assert d.cdf(0.5) == pytest.approx(0.004, abs=0.001)
    assert d.sf(6.0) == pytest.approx(0.096, abs=0.002)


def test_the_central_interval_holds_ci_mass():
    from model.case.distributions import central_interval

    lo, hi = central_interval("Normal", {"mu": 0.0, "sigma": 1.0})
    assert (lo, hi) == pytest.approx((-1.6449, 1.6449), abs=1e-4)
