"""Sensitivity and value-of-information payload: keys, coherence, a dummy input, the text."""

from __future__ import annotations

import json

import numpy as np
import pytest

from model.analysis.sensitivity.summary import SensitivityResult, sensitivity
from model.views import payloads

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
    "labels",
    "resolved_by",
    "provenance",
}
DUMMY = "unused_input"  # the sensitivity_payload fixture (conftest) adds it


def test_payload_keys_and_types(sensitivity_payload, small_fit):
    assert isinstance(sensitivity_payload, SensitivityResult)
    assert set(sensitivity_payload.__dataclass_fields__) == KEYS
    assert isinstance(sensitivity_payload["psense"], list) and isinstance(
        sensitivity_payload["tornado"], list
    )
    assert isinstance(sensitivity_payload["first_order"], dict) and isinstance(
        sensitivity_payload["evppi"], dict
    )
    assert isinstance(sensitivity_payload["evpi"], float)
    assert isinstance(sensitivity_payload["flip_points"], list) and isinstance(
        sensitivity_payload["method"], dict
    )
    inputs = {*small_fit.priors.params, DUMMY}
    assert set(sensitivity_payload["first_order"]) == inputs == set(sensitivity_payload["evppi"])
    assert {r["input"] for r in sensitivity_payload["tornado"]} == inputs
    for row in sensitivity_payload["tornado"]:
        assert {"input", "low", "high", "swing"} <= set(row)
    assert set(sensitivity_payload["top"]) >= {
        "tornado",
        "first_order",
        "evppi",
        "psense_prior",
    }
    assert all(len(v) == 5 for v in sensitivity_payload["top"].values())
    json.dumps(payloads.sensitivity_payload(sensitivity_payload), allow_nan=False)


def test_first_order_indices_are_coherent(sensitivity_payload):
    values = np.array(list(sensitivity_payload["first_order"].values()))
    assert ((values >= 0) & (values <= 1)).all()
    assert values.sum() <= 1 + 0.1


def test_evppi_never_exceeds_evpi(sensitivity_payload):
    evpi = sensitivity_payload["evpi"]
    assert evpi >= 0
    for value in sensitivity_payload["evppi"].values():
        assert 0 <= value <= evpi + 0.05


def test_tornado_sorted_and_dummy_input_is_zero(sensitivity_payload):
    swings = [r["swing"] for r in sensitivity_payload["tornado"]]
    assert swings == sorted(swings, reverse=True)
    dummy = next(r for r in sensitivity_payload["tornado"] if r["input"] == DUMMY)
    assert dummy["swing"] == 0.0
    assert dummy["low"] == dummy["high"] == dummy["base"]
    top = sensitivity_payload["tornado"][0]
    assert top["swing"] == pytest.approx(abs(top["high"] - top["low"]))


def test_dummy_input_carries_no_variance_or_information(sensitivity_payload):
    assert sensitivity_payload["first_order"][DUMMY] < 0.05
    assert sensitivity_payload["evppi"][DUMMY] <= 0.25 * sensitivity_payload["evpi"] + 0.05


def test_flip_points_for_the_three_largest_swings(sensitivity_payload):
    flips = sensitivity_payload["flip_points"]
    params = [r["input"] for r in sensitivity_payload["tornado"] if r["input"] != DUMMY][:3]
    assert [f["input"] for f in flips] == params
    for f in flips:
        lo, hi = f["range"]
        assert lo <= f["median"] <= hi
        assert f["flip"] in (None, "P(deal) crosses the best alternative's", "best design changes")
        assert f["threshold"] == "best_alternative"
        if f["flips_at"] is None:
            assert "does not flip" in f["sentence"]
        else:
            assert lo <= f["flips_at"] <= hi
        assert f["sentence"].startswith(f["label"][:1].upper())


def test_psense_rows_cover_outcomes_and_parameters(sensitivity_payload, small_fit):
    names = [r["quantity"] for r in sensitivity_payload["psense"]]
    assert names[:3] == ["p_deal", "p_enacted", "p_accepted"]
    assert set(names[3:]) == set(small_fit.priors.params)
    judged = [r for r in sensitivity_payload["psense"] if r["kind"] == "judgment"]
    data = [r for r in sensitivity_payload["psense"] if r["kind"] == "data"]
    # a judgment-only parameter's likelihood sensitivity is 0 up to Monte Carlo noise, which at
    # 2 x 400 draws reaches about 0.11 (announce_months, heavy-tailed) now that the poll's
    # log-likelihood varies with poll_error; the data-touched parameters reach 0.4 (poll_error)
    assert max(r["likelihood"] for r in judged) < 0.15
    assert max(r["likelihood"] for r in data) > 3 * max(r["likelihood"] for r in judged)


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
def test_evidence_for_input_comes_from_the_priors_file(baseline_priors, name, words):
    assert words in baseline_priors.vocabulary.evidence_for(name)
