"""Package design ranking and timing: all on the existing draws."""

import dataclasses

import numpy as np
import pytest

import model.inference.fit as fit_module
from model.analysis.decision import deal_matrix, rank_designs
from model.analysis.sensitivity.voi import expected_regret, p_best
from model.analysis.timing import timing_payload
from model.case.spec import Decision
from model.views.words import recommendation


@pytest.fixture
def no_sampling(monkeypatch):
    monkeypatch.setattr(fit_module, "sample", lambda *a, **k: (_ for _ in ()).throw(AssertionError))


def test_ranking_covers_the_executives_grid_without_sampling(small_fit, no_sampling):
    ranking = rank_designs(small_fit)
    grid = ranking[~ranking["is_baseline"]]
    # conditions belong to Congress: 3 x 2 x 2 x 2 x 3 x 3 executive designs, not 648
    assert len(grid) == 3 * 2 * 2 * 2 * 3 * 3
    assert set(grid["conditions"]) == {"none 30% / reporting 50% / certification 20%"}
    assert grid["p_best"].sum() == pytest.approx(1.0)
    assert grid["p_best_value"].sum() == pytest.approx(1.0)
    assert ranking["is_best"].sum() == 1
    best = ranking[ranking["is_best"]].iloc[0]
    assert best["value_mean"] == grid["value_mean"].max()
    assert best["regret_value"] == pytest.approx(grid["regret_value"].min())
    top = grid.loc[grid["rank_p_deal"] == 1].iloc[0]
    assert top["p_deal_mean"] == grid["p_deal_mean"].max()
    assert top["regret"] == pytest.approx(grid["regret"].min())
    assert sorted(grid["rank_value"].astype(int)) == list(range(1, len(grid) + 1))
    for col in ("p_deal", "p_enacted", "p_accepted"):
        assert (ranking[f"{col}_lo"] <= ranking[f"{col}_mean"]).all()
        assert (ranking[f"{col}_mean"] <= ranking[f"{col}_hi"]).all()
    assert "Ask for" in recommendation(small_fit, ranking)
    assert "expected value" in recommendation(small_fit, ranking)


def test_congress_levers_are_averaged_with_their_choice_probabilities(small_fit):
    from model.analysis.outcomes import evaluate

    priors = small_fit.priors
    mats = deal_matrix(small_fit)
    design = mats.designs[5]
    assert design["conditions"] == {"none": 0.3, "reporting": 0.5, "certification": 0.2}
    mixed = 0.0
    for level, w in design["conditions"].items():
        pure = design | {"conditions": level}
        mixed = (
            mixed + w * evaluate(small_fit.draws, priors, small_fit.evidence, design=pure)["p_deal"]
        )
    np.testing.assert_allclose(mats["p_deal"][:, 5], mixed, rtol=1e-12)


def test_expected_value_is_p_deal_times_worth(small_fit):
    from model.case.levers import design_value

    priors = small_fit.priors
    pure = dict(
        military="none",
        conditions="reporting",
        arms="on",
        cash="off",
        demand="off",
        size="usd1000m",
        timing="early_2008",
    )
    mats = deal_matrix(small_fit, designs=[pure])
    worth = design_value(pure, priors.decision, arenas=priors.vocabulary.arenas)
    # hand-worked from priors/baseline.toml: us 8 + 0.5 - 2.3, mx 8 - 0.5 + 2 - 2.3, weights 1/2
    assert worth == pytest.approx(0.5 * (8 + 0.5 - 2.3) + 0.5 * (8 - 0.5 + 2 - 2.3))
    np.testing.assert_allclose(mats["value"][:, 0], worth * mats["p_deal"][:, 0], rtol=1e-12)
    spec = dataclasses.replace(priors.spec, decision=Decision())
    bare = type(priors)(**{**priors.__dict__, "spec": spec})
    plain = type(small_fit)(**{**small_fit.__dict__, "priors": bare})
    np.testing.assert_array_equal(deal_matrix(plain, designs=[pure])["value"], mats["p_deal"])


def test_design_mexico_must_reject_scores_zero_and_is_never_best(small_fit):
    """Put all prior mass on rejection of troops: that design has P(deal) ~ 0."""
    draws = dict(small_fit.draws, mx_military_troops=np.full_like(small_fit.draws["p_agree"], -40))
    fitted = type(small_fit)(**{**small_fit.__dict__, "draws": draws})
    mats = deal_matrix(fitted)
    designs = mats.designs
    troops = [j for j, d in enumerate(designs) if d["military"] == "troops"]
    assert mats["value"][:, troops].max() < 1e-8
    assert mats["p_deal"][:, troops].max() < 1e-9
    alive = mats["p_deal"].max(axis=1) > 0
    assert p_best(mats["p_deal"][alive])[troops].sum() == 0


def test_regret_is_zero_for_a_design_best_in_every_draw():
    u = np.column_stack([np.full(100, 0.6), np.linspace(0, 0.5, 100)])
    assert expected_regret(u)[0] == 0
    assert p_best(u)[0] == 1


def test_timing_payload_curves_and_calendar(small_fit, no_sampling):
    payload = timing_payload(small_fit)
    assert {"baseline", "after_summit", "autumn_2007", "early_2008"} <= set(payload["curves"])
    for curve in payload["curves"].values():
        assert np.all(np.diff(curve) >= -1e-12)
    assert payload["calendar"]["Super Tuesday"] == pytest.approx(5.7, abs=0.1)
    early = payload["p_before"]["early_2008"]["Super Tuesday"]["mean"]
    # a request made weeks before Super Tuesday is rarely enacted by then
    assert early < 0.02 and early < payload["p_before"]["baseline"]["Super Tuesday"]["mean"]
