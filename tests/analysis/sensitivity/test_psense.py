"""Prior / likelihood power-scaling sensitivity and its plain-language translation."""

from __future__ import annotations

import pandas as pd
import pytest

from model.analysis.outcomes import evaluate
from model.analysis.sensitivity.psense import (
    THRESHOLD,
    explain,
    power_scaling,
    psense_report,
)
from model.views.tables import format_psense

OUTCOMES = ("p_deal", "p_enacted", "p_accepted")


@pytest.fixture(scope="module")
def outcomes(small_fit):
    out = evaluate(small_fit.draws, small_fit.priors, small_fit.evidence)
    return {k: out[k] for k in OUTCOMES}


@pytest.fixture(scope="module")
def table(small_fit, outcomes):
    from tests.conftest import SMALL
    from tests.memo import memo

    return memo("psense", lambda _: power_scaling(small_fit, outcomes=outcomes), inputs=(SMALL,))[1]


def test_one_row_per_outcome_and_parameter(table, small_fit):
    assert list(table["quantity"]) == [*OUTCOMES, *small_fit.priors.params]
    assert set(table.columns) == {"quantity", "kind", "prior", "likelihood", "diagnosis"}
    assert table[["prior", "likelihood"]].ge(0).all().all()


def test_kinds_follow_the_likelihoods(table, small_fit):
    from model.inference.pymc_model import data_params

    touched = data_params(small_fit.priors, small_fit.evidence)
    kinds = dict(zip(table["quantity"], table["kind"], strict=True))
    assert {n for n, k in kinds.items() if k == "data"} == touched
    assert {n for n, k in kinds.items() if k == "outcome"} == set(OUTCOMES)


def test_judgment_only_parameters_show_no_likelihood_sensitivity(table):
    judged = table[table["kind"] == "judgment"]
    assert len(judged) > 0
    # Their posterior is their prior: scaling the likelihood only reweights unrelated draws, so
    # what remains is Monte Carlo noise. At 2 x 400 draws it reaches 0.11 for announce_months
    # (a heavy-tailed LogNormal: its distance moves with a few tail draws) since the poll's
    # Beta-Binomial log-likelihood varies with poll_error; nearly all stay far below.
    assert judged["likelihood"].quantile(0.9) < THRESHOLD
    assert judged["likelihood"].max() < 3 * THRESHOLD
    # ...while scaling the prior moves the typical one.
    assert judged["prior"].median() > THRESHOLD


def test_poll_informed_parameters_are_data_driven(table):
    polled = table[table["quantity"].isin(["oppose_funds", "oppose_troops"])]
    assert (polled["likelihood"] > polled["prior"]).all()


def test_cached_tree_is_not_modified(small_fit, table):
    assert "log_prior" not in small_fit.tree.children
    assert "log_likelihood" not in small_fit.tree.children
    assert "p_deal" not in small_fit.tree["posterior"].data_vars


def test_explain_gives_a_sentence_per_row(table, small_fit):
    drivers = {"p_accepted": "gov_will", "p_deal": None, "p_enacted": None}
    out, sentences = explain(
        table,
        drivers=drivers,
        vocabulary=small_fit.priors.vocabulary,
        levers=small_fit.priors.levers,
    )
    assert out["explanation"].map(lambda s: isinstance(s, str) and len(s) > 20).all()
    accept = out.set_index("quantity").loc["p_accepted"]
    if accept["diagnosis"] == "strong prior / weak likelihood":
        assert "government's will" in accept["explanation"]
        assert "barely moves it" in accept["explanation"]
    judged = out[(out["kind"] == "judgment") & (out["diagnosis"] != "ok")]
    assert judged["explanation"].str.contains("pure judgment").all()
    assert len(sentences) >= len(OUTCOMES)
    assert any("judgment-only" in s for s in sentences)


def test_explain_translates_each_diagnosis(baseline_priors):
    table = pd.DataFrame(
        {
            "quantity": ["p_deal", "p_accepted", "oppose_funds", "duration_sigma", "gov_will"],
            "kind": ["outcome", "outcome", "data", "data", "judgment"],
            "prior": [0.2, 0.2, 0.01, 0.2, 0.1],
            "likelihood": [0.01, 0.2, 0.2, 0.2, 0.0],
            "diagnosis": [
                "strong prior / weak likelihood",
                "prior-data conflict",
                "ok",
                "prior-data conflict",
                "strong prior / weak likelihood",
            ],
        }
    )
    out, _ = explain(table, drivers={"p_deal": "gov_will"}, vocabulary=baseline_priors.vocabulary)
    text = dict(zip(out["quantity"], out["explanation"], strict=True))
    generic, _ = explain(table, drivers={"p_deal": "gov_will"})
    assert (
        "the poll"
        in dict(zip(generic["quantity"], generic["explanation"], strict=True))["oppose_funds"]
    )
    assert text["p_deal"].startswith("P(deal) rests mainly on the priors")
    assert "government's will" in text["p_deal"]
    assert "different directions" in text["p_accepted"]
    assert "learned mainly from the Mexican poll" in text["oppose_funds"]
    assert "past aid packages" in text["duration_sigma"]
    assert "pure judgment" in text["gov_will"]


def test_plain_names_come_from_the_case(small_fit):
    label = small_fit.priors.label
    assert label("gov_will") == "the Mexican government's will to accept"
    assert label("oppose_funds").startswith("the Mexican public's opposition to the funds")
    assert label("us_military_advisers").endswith("US military advisers")
    assert label("mx_size_per_100m") == "Mexico's reaction to each extra USD 100M of package size"
    assert label("something_else") == "something_else"


def test_report_rows_and_text(small_fit, outcomes):
    from tests.conftest import SMALL
    from tests.memo import memo

    def build(_folder):
        return psense_report(small_fit, outcomes=outcomes)

    rows, sentences = memo("psense_report", build, inputs=(SMALL,))[1]
    assert len(rows) == len(OUTCOMES) + len(small_fit.priors.params)
    assert all("explanation" in r for r in rows)
    assert sentences
    lines = format_psense(rows)
    assert len(lines) == len(rows) + 1
    assert lines[1].startswith("P(")
