"""Package design as a decision: rank the executives' designs by expected value and P(deal).

The executives choose the levers they own; Congress chooses the levers it owns (``owner =
"congress"``), and each design averages over Congress's ``choice`` probabilities. A design's
expected value is P(deal) times what the design is worth if the deal happens (the priors
file's ``[decision]`` table; without one, worth 1 and the expected value is P(deal)).

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
from model.case.levers import decision_designs, design_value, expand, label, level_text
from model.inference.fit import Fit

ARENAS = ("p_enacted", "p_accepted", "p_deal")
UTILITIES = ("p_deal", "value")
"""The two rankings: by P(deal), and by expected value (the decision's utility)."""


@dataclass(frozen=True)
class DesignMatrix:
    """Per-draw outcome probabilities and expected value of every design.

    Attributes
    ----------
    designs : list of dict
        Designs (lever -> level; a lever Congress sets holds its choice mixture), one per column.
    p_enacted, p_accepted, p_deal : numpy.ndarray
        Arrays of shape (draws, designs), averaged over Congress's choices.
    value : numpy.ndarray
        Expected value per draw, shape (draws, designs): the average over Congress's choices of
        P(deal) x the worth of the pure design.
    """

    designs: list[dict]
    p_enacted: np.ndarray
    p_accepted: np.ndarray
    p_deal: np.ndarray
    value: np.ndarray

    def __getitem__(self, outcome: str) -> np.ndarray:
        """The (draws, designs) array of one outcome, by name (``"p_deal"``, ``"value"``...)."""
        if outcome not in (*ARENAS, "value"):
            raise KeyError(outcome)
        return getattr(self, outcome)


def design_outcomes(fit: Fit, design: dict) -> dict[str, np.ndarray]:
    """Per-draw P(enacted), P(accepted), P(deal) and expected value of one design.

    Parameters
    ----------
    fit : Fit
        The posterior.
    design : dict
        Lever -> level or mixture (``{level: weight}``); mixtures are averaged over.

    Returns
    -------
    dict of str to ndarray
        ``p_enacted``, ``p_accepted``, ``p_deal`` and ``value``, each of shape (draws,).
    """
    priors = fit.priors
    out = {k: 0.0 for k in (*ARENAS, "value")}
    for weight, pure in expand(design):
        got = evaluate(fit.draws, priors, fit.evidence, design=pure)
        worth = design_value(pure, priors.decision, arenas=priors.vocabulary.arenas)
        for k in ARENAS:
            out[k] = out[k] + weight * got[k]
        out["value"] = out["value"] + weight * worth * got["p_deal"]
    return out


def deal_matrix(fit: Fit, designs: list[dict] | None = None) -> DesignMatrix:
    """Per-draw outcome probabilities and expected value for each design.

    Parameters
    ----------
    fit : Fit
        The posterior.
    designs : list of dict, optional
        Designs (lever -> level or mixture); default: the executives' designs
        (`model.case.levers.decision_designs`), each averaged over Congress's choices.

    Returns
    -------
    DesignMatrix
    """
    designs = decision_designs(fit.priors.levers) if designs is None else designs
    columns = {k: [] for k in (*ARENAS, "value")}
    for design in designs:
        out = design_outcomes(fit, design)
        for k in columns:
            columns[k].append(out[k])
    return DesignMatrix(designs, **{k: np.column_stack(v) for k, v in columns.items()})


def rank_designs(fit: Fit, *, matrix: DesignMatrix | None = None) -> pd.DataFrame:
    """Every design with P(enacted), P(accepted), P(deal), expected value, p_best and regret.

    Each quantity has a 90% interval (``_mean``, ``_lo``, ``_hi``). ``gain_*`` is the change in
    P(deal) and ``value_gain_*`` the change in expected value from the baseline design, paired
    per draw. ``p_best`` / ``regret`` rank by P(deal), ``p_best_value`` / ``regret_value`` by
    expected value; ``rank_p_deal`` and ``rank_value`` give each design's place (1 = best) on
    either. Rows are sorted by expected value, the decision's utility, and ``is_best`` marks
    the design with the highest one. ``matrix`` is a `deal_matrix` result already computed for
    this fit (it is not recomputed).

    The baseline (the priors file's design, possibly a mixture) is added as a last row; p_best
    and regret of the grid are computed over the grid alone, so p_best sums to 1 there.
    """
    mats = matrix or deal_matrix(fit)
    base = design_outcomes(fit, fit.priors.design)
    rows = []
    scores = {
        u: (p_best(mats[u]), expected_regret(mats[u]), mats[u].max(axis=1)) for u in UTILITIES
    }
    for j, design in enumerate(mats.designs):
        row = {k: level_text(v) for k, v in design.items()}
        row |= {"label": label(design), "is_baseline": False}
        for k in (*ARENAS, "value"):
            row |= _flat(k, interval(mats[k][:, j]))
        row |= _flat("gain", interval(mats["p_deal"][:, j] - base["p_deal"]))
        row |= _flat("value_gain", interval(mats["value"][:, j] - base["value"]))
        for u, suffix in zip(UTILITIES, ("", "_value"), strict=True):
            row |= {
                f"p_best{suffix}": float(scores[u][0][j]),
                f"regret{suffix}": float(scores[u][1][j]),
            }
        rows.append(row)
    row = {lever: level_text(choice) for lever, choice in fit.priors.design.items()}
    row |= {"label": f"{fit.priors.design_label} (on the table)", "is_baseline": True}
    for k in (*ARENAS, "value"):
        row |= _flat(k, interval(base[k]))
    row |= _flat("gain", interval(np.zeros_like(base["p_deal"])))
    row |= _flat("value_gain", interval(np.zeros_like(base["value"])))
    for u, suffix in zip(UTILITIES, ("", "_value"), strict=True):
        best = scores[u][2]
        row |= {
            f"p_best{suffix}": float(np.mean(base[u] >= best)),
            f"regret{suffix}": float(np.mean(best - base[u])),
        }
    rows.append(row)
    table = pd.DataFrame(rows)
    grid = ~table["is_baseline"]
    for u in UTILITIES:
        table[f"rank_{u}"] = table[f"{u}_mean"].where(grid).rank(ascending=False, method="min")
    table = table.sort_values(
        ["value_mean", "p_deal_mean"], ascending=False, kind="stable"
    ).reset_index(drop=True)
    table["is_best"] = False
    table.loc[table.index[~table["is_baseline"]][0], "is_best"] = True
    return table


def _flat(key: str, summary: dict) -> dict:
    return {f"{key}_{part}": value for part, value in summary.items()}
