"""Prior and likelihood power-scaling sensitivity, translated into plain sentences.

``arviz.psense_summary`` perturbs the posterior by raising the prior (or the likelihood) to a
power just below and above 1 and measures how far each quantity's distribution moves
(Pareto-smoothed importance weights on the existing draws; no refit). This module runs it on
the model's parameters and on the per-draw outcomes P(deal), P(enacted) and P(accepted), and
says in words what each flag means for this model, where most parameters are expert judgment
that no data touch.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

import numpy as np
import pandas as pd

from model.analysis.sensitivity.variance_indices import first_order_indices
from model.case.schema import LIKELIHOOD_PARAMS
from model.case.vocabulary import Vocabulary
from model.inference.fit import Fit
from model.inference.pymc_model import build_model, data_params
from model.inference.pymc_model import data_params as touched

__all__ = [
    "EXPLAINER",
    "OUTCOME_LABELS",
    "THRESHOLD",
    "explain",
    "power_scaling",
    "psense_report",
]

THRESHOLD = 0.05
"""Sensitivity (CJS distance gradient) above which ``psense_summary`` flags a quantity."""

OUTCOME_LABELS = {"p_deal": "P(deal)", "p_enacted": "P(enacted)", "p_accepted": "P(accept)"}

EXPLAINER = (
    "Power-scaling asks how much each answer would change if we trusted the priors (our "
    "judgments) or the data (the poll and past aid packages) slightly more or less: each is "
    "raised to a power between 0.99 and 1.01 and the shift in the answer's distribution is "
    f"measured, by reweighting the existing draws. A value above {THRESHOLD} flags a "
    "sensitivity. Prior-sensitive but data-insensitive means the answer rests on judgment; "
    "sensitive to both means prior and data pull in different directions (a possible "
    "prior-data conflict); sensitive to the data alone means the evidence drives it."
)


class _Words:
    """Labels and data names of one case, for the sentences."""

    def __init__(self, vocabulary: Vocabulary, levers: dict | None):
        self.vocabulary, self.levers = vocabulary, levers

    def label(self, name: str) -> str:
        return self.vocabulary.label(name, levers=self.levers)


@contextmanager
def _quiet():
    """Silence psense's advisory log line (the diagnosis is reported in words instead)."""
    logger = logging.getLogger("arviz_stats.psense")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def power_scaling(
    fit: Fit,
    *,
    outcomes: dict[str, np.ndarray],
    data_params: set[str] | None = None,
    threshold: float = THRESHOLD,
) -> pd.DataFrame:
    """Prior and likelihood power-scaling sensitivity of every parameter and outcome.

    Works on a new DataTree holding the fit's posterior (the cached ``fit.tree`` is never
    modified): the log prior and log likelihood are added with PyMC, and the per-draw outcomes
    are added to the posterior so that ``arviz.psense_summary`` can name them.

    Parameters
    ----------
    fit : Fit
        The baseline posterior.
    outcomes : dict of str to ndarray, shape (S,)
        Per-draw outcomes (chain-major, like ``fit.draws``), e.g. ``p_deal``.
    data_params : set of str, optional
        Parameters a likelihood touches; default `model.inference.pymc_model.data_params`.
    threshold : float, default `THRESHOLD`
        Flagging threshold passed to ``psense_summary``.

    Returns
    -------
    pandas.DataFrame
        One row per quantity (outcomes first, then parameters) with columns ``quantity``,
        ``kind`` (``outcome``, ``data`` or ``judgment``), ``prior``, ``likelihood`` and
        ``diagnosis`` (``prior-data conflict``, ``strong prior / weak likelihood``, or ``ok``).
    """
    import arviz as az
    import pymc as pm
    import xarray as xr

    data_params = touched(fit.priors, fit.evidence) if data_params is None else data_params
    posterior = fit.tree["posterior"].to_dataset()
    tree = xr.DataTree.from_dict({"posterior": posterior})
    with build_model(fit.priors, fit.evidence):
        pm.stats.compute_log_prior(tree, progressbar=False)
        pm.stats.compute_log_likelihood(tree, progressbar=False)
    shape = (posterior.sizes["chain"], posterior.sizes["draw"])
    added = {
        k: (("chain", "draw"), np.asarray(v, float).reshape(shape)) for k, v in outcomes.items()
    }
    tree["posterior"] = posterior.assign(added)
    names = [*outcomes, *fit.priors.params]
    with _quiet():
        table = az.psense_summary(tree, var_names=names, threshold=threshold, round_to=6)
    table = table.loc[names]
    prior = table["prior"].to_numpy(float)
    like = table["likelihood"].to_numpy(float)
    diagnosis = np.where(
        (prior >= threshold) & (like >= threshold),
        "prior-data conflict",
        np.where(prior > threshold, "strong prior / weak likelihood", "ok"),
    )
    kinds = [
        "outcome" if n in outcomes else "data" if n in data_params else "judgment" for n in names
    ]
    return pd.DataFrame(
        {
            "quantity": names,
            "kind": kinds,
            "prior": prior,
            "likelihood": like,
            "diagnosis": diagnosis,
        }
    )


