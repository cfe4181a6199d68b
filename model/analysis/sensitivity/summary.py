"""Sensitivity and value of information for P(deal): ``feasibility sensitivity [--json]``.

Everything reuses the baseline posterior draws (no refit): prior power-scaling (``psense``),
a set-and-recompute tornado and flip points (``tornado``), first-order variance indices
(``variance_indices``), and EVPI / EVPPI of the package-design decision over the full lever
grid (`model.voi`), each translated into plain sentences.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.analysis.decision import DesignMatrix, deal_matrix
from model.analysis.outcomes import evaluate
from model.analysis.sensitivity.psense import EXPLAINER, OUTCOME_LABELS, psense_report
from model.analysis.sensitivity.tornado import flip_point, tornado
from model.analysis.sensitivity.variance_indices import first_order_table
from model.analysis.sensitivity.voi import evpi, evppi_table
from model.case.levers import decision_form, describe, label
from model.case.schema import BEST_ALTERNATIVE
from model.inference.fit import Fit

__all__ = ["SensitivityResult", "sensitivity"]

METHOD = {
    "psense": EXPLAINER,
    "tornado": "Set-and-recompute: each input is set to its 10th (low) and 90th (high) "
    "posterior percentile in every draw, the others stay as drawn, and P(deal) of the baseline "
    "design is averaged over draws (posterior correlation between inputs is ignored).",
    "first_order": "Share of the variance of P(deal) across draws that knowing the input alone "
    "would remove, Var(E[P(deal) | input]) / Var(P(deal)), from binned draws (bias-corrected); "
    "what their sum leaves of 1 comes from inputs acting together.",
    "voi": "Decision: the executives pick the package design (a level of each lever they "
    "own; Congress's levers are averaged over its stated choice probabilities) with the "
    "highest expected P(deal). EVPI: the gain from learning everything before choosing; EVPPI: "
    "from learning one input (binned, cross-fitted, minus a permutation null). Probability "
    "points of P(deal).",
    "flip_points": "The three inputs with the largest tornado swing are scanned over their "
    "1st-99th posterior percentiles (set-and-recompute) for where P(deal) of the design on the "
    "table crosses the decision's threshold (the best alternative design's P(deal) at the same "
    "value, or the priors file's decision.flip_threshold) or the best design (of those leading "
    "at the median or either end) changes, nearest the median.",
}


def _percentile(x: np.ndarray, value: float) -> str:
    """Where ``value`` sits among the draws ``x``, as an ordinal: ``34th``."""
    n = round(100 * float(np.mean(x <= value)))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _diff(new: dict, old: dict) -> str:
    """Levers where two pure designs differ, e.g. ``size usd250m -> usd500m``."""
    parts = [f"{k} {old[k]} -> {new[k]}" for k in new if new[k] != old[k]]
    return "; ".join(parts) or "no lever"


def _short_list(fit, draws, designs, means, name, x, *, k=6, n_sub=1000) -> list[dict]:
    """Designs that lead at baseline, at the input's median or at either end of its range."""
    keep = {label(d): d for d in (designs[j] for j in np.argsort(-means)[:k])}
    keep |= {label(d): d for d in decision_form(fit.priors.design, fit.priors.levers)}
    sub = {n: v[:: max(1, v.size // n_sub)] for n, v in draws.items()}
    for q in (0.01, 0.5, 0.99):
        setv = dict(sub, **{name: np.full(sub[name].shape, np.quantile(x, q))})
        m = [evaluate(setv, fit.priors, fit.evidence, design=d)["p_deal"].mean() for d in designs]
        keep |= {label(designs[j]): designs[j] for j in np.argsort(m)[::-1][:k]}
    return list(keep.values())


def _flip(fit, draws, designs, means, name: str) -> dict:
    """Flip point of one input in words and numbers."""
    x = np.asarray(draws[name], float)
    short, seen = _short_list(fit, draws, designs, means, name, x), {}

    def p_deal(d, design=None):
        return evaluate(d, fit.priors, fit.evidence, design=design)["p_deal"]

    def decision(d):
        u = np.column_stack([p_deal(d, s) for s in short])
        seen[float(d[name][0])] = u.mean(axis=0)  # mean P(deal) per design at this value
        return u

    threshold = fit.priors.decision.get("flip_threshold", BEST_ALTERNATIVE)
    fixed = threshold != BEST_ALTERNATIVE
    res = flip_point(
        draws,
        p_deal,
        input=name,
        threshold=threshold if fixed else 0.5,
        decision=decision,
        n_grid=25,
    )
    values, means_at, best = np.asarray(res["values"]), np.asarray(res["means"]), res["best"]
    median, ref = float(np.median(x)), res["best_at_median"]
    on_table = {label(d) for d in decision_form(fit.priors.design, fit.priors.levers)}
    others = [j for j, d in enumerate(short) if label(d) not in on_table]
    bar = (
        np.full(values.size, float(threshold))
        if fixed
        else np.array([seen[float(v)][others].max() if others else np.nan for v in values])
    )
    gap = means_at - bar
    crossings = [
        float(values[i] - gap[i] * (values[i + 1] - values[i]) / (gap[i + 1] - gap[i]))
        for i in range(values.size - 1)
        if gap[i] * gap[i + 1] < 0 or gap[i] == 0
    ]
    changed = [(float(v), b) for v, b in zip(values, best, strict=True) if b != ref]
    above = next(((v, b) for v, b in changed if v > median), None)
    below = next(((v, b) for v, b in reversed(changed) if v < median), None)
    events = [(abs(c - median), c, None) for c in crossings]
    events += [(abs(v - median), v, b) for v, b in filter(None, (above, below))]
    _, value, new = min(events, key=lambda e: e[0]) if events else (None, None, None)
    crossing = (
        f"P(deal) crosses {float(threshold):.0%}"
        if fixed
        else ("P(deal) crosses the best alternative's")
    )
    kind = crossing if new is None else "best design changes"
    kind = None if value is None else kind
    plain, lo, hi = fit.priors.label(name), float(values[0]), float(values[-1])
    out = {
        "input": name,
        "label": plain,
        "median": median,
        "range": [lo, hi],
        "p_deal_range": [float(means_at.min()), float(means_at.max())],
        "threshold": float(threshold) if fixed else BEST_ALTERNATIVE,
        "threshold_p_deal": [float(bar.min()), float(bar.max())],
        "crosses_threshold_at": crossings,
        "best_at_median": label(short[ref]),
        "best_changes_above": above and {"value": above[0], "design": label(short[above[1]])},
        "best_changes_below": below and {"value": below[0], "design": label(short[below[1]])},
        "flips_at": value,
        "flip": kind,
        "designs_compared": len(short),
    }
    head = f"{plain[:1].upper()}{plain[1:]} (median {median:.3g})"
    span = f"over its 1st-99th percentile range [{lo:.3g}, {hi:.3g}]"
    pd_range = f"P(deal) ranges from {means_at.min():.1%} to {means_at.max():.1%}"
    if value is None:
        out["sentence"] = f"{head}: does not flip {span}; {pd_range} and the best design stays."
        return out
    side, end = ("rises above", hi) if value > median else ("falls below", lo)
    what = kind
    if new is not None:
        gain = 100 * (seen[end].max() - seen[end][ref])
        where = "upper" if end == hi else "lower"
        what = f"the best design changes ({_diff(short[new], short[ref])}; "
        what += f"worth {gain:.2f} points at the {where} end)"
    out["sentence"] = (
        f"{head}: {what} if it {side} {value:.3g} (its {_percentile(x, value)} percentile); "
        f"{span} {pd_range}."
    )
    return out


@dataclass(frozen=True)
class SensitivityResult:
    """Every sensitivity measure of P(deal), with its sentences grouped by section.

    Attributes
    ----------
    psense : list of dict
        Power-scaling rows (outcomes and parameters).
    tornado : list of dict
        One-way rows sorted by swing: ``input``, ``label``, ``low``, ``high``, ``swing``, ...
    first_order : dict
        Input -> first-order variance index.
    evpi : float
        Expected value of perfect information, probability points.
    evppi : dict
        Input -> EVPPI, probability points.
    flip_points : list of dict
        Flip-point rows, each with its ``sentence``.
    method : dict
        How each measure was computed, in words.
    top : dict
        Measure -> the five inputs that rank highest on it.
    labels : dict
        Input -> its plain label.
    resolved_by : dict
        Input -> the evidence that would resolve it (``[vocabulary.resolved_by]``).
    sentences : dict
        ``measures`` (tornado, indices, VOI), ``power_scaling`` and ``flip_points``: lists of
        plain sentences, by the report section they belong to.
    provenance : dict
        The fit's provenance plus the seed, sizes and seconds of this analysis.
    """

    psense: list
    tornado: list
    first_order: dict
    evpi: float
    evppi: dict
    flip_points: list
    method: dict
    top: dict
    labels: dict
    resolved_by: dict
    sentences: dict
    provenance: dict

    def __getitem__(self, key: str):
        """Field access by name, as the views read it (``result["tornado"]``)."""
        if key not in self.__dataclass_fields__:
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default=None):
        """Field access by name with a default."""
        return getattr(self, key) if key in self.__dataclass_fields__ else default

    def all_sentences(self) -> list[str]:
        """Every sentence, section by section."""
        return [s for section in self.sentences.values() for s in section]


def sensitivity(
    fit: Fit,
    *,
    rng_seed: int | None = None,
    psense: bool = True,
    inputs: list[str] | None = None,
    extra_draws: dict[str, np.ndarray] | None = None,
    matrix: DesignMatrix | None = None,
) -> SensitivityResult:
    """Sensitivity and value-of-information analysis of P(deal).

    Parameters
    ----------
    fit : Fit
        The baseline posterior (reused; nothing is refitted).
    rng_seed : int, optional
        Seed for the bootstrap and the EVPPI permutations; default the fit's sampler seed.
    psense : bool, default True
        Run the prior power-scaling diagnosis (the only step that needs PyMC).
    inputs : list of str, optional
        Inputs for tornado, first-order indices and EVPPI; default every model parameter plus
        the keys of ``extra_draws``.
    extra_draws : dict of str to ndarray, optional
        Extra per-draw arrays (shape (S,)) treated as inputs, e.g. a dummy the model does not
        use (its tornado swing is exactly 0).
    matrix : DesignMatrix, optional
        A `DesignMatrix` (``deal_matrix``) already computed for this fit.

    Returns
    -------
    SensitivityResult
    """
    start = time.perf_counter()
    seed = fit.settings.seed if rng_seed is None else rng_seed
    draws = dict(fit.draws) | {k: np.asarray(v) for k, v in (extra_draws or {}).items()}
    names = list(fit.priors.params) + list(extra_draws or {}) if inputs is None else list(inputs)
    base = evaluate(draws, fit.priors, fit.evidence)
    tor = tornado(draws, lambda d: evaluate(d, fit.priors, fit.evidence)["p_deal"], inputs=names)
    tor["label"] = [fit.priors.label(n) for n in tor["input"]]
    fo = first_order_table({n: draws[n] for n in names}, base["p_deal"], rng=seed)
    mats = matrix or deal_matrix(fit)
    designs = mats.designs
    means = mats["p_deal"].mean(axis=0)
    ev = evppi_table({n: draws[n] for n in names}, mats["p_deal"], rng=seed)
    ev["evppi"] *= 100
    flips = [
        _flip(fit, draws, designs, means, n)
        for n in [n for n in tor["input"] if n in fit.draws][:3]
    ]
    ps_rows, ps_sentences = [], []
    if psense:
        ps_rows, ps_sentences = psense_report(fit, outcomes={k: base[k] for k in OUTCOME_LABELS})
    info = {
        "rng_seed": seed,
        "n_draws": int(base["p_deal"].size),
        "n_designs": len(designs),
        "p_deal_baseline": float(base["p_deal"].mean()),
        "design_label": fit.priors.design_label,
        "best": designs[int(means.argmax())],
        "best_design": label(designs[int(means.argmax())]),
        "p_deal_best_design": float(means.max()),
        "first_order_se_max": float(fo["se"].max()),
    }
    payload = {
        "psense": ps_rows,
        "tornado": [
            {k: v if isinstance(v, str) else float(v) for k, v in row.items()}
            for row in tor.to_dict(orient="records")
        ],
        "first_order": dict(zip(fo["input"], fo["index"].astype(float), strict=True)),
        "evpi": 100 * evpi(mats["p_deal"]),
        "evppi": dict(zip(ev["input"], ev["evppi"].astype(float), strict=True)),
        "flip_points": flips,
        "method": dict(METHOD),
        "top": {"tornado": list(tor["input"][:5]), "first_order": list(fo["input"][:5])},
        "labels": {n: fit.priors.label(n) for n in names},
        "resolved_by": {n: fit.priors.vocabulary.evidence_for(n) for n in names},
    }
    payload["top"]["evppi"] = list(ev["input"][:5])
    if ps_rows:
        prm = pd.DataFrame(ps_rows).query("kind != 'outcome'").sort_values("prior", ascending=False)
        payload["top"]["psense_prior"] = list(prm["quantity"][:5])
    payload["sentences"] = {
        "measures": _sentences(payload, info, fit),
        "power_scaling": list(ps_sentences),
        "flip_points": [f["sentence"] for f in flips],
    }
    info["seconds"] = time.perf_counter() - start
    del info["best"]
    payload["provenance"] = fit.provenance() | info
    return SensitivityResult(**payload)


def _sentences(payload: dict, info: dict, fit: Fit) -> list[str]:
    """Headline sentences for the tornado, the first-order indices and the value of information."""

    def name(n: str) -> str:
        return fit.priors.label(n)

    moves = "; ".join(
        f"{name(r['input'])}, {r['low']:.1%} to {r['high']:.1%}" for r in payload["tornado"][:3]
    )
    shares = "; ".join(f"{name(n)} {v:.0%}" for n, v in list(payload["first_order"].items())[:3])
    s, total = sum(payload["first_order"].values()), payload["evpi"]
    rest = (
        f"so about {1 - s:.0%} of it comes from inputs acting together"
        if s <= 1
        else "slightly over 100% (posterior dependence between inputs, or estimation error)"
    )
    out = [
        f"P(deal) for {info['design_label']} is {info['p_deal_baseline']:.1%}. Moving one input "
        f"from its 10th to its 90th percentile moves it most for: {moves}.",
        f"Knowing one input alone would remove this share of the uncertainty (variance) in "
        f"P(deal): {shares}; the first-order shares sum to {s:.0%}, {rest}.",
        "Choosing the design now for the highest P(deal) (the EVPI's criterion; the headline's "
        "recommendation weighs each design's worth too), the best is: "
        f"{describe(info['best'], fit.priors.levers)} (P(deal) "
        f"{info['p_deal_best_design']:.1%}); learning every input before choosing would add "
        f"{total:.1f} probability points on average (EVPI).",
    ]
    top = [(n, v) for n, v in payload["evppi"].items() if v > 0][:3]
    if not top:
        return [*out, "Learning any single input first would not change the design choice."]
    by_evidence: dict[str, list[str]] = {}
    for n, _ in top:
        by_evidence.setdefault(fit.priors.vocabulary.evidence_for(n), []).append(n)
    items = ", ".join(f"{fit.priors.label(n)} ({v:.2f} points)" for n, v in top)
    how = "; ".join(
        f"{e} would resolve {', '.join(fit.priors.label(n) for n in ns)}"
        for e, ns in by_evidence.items()
    )
    if len(by_evidence) == 1 and len(top) > 1:
        how = f"{next(iter(by_evidence))} would resolve all {len(top)}"
    out.append(f"Most worth learning before choosing the design (EVPPI): {items}; {how}.")
    if top[0][1] < 0.25 * total:
        out.append(
            "No single input is worth much on its own: most of the value of information lies "
            "in learning several inputs together."
        )
    return out
