"""Several experts: each one's answer, the linear opinion pool, and where they disagree.

The pool is a mixture of the experts' posteriors: expert ``i``'s draws carry weight
``w_i / n_i``, so pooled means are ``sum_i w_i mean_i`` and pooled intervals are quantiles of
the mixture. Where the experts disagree is measured per parameter on the first expert's
posterior: each expert's prior for that one parameter is swapped in (recompute or reweight,
in memory), and the weighted variance of the resulting P(deal) means across experts is that
parameter's contribution to the spread in P(deal).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from model.analysis.baseline import OUTCOMES
from model.analysis.inmemory import from_priors
from model.analysis.intervals import interval
from model.analysis.outcomes import evaluate
from model.case.priors import Priors, overlay_priors
from model.errors import InputError
from model.inference.fit import Fit

POOLED = (*OUTCOMES, "months_to_enactment")


@dataclass
class Expert:
    """One expert: a name (the priors file's stem), the weight and the fit."""

    name: str
    weight: float
    fit: Fit


def pool_weights(experts: list[Priors], weights: list[float] | None = None) -> np.ndarray:
    """Normalised pool weights: ``--weights`` when given, else each file's ``case.expert_weight``.

    Raises
    ------
    InputError
        A count that does not match the experts, or a weight that is not a positive number.
    """
    if weights is not None:
        if len(weights) != len(experts):
            raise InputError(
                "--weights",
                ",".join(map(str, weights)),
                f"{len(weights)} weights for {len(experts)} experts",
                "give one weight per --priors file, e.g. --weights 0.6,0.4",
            )
        raw = [(f"--weights[{i}]", "--weights", w) for i, w in enumerate(weights, start=1)]
    else:
        raw = [(p.path, "case.expert_weight", p.case.get("expert_weight", 1.0)) for p in experts]
    for where, key, w in raw:
        ok = isinstance(w, int | float) and not isinstance(w, bool) and math.isfinite(w)
        if not ok or w <= 0:
            raise InputError(where, key, f"weight must be a positive number, got {w!r}", "fix it")
    values = np.array([float(w) for _, _, w in raw])
    return values / values.sum()


def pooled(experts: list[Expert]) -> dict[str, dict]:
    """Each outcome under the linear opinion pool: mean and 90% interval of the mixture."""
    outs = [evaluate(e.fit.draws, e.fit.priors, e.fit.evidence) for e in experts]
    result = {}
    for key in POOLED:
        values = np.concatenate([o[key] for o in outs])
        weights = np.concatenate(
            [
                np.full(len(o[key]), e.weight / len(o[key]))
                for e, o in zip(experts, outs, strict=True)
            ]
        )
        result[key] = interval(values, weights=weights)
    return result


def disagreement(experts: list[Expert]) -> list[dict]:
    """Per parameter: how much swapping in each expert's prior spreads P(deal).

    Returns
    -------
    list of dict
        ``param``, ``variance`` (weighted variance of P(deal) means across experts when only
        this parameter's prior differs), ``share`` (of the sum over parameters), ``means``
        (expert name -> P(deal) mean) and ``method``; largest first. Parameters on which all
        experts agree are left out.
    """
    ref = experts[0].fit
    names = sorted({n for e in experts for n in e.fit.priors.params})
    rows = []
    for name in names:
        specs = [e.fit.priors.params.get(name) for e in experts]
        if all(
            s is not None and (s.dist, s.params) == (specs[0].dist, specs[0].params) for s in specs
        ):
            continue
        means, methods = {}, set()
        for e, spec in zip(experts, specs, strict=True):
            if spec is None or name not in ref.priors.params:
                continue
            table = {"dist": spec.dist, **spec.params, "source": spec.source}
            new = overlay_priors(ref.priors, {"params": {name: table}}, where=f"expert {e.name}")
            case = from_priors(ref, new, name=f"{e.name}:{name}")
            methods.add(case.method)
            if case.outcomes:
                means[e.name] = case.summary("p_deal")["mean"]
        w = np.array([e.weight for e in experts if e.name in means])
        m = np.array(list(means.values()))
        variance = (
            float(np.average((m - np.average(m, weights=w)) ** 2, weights=w))
            if len(m) > 1
            else float("nan")
        )
        rows.append(
            {
                "param": name,
                "variance": variance,
                "means": means,
                "method": "/".join(sorted(methods)),
            }
        )
    total = sum(r["variance"] for r in rows if math.isfinite(r["variance"]))
    for r in rows:
        r["share"] = (
            r["variance"] / total if total > 0 and math.isfinite(r["variance"]) else float("nan")
        )
    return sorted(rows, key=lambda r: -r["variance"] if math.isfinite(r["variance"]) else 0.0)


def spread(experts: list[Expert]) -> float:
    """Weighted variance of the experts' own P(deal) means (the spread the parameters explain)."""
    means = np.array(
        [evaluate(e.fit.draws, e.fit.priors, e.fit.evidence)["p_deal"].mean() for e in experts]
    )
    w = np.array([e.weight for e in experts])
    return float(np.average((means - np.average(means, weights=w)) ** 2, weights=w))
