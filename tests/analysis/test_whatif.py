"""What-if answers: the right path, no sampling when none is needed, agreement with refits."""

from pathlib import Path

import numpy as np
import pytest

import model.inference.fit as fit_module
from model.analysis.whatif import answer, compare
from model.cli import main
from model.constants import SCENARIO_DIR
from model.errors import InputError

SCENARIOS = sorted(SCENARIO_DIR.glob("*.toml"))
BAD = Path(__file__).parents[1] / "fixtures" / "bad"


@pytest.fixture
def no_sampling(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("sampling was attempted")

    monkeypatch.setattr(fit_module, "sample", refuse)


def test_scenario_library_asks_the_issue_questions():
    names = {p.stem for p in SCENARIOS}
    assert {
        "congress_hostile",
        "framework_slips",
        "window_super_tuesday",
        "opposition_hardens",
        "opposition_softens",
        "certification",
        "us_commitments",
        "poll_item_level",
        "military_advisers",
    } <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_scenario_loads_and_says_its_question(path):
    from model.case.priors import load_priors

    priors = load_priors(scenarios=[path])
    assert priors.questions[0].strip().endswith("?")


def test_unchanged_scenario_reproduces_the_baseline_exactly(small_fit, no_sampling):
    from model.analysis.outcomes import evaluate

    case = answer(small_fit, overrides={"design": dict(small_fit.priors.design)})
    base = evaluate(small_fit.draws, small_fit.priors, small_fit.evidence)
    assert case.method == "recompute"
    np.testing.assert_array_equal(case.outcomes["p_deal"], base["p_deal"])
    assert case.weights is None


def test_design_and_judgment_changes_recompute_without_sampling(small_fit, no_sampling):
    for name in ("certification", "framework_slips", "opposition_hardens", "military_advisers"):
        case = answer(small_fit, scenario=SCENARIO_DIR / f"{name}.toml")
        assert case.method == "recompute", name
    slips = answer(small_fit, scenario=SCENARIO_DIR / "framework_slips.toml")
    assert slips.redrawn == ["announce_months"]
    assert slips.summary("p_deal")["mean"] < compare(small_fit).iloc[0]["p_deal_mean"]


def test_redrawn_parameter_follows_its_new_prior(small_fit, no_sampling):
    from scipy import stats

    case = answer(small_fit, sets=["params.opinion_shift.mu=0.1"])
    assert case.method == "recompute"
    drawn = case.draws["opinion_shift"]
    assert stats.kstest(drawn, stats.norm(0.1, 0.05).cdf).pvalue > 1e-3
    np.testing.assert_array_equal(case.draws["gov_will"], small_fit.draws["gov_will"])


def test_data_touched_prior_reweights_with_pareto_k(small_fit, no_sampling):
    # the poll touches oppose_funds (the library now informs the duration as a prior)
    case = answer(small_fit, sets=["params.oppose_funds.alpha=3.0"])
    assert case.method == "reweight"
    assert case.reweighted == ["oppose_funds"]
    assert case.pareto_k is not None and case.pareto_k < 0.7
    assert case.weights.sum() == pytest.approx(1.0)
    weighted = np.sum(case.weights * small_fit.draws["oppose_funds"])
    assert weighted > small_fit.draws["oppose_funds"].mean()


def test_evidence_change_goes_to_refit(small_fit):
    case = answer(small_fit, scenario=SCENARIO_DIR / "poll_item_level.toml")
    assert case.method == "refit"
    assert "evidence" in case.reason
    assert "oppose_training" in case.refit.draws


def test_far_prior_move_falls_back_to_refit(small_fit, monkeypatch):
    calls = []
    real = fit_module.sample
    monkeypatch.setattr(fit_module, "sample", lambda *a, **k: calls.append(1) or real(*a, **k))
    case = answer(small_fit, sets=["params.oppose_funds.alpha=2", "params.oppose_funds.beta=300"])
    assert case.method == "refit"
    assert case.pareto_k > 0.7 and "Pareto k" in case.reason
    assert calls, "a refit must sample"


def test_bad_scenarios_fail_with_one_line(capsys):
    assert main(["whatif", str(BAD / "misspelled_param.toml")]) == 2
    assert main(["whatif", str(BAD / "wrong_type.toml")]) == 2
    assert main(["whatif", str(BAD / "silent_evidence.toml")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 3
    assert "changes the evidence without saying so" in errors[2]


def test_unknown_parameter_in_overrides_raises_input_error(small_fit):
    with pytest.raises(InputError, match="did you mean 'p_agree'"):
        answer(small_fit, overrides={"params": {"p_agre": {"lower": 0.1}}})


def test_compare_table_has_paired_changes(small_fit, no_sampling):
    table = compare(small_fit, scenarios=[SCENARIO_DIR / "certification.toml"])
    assert list(table["scenario"]) == ["baseline", "certification"]
    base, cert = table.iloc[0], table.iloc[1]
    assert base["delta_p_deal_mean"] == 0 and base["delta_p_deal_lo"] == 0
    assert cert["delta_paired"]
    assert cert["delta_p_deal_mean"] == pytest.approx(cert["p_deal_mean"] - base["p_deal_mean"])
    assert cert["delta_p_deal_lo"] <= cert["delta_p_deal_mean"] <= cert["delta_p_deal_hi"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["congress_hostile", "slow_appropriations", "sceptical_poll"])
def test_reweighted_answer_agrees_with_a_refit(name):
    from model.case.priors import load_priors
    from model.inference.fit import fit
    from model.inference.settings import Settings

    base = fit(load_priors(), settings=Settings(draws=1000, tune=1000, chains=4))
    quick = answer(base, scenario=SCENARIO_DIR / f"{name}.toml")
    slow = answer(base, scenario=SCENARIO_DIR / f"{name}.toml", force_refit=True)
    assert quick.method == "reweight" and slow.method == "refit"
    a, b = quick.summary("p_deal")["mean"], slow.summary("p_deal")["mean"]
    sd = slow.outcomes["p_deal"].std()
    ess = 1 / np.sum(quick.weights**2)
    mcse = sd * np.sqrt(1 / ess + 1 / len(slow.outcomes["p_deal"]))
    assert abs(a - b) < 4 * mcse + 1e-3


def test_scenario_applies_on_top_of_the_baselines_own_overlays(small_fit, no_sampling):
    from model.case.priors import load_priors
    from model.inference.fit import Fit

    advisers = load_priors(scenarios=[SCENARIO_DIR / "military_advisers.toml"])
    base = Fit(**{**small_fit.__dict__, "priors": advisers})
    case = answer(base, scenario=SCENARIO_DIR / "certification.toml")
    assert case.priors.design["military"] == "advisers"
    assert case.priors.design["conditions"] == "certification"
    assert case.question.startswith("What if Congress attaches certification")
