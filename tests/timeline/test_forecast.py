"""The forecast as time passes (model.timeline.forecast): silence, news and the as-of discipline."""

import shutil
from datetime import date

import numpy as np
import pandas as pd
import pytest

from model.analysis.outcomes import evaluate
from model.constants import DATA_DIR
from model.timeline import forecast as T
from model.timeline import survival as S

AS_OF = date(2007, 8, 15)


def events(*rows):
    return pd.DataFrame(
        [{"date": d, "event": e, "source": "test"} for d, e in rows],
        columns=["date", "event", "source"],
    )


def test_silence_update_closed_form():
    p, w = S.silence_update(np.array([0.5]), np.array([0.5]), np.array([1.0]))
    assert p[0] == pytest.approx(0.5 * 0.5 / 0.75)
    assert w[0] == pytest.approx(0.75)
    p, _ = S.silence_update(np.array([0.5]), np.array([0.8]), np.array([0.8]))
    assert p[0] == 0.0  # the deadline has passed: nothing can still come in time


def test_cure_path_starts_at_pi_f_and_ends_at_zero():
    rng = np.random.default_rng(0)
    pi, mu, sigma = rng.beta(6, 3, 2000), rng.normal(1.5, 0.2, 2000), np.full(2000, 0.6)
    path = S.cure_path(pi, mu, sigma, 10.0, [0, 2, 4, 6, 8, 10, 12])
    start = np.mean(pi * S.lognormal_cdf(np.full(2000, 10.0), mu, sigma))
    assert path["p"][0] == pytest.approx(start)
    assert np.all(np.diff(path["p"]) <= 1e-12)
    assert path["p"][-2] == 0.0 and path["p"][-1] == 0.0
    scores = S.horizon_scores(path, outcome=1.0, resolved_months=5.0)
    assert [s["horizon"] for s in scores] == [3.0]  # later horizons: already resolved
    assert scores[0]["brier"] == pytest.approx((path_at(path, 3.0) - 1) ** 2)


def path_at(path, month):
    return float(np.interp(month, path["months"], path["p"]))


def test_timeline_at_the_as_of_date_equals_run(small_fit):
    row = T.as_of(small_fit, AS_OF, events=events())
    direct = evaluate(small_fit.draws, small_fit.priors, small_fit.evidence)
    assert row["p_deal"]["mean"] == pytest.approx(direct["p_deal"].mean(), rel=1e-12)
    assert row["p_framework"]["mean"] == pytest.approx(direct["p_framework"].mean())
    assert row["status"] == "no news" and row["pareto_k"] is None


def test_silence_lowers_the_forecast(small_fit):
    tl = T.case_timeline(small_fit, end=date(2008, 8, 15), step=2.0, events=events())
    p = [r["p_enacted_in_time"]["mean"] for r in tl["rows"]]
    assert np.all(np.diff(p) <= 1e-9) and p[-1] < p[0] / 2
    assert tl["halves"] is not None and tl["halves"] >= tl["start"]
    assert tl["below_10"] is None or tl["below_10"] >= tl["halves"]


def test_after_a_request_silence_is_non_increasing_after_the_window(small_fit):
    news = events((date(2007, 9, 1), "request_sent"))
    dates = [date(2008, m, 1) for m in range(3, 13)]
    rows = [T.as_of(small_fit, d, events=news) for d in dates]
    assert all(r["status"] == "request sent" for r in rows)
    assert all(r["p_framework"]["mean"] == 1.0 for r in rows)
    p = [r["p_enacted_in_time"]["mean"] for r in rows]
    assert np.all(np.diff(p) <= 1e-9)
    before = T.as_of(small_fit, date(2007, 8, 31), events=news)
    assert before["status"] == "no news"  # the row dated later is not used before its date


