"""Several experts: each one's answer, the linear opinion pool, and where they disagree.

The pool is a mixture of the experts' posteriors: expert ``i``'s draws carry weight
``w_i / n_i``, so pooled means are ``sum_i w_i mean_i`` and pooled intervals are quantiles of
the mixture (with each expert's importance weights when the expert's answer reweights
another posterior). Where the experts disagree is measured per parameter on the first
expert's posterior: each expert's prior for that one parameter is swapped in (recompute or
reweight, in memory), and the weighted variance of the resulting P(deal) means across experts
is that parameter's contribution to the spread in P(deal).

Experts come either as whole priors files, each fitted (``feasibility run --priors a --priors
b``), or as overlays on one baseline (the files in ``priors/experts``), answered in memory from
the baseline's posterior and refitted only when the evidence changes or the Pareto k is too
large (:func:`load_experts`; the report and the live panel use these).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from model.analysis.baseline import OUTCOMES
from model.analysis.intervals import interval
from model.analysis.outcomes import evaluate
from model.case.priors import Priors, load_priors, overlay_priors
from model.constants import EXPERT_DIR, PARETO_K_MAX
from model.errors import InputError
from model.inference.fit import Fit
from model.whatif.answers import WhatIf
from model.whatif.memory import from_priors, refit_answer

POOLED = (*OUTCOMES, "months_to_enactment")


@dataclass
class Expert:
    """One expert: a name, the pool weight and the posterior the expert's answer rests on.

    ``answer`` is set when the expert is an overlay answered from ``fit`` in memory (recompute
    or reweight); then the expert's priors, draws and weights are the answer's.
    """

    name: str
    weight: float
    fit: Fit
    answer: WhatIf | None = None
    file: str = ""

    @property
    def priors(self) -> Priors:
        """The expert's priors."""
        return self.answer.priors if self.answer is not None else self.fit.priors

    @property
    def draw_weights(self) -> np.ndarray | None:
        """Normalised importance weights of the expert's draws (None: equal)."""
        return None if self.answer is None else self.answer.weights

    @cached_property
    def outcomes(self) -> dict[str, np.ndarray]:
        """Per-draw outcome probabilities under the expert's priors."""
        if self.answer is not None:
            return self.answer.outcomes
        return evaluate(self.fit.draws, self.fit.priors, self.fit.evidence)

    def summary(self, key: str) -> dict:
        """Mean and credible interval of an outcome for this expert."""
        return interval(self.outcomes[key], weights=self.draw_weights)


def expert_files(folder: Path = EXPERT_DIR) -> list[Path]:
    """The expert overlays in ``folder``, sorted by name (none when it does not exist)."""
    return sorted(Path(folder).glob("*.toml"))


def load_experts(
    base: Fit, files: list[Path], *, weights: list[float] | None = None
) -> list[Expert]:
    """Each expert file as an overlay on ``base``'s priors, answered from its posterior.

    Recompute or reweight in memory; a refit (sampler diagnostics kept in the answer) when the
    file changes the evidence or the Pareto k exceeds ``PARETO_K_MAX``.

    Parameters
    ----------
    base : Fit
        The baseline posterior.
    files : list of Path
        Expert overlays (scenario format: ``question``, ``source``, the changed tables).
    weights : list of float, optional
        Pool weights; default each file's ``case.expert_weight`` (or 1).

    Raises
    ------
    InputError
        A bad expert file (named), or bad weights.
    """
    priors, w = expert_priors(base.priors, files, weights=weights)
    experts = []
    for path, p, weight in zip(files, priors, w, strict=True):
        case = from_priors(base, p, name=Path(path).stem, question=p.questions[-1])
        k_high = case.pareto_k is not None and case.pareto_k > PARETO_K_MAX
        if case.method == "refit" or k_high:
            case = refit_answer(base, case)
            experts.append(Expert(case.name, float(weight), case.refit, file=str(path)))
        else:
            experts.append(Expert(case.name, float(weight), base, answer=case, file=str(path)))
    return experts


