"""Timing: P(deal) before the window closes, per pure design, with its Monte Carlo error."""

import numpy as np
import pytest

from model.analysis.intervals import mcse_mean
from model.analysis.outcomes import evaluate
from model.analysis.timing import deal_in_window, timing_payload
from model.views.tables import format_timing


@pytest.fixture(scope="module")
def payload(small_fit):
    return timing_payload(small_fit)


def test_deal_in_window_is_computed_per_pure_design(small_fit, payload):
    fit = small_fit
    design = fit.priors.design
    assert isinstance(design["conditions"], dict)  # the baseline design is a mixture
    no_lame = dict(fit.draws, p_lame_duck=np.zeros_like(fit.draws["p_lame_duck"]))
    per_design = []
    for level, weight in design["conditions"].items():
        pure = evaluate(no_lame, fit.priors, fit.evidence, design={**design, "conditions": level})
        per_design.append(weight * pure["p_deal"])
    want = np.sum(per_design, axis=0)
    np.testing.assert_allclose(deal_in_window(fit, design)["p_deal"], want)
    got = payload["p_deal_in_window"]["baseline"]
    assert got["mean"] == pytest.approx(want.mean())
    # The old arithmetic (the product of mixture averages) gives a different number.
    mixed = evaluate(no_lame, fit.priors, fit.evidence)
    product = (mixed["p_framework"] * mixed["p_enacted"] * mixed["p_accepted"]).mean()
    assert abs(product - got["mean"]) > 1e-4


def test_deal_in_window_carries_its_mcse_and_is_below_p_deal(small_fit, payload):
    got = payload["p_deal_in_window"]["baseline"]
    per_draw = deal_in_window(small_fit, small_fit.priors.design)["p_deal"]
    assert got["mcse"] == pytest.approx(mcse_mean(per_draw, chains=small_fit.settings.chains))
    assert 0 < got["mcse"] < 0.01
    p_deal = evaluate(small_fit.draws, small_fit.priors, small_fit.evidence)["p_deal"]
    assert np.all(per_draw <= p_deal + 1e-12)
    assert f"baseline {100 * got['mcse']:.2f} pts" in format_timing(payload)
