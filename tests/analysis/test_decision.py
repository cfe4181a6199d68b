"""Package design ranking and timing: all on the existing draws."""

import numpy as np
import pytest

import model.inference.fit as fit_module
from model.analysis.decision import deal_matrix, rank_designs
from model.analysis.sensitivity.voi import expected_regret, p_best
from model.analysis.timing import timing_payload
from model.views.words import recommendation


@pytest.fixture
def no_sampling(monkeypatch):
    monkeypatch.setattr(fit_module, "sample", lambda *a, **k: (_ for _ in ()).throw(AssertionError))


def test_ranking_covers_the_grid_without_sampling(small_fit, no_sampling):
    ranking = rank_designs(small_fit)
    grid = ranking[~ranking["is_baseline"]]
    assert len(grid) == 3 * 3 * 2 * 2 * 2 * 3 * 3
    assert grid["p_best"].sum() == pytest.approx(1.0)
    assert ranking["is_best"].sum() == 1
    best = ranking[ranking["is_best"]].iloc[0]
    assert best["p_deal_mean"] == grid["p_deal_mean"].max()
    assert best["regret"] == pytest.approx(grid["regret"].min())
    for col in ("p_deal", "p_enacted", "p_accepted"):
        assert (ranking[f"{col}_lo"] <= ranking[f"{col}_mean"]).all()
        assert (ranking[f"{col}_mean"] <= ranking[f"{col}_hi"]).all()
    assert "Ask for" in recommendation(small_fit, ranking)


def test_design_mexico_must_reject_scores_zero_and_is_never_best(small_fit):
    """Put all prior mass on rejection of troops: that design has P(deal) ~ 0."""
    draws = dict(small_fit.draws, mx_military_troops=np.full_like(small_fit.draws["p_agree"], -40))
    fitted = type(small_fit)(**{**small_fit.__dict__, "draws": draws})
    mats = deal_matrix(fitted)
    designs = mats.designs
    troops = [j for j, d in enumerate(designs) if d["military"] == "troops"]
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
    assert early == pytest.approx(0.0, abs=1e-3)
