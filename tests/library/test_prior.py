"""The pooled-prior file for the 2007 case: fitted only on what was known, with its base rate."""

import numpy as np
import pytest

from model.constants import AS_OF, CASES_FILE, TARGET_CASE_FILE
from model.library import exact
from model.library.backtest import base_counts
from model.library.cases import known_at, load_cases, training_digest
from model.library.prior import pooled_prior_blob


@pytest.fixture(scope="module")
def blob():
    """The pooled-prior content for the 2007 case (kept between runs: ``tests.memo``)."""
    from tests.memo import memo

    def build(_folder):
        target = load_cases(TARGET_CASE_FILE, pending=True)
        return pooled_prior_blob(load_cases(CASES_FILE), target, as_of=AS_OF)

    return memo("pooled_prior_blob", build)[1]


def test_the_blob_is_fitted_on_the_cases_known_on_the_as_of_date(blob):
    train = known_at(load_cases(CASES_FILE).cases, AS_OF)
    assert blob["as_of"] == AS_OF.isoformat() and blob["n_training"] == len(train)
    assert blob["training_digest"] == training_digest(train)
    assert blob["target"] not in blob["training_ids"]


def test_the_base_rate_is_the_beta_mean_of_its_written_counts(blob):
    ev = exact.events(load_cases(CASES_FILE).cases)
    rates, counts = blob["base_rate"], blob["base_rate"]["counts"]
    for event, known in (("enacted_in_time", "us_known"), ("accepted", "acc_known")):
        yes, cases = counts[event]
        assert (yes, cases) == pytest.approx(base_counts(ev, AS_OF, event, known))
        assert rates[event] == pytest.approx((yes + 1) / (cases + 2))
        assert 0 <= yes <= cases
    assert rates["both"] == pytest.approx(rates["enacted_in_time"] * rates["accepted"])


def test_the_stack_mixes_the_model_and_the_base_rate_by_its_weights(blob):
    stack, rates = blob["stack"], blob["base_rate"]
    for hurdle, key, rate in (
        ("us", "p_enacted_in_time", rates["enacted_in_time"]),
        ("acc", "p_accepted", rates["accepted"]),
    ):
        w = stack["weights"][hurdle]
        assert 0 <= w <= 1
        model_p = blob[key]["mean"]
        assert stack[key] == pytest.approx(w * model_p + (1 - w) * rate)


def test_the_priors_are_the_moments_of_the_library_prediction(blob):
    params = blob["params"]
    assert set(params) == {"us_support", "gov_will", "duration_mu", "duration_sigma"}
    for name in ("us_support", "gov_will", "duration_mu"):
        assert params[name]["dist"] == "Normal" and params[name]["params"]["sigma"] > 0
    g = params["duration_sigma"]["params"]
    assert g["alpha"] > 0 and g["beta"] > 0 and np.isfinite(g["alpha"] / g["beta"])
