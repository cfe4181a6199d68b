"""The target case's priors from the library, and how far its case adjustments moved P(deal).

``pooled_prior_blob`` fits the pooled model on the cases resolved before the target's as-of
date and summarises its posterior predictive for the target's covariates as priors (moment
matched): ``us_support`` and ``gov_will`` (the willing and accepting log-odds, at no
conditions and an even split of opinion, the reference points of those parameters) and the
duration hyperparameters. ``feasibility pooled`` writes it to ``data/pooled_prior.json``.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import numpy as np

from model.analysis.intervals import interval
from model.analysis.outcomes import evaluate
from model.analysis.variants import from_label
from model.analysis.whatif import answer
from model.case.library import Library, case_rows, known_at, training_digest
from model.inference.fit import Fit
from model.inference.pooled import fit_pooled, linear_predictors
from model.inference.settings import Settings

WRITTEN_BY = "feasibility pooled"


def _normal(x: np.ndarray, what: str) -> dict:
    return {
        "dist": "Normal",
        "params": {"mu": float(x.mean()), "sigma": float(x.std())},
        "what": what,
    }


def pooled_prior_blob(
    library: Library,
    target: Library,
    *,
    as_of: date,
    variant: str = "baseline",
    settings=None,
    folder: Path | None = None,
) -> dict:
    """The pooled-prior file's content for the target case (first row of ``target``).

    Parameters
    ----------
    library, target : Library
        The case library and the case being forecast (its outcomes empty).
    as_of : date
        Only cases known, and outcomes resolved, before this date enter the fit.
    variant : str
        The variant label the pooled model is fitted under.
    settings : Settings, optional
        Sampler settings.
    folder : Path, optional
        Folder the file will live in (paths inside it are relative to it).
    """
    settings = settings or Settings()
    v = from_label(variant)
    train = known_at(library.cases, as_of)
    draws = fit_pooled(
        train,
        rows=case_rows(library.cases),
        window=v["window"],
        hurdles=v["hurdles"],
        settings=settings,
    )
    row = case_rows(target.cases.iloc[:1]).assign(conditions=0.0, opposition=0.0)
    row = row.assign(opposition_missing=0.0)
    eta = linear_predictors(draws, row)
    sig = draws["dur_sigma"]
    m, var = float(sig.mean()), float(sig.var())
    params = {
        "us_support": _normal(eta["us"][:, 0], "log-odds Congress is willing, no conditions"),
        "gov_will": _normal(eta["acc"][:, 0], "log-odds the partner accepts at 50% opposition"),
        "duration_mu": _normal(draws["dur_mu"], "log-scale mean months to enactment"),
        "duration_sigma": {
            "dist": "Gamma",
            "params": {"alpha": m * m / var, "beta": m / var},
            "what": "log-scale sd of months to enactment",
        },
    }
    folder = folder or library.path.parent
    return {
        "written_by": WRITTEN_BY,
        "as_of": as_of.isoformat(),
        "target": str(target.cases["id"].iloc[0]),
        "cases_file": os.path.relpath(Path(library.path).resolve(), Path(folder).resolve()),
        "training_digest": training_digest(train),
        "n_training": len(train),
        "training_ids": train["id"].tolist(),
        "variant": variant,
        "settings": dict(settings.__dict__),
        "divergences": int(draws["divergences"]),
        "params": params,
    }


def adjustment_effect(fit: Fit) -> dict:
    """P(deal) with the case adjustments and with the pooled prediction alone.

    The library-based priors are judgment-free of any likelihood in the case's own model, so
    dropping their adjustments is an exact recompute on the existing draws.

    Returns
    -------
    dict
        ``with`` and ``without`` (``{"mean", "lo", "hi"}`` of P(deal)), ``change`` (of the mean),
        and ``adjustments``: one row per adjustment (parameter, name, mu, sigma, source).
    """
    rows, drop = [], {}
    for name, prior in fit.priors.params.items():
        if prior.pooled is None:
            continue
        for label, mu, sigma, source in prior.pooled.adjustments:
            rows.append({"param": name, "name": label, "mu": mu, "sigma": sigma, "source": source})
        if prior.pooled.adjustments:
            drop[name] = {"adjust": {}}
    if not drop:
        return {"with": None, "without": None, "change": None, "adjustments": []}
    bare = answer(fit, overrides={"params": drop}, name="pooled only")
    with_adj = interval(evaluate(fit.draws, fit.priors, fit.evidence)["p_deal"])
    without = bare.summary("p_deal")
    return {
        "with": with_adj,
        "without": without,
        "change": with_adj["mean"] - without["mean"],
        "method": bare.method,
        "adjustments": rows,
    }
