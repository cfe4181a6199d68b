"""Rolling-origin backtest: no future case enters a fit; scores and stack weights as claimed."""

from datetime import date

import numpy as np
import pytest

import model.library.backtest as bt
from model.case.dates import months_between
from model.errors import InputError
from model.library import exact
from model.library.cases import load_cases
from model.library.simulate import simulate_library, write_case_file


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("planted")
    frame = simulate_library(16, seed=2)
    frame.loc[15, ["id", "as_of", "request_date"]] = ["planted_future", "2025-01-01", "2025-01-01"]
    frame.loc[15, "next_election"] = "2026-11-03"
    for col in ("enacted_date", "us_end_date", "accepted_date"):
        if frame.loc[15, col]:
            frame.loc[15, col] = "2025-06-01"
    return load_cases(write_case_file(frame, tmp_path / "cases.csv"))


@pytest.fixture(scope="module")
def result(planted):
    return bt.run_backtest(planted, workers=1)


def test_a_planted_future_case_never_enters_a_fit(planted, monkeypatch):
    seen = []
    real = exact.training

    def spy(ev, origin):
        out = real(ev, origin)
        seen.append((origin, out["ids"]))
        return out

    monkeypatch.setattr(exact, "training", spy)
    result = bt.run_backtest(planted, workers=1)
    assert seen, "no fit ran"
    forecast = [r for r in result.cases.itertuples() if r.forecast]
    assert forecast[-1].id == "planted_future"
    cases = planted.cases.set_index("id")
    for origin, ids in seen:
        assert "planted_future" not in ids or origin > date(2025, 1, 1)
        assert all(cases.loc[i, "as_of"] < origin for i in ids)


def test_training_sees_only_outcomes_resolved_before_the_origin(planted):
    ev = exact.events(planted.cases)
    origin = ev["as_of"].iloc[8]
    rows = exact.training(ev, origin)
    enacted = ev[(ev["enacted_any"] == 1) & (ev["as_of"] < origin)]
    for r in enacted.itertuples():
        done = months_between(r.request_date, origin) > r.months
        match = rows["us"][rows["us"]["episode"] == r.episode]
        assert bool(match["observed"].iloc[0]) == done
        if not done:  # pending: censored at the origin
            assert match["t"].iloc[0] == pytest.approx(months_between(r.request_date, origin))


def test_scores_have_closed_forms():
    out = {"us": 1.0, "acc": 0.0, "us_any": 1.0}
    s = bt.score_case({"us": 0.8, "acc": 0.6, "us_any": 0.9}, out)
    assert s["us"]["log_score"] == pytest.approx(np.log(0.8))
    assert s["acc"]["log_score"] == pytest.approx(np.log(0.4))
    assert s["overall"]["log_score"] == pytest.approx(np.log(0.8 * 0.4))
    assert s["overall"]["brier"] == pytest.approx(((0.8 - 1) ** 2 + 0.6**2) / 2)
    s = bt.score_case(
        {"us": 0.8, "acc": 0.6, "us_any": 0.9}, {"us": None, "acc": 1.0, "us_any": None}
    )
    assert set(s) == {"acc", "overall"} and s["overall"]["log_score"] == pytest.approx(np.log(0.6))


def test_running_base_rate_is_laplace_smoothed_and_counts_an_episode_once(planted):
    ev = exact.events(planted.cases).iloc[:6].copy()
    ev["accepted"] = [1.0, 0.0, 1.0, 1.0, np.nan, np.nan]
    ev["acc_known"] = [date(1980, 1, 1)] * 6
    ev["as_of"] = [date(1980, 1, 1)] * 6
    assert bt.base_rate(ev, date(2000, 1, 1), "accepted", "acc_known") == pytest.approx(4 / 6)
    ev["episode"] = ["a", "b", "c", "c", "d", "e"]  # c's two yes rows count as one
    assert bt.base_rate(ev, date(2000, 1, 1), "accepted", "acc_known") == pytest.approx(3 / 5)


def test_stack_weight_starts_even_and_follows_the_earlier_scores():
    assert bt._stack_weight([]) == pytest.approx(0.5)
    good = [(0.9, 0.5, 1.0, 1.0)] * 10 + [(0.1, 0.5, 0.0, 1.0)] * 10
    bad = [(0.1, 0.5, 1.0, 1.0)] * 10 + [(0.9, 0.5, 0.0, 1.0)] * 10
    assert bt._stack_weight(good) >= 0.85
    assert bt._stack_weight(bad) <= 0.15


def test_stack_weights_use_only_cases_resolved_before_each_origin(planted, result):
    known = exact.events(planted.cases).set_index("id")["acc_known"]
    for r in result.cases.itertuples():
        if not r.forecast:
            continue
        origin = date.fromisoformat(r.as_of)
        history = [
            (
                e.forecast["hierarchical"]["acc"],
                e.forecast["base_rate"]["acc"],
                e.outcome["acc"],
                1.0,
            )
            for e in result.cases.itertuples()
            if e.forecast and e.outcome["acc"] is not None and known[e.id] < origin
        ]
        assert r.stack_weight["acc"] == pytest.approx(bt._stack_weight(history))


def test_nothing_to_forecast_is_an_input_error(planted):
    with pytest.raises(InputError, match="nothing to forecast"):
        bt.run_backtest(planted, since=date(2040, 1, 1))


def test_reliability_flags_small_bins_and_counts_every_forecast(result):
    table = bt.reliability(result)
    n = sum(
        sum(h in s["stack"] for h in bt.HURDLES) for s in result.cases["scores"] if "stack" in s
    )
    assert table["n"].sum() == n
    assert (table["too_small"] == (table["n"] < 5)).all()
    assert set(result.scores) == {"stack", "hierarchical"}
    assert set(result.comparisons) == {"base_rate", "fifty_fifty"}


def test_paired_difference_and_its_standard_error_by_hand(result):
    d = [
        s["stack"]["acc"]["log_score"] - s["base_rate"]["acc"]["log_score"]
        for s in result.cases["scores"]
        if "stack" in s and "acc" in s["stack"]
    ]
    c = result.comparisons["base_rate"]["acc"]
    assert c["mean"] == pytest.approx(np.mean(d))
    assert c["se"] == pytest.approx(np.std(d) / np.sqrt(len(d)))
    assert c["won"] == sum(x > 1e-12 for x in d)


@pytest.mark.slow
def test_the_library_model_beats_the_base_rate_where_domains_differ(tmp_path):
    lib = load_cases(write_case_file(simulate_library(80, seed=21), tmp_path / "cases.csv"))
    result = bt.run_backtest(lib, workers=1)
    gain = result.comparisons["base_rate"]["acc"]
    model = result.scores["hierarchical"]["acc"]["log_score"]
    assert model > result.baselines["base_rate"]["acc"]["log_score"]
    assert gain["mean"] > 0


def test_the_cli_exits_2_in_one_line_when_nothing_can_be_forecast(tmp_path, capsys):
    from model.cli.main import main

    frame = simulate_library(3, seed=4)
    path = write_case_file(frame, tmp_path / "cases.csv")
    assert main(["backtest", "--cases", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nothing to forecast" in err[0]
