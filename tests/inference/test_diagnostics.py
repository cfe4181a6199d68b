"""Sampler diagnostics: bulk and tail ESS, R-hat, divergences and E-BFMI, each enforced."""

import numpy as np
import pytest
import xarray as xr

from model.constants import EBFMI_MIN, ESS_TAIL_MIN
from model.inference.diagnostics import diagnose, problems


def _tree(x: np.ndarray, energy: np.ndarray, diverging: np.ndarray | None = None):
    dims = ("chain", "draw")
    diverging = np.zeros(x.shape, dtype=bool) if diverging is None else diverging
    return xr.DataTree.from_dict(
        {
            "posterior": xr.Dataset({"theta": (dims, x)}),
            "sample_stats": xr.Dataset({"energy": (dims, energy), "diverging": (dims, diverging)}),
        }
    )


def _ok() -> dict:
    return {
        "r_hat_max": 1.0,
        "ess_bulk_min": 4000.0,
        "ess_tail_min": 4000.0,
        "divergences": 0,
        "e_bfmi_min": 1.0,
        "worst_r_hat": "a",
        "worst_ess": "b",
        "worst_ess_tail": "c",
    }


def test_healthy_chains_pass():
    rng = np.random.default_rng(0)
    out = diagnose(_tree(rng.normal(size=(4, 1000)), rng.normal(size=(4, 1000))), ["theta"])
    assert out["ok"] and out["problems"] == []
    assert out["e_bfmi_min"] > 0.9


def test_tail_ess_is_enforced_when_bulk_ess_passes():
    d = _ok() | {"ess_tail_min": ESS_TAIL_MIN - 1}
    (problem,) = problems(d)
    assert problem.startswith(f"tail ESS {ESS_TAIL_MIN - 1} < {ESS_TAIL_MIN} for c")


def test_e_bfmi_matches_its_closed_form_and_fails_a_sticky_energy():
    """E-BFMI = sum (E_t - E_{t-1})^2 / sum (E_t - mean E)^2 per chain; a random walk fails."""
    rng = np.random.default_rng(1)
    energy = np.cumsum(rng.normal(size=(4, 1000)), axis=1)
    want = min(np.sum(np.diff(e) ** 2) / np.sum((e - e.mean()) ** 2) for e in energy)
    out = diagnose(_tree(rng.normal(size=(4, 1000)), energy), ["theta"])
    assert out["e_bfmi_min"] == pytest.approx(want, rel=1e-6)
    assert want < EBFMI_MIN and not out["ok"]
    assert any(p.startswith(f"E-BFMI {want:.2f} < {EBFMI_MIN}") for p in out["problems"])


def test_stuck_chain_fails_r_hat_and_ess_and_divergences_count():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 500))
    x[0] += 5.0
    diverging = np.zeros(x.shape, dtype=bool)
    diverging[1, :3] = True
    out = diagnose(_tree(x, rng.normal(size=(4, 500)), diverging), ["theta"])
    assert out["divergences"] == 3
    text = " ".join(out["problems"])
    assert "R-hat" in text and "bulk ESS" in text and "3 divergent" in text


def test_fit_diagnostics_report_tail_ess_and_e_bfmi(small_fit):
    d = small_fit.diagnostics
    assert d["ess_tail_min"] > 0 and d["e_bfmi_min"] > 0
    assert d["problems"] == problems(d)
