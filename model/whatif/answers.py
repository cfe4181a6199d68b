"""What-if answers from the existing posterior: recompute, reweight, or refit when needed.

Three paths, cheapest first, and every answer says which it took:

``recompute``
    A design lever, or the prior of a judgment-only parameter (no likelihood touches it, so its
    posterior is its prior, independent of the data-informed blocks). That parameter is moved to
    its new prior draw by draw, by inverse CDF: x_new = F_new^-1(F_old(x_old)). Exact, no
    weights, and the change from the baseline is paired per draw.
``reweight``
    A prior the data also touch (the poll's opposition shares, the duration hyperparameters):
    Pareto-smoothed importance weights new prior / old prior on the existing draws, Pareto k
    and the weighted effective sample size shown. Approximate: good while k is small.
``refit``
    The evidence changes, the Pareto k exceeds `k_threshold`, or ``force_refit``: a new NUTS
    fit (cached), with its own sampler diagnostics.

The change from the baseline, on every row: the difference of the two means and its Monte
Carlo standard error (``delta_p_deal_mean``, ``delta_p_deal_mcse``; ``_lo``/``_hi`` the mean
+/- 1.645 MCSE). Only a design change on the same posterior draws has a natural pairing, and
only its rows add the per-draw interval of the change (``delta_p_deal_draws_lo``/``_hi``): a
moved prior's draws are paired by a chosen coupling, and a refit's not at all, so a per-draw
interval there would describe the coupling, not the change.
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

from model.analysis.importance import psis_row
from model.analysis.intervals import interval, intervals, mcse_mean, z_score
from model.analysis.outcomes import evaluate
from model.case.distributions import logpdf, ppf, sample, unfrozen
from model.case.priors import Priors, load_priors
from model.constants import CI_MASS, PARETO_K_MAX
from model.inference.fit import Fit, evidence_for, fit
from model.inference.pymc_model import data_params

REPORTED = ("p_deal", "p_enacted", "p_accepted", "months_to_enactment")
PAIRED = (
    f"a design on the same posterior draws: in {CI_MASS:.0%} of posterior draws it moves the "
    "outcome by draws_lo to draws_hi"
)
IN_MEAN = f"change in the mean, {CI_MASS:.0%} Monte Carlo interval (mean +/- {z_score():.3f} MCSE)"
"""What the change's intervals are: ``lo``/``hi`` (every row) and ``draws_lo``/``draws_hi``."""
DIAGNOSTICS = ("r_hat_max", "ess_bulk_min", "ess_tail_min", "divergences", "e_bfmi_min")


def k_threshold(n_draws: int) -> float:
    """The largest Pareto k trusted for ``n_draws`` draws: min(0.7, 1 - 1 / log10(S)).

    Vehtari et al. (2024), "Pareto smoothed importance sampling": with S draws, k above
    1 - 1/log10(S) makes the estimate unreliable however many draws there are beyond it.
    """
    return min(PARETO_K_MAX, 1 - 1 / np.log10(n_draws))


@dataclass(frozen=True)
class RefitNeeded:
    """The existing posterior cannot answer: why, and the Pareto k when that was the reason."""

    reason: str
    pareto_k: float | None = None


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
    chains: int = 1
    diagnostics: dict | None = None

    def summary(self, key: str) -> dict:
        """Mean and 90% interval of an outcome under this scenario's weights."""
        return interval(self.outcomes[key], weights=self.weights)

    @property
    def ess(self) -> float | None:
        """Effective sample size of the importance weights, 1 / sum(w^2); None unweighted."""
        return None if self.weights is None else float(1 / np.sum(self.weights**2))

    def mcse(self, key: str) -> float:
        """Monte Carlo standard error of the (weighted) mean of an outcome."""
        return mcse_mean(self.influence(key), chains=self.chains)

    def influence(self, key: str) -> np.ndarray:
        """Per-draw terms whose plain mean has the Monte Carlo error of the weighted mean.

        For self-normalised weights w, the linearised error of sum(w f) is the mean of
        S w (f - mean_w f); unweighted, it is f itself.
        """
        f = self.outcomes[key]
        if self.weights is None:
            return f
        return len(f) * self.weights * (f - np.sum(self.weights * f))


def check_overlays(base: Priors, *, scenarios=(), sets: list[str] | None = None) -> None:
    """Load each scenario (and the ``--set`` items) on top of ``base``; raise InputError early.

    Used before any fitting or writing, so bad what-if input costs nothing and leaves nothing.
    """
    for path in scenarios:
        load_priors(base.path, layers=base.layers, scenarios=[path])
    if sets:
        load_priors(base.path, layers=base.layers, sets=sets)


def changed_params(base: Priors, new: Priors) -> set[str]:
    """The parameters whose prior ``new`` adds or changes (family or parameters) from ``base``."""
    return {
        n
        for n in new.params
        if n not in base.params
        or (new.params[n].dist, new.params[n].params)
        != (base.params[n].dist, base.params[n].params)
    }


