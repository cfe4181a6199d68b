"""Prior families: the special-function CDF agrees with SciPy, and equal-tail elicitation."""

import numpy as np
import pytest
from scipy import stats

from model.case.distributions import cdf, elicit_equal_tails, unfrozen

CASES = [
    ("HalfNormal", {"sigma": 0.4}, stats.halfnorm(scale=0.4)),
    ("LogNormal", {"mu": 0.2, "sigma": 0.5}, stats.lognorm(0.5, scale=np.exp(0.2))),
    ("Gamma", {"alpha": 2.0, "beta": 3.0}, stats.gamma(2.0, scale=1 / 3.0)),
]


@pytest.mark.parametrize(("dist", "params", "ref"), CASES, ids=[c[0] for c in CASES])
def test_the_cdf_matches_scipy_and_is_zero_below_a_positive_support(dist, params, ref):
    for x in (0.05, 0.3, 1.0, 2.5):
        assert cdf(dist, params, x) == pytest.approx(ref.cdf(x), abs=1e-12)
    assert cdf(dist, params, 0.0) == 0.0 and cdf(dist, params, -1.0) == 0.0


def test_an_unknown_family_is_a_key_error_not_a_wrong_number():
    with pytest.raises(KeyError, match="Cauchy"):
        cdf("Cauchy", {"mu": 0.0, "sigma": 1.0}, 0.5)
    with pytest.raises(KeyError, match="Cauchy"):
        unfrozen("Cauchy", {"mu": 0.0, "sigma": 1.0})


def test_a_half_normal_gets_the_best_fit_of_its_two_tails():
    """One parameter cannot match two tails in general: the best compromise, checked here."""
    params = elicit_equal_tails("HalfNormal", 0.05, 1.0, 0.9)
    got = cdf("HalfNormal", params, 1.0) - cdf("HalfNormal", params, 0.05)
    assert 0.8 < got <= 1.0
    exact = stats.halfnorm.ppf(0.95, scale=0.5)  # the upper 5% point of HalfNormal(0.5)
    lower = stats.halfnorm.ppf(0.05, scale=0.5)
    fit = elicit_equal_tails("HalfNormal", lower, exact, 0.9)
    assert fit["sigma"] == pytest.approx(0.5, rel=1e-6)  # when both tails can match, they do
