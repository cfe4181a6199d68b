"""Sensitivity and value-of-information payload: keys, coherence, a dummy input, the text."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from model.sensitivity import (
    evidence_for_input,
    format_sensitivity,
    sensitivity,
    sensitivity_figures,
    sensitivity_tables,
)

KEYS = {
    "psense",
    "tornado",
    "first_order",
    "evpi",
    "evppi",
    "flip_points",
    "method",
    "sentences",
    "top",
    "provenance",
}
DUMMY = "unused_input"


@pytest.fixture(scope="module")
def payload(small_fit):
    n = small_fit.draws["p_agree"].size
    dummy = np.random.default_rng(7).normal(size=n)
    return sensitivity(small_fit, rng_seed=1, extra_draws={DUMMY: dummy})


def test_payload_keys_and_types(payload, small_fit):
    assert set(payload) == KEYS
    assert isinstance(payload["psense"], list) and isinstance(payload["tornado"], list)
    assert isinstance(payload["first_order"], dict) and isinstance(payload["evppi"], dict)
    assert isinstance(payload["evpi"], float)
    assert isinstance(payload["flip_points"], list) and isinstance(payload["method"], dict)
    inputs = {*small_fit.priors.params, DUMMY}
    assert set(payload["first_order"]) == inputs == set(payload["evppi"])
    assert {r["input"] for r in payload["tornado"]} == inputs
    for row in payload["tornado"]:
        assert {"input", "low", "high", "swing"} <= set(row)
    assert set(payload["top"]) >= {"tornado", "first_order", "evppi", "psense_prior"}
    assert all(len(v) == 5 for v in payload["top"].values())
    json.dumps(payload)  # JSON-ready without a default= hook


def test_first_order_indices_are_coherent(payload):
    values = np.array(list(payload["first_order"].values()))
    assert ((values >= 0) & (values <= 1)).all()
    assert values.sum() <= 1 + 0.1


def test_evppi_never_exceeds_evpi(payload):
    evpi = payload["evpi"]
    assert evpi >= 0
    for value in payload["evppi"].values():
        assert 0 <= value <= evpi + 0.05


def test_tornado_sorted_and_dummy_input_is_zero(payload):
    swings = [r["swing"] for r in payload["tornado"]]
    assert swings == sorted(swings, reverse=True)
    dummy = next(r for r in payload["tornado"] if r["input"] == DUMMY)
    assert dummy["swing"] == 0.0
    assert dummy["low"] == dummy["high"] == dummy["base"]
    top = payload["tornado"][0]
    assert top["swing"] == pytest.approx(abs(top["high"] - top["low"]))


def test_dummy_input_carries_no_variance_or_information(payload):
    assert payload["first_order"][DUMMY] < 0.05
    assert payload["evppi"][DUMMY] <= 0.25 * payload["evpi"] + 0.05


def test_flip_points_for_the_three_largest_swings(payload):
    flips = payload["flip_points"]
    params = [r["input"] for r in payload["tornado"] if r["input"] != DUMMY][:3]
    assert [f["input"] for f in flips] == params
    for f in flips:
        lo, hi = f["range"]
        assert lo <= f["median"] <= hi
        assert f["flip"] in (None, "P(deal) crosses 50%", "best design changes")
        if f["flips_at"] is None:
            assert "does not flip" in f["sentence"]
        else:
            assert lo <= f["flips_at"] <= hi
        assert f["sentence"].startswith(f["label"][:1].upper())


def test_psense_rows_cover_outcomes_and_parameters(payload, small_fit):
    names = [r["quantity"] for r in payload["psense"]]
    assert names[:3] == ["p_deal", "p_enacted", "p_accepted"]
    assert set(names[3:]) == set(small_fit.priors.params)
    judged = [r for r in payload["psense"] if r["kind"] == "judgment"]
    assert max(r["likelihood"] for r in judged) < 0.05


def test_sentences_and_text(payload):
    assert payload["sentences"]
    assert all(isinstance(s, str) and s.endswith(".") for s in payload["sentences"])
    assert any("EVPI" in s for s in payload["sentences"])
    text = format_sensitivity(payload)
    for part in ("Per input", "Flip points", "power-scaling", "In plain words", "Method"):
        assert part in text
    assert "set-and-recompute" in payload["method"]["tornado"].lower()


def test_tables_and_figures(payload):
    tables = sensitivity_tables(payload)
    assert set(tables) == {"inputs", "tornado", "psense", "flip_points"}
    assert all(isinstance(t, pd.DataFrame) for t in tables.values())
    assert list(tables["inputs"]["input"]) == [r["input"] for r in payload["tornado"]]
    figures = sensitivity_figures(payload, n_top=5)
    assert set(figures) == {"tornado", "first_order", "evppi"}


def test_inputs_restrict_the_analysis_and_psense_can_be_skipped(small_fit):
    out = sensitivity(small_fit, psense=False, inputs=["us_support", "gov_will"])
    assert out["psense"] == []
    assert set(out["first_order"]) == {"us_support", "gov_will"}
    assert "psense_prior" not in out["top"]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("oppose_funds", "poll"),
        ("us_support", "whip count"),
        ("window_months", "calendar"),
        ("duration_mu", "appropriations"),
        ("gov_will", "Mexican government"),
        ("mx_arms_commitment", "Mexican government"),
        ("p_agree", "communiqué"),
        ("mystery", "expert elicitation"),
    ],
)
def test_evidence_for_input(name, words):
    assert words in evidence_for_input(name)
