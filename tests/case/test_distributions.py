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
