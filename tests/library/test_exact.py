"""The exact library model: events from dates, a proper likelihood, the grid against brute force."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy import integrate
from scipy.special import expit

from model.case.dates import months_between
from model.library import exact
from model.library.cases import load_cases
from model.library.simulate import simulate_library, write_case_file


def test_window_end_is_the_end_of_the_congress_the_2007_calendar_uses():
    assert exact.window_end(date(2008, 11, 4)) == date(2009, 1, 3)  # data/calendar.csv
    assert exact.window_end(date(2000, 11, 7)) == date(2001, 1, 3)


def test_events_score_late_enactment_as_not_in_time_and_leave_never_decided_empty(tmp_path):
    frame = simulate_library(30, seed=3, partner_ends_first=True)
    lib = load_cases(write_case_file(frame, tmp_path / "cases.csv"), pending=True)
    ev = exact.events(lib.cases).set_index("id")
    for c in lib.cases.itertuples():
        e = ev.loc[c.id]
        if c.us_needed != 1:
            assert np.isnan(e["enacted_in_time"])
        elif c.enacted == 1:
            assert e["enacted_in_time"] == float(
                c.enacted_date <= exact.window_end(c.next_election)
            )
        elif c.enacted == 0:
            assert e["enacted_in_time"] == 0
        else:  # Congress never decided: censored, not scored
            assert np.isnan(e["enacted_in_time"]) and c.us_end_date is not None


def test_a_never_decided_request_is_censored_at_its_end(tmp_path):
    frame = simulate_library(30, seed=3, partner_ends_first=True)
    lib = load_cases(write_case_file(frame, tmp_path / "cases.csv"), pending=True)
    ev = exact.events(lib.cases)
    rows = exact.training(ev, date(2030, 1, 1))["us"].set_index("episode")
    empty = lib.cases[(lib.cases["us_needed"] == 1) & lib.cases["enacted"].isna()]
    assert len(empty)
    for c in empty.itertuples():
        assert rows.loc[c.id, "observed"] == 0
        assert rows.loc[c.id, "t"] == pytest.approx(months_between(c.request_date, c.us_end_date))


@pytest.mark.parametrize("c", [0.5, 6.0, 30.0])
def test_the_cure_mixture_likelihood_is_proper(c):
    """Enacted (a density over t), Congress's no, and censored at c: probabilities sum to 1."""
    logit, mu, sigma = 0.7, 2.0, 0.6
    enact, _ = integrate.quad(lambda t: np.exp(exact.case_loglik(t, 1, logit, mu, sigma)), 0, c)
    censored = np.exp(exact.case_loglik(c, 0, logit, mu, sigma))
    assert enact + censored == pytest.approx(1, 1e-6)  # by c: enacted, or not (yet)
    enact_all, _ = integrate.quad(
        lambda t: np.exp(exact.case_loglik(t, 1, logit, mu, sigma)), 0, np.inf
    )
    assert enact_all + np.exp(exact.case_loglik(c, -1, logit, mu, sigma)) == pytest.approx(1, 1e-6)


def _brute_force_acc(rows: pd.DataFrame, domain: str, n: int = 400_000, seed: int = 0):
    """Posterior mean of the domain's P(accept) by importance sampling from the prior."""
    rng = np.random.default_rng(seed)
    a = rng.normal(*exact.PRIORS["a"], n)
    tau = np.abs(rng.normal(0, exact.PRIORS["tau"], n))
    effects = {d: a + tau * rng.normal(size=n) for d in exact.DOMAINS}
    logw = np.zeros(n)
    for r in rows.itertuples():
        p = expit(effects[r.domain])
        logw += r.weight * np.log(np.where(r.y == 1, p, 1 - p))
    w = np.exp(logw - logw.max())
    return float(np.sum(w * expit(effects[domain])) / w.sum())


def test_the_partner_grid_posterior_matches_brute_force():
    rows = pd.DataFrame(
        {
            "episode": list("abcdefg"),
            "domain": ["trade", "trade", "trade", "basing", "basing", "aid", "trade"],
            "y": [1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0],
            "weight": 1.0,
        }
    )
    post = exact.fit_exact(
        {"us": pd.DataFrame(columns=["domain", "t", "observed", "weight"]), "acc": rows}
    )
    for d in ("trade", "basing", "security"):
        grid = float(expit(post["acc"].draws(d, n=40_000, seed=1)["logit"]).mean())
        assert grid == pytest.approx(_brute_force_acc(rows, d), abs=0.015)


def _brute_force_us(rows: pd.DataFrame, domain: str, window: float, n: int = 400_000):
    rng = np.random.default_rng(5)
    a = rng.normal(*exact.PRIORS["a"], n)
    tau = np.abs(rng.normal(0, exact.PRIORS["tau"], n))
    m = rng.normal(*exact.PRIORS["dur_m"], n)
    tau_m = np.abs(rng.normal(0, exact.PRIORS["tau_m"], n))
    sigma = np.exp(
        rng.normal(np.log(exact.PRIORS["dur_sigma"][0]), exact.PRIORS["dur_sigma"][1], n)
    )
    alpha = {d: a + tau * rng.normal(size=n) for d in exact.DOMAINS}
    mu = {d: m + tau_m * rng.normal(size=n) for d in exact.DOMAINS}
    logw = np.zeros(n)
    for r in rows.itertuples():
        logw += r.weight * exact.case_loglik(r.t, r.observed, alpha[r.domain], mu[r.domain], sigma)
    w = np.exp(logw - logw.max())
    p = exact.p_in_time(alpha[domain], mu[domain], sigma, window)
    return float(np.sum(w * p) / w.sum()), float(np.sum(w * mu[domain]) / w.sum())


def test_the_congress_grid_posterior_matches_brute_force():
    rows = pd.DataFrame(
        {
            "episode": list("abcdef"),
            "domain": ["aid", "aid", "aid", "trade", "trade", "aid"],
            "t": [5.0, 9.0, 0.5, 14.0, 20.0, 3.0],
            "observed": [1.0, 1.0, -1.0, 1.0, 0.0, 1.0],
            "weight": 1.0,
        }
    )
    post = exact.fit_exact({"us": rows, "acc": pd.DataFrame(columns=["domain", "y", "weight"])})
    for d in ("aid", "trade"):
        draws = post["us"].draws(d, n=40_000, seed=2)
        grid_p = float(exact.p_in_time(draws["logit"], draws["mu"], draws["sigma"], 16.0).mean())
        want_p, want_mu = _brute_force_us(rows, d, 16.0)
        assert grid_p == pytest.approx(want_p, abs=0.02)
        assert float(draws["mu"].mean()) == pytest.approx(want_mu, abs=0.05)


def test_an_episode_counts_once_in_training():
    ev = pd.DataFrame({"episode": ["x", "x", "x", "y"]})
    assert exact.episode_weights(ev["episode"]).tolist() == pytest.approx([1 / 3] * 3 + [1.0])