def couple(old, new, x: np.ndarray) -> np.ndarray:
    """Move draws ``x`` of prior ``old`` to prior ``new`` by inverse CDF, draw by draw.

    x_new = F_new^-1(F_old(x)): when ``x`` follows ``old``, the result follows ``new`` exactly,
    and each new draw stays paired with the rest of its posterior draw.
    """
    if old.dist == new.dist and old.dist in ("Normal", "LogNormal", "HalfNormal"):
        return _same_scale_family(old, new, x)
    old_rv, old_args = unfrozen(old.dist, old.params)
    u = old_rv.cdf(x, *old_args)
    tiny = np.finfo(float).eps
    return ppf(new.dist, new.params, np.clip(u, tiny, 1 - tiny))


def _same_scale_family(old, new, x: np.ndarray) -> np.ndarray:
    """The inverse-CDF map within a location-scale family, in closed form (exact, no tails)."""
    a, b = old.params, new.params
    if old.dist == "Normal":
        return b["mu"] + b["sigma"] * (x - a["mu"]) / a["sigma"]
    if old.dist == "LogNormal":
        return np.exp(b["mu"] + b["sigma"] * (np.log(x) - a["mu"]) / a["sigma"])
    return x * (b["sigma"] / a["sigma"])


def fresh(prior, *, size: int, seed: int) -> np.ndarray:
    """``size`` draws of a prior a scenario adds, from a generator seeded by the seed and name."""
    rng = np.random.default_rng([seed, zlib.crc32(prior.name.encode())])
    return np.asarray(sample(prior.dist, prior.params, rng=rng, size=size))


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
        A refit carries the new fit and its sampler diagnostics.
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
    new_evidence = evidence_for(new)
    if new.changes_evidence or new_evidence.digest() != base.evidence.digest():
        needed = RefitNeeded("the evidence changes")
    elif force_refit:
        needed = RefitNeeded("refit forced")
    else:
        needed = from_posterior(base, new, changed_params(base.priors, new), name, question)
        if isinstance(needed, WhatIf):
            return needed
    refitted = fit(new, evidence=new_evidence, settings=base.settings)
    return WhatIf(
        name,
        question,
        "refit",
        new,
        refitted.draws,
        evaluate(refitted.draws, new, refitted.evidence),
        pareto_k=needed.pareto_k,
        reason=needed.reason,
        refit=refitted,
        chains=refitted.settings.chains,
        diagnostics=refitted.diagnostics,
    )


def from_posterior(
    base: Fit, new: Priors, changed: set[str], name: str, question: str
) -> WhatIf | RefitNeeded:
    """Answer from the baseline's draws, or say why a refit is needed.

    A changed prior the data do not touch is redrawn by inverse CDF (coupled draw by draw); one
    they touch is reweighted by PSIS, trusted while its Pareto k stays under `k_threshold`.

    Parameters
    ----------
    base : Fit
        The baseline posterior.
    new : Priors
        The what-if's priors.
    changed : set of str
        The parameters it changes (`changed_params`).
    name, question : str
        The what-if's name and its question, for the answer's labels.

    Returns
    -------
    WhatIf or RefitNeeded
    """
    touched = data_params(base.priors, base.evidence)
    redraw = sorted(changed - touched)
    reweight = sorted(changed & touched)
    draws = dict(base.draws)
    for param in redraw:
        if param in base.priors.params:
            draws[param] = couple(base.priors.params[param], new.params[param], draws[param])
        else:  # a parameter the scenario adds: drawn afresh, seeded by its name
            size, seed = len(base.draws["p_agree"]), base.settings.seed
            draws[param] = fresh(new.params[param], size=size, seed=seed)
    weights, k = None, None
    if reweight:
        log_w = np.zeros(len(draws["p_agree"]))
        for param in reweight:
            old, nw = base.priors.params[param], new.params[param]
            log_w += logpdf(nw.dist, nw.params, draws[param]) - logpdf(
                old.dist, old.params, draws[param]
            )
        if not np.all(np.isfinite(log_w)):
            return RefitNeeded("new prior excludes draws")
        weights, k = psis_row(log_w, base.settings.chains)
        k_max = k_threshold(log_w.size)
        if not k <= k_max:  # NaN too: a tail that could not be smoothed is not trusted
            return RefitNeeded(f"Pareto k {k:.2f} > {k_max:.2f}", pareto_k=k)
    return WhatIf(
        name,
        question,
        "reweight" if reweight else "recompute",
        new,
        draws,
        evaluate(draws, new, base.evidence),
        weights,
        k,
        redraw,
        reweight,
        reason="prior of data-informed parameters" if reweight else "no new posterior needed",
        chains=base.settings.chains,
    )