def _outcome_sentence(label: str, row, driver: str | None, words: _Words) -> str:
    if row["diagnosis"] == "strong prior / weak likelihood":
        most = f" (most of all the prior for {words.label(driver)})" if driver else ""
        return (
            f"{label} rests mainly on the priors{most}; the evidence (poll and past packages) "
            "barely moves it."
        )
    if row["diagnosis"] == "prior-data conflict":
        return (
            f"{label} moves both with the priors and with the evidence: they pull in different "
            "directions, so check the priors against the poll and the past packages."
        )
    if row["likelihood"] >= THRESHOLD:
        return f"{label} is driven mainly by the evidence; the priors barely move it."
    return f"{label} is robust: small changes to priors or evidence barely move it."


def _param_sentence(name: str, row, words: _Words) -> str:
    plain = words.label(name)
    what = f"{plain[:1].upper()}{plain[1:]}"
    p, like = row["prior"], row["likelihood"]
    if row["kind"] == "judgment":
        if row["diagnosis"] == "ok":
            return f"{what} is pure judgment, but its prior is too weak to matter much here."
        return (
            f"{what} is pure judgment: no poll or past package informs it, so its posterior is "
            f"its prior; scaling the prior moves it ({p:.3f}) and the evidence cannot ({like:.3f})."
        )
    data = words.vocabulary.data_source(name, likelihood_params=LIKELIHOOD_PARAMS)
    if row["diagnosis"] == "prior-data conflict":
        return (
            f"{what}: the prior and {data} pull in different directions (prior {p:.3f}, "
            f"data {like:.3f}); the estimate depends on how much weight the prior gets."
        )
    if row["diagnosis"] == "strong prior / weak likelihood":
        return f"{what}: {data} is too weak to move it much; its prior dominates ({p:.3f})."
    if like >= THRESHOLD:
        return f"{what} is learned mainly from {data}; the prior barely matters ({p:.3f})."
    return f"{what} is robust to small changes in its prior and in {data}."


def explain(
    table: pd.DataFrame,
    *,
    drivers: dict[str, str | None],
    vocabulary: Vocabulary | None = None,
    levers: dict | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Add a plain ``explanation`` to every row and summarise the flags in a few sentences.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of `power_scaling`.
    drivers : dict of str to str or None
        Outcome name -> the judgment-only input with the largest first-order index on it.
    vocabulary : Vocabulary, optional
        The case's words (default: the generic ones).
    levers : dict, optional
        The priors file's levers, for plain names of lever effects.

    Returns
    -------
    table : pandas.DataFrame
        A copy with an ``explanation`` column.
    sentences : list of str
        One sentence per outcome and per data-informed parameter, and one grouped sentence
        for the judgment-only parameters.
    """
    words = _Words(vocabulary or Vocabulary(), levers)
    out = table.copy()
    explanations = []
    for _, row in out.iterrows():
        name = row["quantity"]
        if row["kind"] == "outcome":
            label = OUTCOME_LABELS.get(name, name)
            explanations.append(_outcome_sentence(label, row, drivers.get(name), words))
        else:
            explanations.append(_param_sentence(name, row, words))
    out["explanation"] = explanations
    sentences = list(out.loc[out["kind"].isin(["outcome", "data"]), "explanation"])
    judged = out[out["kind"] == "judgment"]
    flagged = judged[judged["diagnosis"] != "ok"].sort_values("prior", ascending=False)
    if len(flagged):
        top = "; ".join(words.label(q) for q in flagged["quantity"].head(3))
        max_like = float(judged["likelihood"].max())
        sentences.append(
            f"{len(flagged)} of {len(judged)} judgment-only parameters are flagged 'strong "
            "prior / weak likelihood', as they must be: no data touch them, so their posterior "
            f"is their prior (likelihood sensitivity at most {max_like:.3f}, which is noise). "
            f"The most prior-sensitive are {top}."
        )
    return out, sentences


def psense_report(fit: Fit, *, outcomes: dict[str, np.ndarray]) -> tuple[list[dict], list[str]]:
    """Power-scaling rows with a plain explanation each, and the summary sentences.

    The sentence for an outcome names the judgment-only input with the largest first-order
    variance index on it (`model.variance_indices.first_order_indices`), as the prior it
    rests on most.

    Parameters
    ----------
    fit : Fit
        The baseline posterior.
    outcomes : dict of str to ndarray, shape (S,)
        Per-draw outcomes, e.g. ``p_deal``, ``p_enacted``, ``p_accepted``.

    Returns
    -------
    rows : list of dict
        One per outcome and parameter (see `power_scaling`), with ``explanation``.
    sentences : list of str
        See `explain`.
    """
    touched = data_params(fit.priors, fit.evidence)
    judged = {n: v for n, v in fit.draws.items() if n in fit.priors.params and n not in touched}
    drivers = {}
    for name, y in outcomes.items():
        idx = first_order_indices(judged, y) if judged else {}
        drivers[name] = max(idx, key=idx.get) if idx and max(idx.values()) > 0 else None
    table = power_scaling(fit, outcomes=outcomes, data_params=touched)
    table, sentences = explain(
        table, drivers=drivers, vocabulary=fit.priors.vocabulary, levers=fit.priors.levers
    )
    return table.to_dict(orient="records"), sentences