def expert_priors(
    base: Priors, files: list[Path], *, weights: list[float] | None = None
) -> tuple[list[Priors], np.ndarray]:
    """Each expert file loaded on top of ``base``, and the pool weights (checks, no fitting).

    Raises
    ------
    InputError
        A bad expert file (named) or bad weights.
    """
    priors = [load_priors(base.path, layers=base.layers, scenarios=[Path(f)]) for f in files]
    return priors, pool_weights(priors, weights, where=[str(f) for f in files])


def expert_problems(experts: list[Expert]) -> list[str]:
    """Sampler problems of every expert that needed its own fit, as ``name: problem``."""
    return [
        f"expert {e.name}: {problem}"
        for e in experts
        if e.answer is None
        for problem in (e.fit.diagnostics or {}).get("problems", [])
    ]


def pool_weights(
    experts: list[Priors], weights: list[float] | None = None, *, where: list[str] | None = None
) -> np.ndarray:
    """Normalised pool weights: ``--weights`` when given, else each file's ``case.expert_weight``.

    ``where`` names each expert's file in errors (default the priors' own path).

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
        names = where or [p.path for p in experts]
        raw = [
            (n, "case.expert_weight", p.case.get("expert_weight", 1.0))
            for n, p in zip(names, experts, strict=True)
        ]
    for where, key, w in raw:
        ok = isinstance(w, int | float) and not isinstance(w, bool) and math.isfinite(w)
        if not ok or w <= 0:
            raise InputError(where, key, f"weight must be a positive number, got {w!r}", "fix it")
    values = np.array([float(w) for _, _, w in raw])
    return values / values.sum()


def pooled(experts: list[Expert]) -> dict[str, dict]:
    """Each outcome under the linear opinion pool: mean and 90% interval of the mixture."""
    result = {}
    for key in POOLED:
        values = np.concatenate([e.outcomes[key] for e in experts])
        weights = np.concatenate([e.weight * _normalised(e, key) for e in experts])
        result[key] = interval(values, weights=weights)
    return result


def _normalised(expert: Expert, key: str) -> np.ndarray:
    n = len(expert.outcomes[key])
    w = expert.draw_weights
    return np.full(n, 1.0 / n) if w is None else np.asarray(w) / np.sum(w)


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
    ref, ref_priors = experts[0].fit, experts[0].priors
    names = sorted({n for e in experts for n in e.priors.params})
    rows = []
    for name in names:
        specs = [e.priors.params.get(name) for e in experts]
        if all(
            s is not None and (s.dist, s.params) == (specs[0].dist, specs[0].params) for s in specs
        ):
            continue
        means, methods = {}, set()
        for e, spec in zip(experts, specs, strict=True):
            if spec is None or name not in ref_priors.params:
                continue
            table = {"dist": spec.dist, **spec.params, "source": spec.source}
            new = overlay_priors(ref_priors, {"params": {name: table}}, where=f"expert {e.name}")
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
    means = np.array([e.summary("p_deal")["mean"] for e in experts])
    w = np.array([e.weight for e in experts])
    return float(np.average((means - np.average(means, weights=w)) ** 2, weights=w))


def experts_payload(experts: list[Expert]) -> dict:
    """Everything the report, the panel and ``run`` show of several experts (strict JSON)."""
    return {
        "experts": [
            {
                "name": e.name,
                "file": e.file,
                "weight": e.weight,
                "question": e.priors.questions[-1] if e.answer is not None else "",
                "method": e.answer.method if e.answer is not None else "fit",
                "summary": {key: e.summary(key) for key in OUTCOMES},
            }
            for e in experts
        ],
        "pooled": pooled(experts),
        "spread": spread(experts),
        "disagreement": disagreement(experts),
        "problems": expert_problems(experts),
        "labels": experts[0].priors.vocabulary.outcome_labels(),
    }
