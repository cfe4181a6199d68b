"""Prior sliders on location and scale: the moments round-trip and impossible positions refused."""

import pytest
from scipy import stats

from model.app.sliders import slider_range, slider_values, to_params
from model.errors import InputError


@pytest.mark.parametrize(
    ("dist", "params", "frozen"),
    [
        ("Beta", {"alpha": 6.0, "beta": 2.5}, stats.beta(6.0, 2.5)),
        ("Gamma", {"alpha": 2.9, "beta": 0.77}, stats.gamma(2.9, scale=1 / 0.77)),
    ],
)
def test_mean_and_sd_are_the_priors_moments_and_round_trip(dist, params, frozen):
    values = slider_values(dist, params)
    assert values["mean"] == pytest.approx(frozen.mean())
    assert values["sd"] == pytest.approx(frozen.std())
    back = to_params(dist, values, name="x")
    assert back == pytest.approx(params)
    moved = to_params(dist, {"mean": values["mean"] * 0.9, "sd": values["sd"] * 1.2}, name="x")
    assert slider_values(dist, moved) == pytest.approx(
        {"mean": values["mean"] * 0.9, "sd": values["sd"] * 1.2}
    )


def test_location_scale_families_move_their_own_parameters():
    assert slider_values("Normal", {"mu": 0.1, "sigma": 0.2}) == {"mu": 0.1, "sigma": 0.2}
    assert to_params("HalfNormal", {"sigma": 0.3}, name="x") == {"sigma": 0.3}


def test_a_beta_sd_too_large_for_its_mean_is_refused_with_the_fix():
    with pytest.raises(InputError) as err:
        to_params("Beta", {"mean": 0.9, "sd": 0.35}, name="p_agree")
    assert err.value.key == "params.p_agree.sd" and "below 0.3" in err.value.line()


def test_ranges_stay_inside_the_support():
    values = {"mean": 0.95, "sd": 0.04}
    lo, hi = slider_range("mean", 0.95, values, "Beta")
    assert 0 < lo < 0.95 < hi < 1
    lo, _ = slider_range("mean", 0.5, {"mean": 0.5, "sd": 1.0}, "Gamma")
    assert lo > 0
    assert slider_range("sd", 0.04, values, "Beta") == (0.01, 0.12)