def is_design_only(case: WhatIf) -> bool:
    """True when only the design changed: the same posterior draws, no prior moved, no weights.

    Only then is there a natural pairing of the two answers draw by draw (the same parameter
    values under two designs), so only then does a per-draw interval of the change mean
    something; a moved prior's draws are coupled by a choice (inverse CDF), not by nature.
    """
    return (
        case.refit is None
        and case.weights is None
        and not case.redrawn
        and not case.reweighted
        and case.method == "recompute"
    )


def change(base: WhatIf, case: WhatIf, key: str = "p_deal") -> dict:
    """The change of an outcome from the baseline: a difference of means and its Monte Carlo error.

    Returns
    -------
    dict
        ``mean`` (the change in the mean), ``mcse`` (its Monte Carlo standard error), ``lo``
        and ``hi`` (the mean +/- `z_score` MCSE, a Monte Carlo interval: one meaning on every
        row), ``paired`` (True for a design change on the same draws) and, only then,
        ``draws_lo`` and ``draws_hi``: the change's central interval over the posterior draws
        ("in 90% of posterior draws this design moves P(deal) by draws_lo to draws_hi").
    """
    old, new = base.outcomes[key], case.outcomes[key]
    mean = float(np.average(new, weights=case.weights) - old.mean())
    extra = {}
    if case.refit is None and case.weights is None:  # the same draws: the difference per draw
        diff = new - old
        se = mcse_mean(diff, chains=base.chains)
        if is_design_only(case) and case.priors.design != base.priors.design:
            spread = interval(diff)
            extra = {"draws_lo": spread["lo"], "draws_hi": spread["hi"]}
    elif case.refit is None:  # same draws, reweighted: linearise the difference of the two means
        se = mcse_mean(case.influence(key) - (old - old.mean()), chains=base.chains)
    else:  # independent chains: the two errors add in quadrature
        se = float(np.hypot(case.mcse(key), base.mcse(key)))
    half = z_score() * se
    return {
        "mean": mean,
        "lo": mean - half,
        "hi": mean + half,
        "mcse": se,
        "paired": bool(extra),
        "interval": IN_MEAN,
    } | extra


def row(case: WhatIf, base: WhatIf) -> dict:
    """One comparison row: outcomes with 90% intervals, the change, the method, diagnostics."""
    out = {
        "scenario": case.name,
        "question": case.question,
        "method": case.method,
        "pareto_k": case.pareto_k,
        "k_max": k_threshold(len(case.outcomes["p_deal"])) if case.weights is not None else None,
        "ess_weighted": case.ess,
        "redrawn": ", ".join(case.redrawn),
        "reweighted": ", ".join(case.reweighted),
        "reason": case.reason,
    }
    summaries = intervals({k: case.outcomes[k] for k in REPORTED}, weights=case.weights)
    for key in REPORTED:
        for part, value in summaries[key].items():
            out[f"{key}_{part}"] = value
    out["p_deal_mcse"] = case.mcse("p_deal")
    delta = change(base, case)
    out |= {f"delta_p_deal_{k}": delta[k] for k in ("mean", "lo", "hi", "mcse")}
    out["delta_p_deal_draws_lo"] = delta.get("draws_lo", np.nan)
    out["delta_p_deal_draws_hi"] = delta.get("draws_hi", np.nan)
    out["delta_paired"] = delta["paired"]
    out["delta_interval"] = delta["interval"]
    diag = case.diagnostics or {}
    out |= {k: diag.get(k) for k in DIAGNOSTICS}
    out["diagnostics_ok"] = diag.get("ok")
    out["diagnostics_problems"] = "; ".join(diag.get("problems", []))
    return out


def baseline_case(base: Fit) -> WhatIf:
    """The baseline posterior as a `WhatIf`: the row every change is measured against."""
    return WhatIf(
        "baseline",
        base.priors.case.get("description", "baseline"),
        "baseline",
        base.priors,
        base.draws,
        evaluate(base.draws, base.priors, base.evidence),
        chains=base.settings.chains,
        diagnostics=base.diagnostics,
    )


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
        Columns ``scenario, question, method, pareto_k, k_max, ess_weighted``, each outcome's
        ``_mean/_lo/_hi``, ``p_deal_mcse``, ``delta_p_deal_mean/lo/hi/mcse`` with
        ``delta_interval`` saying what the interval is, and the sampler diagnostics of the
        baseline and of refits (``r_hat_max``, ``ess_bulk_min``, ``ess_tail_min``,
        ``divergences``, ``e_bfmi_min``, ``diagnostics_ok``, ``diagnostics_problems``).
    """
    baseline = baseline_case(base)
    rows = [row(baseline, baseline)]
    for i, path in enumerate(scenarios, start=1):
        start = time.perf_counter()
        case = answer(base, scenario=path, force_refit=force_refit)
        rows.append(row(case, baseline))
        if progress:
            progress(i, len(scenarios), case, time.perf_counter() - start)
    if sets or overrides:
        case = answer(base, sets=sets, overrides=overrides, name="--set", force_refit=force_refit)
        rows.append(row(case, baseline))
    return pd.DataFrame(rows)
