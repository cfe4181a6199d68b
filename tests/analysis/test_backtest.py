"""Rolling-origin backtest: no future case enters a fit; scores have their closed forms."""

from datetime import date

import numpy as np
import pytest

import model.analysis.backtest as bt
from model.analysis.simulate import simulate_cases, write_case_file
from model.case.library import load_cases
from model.inference.settings import Settings


def _fake_draws(size=200, seed=0):
    rng = np.random.default_rng(seed)
    draws = {f"{k}_{s}": rng.normal(0, 0.3, size) for k in ("a",) for s in ("us", "acc")}
    draws |= {f"tau_{s}": np.abs(rng.normal(0, 0.3, size)) for s in ("us", "acc")}
    draws |= {"z_us": rng.normal(size=(size, 4)), "z_acc": rng.normal(size=(size, 4))}
    draws |= {"b_us": rng.normal(0, 0.1, (size, 6)), "b_acc": rng.normal(0, 0.1, (size, 5))}
    draws |= {"dur_mu": rng.normal(1.8, 0.1, size), "dur_sigma": np.full(size, 0.5)}
    return draws | {"rho": np.full(size, 0.5), "divergences": np.asarray(0), "cached": False}


@pytest.fixture
def planted(tmp_path):
    frame = simulate_cases(16, seed=2)
    frame.loc[15, ["id", "as_of", "request_date"]] = ["planted_future", "2035-01-01", "2035-01-01"]
    frame.loc[15, "next_election"] = "2036-11-04"
    for col in ("enacted_date", "us_end_date", "accepted_date"):
        if frame.loc[15, col]:
            frame.loc[15, col] = "2035-06-01"
    return load_cases(write_case_file(frame, tmp_path / "cases.csv"))


def test_a_planted_future_case_never_enters_a_fit(planted, monkeypatch):
    seen = []

    def spy(train, **kwargs):
        seen.append(train.copy())
        return _fake_draws()

    monkeypatch.setattr(bt, "fit_pooled", spy)
    result = bt.run_backtest(planted, variants=["baseline"], workers=1)
    assert seen, "no fit ran"
    forecast = [r for r in result.cases.itertuples() if r.predictions]
    assert forecast[-1].id == "planted_future"
    for train in seen:
        assert "planted_future" not in set(train["id"])
    cases = planted.cases.set_index("id")
    origins = {date.fromisoformat(r.as_of) for r in forecast}
    for train in seen:
        latest = cases.loc[list(train["id"]), "as_of"].max()
        assert any(latest < origin for origin in origins)
    assert len(seen) == len({t.to_csv() for t in seen})  # one fit per distinct training set


def test_scores_have_closed_forms():
    out = {"enacted": 1.0, "accepted": 0.0, "months": 5.0}
    s = bt._score(0.8, 0.6, 0.5, out)
    assert s["log_score"] == pytest.approx(np.log(0.8 - 0.5))
    assert s["brier"] == pytest.approx(((0.8 - 1) ** 2 + (0.6 - 0) ** 2) / 2)
    s = bt._score(0.8, 0.6, 0.5, {"enacted": 0.0, "accepted": None, "months": None})
    assert s["log_score"] == pytest.approx(np.log(0.2)) and s["brier"] == pytest.approx(0.64)
    fifty = bt._baseline_scores(
        load_cases_frame(), {"enacted": 1.0, "accepted": 1.0, "months": None}
    )["fifty_fifty"]
    assert fifty["log_score"] == pytest.approx(np.log(0.25)) and fifty["brier"] == 0.25


def load_cases_frame():
    import pandas as pd

    return pd.DataFrame(
        {
            "enacted": [1.0, 0.0, 1.0],
            "accepted": [1.0, np.nan, 0.0],
            "months": [4.0, 2.0, 6.0],
            "censored": [False, True, False],
        }
    )


def test_running_base_rate_is_laplace_smoothed():
    s = bt._baseline_scores(load_cases_frame(), {"enacted": 1.0, "accepted": None, "months": None})[
        "base_rate"
    ]
    assert s["log_score"] == pytest.approx(np.log(3 / 5))


def test_reliability_flags_small_bins(planted, monkeypatch):
    monkeypatch.setattr(bt, "fit_pooled", lambda train, **kw: _fake_draws())
    result = bt.run_backtest(planted, variants=["baseline", "shared_factor"], workers=1)
    table = bt.reliability(result)
    assert table["n"].sum() == sum(
        (o["enacted"] is not None) + (o["accepted"] is not None)
        for o, p in zip(result.cases["outcome"], result.cases["predictions"], strict=True)
        if p
    )
    assert (table["too_small"] == (table["n"] < 5)).all()
    assert set(result.scores) == {"baseline", "shared_factor"}
    assert result.chosen_variant in result.scores


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_true_variant_beats_a_wrong_one_on_simulated_cases(tmp_path):
    frame = simulate_cases(40, window="hard_window", seed=21, truth={"dur_mu": 2.3})
    lib = load_cases(write_case_file(frame, tmp_path / "cases.csv"))
    result = bt.run_backtest(
        lib,
        variants=["baseline", "falling_hazard"],
        workers=2,
        settings=Settings(draws=300, tune=300, chains=2),
    )
    assert result.scores["baseline"]["log_score"] > result.scores["falling_hazard"]["log_score"]
    assert result.chosen_variant == "baseline"
