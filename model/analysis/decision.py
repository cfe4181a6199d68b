"""Package design as a decision: rank every design by P(deal), and the timing curves.

All of it is a recompute on the existing posterior draws: a design changes what the
parameters imply, not what we believe about them, so no design needs a refit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.analysis.intervals import interval
from model.analysis.outcomes import evaluate
from model.analysis.sensitivity.voi import expected_regret, p_best
from model.case.levers import grid, label
from model.inference.fit import Fit

ARENAS = ("p_enacted", "p_accepted", "p_deal")


@dataclass(frozen=True)
class DesignMatrix:
    """Per-draw outcome probabilities of every design.

    Attributes
    ----------
    designs : list of dict
        Pure designs (lever -> level), one per column.
    p_enacted, p_accepted, p_deal : numpy.ndarray
        Arrays of shape (draws, designs).
    """

    designs: list[dict]
    p_enacted: np.ndarray
    p_accepted: np.ndarray
    p_deal: np.ndarray

    def __getitem__(self, outcome: str) -> np.ndarray:
        """The (draws, designs) array of one outcome, by name (``"p_deal"``, ...)."""
        if outcome not in ARENAS:
            raise KeyError(outcome)
        return getattr(self, outcome)


def deal_matrix(fit: Fit, designs: list[dict] | None = None) -> DesignMatrix:
    """Per-draw outcome probabilities for each design.

    Parameters
    ----------
    fit : Fit
        The posterior.
    designs : list of dict, optional
        Pure designs (lever -> level); default: the whole grid of the priors file's levers.

    Returns
    -------
    DesignMatrix
    """
    designs = grid(fit.priors.levers) if designs is None else designs
    columns = {k: [] for k in ARENAS}
    for design in designs:
        out = evaluate(fit.draws, fit.priors, fit.evidence, design=design)
        for k in ARENAS:
            columns[k].append(out[k])
    return DesignMatrix(designs, **{k: np.column_stack(v) for k, v in columns.items()})


def rank_designs(fit: Fit, *, matrix: DesignMatrix | None = None) -> pd.DataFrame:
    """Every design with P(enacted), P(accepted), P(deal) (90% intervals), p_best and regret.

    ``gain_mean/lo/hi`` is the change in P(deal) from the baseline design, paired per draw.
    ``matrix`` is a `deal_matrix` result already computed for this fit (it is not recomputed).

    The baseline (the priors file's design, possibly a mixture) is added as a last row; p_best
    and regret of the grid are computed over the grid alone, so p_best sums to 1 there.
    """
    mats = matrix or deal_matrix(fit)
    designs = mats.designs
    utilities = mats["p_deal"]
    base = evaluate(fit.draws, fit.priors, fit.evidence)
    rows = []
    best_share, regret = p_best(utilities), expected_regret(utilities)
    for j, design in enumerate(designs):
        row = dict(design, label=label(design), is_baseline=False)
        for k in ARENAS:
            row |= _flat(k, interval(mats[k][:, j]))
        row |= _flat("gain", interval(utilities[:, j] - base["p_deal"]))
        row |= {"p_best": float(best_share[j]), "regret": float(regret[j])}
        rows.append(row)
    row = {lever: _level_text(choice) for lever, choice in fit.priors.design.items()}
    row |= {"label": f"{fit.priors.design_label} (on the table)", "is_baseline": True}
    for k in ARENAS:
        row |= _flat(k, interval(base[k]))
    row |= _flat("gain", interval(np.zeros_like(base["p_deal"])))
    row |= {
        "p_best": float(np.mean(base["p_deal"] >= utilities.max(axis=1))),
        "regret": float(np.mean(utilities.max(axis=1) - base["p_deal"])),
    }
    rows.append(row)
    table = pd.DataFrame(rows).sort_values("p_deal_mean", ascending=False, kind="stable")
    table["is_best"] = False
    best = table.index[~table["is_baseline"]][0]
    table.loc[best, "is_best"] = True
    return table.reset_index(drop=True)


def _flat(key: str, summary: dict) -> dict:
    return {f"{key}_{part}": value for part, value in summary.items()}


def _level_text(choice) -> str:
    if isinstance(choice, dict):
        return " / ".join(f"{k} {w:.0%}" for k, w in choice.items())
    return str(choice)
