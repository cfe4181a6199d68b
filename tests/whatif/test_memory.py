"""The panel's in-memory what-if path: the same answers as the file path, without files."""

import json

import numpy as np
import pytest

import model.case.inputs as inputs_module
import model.inference.fit as fit_module
from model.analysis.outcomes import evaluate, timing
from model.cli.main import main
from model.constants import SCENARIO_DIR
from model.whatif.answers import answer
from model.whatif.memory import answer_in_memory, curve, live
from tests.conftest import SMALL


@pytest.fixture
def no_files_no_sampling(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a file was read or a fit was attempted")

    monkeypatch.setattr(inputs_module, "read_toml", refuse)
    monkeypatch.setattr(fit_module, "sample", refuse)
    monkeypatch.setattr(fit_module, "load_evidence", refuse)


@pytest.mark.parametrize(
    ("overlay", "sets", "method"),
    [
        ({"params": {"opinion_shift": {"mu": 0.1}}}, ["params.opinion_shift.mu=0.1"], "recompute"),
        ({"params": {"duration_mu": {"mu": 2.0}}}, ["params.duration_mu.mu=2.0"], "recompute"),
        ({"params": {"oppose_funds": {"alpha": 9.0}}}, ["params.oppose_funds.alpha=9"], "reweight"),
        ({"design": {"military": "advisers"}}, ["design.military=advisers"], "recompute"),
    ],
)
def test_in_memory_equals_the_file_path(small_fit, overlay, sets, method, monkeypatch):
    by_file = answer(small_fit, sets=sets)
    with monkeypatch.context() as m:
        m.setattr(inputs_module, "read_toml", lambda *a: pytest.fail("read a file"))
        m.setattr(fit_module, "sample", lambda *a, **k: pytest.fail("sampled"))
        fast = answer_in_memory(small_fit, overlay)
    assert fast.method == by_file.method == method
    np.testing.assert_array_equal(fast.outcomes["p_deal"], by_file.outcomes["p_deal"])
    assert fast.summary("p_deal") == by_file.summary("p_deal")
    assert fast.pareto_k == by_file.pareto_k


def test_live_numbers_match_whatif_set_json(small_fit, capsys):
    base_out = evaluate(small_fit.draws, small_fit.priors, small_fit.evidence)
    fast = live(
        small_fit,
        answer_in_memory(small_fit, {"params": {"gov_will": {"mu": 0.5, "sigma": 0.6}}}),
        base_out,
    )
    sets = ["--set", "params.gov_will.mu=0.5", "--set", "params.gov_will.sigma=0.6"]
    assert main(["whatif", *sets, "--json", *_small()]) == 0
    cli_row = json.loads(capsys.readouterr().out)["rows"][-1]
    for key in ("p_deal_mean", "p_deal_lo", "p_deal_hi", "delta_p_deal_mean", "delta_p_deal_lo"):
        assert fast.row[key] == pytest.approx(cli_row[key], abs=1e-12)
    # the decomposition multiplies back per draw: willing x in time = enacted
    out = fast.case.outcomes
    parts = fast.parts
    assert parts["p_deal"]["mean"] == pytest.approx(out["p_deal"].mean())
    assert parts["p_willing"]["mean"] == pytest.approx(out["p_congress"].mean())
    in_time = out["p_enacted"] / out["p_congress"]
    assert parts["p_in_time"]["mean"] == pytest.approx(in_time.mean())


def test_evidence_change_asks_for_a_refit(small_fit, no_files_no_sampling):
    case = answer_in_memory(small_fit, {"evidence": {"poll_reading": "item"}})
    assert case.method == "refit" and case.outcomes == {}
    assert "evidence" in case.reason


def test_added_levels_answer_in_memory_like_the_scenario_file(small_fit):
    import tomllib

    path = SCENARIO_DIR / "usd400m_withheld.toml"
    overlay = tomllib.loads(path.read_text())
    overlay = {k: v for k, v in overlay.items() if k not in ("question", "source")}
    fast = answer_in_memory(small_fit, overlay)
    by_file = answer(small_fit, scenario=path)
    assert fast.method == by_file.method == "recompute"
    assert sorted(fast.redrawn) == ["mx_withheld_per_10pct", "us_withheld_per_10pct"]
    np.testing.assert_array_equal(fast.outcomes["p_deal"], by_file.outcomes["p_deal"])


def test_curve_on_all_draws_equals_the_timing_function(small_fit):
    case = answer_in_memory(small_fit, {"design": {"timing": "early_2008"}})
    full = curve(small_fit, case, draws=10**9)
    per_draw = timing(case.draws, case.priors, small_fit.evidence, np.arange(25))
    np.testing.assert_allclose(full["mean"], per_draw.mean(axis=0))
    assert full["mean"][0] == 0.0  # nothing is enacted before the request (month 5.5)
    assert all(
        lo <= m <= hi for lo, m, hi in zip(full["lo"], full["mean"], full["hi"], strict=True)
    )


def _small():
    return [
        "--draws",
        str(SMALL["draws"]),
        "--tune",
        str(SMALL["tune"]),
        "--chains",
        str(SMALL["chains"]),
    ]
