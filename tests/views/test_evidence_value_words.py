"""What `feasibility evsi` and `timeline` print and draw (model.studies.views).

The payloads are computed on the shared small fit (two sizes, a short nested check), so the
words are checked against numbers the analysis produced.
"""

import copy

import pytest

from model.analysis.decision import deal_matrix
from model.studies.plans import Study
from model.studies.value import evsi_curve
from model.studies.views import (
    WORTH_POINTS,
    evsi_figure,
    evsi_payload_json,
    evsi_table,
    format_evsi,
    study_verdict,
    timeline_figure,
    timeline_words,
)


@pytest.fixture(scope="module")
def payload(small_fit):
    """Two studies on the small fit, each with the short nested check (``--nested``)."""
    matrix = deal_matrix(small_fit)
    poll = Study(
        name="poll_x", kind="poll", n=200, label="A funds poll", component="funds", cost=0.001
    )
    whip = Study(name="whip_x", kind="whip_count", n=20, label="A whip count", reliability=0.7)
    curves = [
        evsi_curve(small_fit, poll, sizes=[50], nested=True, n_outer=40, matrix=matrix, seed=2),
        evsi_curve(small_fit, whip, sizes=[10], nested=True, n_outer=40, matrix=matrix, seed=2),
    ]
    return {"curves": curves, "units": {"p_deal": "points", "value": "goodwill units"}}


def test_the_table_has_a_row_per_study_and_size_in_points(payload):
    table = evsi_table(payload)
    assert list(zip(table["study"], table["n"], strict=True)) == [
        ("poll_x", 50),
        ("poll_x", 200),
        ("whip_x", 10),
        ("whip_x", 20),
    ]
    first = payload["curves"][0]["rows"][0]
    assert table["evsi_points"].iloc[0] == pytest.approx(100 * first["evsi_p_deal"])
    assert table["nested_points"].iloc[0] == pytest.approx(100 * first["nested_p_deal"])
    assert table["net_value"].iloc[0] == pytest.approx(first["evsi_value"] - first["cost"])
    assert (table["high_k"] <= table["n_outer"]).all() and (table["n_outer"] == 40).all()


def test_the_text_shows_each_study_its_rows_bound_and_verdict(payload):
    text = format_evsi(payload)
    poll = payload["curves"][0]
    assert "A funds poll [poll_x: poll, reads oppose_funds, opinion_shift]" in text
    assert "A whip count [whip_x: whip_count, reads" in text
    assert "nested pts" in text and "high k" in text  # the nested check's columns
    for curve in payload["curves"]:
        for r in curve["rows"]:
            assert f"{100 * r['evsi_p_deal']:>9.3f}" in text
        assert f"EVPPI bound: {100 * curve['evppi']['p_deal']:.3f} points" in text
        assert study_verdict(curve) in text
    first = poll["rows"][0]
    assert f"{first['high_k']:>4}/{first['n_outer']}" in text
    assert text.count("Method: ") == 1 and "nested PSIS check" in text
    assert text.rstrip().endswith("Value units: goodwill units.")


def test_an_empty_list_of_studies_still_names_the_units():
    text = format_evsi({"curves": [], "units": {"value": "goodwill units"}})
    assert "Method" not in text and text.endswith("Value units: goodwill units.")


def _with(curve, *, pts, net, se, best_n=None):
    c = copy.deepcopy(curve)
    c["at_n"] |= {"evsi_p_deal": pts / 100, "net_value": net, "se_value": se}
    c["best_n"] = best_n
    return c


