"""Backtest views: the JSON keys, the table, the words, the reliability figure."""

import json

import pytest

import model.analysis.backtest as bt
from model.analysis.simulate import simulate_cases, write_case_file
from model.case.library import load_cases
from model.views.backtest import (
    backtest_payload,
    backtest_table,
    format_backtest,
    reliability_figure,
)
from tests.analysis.test_backtest import _fake_draws


@pytest.fixture
def result(tmp_path, monkeypatch):
    monkeypatch.setattr(bt, "fit_pooled", lambda train, **kw: _fake_draws())
    lib = load_cases(write_case_file(simulate_cases(14, seed=8), tmp_path / "cases.csv"))
    return bt.run_backtest(lib, variants=["baseline", "falling_hazard"], workers=1)


def test_payload_keys_are_exactly_the_four(result):
    payload = json.loads(json.dumps(backtest_payload(result), default=str))
    assert set(payload) == {"cases", "scores", "baselines", "chosen_variant"}
    assert set(payload["scores"]["baseline"]) == {"log_score", "brier", "coverage_90", "n"}
    assert set(payload["baselines"]) == {"base_rate", "fifty_fifty"}
    row = next(r for r in payload["cases"] if r["predictions"])
    assert {"id", "as_of", "predictions", "outcome", "scores"} == set(row)
    assert {"mean", "lo", "hi"} <= set(row["predictions"]["baseline"]["p_enacted"])


def test_table_and_words_use_the_computed_numbers(result):
    table = backtest_table(result)
    assert set(table["name"]) == {"baseline", "falling_hazard", "base_rate", "fifty_fifty"}
    assert table["chosen"].sum() == 1
    text = format_backtest(result)
    best = result.scores[result.chosen_variant]["log_score"]
    assert f"{best:.3f}" in text and "running base rate" in text
    assert ("does NOT beat" in text) == (best <= result.baselines["base_rate"]["log_score"])


def test_reliability_figure_marks_small_bins(result):
    fig = reliability_figure(bt.reliability(result))
    ax = fig.axes[0]
    assert ax.get_xlabel() == "forecast probability"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "perfect calibration" in labels
    assert ("too few cases to read" in labels) == bool(
        (bt.reliability(result).query("n > 0")["too_small"]).any()
    )