def test_a_resolved_case_takes_its_outcome(small_fit):
    news = events((date(2007, 9, 1), "request_sent"), (date(2008, 6, 30), "enacted"))
    row = T.as_of(small_fit, date(2008, 7, 15), events=news)
    assert row["p_enacted_in_time"]["mean"] == 1.0
    assert row["p_deal"]["mean"] == pytest.approx(row["p_accepted"]["mean"])
    refused = events((date(2007, 9, 1), "request_sent"), (date(2008, 3, 1), "refused_donor"))
    row = T.as_of(small_fit, date(2008, 4, 1), events=refused)
    assert row["p_deal"]["mean"] == 0.0 and row["p_enacted_in_time"]["mean"] == 0.0
    no = events((date(2007, 10, 1), "refused_partner"))
    assert T.as_of(small_fit, date(2007, 11, 1), events=no)["p_deal"]["mean"] == 0.0


def test_a_new_poll_is_taken_from_its_date_on(small_fit, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    with (folder / "poll.csv").open("a") as handle:
        handle.write('2007-10-01,item,funds,"new poll",500,0.82,"test row"\n')
    before = T.as_of(small_fit, date(2007, 9, 30), events=events(), evidence_dir=folder)
    after = T.as_of(small_fit, date(2007, 10, 2), events=events(), evidence_dir=folder)
    plain = T.as_of(small_fit, date(2007, 10, 2), events=events())
    assert before["pareto_k"] is None and after["pareto_k"] is not None
    assert any("poll of 500" in n for n in after["news"])
    assert after["pareto_k"] < 0.7, after["pareto_k"]
    assert after["p_accepted"]["mean"] < plain["p_accepted"]["mean"]


def test_library_case_timeline_scores_only_before_resolution():
    rng = np.random.default_rng(2)
    pi, mu = rng.beta(5, 3, 1000), rng.normal(1.8, 0.3, 1000)
    sigma = np.full(1000, 0.7)
    enacted = S.library_case_timeline(pi, mu, sigma, 14.0, outcome=1.0, resolved_months=7.5)
    assert enacted["months"][-1] <= 7.5
    assert [s["horizon"] for s in enacted["scores"]] == [3.0, 6.0]
    failed = S.library_case_timeline(pi, mu, sigma, 14.0, outcome=0.0, resolved_months=None)
    assert failed["months"][-1] == 14.0 and failed["p"][-1] == 0.0
    assert [s["horizon"] for s in failed["scores"]] == [3.0, 6.0, 12.0]
    # a failed case: the forecast of "not in time" improves as silence goes on
    briers = [s["brier"] for s in failed["scores"]]
    assert briers == sorted(briers, reverse=True)
    table = S.library_scores([enacted, failed])
    assert [r["n"] for r in table] == [2, 2, 1]
    assert table[2]["brier"] == pytest.approx(briers[2])


def test_library_paths_start_at_the_backtests_forecast_and_score_only_unresolved_cases(tmp_path):
    import model.library.backtest as bt
    from model.library.cases import load_cases
    from model.library.simulate import simulate_library, write_case_file

    library = load_cases(write_case_file(simulate_library(24, seed=5), tmp_path / "cases.csv"))
    got = S.library_timelines(library, seed=3)
    assert got["cases"], "the simulated library has forecastable Congress cases"
    frame = bt.run_backtest(library, seed=3).cases.set_index("id")
    for case in got["cases"]:
        # month 0: nothing has happened yet, so the path is the backtest's P(enacted in time)
        forecast = frame.loc[case["id"], "forecast"]
        assert case["p"][0] == pytest.approx(forecast[bt.MEMBER]["us"])
        assert case["base_rate"] == pytest.approx(forecast["base_rate"]["us"])
        # the silence-weighted mean falls as time passes without enactment (see survival.py)
        assert all(a >= b - 1e-12 for a, b in zip(case["p"], case["p"][1:], strict=False))
    for row, base in zip(got["scores"], got["base_rate_scores"], strict=True):
        unresolved = [c for c in got["cases"] if c["resolved_months"] > row["horizon"]]
        assert row["n"] == base["n"] == len(unresolved)
        if unresolved:
            brier = np.mean([(c["base_rate"] - c["outcome"]) ** 2 for c in unresolved])
            assert base["brier"] == pytest.approx(brier)


def test_timeline_of_an_unknown_case_is_one_line(capsys):
    from model.cli.main import main

    assert main(["timeline", "--case", "no_such_case"]) == 2
    err = capsys.readouterr().err
    assert "no_such_case" in err and len(err.strip().splitlines()) == 1
