"""Backtest views: the JSON keys, the tables, the words, the reliability figure."""

import json

import pytest

import model.library.backtest as bt
from model.library.views import (
    backtest_payload,
    backtest_table,
    format_backtest,
    hurdle_table,
    paired_table,
    reliability_figure,
)


@pytest.fixture(scope="module")
def result(fake_backtest):
    """The session's backtest of a small simulated library (``fake_backtest``)."""
    return fake_backtest


def test_payload_keys(result):
    payload = json.loads(json.dumps(backtest_payload(result), default=str))
    assert set(payload) == {
        "cases",
        "scores",
        "baselines",
        "chosen_variant",
        "comparisons",
        "weights",
        "targets",
    }
    assert payload["chosen_variant"] == "stack"
    assert {"log_score", "brier", "coverage_90", "n", "us", "acc"} <= set(
        payload["scores"]["stack"]
    )
    assert set(payload["baselines"]) == {"base_rate", "fifty_fifty"}
    row = next(r for r in payload["cases"] if r["forecast"])
    assert {"stack", "hierarchical", "base_rate", "fifty_fifty"} == set(row["forecast"])


def test_tables_and_words_use_the_computed_numbers(result):
    table = backtest_table(result)
    assert set(table["name"]) == {"stack", "hierarchical", "base_rate", "fifty_fifty"}
    assert table["chosen"].sum() == 1
    text = format_backtest(result)
    assert f"{result.scores['stack']['log_score']:.3f}" in text and "running base rate" in text
    per = hurdle_table(result)
    row = per[(per["name"] == "stack") & (per["event"] == "accepted")].iloc[0]
    assert row["observed"] == pytest.approx(result.scores["stack"]["acc"]["observed"])
    pairs = paired_table(result)
    c = result.comparisons["base_rate"]["acc"]
    assert f"{c['mean']:+.3f} (SE {c['se']:.3f})" in text
    assert len(pairs) >= 2
    for line in result.targets:
        assert line in text
        assert line.startswith(("MET", "NOT MET"))


def test_reliability_figure_marks_small_bins(result):
    fig = reliability_figure(bt.reliability(result))
    ax = fig.axes[0]
    assert ax.get_xlabel() == "forecast probability"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "perfect calibration" in labels
    assert ("too few cases to read" in labels) == bool(
        (bt.reliability(result).query("n > 0")["too_small"]).any()
    )
