"""The panel object without a browser: its answers equal `feasibility whatif` and scenario files."""

import asyncio
import json
import shutil

import numpy as np
import pytest

from model.analysis.outcomes import evaluate
from model.app.whatif_panel import MIXTURE, WhatIfPanel
from model.cli.main import main
from model.constants import SCENARIO_DIR
from model.whatif.answers import answer
from tests.conftest import SMALL

SMALL_ARGS = [f"--{k}={v}" for k, v in SMALL.items()]


@pytest.fixture
def panel(small_fit, tmp_path):
    for name in ("certification", "usd400m_withheld", "poll_item_level"):
        shutil.copy(SCENARIO_DIR / f"{name}.toml", tmp_path)
    return WhatIfPanel(small_fit, scenario_dir=tmp_path, user_dir=tmp_path / "user")


def move(slider, value: float) -> None:
    """What a hand does: the value follows the drag, value_throttled fires on release."""
    import param

    with param.edit_constant(slider):
        slider.param.update(value=value, value_throttled=value)


def _headline(panel) -> float:
    return panel.case.summary("p_deal")["mean"]


def test_first_answer_is_the_baseline(panel, small_fit):
    assert panel.case.method == "recompute" and panel.set_sets() == []
    base = answer(small_fit, overrides={"design": dict(small_fit.priors.design)})
    assert _headline(panel) == base.summary("p_deal")["mean"]
    assert "data-p-deal" in panel.headline.object and not panel.refit_button.visible


def test_a_slider_answers_like_whatif_set(panel, capsys):
    slider = panel.sliders[("opinion_shift", "mu")]
    before = _headline(panel)
    move(slider, 7.25)  # points of opposition, as an expert says it
    assert panel.set_sets() == ["params.opinion_shift.mu=0.0725"]
    assert _headline(panel) < before  # more opposition in Mexico, fewer deals
    argv = ["whatif", *(f"--set={s}" for s in panel.set_sets()), "--json", *SMALL_ARGS]
    assert main(argv) == 0
    row = json.loads(capsys.readouterr().out)["rows"][-1]
    assert row["p_deal_mean"] == pytest.approx(_headline(panel), abs=1e-12)
    assert panel.case.method == row["method"] == "recompute"
    assert repr(row["p_deal_mean"]) in panel.headline.object


def test_lever_select_recomputes_and_mixture_returns(panel, small_fit):
    panel.selects["military"].value = "advisers"
    expected = answer(small_fit, overrides={"design": {"military": "advisers"}})
    assert _headline(panel) == expected.summary("p_deal")["mean"]
    panel.selects["conditions"].value = "certification"
    panel.selects["conditions"].value = MIXTURE
    assert panel.set_sets() == ["design.military=advisers"]


def test_picking_a_scenario_with_new_levels_equals_the_file(panel, small_fit, tmp_path):
    panel.picker.value = "usd400m_withheld"
    by_file = answer(small_fit, scenario=tmp_path / "usd400m_withheld.toml")
    assert panel.selects["size"].value == "usd400m"
    assert panel.set_sets() == []
    np.testing.assert_array_equal(panel.case.outcomes["p_deal"], by_file.outcomes["p_deal"])


def test_save_then_reload_gives_the_same_answer(panel, small_fit, tmp_path):
    panel.picker.value = "certification"
    move(panel.sliders[("gov_will", "mu")], 71.0)  # probability in %, not log-odds
    shown = _headline(panel)
    panel.save_name.value = "certification_weak_will"
    panel.save_question.value = "What if certification meets a weaker Mexican government?"
    path = panel._save()
    assert path == tmp_path / "user" / "certification_weak_will.toml"  # not the project's folder
    assert not (tmp_path / "certification_weak_will.toml").exists()
    text = path.read_text()
    assert "[params.gov_will]" in text and "source = " in text.split("[params.gov_will]")[1]
    assert 'conditions = "certification"' in text
    assert panel.picker.value == "certification_weak_will" and panel.set_sets() == []
    assert "Saved" in panel.status.object
    assert _headline(panel) == pytest.approx(shown, abs=1e-15)
    assert answer(small_fit, scenario=path).summary("p_deal")["mean"] == pytest.approx(
        shown, abs=1e-15
    )


def test_a_bad_save_says_why_and_writes_nothing(panel, tmp_path):
    move(panel.sliders[("p_agree", "mean")], 50.0)
    panel.save_name.value = "Not a name"
    assert panel._save() is None
    assert "error" in panel.status.object and "name" in panel.status.object
    assert not list(tmp_path.glob("Not*"))


def test_evidence_change_shows_the_refit_button(panel):
    panel.picker.value = "poll_item_level"
    assert panel.refit_button.visible
    assert "needs a refit" in panel.headline.object


@pytest.mark.slow
def test_refit_button_fits_and_shows_the_answer(panel, small_fit):
    from model.inference.fit import fit

    panel.picker.value = "poll_item_level"
    _run(panel._refit())
    assert panel.case.method == "refit" and not panel.refit_button.visible
    expected = fit(panel.case.priors, settings=small_fit.settings)  # the cached refit
    out = evaluate(expected.draws, expected.priors, expected.evidence)
    assert _headline(panel) == pytest.approx(out["p_deal"].mean(), abs=1e-15)
    assert panel.case.refit.evidence.poll_reading == "item"
    status = panel.status.object  # after the progress lines, the refit's sampler checks
    assert "Refitted in" in status
    assert "Sampler checks passed" in status or "failed its sampler checks" in status


