"""The pooled library model: shared formulas, the graph-derived touched set, recovery."""

from datetime import date

import numpy as np
import pytest
from scipy import stats

from model.inference.settings import Settings
from model.library.cases import case_rows, known_at, load_cases
from model.library.model import (
    build_pooled,
    copula_all,
    fit_pooled,
    hazard_by,
    library_p_time,
    lognormal_cdf,
    ops,
    touched_params,
)
from model.library.simulate import TRUTH, simulate_cases, write_case_file


@pytest.fixture(scope="module")
def sim_library(tmp_path_factory):
    path = tmp_path_factory.mktemp("sim") / "cases.csv"
    return load_cases(write_case_file(simulate_cases(30, seed=5), path))


def test_numpy_and_pytensor_formulas_agree():
    import pytensor.tensor as pt

    mu, sigma, window = (
        np.array([1.5, 2.0, 1.0]),
        np.array([0.4, 0.7, 0.3]),
        np.array([3.0, 9.0, 20.0]),
    )
    for variant in ("hard_window", "falling_hazard"):
        want = library_p_time(mu, sigma, window, variant, ops("np"))
        got = library_p_time(
            pt.as_tensor(mu), pt.as_tensor(sigma), pt.as_tensor(window), variant, ops("pt")
        ).eval()
        np.testing.assert_allclose(got, want, rtol=1e-10)
    np.testing.assert_allclose(
        lognormal_cdf(window, mu, sigma, ops("np")),
        stats.lognorm(s=sigma, scale=np.exp(mu)).cdf(window),
    )


def test_falling_hazard_matches_a_direct_integral():
    from scipy.integrate import quad

    mu, sigma, start, w, end, fade = 1.8, 0.5, 1.0, 8.0, 17.0, 6.0
    dist = stats.lognorm(s=sigma, scale=np.exp(mu))
    tail, _ = quad(lambda t: np.exp(-(t - w) / fade) * dist.pdf(t - start), w, end)
    want = dist.cdf(w - start) + tail
    arr = lambda x: np.array([float(x)])  # noqa: E731
    got = hazard_by(arr(mu), arr(sigma), arr(start), arr(w), arr(end), arr(end), ops("np"))
    assert got[0] == pytest.approx(want, abs=2e-3)
    assert want < dist.cdf(end - start)


def test_copula_keeps_marginals_and_is_the_product_without_correlation():
    p, q = np.array([0.3, 0.7]), np.array([0.6, 0.2])
    o = ops("np")
    np.testing.assert_allclose(copula_all([p, q], np.full(2, 1e-9), o), p * q, atol=1e-6)
    both = copula_all([p, q], np.full(2, 0.6), o)
    want = [
        stats.multivariate_normal([0, 0], [[1, 0.6], [0.6, 1]]).cdf(
            [stats.norm.ppf(a), stats.norm.ppf(b)]
        )
        for a, b in zip(p, q, strict=True)
    ]
    np.testing.assert_allclose(both, want, atol=2e-3)
    assert np.all(both > p * q)


def test_touched_params_come_from_the_graph(sim_library):
    import pymc as pm

    rows = case_rows(sim_library.cases)
    model = build_pooled(rows, window="hard_window", hurdles="independent")
    touched = touched_params(model)
    assert {"a_us", "b_us", "dur_mu", "dur_sigma", "a_acc", "tau_acc"} <= touched
    with model:
        pm.Normal("unused", 0, 1)
    assert "unused" not in touched_params(model)
    shared = build_pooled(rows, window="hard_window", hurdles="shared_factor")
    assert "rho" in touched_params(shared)


def test_data_params_of_the_case_model_follow_the_graph(baseline_priors):
    from model.case.priors import load_priors
    from model.inference.fit import evidence_for
    from model.inference.pymc_model import data_params

    touched = data_params(baseline_priors, evidence_for(baseline_priors))
    assert touched == {"oppose_funds", "oppose_troops", "oppose_training", "poll_error"}
    old = load_priors(scenarios=["priors/scenarios/judgment_priors.toml"])
    assert data_params(old, evidence_for(old)) == touched | {"duration_mu", "duration_sigma"}


def _fake_nuts(**kwargs):
    """Stands in for ``pymc.sample``: seeded normal draws of the model's free variables.

    The cache test is about the cache, not NUTS: the slow recovery test below samples the
    pooled model for real (compiling it alone costs about as much as a tiny NUTS run).
    """
    import pymc as pm
    import xarray as xr

    model = pm.modelcontext(None)
    rng = np.random.default_rng(kwargs["random_seed"])
    size = (kwargs["chains"], kwargs["draws"])
    posterior = xr.Dataset(
        {
            v.name: (("chain", "draw", *(f"{v.name}_dim_{i}" for i in range(v.ndim))), draws)
            for v in model.free_RVs
            for draws in [rng.normal(size=(*size, *v.type.shape))]
        }
    )
    stats = xr.Dataset(
        {
            "diverging": (("chain", "draw"), np.zeros(size, dtype=bool)),
            "energy": (("chain", "draw"), rng.normal(size=size)),
        }
    )
    return xr.DataTree.from_dict({"posterior": posterior, "sample_stats": stats})


def test_refit_of_the_same_training_set_is_cached(sim_library, private_cache, monkeypatch):
    import pymc as pm

    calls = []
    monkeypatch.setattr(pm, "sample", lambda **kw: calls.append(kw) or _fake_nuts(**kw))
    settings = Settings(draws=50, tune=50, chains=1)
    train = known_at(sim_library.cases, date(2030, 1, 1))
    first = fit_pooled(train, window="hard_window", hurdles="independent", settings=settings)
    again = fit_pooled(train, window="hard_window", hurdles="independent", settings=settings)
    assert not first["cached"] and again["cached"] and len(calls) == 1
    assert first["b_us"].shape == (50, 6)
    np.testing.assert_array_equal(first["b_us"], again["b_us"])
    fewer = fit_pooled(
        train.iloc[:-1], window="hard_window", hurdles="independent", settings=settings
    )
    assert not fewer["cached"] and len(calls) == 2  # another training set: another key
    assert list((private_cache / "pooled").glob("*.npz"))


@pytest.mark.slow
def test_pooled_model_recovers_known_coefficients(tmp_path):
    lib = load_cases(write_case_file(simulate_cases(400, seed=11), tmp_path / "cases.csv"))
    train = known_at(lib.cases, date(2030, 1, 1))
    draws = fit_pooled(
        train,
        window="hard_window",
        hurdles="independent",
        settings=Settings(draws=500, tune=500, chains=2),
        cache=False,
    )
    for name, k in (("b_acc", 0), ("b_us", 0)):
        d = draws[name][:, k]
        lo, hi = np.quantile(d, [0.01, 0.99])
        assert lo < TRUTH[name][k] < hi, (name, k, lo, hi)
    for name in ("dur_mu", "dur_sigma"):
        lo, hi = np.quantile(draws[name], [0.01, 0.99])
        assert lo < TRUTH[name] < hi, name
    assert np.quantile(draws["b_acc"][:, 0], 0.95) < 0  # opposition lowers acceptance