def test_the_verdict_follows_the_value_against_its_error_and_the_threshold(payload):
    curve = payload["curves"][0]
    n = curve["study"]["n"]
    worth = study_verdict(_with(curve, pts=WORTH_POINTS + 2, net=0.05, se=0.01, best_n=n))
    assert worth.endswith("Worth commissioning before the design is chosen.")
    not_worth = study_verdict(_with(curve, pts=WORTH_POINTS / 2, net=0.01, se=0.01, best_n=n))
    assert f"Not worth waiting for: under {WORTH_POINTS:g} point of P(deal)" in not_worth
    marginal = study_verdict(_with(curve, pts=WORTH_POINTS + 2, net=0.01, se=0.01, best_n=n))
    assert marginal.endswith("Marginal: its value is within its Monte Carlo error of its cost.")
    elsewhere = study_verdict(_with(curve, pts=0.1, net=0.0, se=0.01, best_n=5 * n))
    assert elsewhere.endswith(f" The largest expected net value is at n = {5 * n}.")
    assert f"{curve['study']['label']} (n = {n})" in worth


def test_the_json_payload_adds_the_table_rows(payload):
    blob = evsi_payload_json(payload)
    assert blob["curves"] is payload["curves"]
    assert len(blob["table"]) == sum(len(c["rows"]) for c in payload["curves"])
    assert {"study", "n", "evsi_points", "se_points", "net_value"} <= set(blob["table"][0])


def test_the_figure_has_a_panel_per_study_on_a_log_size_axis(payload):
    fig = evsi_figure(payload)
    axes = fig.axes
    assert len(axes) == 2
    assert [ax.get_title() for ax in axes] == ["poll", "whip count"]
    for ax in axes:
        assert ax.get_xscale() == "log"
        assert ax.get_xlabel() == "sample size n" and ax.get_ylabel() == "P(deal) points"
    labels = [t.get_text() for t in axes[0].get_legend().get_texts()]
    assert labels == ["EVSI (regression)", "EVSI (nested)", "EVPPI"]
    bound = next(line for line in axes[1].get_lines() if line.get_label() == "EVPPI")
    assert bound.get_ydata()[0] == pytest.approx(100 * payload["curves"][1]["evppi"]["p_deal"])


@pytest.fixture
def timeline():
    """A timeline payload in the shape `case_timeline` returns (three monthly rows)."""

    def row(d, p, status="no request yet"):
        cell = {"mean": p, "lo": p / 2, "hi": min(1.0, 2 * p)}
        return {
            "date": d,
            "p_framework": cell,
            "p_enacted_in_time": cell,
            "p_accepted": cell,
            "p_deal": cell,
            "status": status,
            "refit_needed": False,
        }

    return {
        "rows": [row("2007-08-15", 0.3), row("2007-09-15", 0.14), row("2007-10-15", 0.08)],
        "start": "2007-08-15",
        "halves": "2007-09-15",
        "below_10": "2007-10-15",
        "start_p_enacted_in_time": 0.3,
        "conditioning": "no news",
    }


def test_timeline_words_name_the_halving_and_ten_percent_dates(timeline):
    text = timeline_words(timeline)
    assert "halves by 2007-09-15 and falls below 10% by 2007-10-15." in text
    assert "(30.0% then)" in text and text.endswith("Conditioning: no news.")
    never = timeline_words({**timeline, "halves": None, "below_10": None})
    assert "halves by never, before the window closes and falls below 10% by never." in never


def test_a_forecast_already_below_ten_percent_says_so(timeline):
    text = timeline_words({**timeline, "below_10": timeline["start"]})
    assert "falls below 10% already at the start." in text
    assert "by 2007-08-15." not in text


def test_the_timeline_figure_marks_crossings_and_named_events(timeline):
    marks = {"election": "2007-09-01", "recess": "2007-10-01"}
    fig = timeline_figure(timeline, marks=marks)
    (ax,) = fig.axes
    texts = [t.get_text() for t in ax.texts]
    assert " halved" in texts and " below 10%" in texts
    assert "election" in texts and "recess" in texts
    assert len(ax.get_lines()) == 2 + 2 + len(marks)  # two curves, two crossings, the marks
    assert ax.get_ylim() == (0, 1)
    assert ax.get_xlabel() == "as of" and ax.get_ylabel() == "probability"
    unmarked = timeline_figure({**timeline, "halves": None, "below_10": None})
    assert len(unmarked.axes[0].get_lines()) == 2 and len(unmarked.axes[0].texts) == 0
