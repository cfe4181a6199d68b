"""What-if answers from the existing posterior: recompute, reweight, or refit when needed.

Three paths, cheapest first, and every answer says which it took:

``recompute``
    A design lever, or the prior of a judgment-only parameter (no likelihood touches it, so its
    posterior is its prior, independent of the data-informed blocks). That parameter is drawn
    afresh from its new prior beside the existing draws of everything else: exact, no weights.
``reweight``
    A prior the data also touch (the poll's opposition shares, the duration hyperparameters):
    Pareto-smoothed importance weights new prior / old prior on the existing draws, Pareto k
    shown.
``refit``
    The evidence changes, the Pareto k exceeds 0.7, or ``force_refit``: a new NUTS fit (cached).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.analysis.intervals import interval
from model.analysis.outcomes import evaluate
from model.case.distributions import logpdf, sample
from model.case.priors import Priors, load_priors
from model.constants import PARETO_K_MAX
from model.inference.fit import Fit, evidence_for, fit
from model.inference.pymc_model import data_params

REPORTED = ("p_deal", "p_enacted", "p_accepted", "months_to_enactment")


@dataclass
class WhatIf:
    """One what-if answer: its draws, weights, outcomes and how it was computed."""

    name: str
    question: str
    method: str
    priors: Priors
    draws: dict[str, np.ndarray]
    outcomes: dict[str, np.ndarray]
    weights: np.ndarray | None = None
    pareto_k: float | None = None
    redrawn: list[str] = field(default_factory=list)
    reweighted: list[str] = field(default_factory=list)
    reason: str = ""
    refit: Fit | None = None

    def summary(self, key: str) -> dict:
        """Mean and 90% interval of an outcome under this scenario's weights."""
        return interval(self.outcomes[key], weights=self.weights)


def check_overlays(base: Priors, *, scenarios=(), sets: list[str] | None = None) -> None:
    """Load each scenario (and the ``--set`` items) on top of ``base``; raise InputError early.

    Used before any fitting or writing, so bad what-if input costs nothing and leaves nothing.
    """
    for path in scenarios:
        load_priors(base.path, layers=base.layers, scenarios=[path])
    if sets:
        load_priors(base.path, layers=base.layers, sets=sets)


def _changed(base: Priors, new: Priors) -> set[str]:
    return {
        n
        for n in new.params
        if n not in base.params
        or (new.params[n].dist, new.params[n].params)
        != (base.params[n].dist, base.params[n].params)
    }