def test_the_panel_shows_where_the_experts_disagree(panel, small_fit):
    from html import escape

    from model.experts.pool import expert_files, experts_payload, load_experts

    payload = experts_payload(load_experts(small_fit, expert_files()))
    html = panel.experts_pane.object
    assert f"data-n='{len(payload['experts'])}'" in html and "data-expert='pooled'" in html
    top = payload["disagreement"][0]
    label = escape(small_fit.priors.label(top["param"]))
    assert f"data-param='{top['param']}'" in html and label in html
    pooled = payload["pooled"]["p_deal"]["mean"]
    assert f"{100 * pooled:.1f}%" in html


def test_a_bad_expert_file_is_shown_not_raised(small_fit, tmp_path):
    experts = tmp_path / "experts"
    experts.mkdir()
    (experts / "bad.toml").write_text('question = "q"\nsource = "s"\n[params.nope]\nmu = 1.0\n')
    panel = WhatIfPanel(
        small_fit, scenario_dir=tmp_path, expert_dir=experts, user_dir=tmp_path / "user"
    )
    assert "bad.toml" in panel.experts_pane.object and "error" in panel.experts_pane.object


def test_a_beta_prior_moves_on_its_mean_and_answers_like_whatif_set(panel, capsys):
    from model.app.sliders import slider_values

    prior = panel.base.priors.params["oppose_training"]
    before = slider_values(prior.dist, prior.params)
    move(panel.sliders[("oppose_training", "mean")], 100 * (before["mean"] + 0.1))
    sets = panel.set_sets()
    assert sorted(s.split("=")[0] for s in sets) == [
        "params.oppose_training.alpha",
        "params.oppose_training.beta",
    ]
    moved = panel.case.priors.params["oppose_training"]
    assert slider_values(moved.dist, moved.params)["mean"] == pytest.approx(before["mean"] + 0.1)
    assert "interval" in panel.changes.object and "&rarr;" in panel.changes.object
    argv = ["whatif", *(f"--set={s}" for s in sets), "--json", *SMALL_ARGS]
    assert main(argv) == 0
    row = json.loads(capsys.readouterr().out)["rows"][-1]
    assert row["p_deal_mean"] == pytest.approx(_headline(panel), abs=1e-12)
    assert panel.case.method == row["method"]


def test_an_impossible_slider_position_is_said_not_raised(panel):
    slider = panel.sliders[("p_agree", "mean")]
    move(slider, slider.end)  # near 1 no Beta keeps the baseline's sd
    assert "error" in panel.status.object and "params.p_agree.sd" in panel.status.object


def test_sliders_speak_in_the_units_an_expert_states(panel):
    share = panel.sliders[("oppose_funds", "mean")]
    assert "share opposed" in share.label and "(%)" in share.label
    assert share.start <= 40 and share.end >= 95  # "77% opposed becomes 60%" can be asked
    shift = panel.sliders[("opinion_shift", "mu")]
    assert "points" in shift.label and shift.start <= -17 and shift.end >= 17
    assert "median months" in panel.sliders[("announce_months", "mu")].label
    assert "probability" in panel.sliders[("us_support", "mu")].label
    assert not any("." in s.label.split(":")[-1] for s in panel.sliders.values())  # no `mu`
    before = panel.intervals["oppose_funds"].object
    assert "Implies: 90% interval" in before and "%" in before
    move(share, 60.0)
    after = panel.intervals["oppose_funds"].object
    assert "(was 90% interval" in after and after != before


def test_the_picker_shows_questions_and_asks_before_discarding_moves(panel):
    assert any(label.startswith("What if Congress attaches") for label in panel.picker.options)
    move(panel.sliders[("opinion_shift", "mu")], 5.0)
    moved = panel.set_sets()
    panel.picker.value = "certification"
    assert panel.confirm.visible and "discarded" in panel.confirm_text.object
    assert panel.set_sets() == moved and panel.picker.value != "certification"  # kept for now
    panel._confirm(True)
    assert panel.picker.value == "certification" and panel.set_sets() == []
    changes = panel.changes.object
    assert "Nothing moved from scenario" in changes and "What this scenario changes" in changes
    assert "certification" in changes.lower()


def _run(coro):
    """``asyncio.run`` in a thread of its own: an earlier test may leave a loop running here."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_the_poll_box_answers_by_the_cheapest_route_and_says_which(panel):
    panel.poll_component.value = "funds"
    panel.poll_share.value = 60.0
    panel.poll_n.value = 1000
    case = _run(panel._poll())
    assert case is not None and f"data-method='{case.method}'" in panel.poll_out.object
    assert "Route: an additional poll" in panel.poll_out.object
    panel.poll_date.value = "2009-01-01"
    assert _run(panel._poll()) is None and "as-of" in panel.poll_out.object


def test_the_base_rate_sits_under_p_deal_and_does_not_move(panel, small_fit):
    from model.library.base_rate import base_rate_summary
    from model.views.words import pct

    rates = base_rate_summary(small_fit)
    before = panel.base_rate.object
    assert f"<b>{pct(rates['mean'])}</b>" in before and pct(rates["hi"]) in before
    move(panel.sliders[("opinion_shift", "mu")], 5.0)
    panel.set_sets()
    assert panel.base_rate.object == before


def test_the_evidence_pane_weighs_each_study_in_words(panel, small_fit):
    from model.studies.plans import load_studies, priors_components
    from model.studies.value import evsi_payload
    from model.studies.views import study_verdict

    payload = _run(panel._evsi())
    studies = load_studies(None, priors_components(small_fit.priors))
    assert [c["study"]["name"] for c in payload["curves"]] == [s.name for s in studies]
    shown = panel.evsi_out.object
    assert shown.count("<li data-study=") == len(studies)
    # the pane says what the CLI's `evsi` computes for the same fit and seed
    same = evsi_payload(small_fit, studies, seed=small_fit.settings.seed)
    for curve in same["curves"]:
        assert study_verdict(curve).split(" (Monte Carlo")[0].replace("'", "&#x27;") in shown
