"""The target case's priors from the library, and how far its case adjustments moved P(deal).

``pooled_prior_blob`` fits the library model (``model.library.exact``) on the cases known
before the target's as-of date and summarises its posterior predictive for the target's domain as
priors (moment matched): ``us_support`` and ``gov_will`` (the willing and accepting log-odds;
the partner's at the library's typical opposition, written as ``reference``) and the duration
hyperparameters. ``feasibility pooled`` writes it to ``data/pooled_prior.json``.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import numpy as np

from model.analysis.intervals import interval
from model.analysis.outcomes import evaluate
from model.case.dates import months_between
from model.errors import InputError
from model.inference.fit import Fit
from model.library import exact
from model.library.backtest import base_counts, base_rate, run_backtest, stack_weights
from model.library.base_rate import base_rate_summary
from model.library.cases import Library, known_at, training_digest
from model.whatif.answers import answer

WRITTEN_BY = "feasibility pooled"


def _normal(x: np.ndarray, what: str) -> dict:
    return {
        "dist": "Normal",
        "params": {"mu": float(x.mean()), "sigma": float(x.std())},
        "what": what,
    }


def typical_opposition(library: Library, as_of: date) -> dict:
    """The library's typical partner opposition: mean of the polls published before ``as_of``.

    The library's acceptance rate was observed at this opposition, so the target case's own
    opinion term is taken relative to it (opposition enters once). 0.5 when no poll is known.
    """
    cases = library.cases
    polls = cases[
        (cases["as_of"] < as_of)
        & cases["partner_opposition"].notna()
        & (cases["partner_needed"] == 1)
    ]
    values = polls["partner_opposition"].astype(float)
    return {
        "opposition": float(values.mean()) if len(values) else 0.5,
        "n_polls": len(values),
        "ids": polls["id"].tolist(),
    }


def pooled_prior_blob(
    library: Library,
    target: Library,
    *,
    as_of: date,
    seed: int = 0,
    folder: Path | None = None,
) -> dict:
    """The pooled-prior file's content for the target case (first row of ``target``).

    The exact grid posterior of the library model (``model.library.exact``), fitted on what
    was known before ``as_of``, summarised for the target's domain (moment matched):
    ``us_support`` (Congress's willing log-odds), ``gov_will`` (the partner's accepting
    log-odds at the library's typical opposition), ``duration_mu`` and ``duration_sigma``.

    Parameters
    ----------
    library, target : Library
        The case library and the case being forecast (its outcomes empty).
    as_of : date
        Only cases known, and outcomes resolved, before this date enter the fit.
    seed : int
        Seed of the posterior draws.
    folder : Path, optional
        Folder the file will live in (paths inside it are relative to it).
    """
    target_id = str(target.cases["id"].iloc[0])
    if target_id in set(library.cases["id"]):
        raise InputError(
            library.path,
            f"row {target_id}",
            "the case being forecast is among its own training cases",
            "remove it from the case library (or pass another --cases)",
        )
    train = known_at(library.cases, as_of)
    ev = exact.events(library.cases)
    rows = exact.training(ev, as_of)
    post = exact.fit_exact(rows)
    tgt = exact.events(target.cases.iloc[:1]).iloc[0]
    f = exact.forecast(post, tgt["domain"], months_between(as_of, tgt["window_end"]), seed=seed)
    sig = f["sigma"]
    m, var = float(sig.mean()), float(sig.var())
    params = {
        "us_support": _normal(f["logit_us"], f"log-odds Congress is willing ({tgt['domain']})"),
        "gov_will": _normal(
            f["logit_acc"], "log-odds the partner accepts, at the library's typical opposition"
        ),
        "duration_mu": _normal(f["mu"], "log-scale mean months to enactment"),
        "duration_sigma": {
            "dist": "Gamma",
            "params": {"alpha": m * m / var, "beta": m / var},
            "what": "log-scale sd of months to enactment",
        },
    }
    folder = folder or library.path.parent
    ev_rates = {
        "enacted_in_time": base_rate(ev, as_of, "enacted_in_time", "us_known"),
        "accepted": base_rate(ev, as_of, "accepted", "acc_known"),
    }
    ev_rates["both"] = ev_rates["enacted_in_time"] * ev_rates["accepted"]
    ev_rates["counts"] = {
        "enacted_in_time": base_counts(ev, as_of, "enacted_in_time", "us_known"),
        "accepted": base_counts(ev, as_of, "accepted", "acc_known"),
        "what": "episode-weighted [yes, cases] resolved before as_of; the rate is the mean of "
        "Beta(yes + 1, cases - yes + 1)",
    }
    history = run_backtest(library, until=as_of, seed=seed)
    weights = stack_weights(history, library, as_of)
    model_p = {"us": float(f["p_enacted"].mean()), "acc": float(f["p_accepted"].mean())}
    rate = {"us": ev_rates["enacted_in_time"], "acc": ev_rates["accepted"]}
    stacked = {h: weights[h] * model_p[h] + (1 - weights[h]) * rate[h] for h in weights}
    stack = {
        "weights": weights,
        "p_enacted_in_time": stacked["us"],
        "p_accepted": stacked["acc"],
        "both": stacked["us"] * stacked["acc"],
        "what": "prequential stack of the library model and the running base rate, weights "
        "from the backtest's cases resolved before as_of (the library's own forecast)",
    }
    return {
        "written_by": WRITTEN_BY,
        "model": "exact grid posterior (model.library.exact): cure mixture + domain intercepts",
        "as_of": as_of.isoformat(),
        "target": str(tgt["id"]),
        "cases_file": os.path.relpath(Path(library.path).resolve(), Path(folder).resolve()),
        "training_digest": training_digest(train),
        "n_training": len(train),
        "training_ids": train["id"].tolist(),
        "window_end": tgt["window_end"].isoformat(),
        "p_enacted_in_time": interval(f["p_enacted"]),
        "p_accepted": interval(f["p_accepted"]),
        "reference": typical_opposition(library, as_of),
        "base_rate": ev_rates,
        "stack": stack,
        "seed": seed,
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
        return {"with": None, "without": None, "change": None, "adjustments": [], "base_rate": None}
    bare = answer(fit, overrides={"params": drop}, name="pooled only")
    with_adj = interval(evaluate(fit.draws, fit.priors, fit.evidence)["p_deal"])
    without = bare.summary("p_deal")
    return {
        "with": with_adj,
        "without": without,
        "change": with_adj["mean"] - without["mean"],
        "method": bare.method,
        "adjustments": rows,
        "base_rate": base_rate_summary(fit),
    }