def _seed_for(name: str, seed: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def _psis(log_w: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, float]:
    import arviz_stats  # noqa: F401  (registers the .azstats accessor)
    import xarray as xr

    # psislw follows the LOO convention: it smooths the weights exp(-input).
    da = xr.DataArray(-log_w.reshape(shape), dims=("chain", "draw"))
    smoothed, k = da.azstats.psislw()
    lw = np.asarray(smoothed.values).reshape(-1)
    w = np.exp(lw - lw.max())
    return w / w.sum(), float(np.asarray(k))


def answer(
    base: Fit,
    *,
    scenario: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    sets: list[str] | None = None,
    name: str | None = None,
    force_refit: bool = False,
) -> WhatIf:
    """Answer one what-if question against a baseline fit.

    Parameters
    ----------
    base : Fit
        The baseline posterior.
    scenario : path, optional
        A scenario overlay file.
    overrides : dict, optional
        A nested overlay in Python (e.g. ``{"params": {"p_agree": {"lower": 0.3, ...}}}``).
    sets : list of str, optional
        ``KEY=VALUE`` overrides, as on the command line.
    name : str, optional
        Label of the row (default: the scenario's file stem or ``--set``).
    force_refit : bool
        Refit even when reweighting or recomputing would do.

    Returns
    -------
    WhatIf
    """
    new = load_priors(
        base.priors.path,
        layers=base.priors.layers,
        scenarios=[scenario] if scenario else None,
        overrides=overrides,
        sets=sets,
    )
    name = name or (Path(scenario).stem if scenario else "overrides")
    added = new.overlays[len(base.priors.overlays) :]
    question = new.questions[-1] if scenario else "what if " + ", ".join(added)
    changed = _changed(base.priors, new)
    new_evidence = evidence_for(new)
    reason = ""
    if new.changes_evidence or new_evidence.digest() != base.evidence.digest():
        reason = "the evidence changes"
    elif force_refit:
        reason = "refit forced"
    k = None
    if not reason:
        result = _from_posterior(base, new, changed, name=name, question=question)
        if result.method != "refit":
            return result
        reason, k = result.reason, result.pareto_k
    refitted = fit(new, evidence=new_evidence, settings=base.settings)
    return WhatIf(
        name,
        question,
        "refit",
        new,
        refitted.draws,
        evaluate(refitted.draws, new, refitted.evidence),
        pareto_k=k,
        reason=reason,
        refit=refitted,
    )


def _from_posterior(base: Fit, new: Priors, changed: set[str], *, name, question) -> WhatIf:
    touched = data_params(base.priors, base.evidence)
    redraw = sorted(changed - touched)
    reweight = sorted(changed & touched)
    draws = dict(base.draws)
    size = len(draws["p_agree"])
    for param in redraw:
        p = new.params[param]
        draws[param] = np.asarray(
            sample(p.dist, p.params, rng=_seed_for(param, base.settings.seed), size=size)
        )
    weights, k = None, None
    if reweight:
        log_w = np.zeros(size)
        for param in reweight:
            old, nw = base.priors.params[param], new.params[param]
            log_w += logpdf(nw.dist, nw.params, draws[param]) - logpdf(
                old.dist, old.params, draws[param]
            )
        if not np.all(np.isfinite(log_w)):
            return WhatIf(
                name, question, "refit", new, draws, {}, reason="new prior excludes draws"
            )
        weights, k = _psis(log_w, (base.settings.chains, base.settings.draws))
        if k > PARETO_K_MAX:
            return WhatIf(
                name,
                question,
                "refit",
                new,
                draws,
                {},
                pareto_k=k,
                reason=f"Pareto k {k:.2f} > {PARETO_K_MAX}",
            )
    method = "reweight" if reweight else "recompute"
    outcomes = evaluate(draws, new, base.evidence)
    return WhatIf(
        name,
        question,
        method,
        new,
        draws,
        outcomes,
        weights,
        k,
        redraw,
        reweight,
        reason="prior of data-informed parameters" if reweight else "no new posterior needed",
    )


def _delta(base: np.ndarray, case: WhatIf, *, seed: int) -> dict:
    """Change from baseline: paired per draw where the draws are shared and unweighted."""
    new = case.outcomes["p_deal"]
    if case.method in ("recompute", "baseline"):
        return interval(new - base) | {"paired": True}
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(new), size=len(base), p=case.weights)
    diff = new[idx] - base[rng.permutation(len(base))]
    mean = float(np.average(new, weights=case.weights) - base.mean())
    return interval(diff) | {"mean": mean, "paired": False}


def row(case: WhatIf, base_outcomes: dict, *, seed: int) -> dict:
    """One comparison row: outcomes with 90% intervals, the change, and the method."""
    out = {
        "scenario": case.name,
        "question": case.question,
        "method": case.method,
        "pareto_k": case.pareto_k,
        "redrawn": ", ".join(case.redrawn),
        "reweighted": ", ".join(case.reweighted),
        "reason": case.reason,
    }
    for key in REPORTED:
        for part, value in case.summary(key).items():
            out[f"{key}_{part}"] = value
    delta = _delta(base_outcomes["p_deal"], case, seed=seed)
    out |= {f"delta_p_deal_{k}": delta[k] for k in ("mean", "lo", "hi")}
    out["delta_paired"] = delta["paired"]
    return out


def compare(
    base: Fit,
    *,
    scenarios: list[str | Path] = (),
    sets: list[str] | None = None,
    overrides: dict[str, Any] | None = None,
    force_refit: bool = False,
    progress: Callable[[int, int, WhatIf, float], None] | None = None,
) -> pd.DataFrame:
    """The comparison table: the baseline row, then one row per scenario (and overrides).

    ``progress(i, n, answer, seconds)`` is called after each scenario file is answered.

    Returns
    -------
    pandas.DataFrame
        Columns ``scenario, question, method, pareto_k``, each outcome's ``_mean/_lo/_hi``,
        and ``delta_p_deal_mean/lo/hi`` (change from the baseline, with its own interval).
    """
    base_out = evaluate(base.draws, base.priors, base.evidence)
    baseline = WhatIf(
        "baseline",
        base.priors.case.get("description", "baseline"),
        "baseline",
        base.priors,
        base.draws,
        base_out,
    )
    rows = [row(baseline, base_out, seed=base.settings.seed)]
    for i, path in enumerate(scenarios, start=1):
        start = time.perf_counter()
        case = answer(base, scenario=path, force_refit=force_refit)
        rows.append(row(case, base_out, seed=base.settings.seed))
        if progress:
            progress(i, len(scenarios), case, time.perf_counter() - start)
    if sets or overrides:
        case = answer(base, sets=sets, overrides=overrides, name="--set", force_refit=force_refit)
        rows.append(row(case, base_out, seed=base.settings.seed))
    return pd.DataFrame(rows)
