"""Rolling-origin backtest of the pooled model over the case library, per structural variant.

In date order, each case is forecast from a fit on what was known on its as-of date only
(``library.known_at``): P(enacted in time), P(accepted) and the months to enactment, each with
a 90% interval across posterior draws. Scores per case: the log score of everything that
happened (the joint outcome when both sides had to act) and the Brier score of each yes/no.
Across cases: means, the coverage of the 90% interval of the months, calibration, and the same
scores for two baselines (the running base rate of the library, and 50%).

Refits are independent, so joblib runs them in processes (``workers``); a fit of the same
training set under the same settings is read from the on-disk cache of ``pooled.fit_pooled``.
Refit schedule: a forecast reuses the latest fit until ``REFIT_EVERY`` new outcomes (yes/no or
observed months) have resolved since it; every fit still sees only cases resolved before the
forecast's as-of date.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import expit, ndtr

from model.analysis.intervals import interval
from model.analysis.variants import DEFAULT, from_label, joint_two, label
from model.case.library import Library, case_rows, known_at
from model.constants import (
    BACKTEST_CHAINS,
    BACKTEST_DRAWS,
    BACKTEST_TUNE,
    CI_MASS,
    MIN_BIN_CASES,
    MIN_TRAINING_OUTCOMES,
    REFIT_EVERY,
    RELIABILITY_BINS,
)
from model.inference.pooled import fit_pooled, library_p_time, linear_predictors, ops
from model.inference.settings import Settings

VARIANT_LABELS = ("baseline", "falling_hazard", "weighted_opposition", "shared_factor")
"""The variants scored by default: the baseline and each alternative option alone."""
BASELINES = ("base_rate", "fifty_fifty")
LOW, HIGH = (1 - CI_MASS) / 2, 1 - (1 - CI_MASS) / 2


def backtest_settings(seed: int | None = None) -> Settings:
    """Small sampler settings for backtest refits (``BACKTEST_CHAINS`` x ``BACKTEST_DRAWS``)."""
    extra = {} if seed is None else {"seed": seed}
    return Settings(draws=BACKTEST_DRAWS, tune=BACKTEST_TUNE, chains=BACKTEST_CHAINS, **extra)


@dataclass
class Backtest:
    """Per-case predictions and scores, the summary per variant and baseline, the choice."""

    cases: pd.DataFrame
    scores: dict[str, dict]
    baselines: dict[str, dict]
    chosen_variant: str
    notes: list[str] = field(default_factory=list)
    fits: int = 0
    cached_fits: int = 0
    problems: list[str] = field(default_factory=list)
    """Sampler problems of the refits (R-hat, ESS, divergences, E-BFMI), one line each."""


def _fit_job(train, rows, window, hurdles, settings, cache):
    return fit_pooled(
        train, rows=rows, window=window, hurdles=hurdles, settings=settings, cache=cache
    )


def _information(train: pd.DataFrame) -> int:
    if not len(train):
        return 0
    seen = (~train["censored"].astype(bool) & train["months"].notna()).sum()
    return int(train[["enacted", "accepted"]].notna().to_numpy().sum() + seen)


def _origins(cases: pd.DataFrame, since=None, refit_every: int = REFIT_EVERY):
    """Each case with its training rows (None: not forecast), on the refit schedule."""
    out, last, last_info = [], None, -(10**9)
    for case in cases.to_dict(orient="records"):
        if since is not None and case["as_of"] < since:
            out.append((case, None))
            continue
        train = known_at(cases, case["as_of"])
        known = 0 if not len(train) else train[["enacted", "accepted"]].notna().to_numpy().sum()
        if known < MIN_TRAINING_OUTCOMES:
            out.append((case, None))
            continue
        if last is None or _information(train) - last_info >= refit_every:
            last, last_info = train, _information(train)
        out.append((case, last))
    return out


def _outcome(case: dict) -> dict:
    return {
        "enacted": None if case["us_needed"] != 1 else float(case["enacted"]),
        "accepted": None if case["partner_needed"] != 1 else float(case["accepted"]),
        "months": None if case["enacted"] != 1 else float(case["months_to_enactment"]),
    }


def _score(p_en, p_acc, p_both, out: dict) -> dict:
    """Log score of the case's whole outcome and the mean Brier score of its yes/no events."""
    e, a = out["enacted"], out["accepted"]
    if e is not None and a is not None:
        cells = {(1, 1): p_both, (1, 0): p_en - p_both, (0, 1): p_acc - p_both}
        p = cells.get((e, a), 1 - p_en - p_acc + p_both)
    elif e is not None:
        p = p_en if e else 1 - p_en
    else:
        p = p_acc if a else 1 - p_acc
    briers = [(q - y) ** 2 for q, y in ((p_en, e), (p_acc, a)) if y is not None]
    return {"log_score": float(np.log(max(p, 1e-12))), "brier": float(np.mean(briers))}


def predict(draws: dict, case_row: pd.DataFrame, variant: dict[str, str], *, seed: int = 0):
    """Per-draw P(enacted in time), P(accepted), P(both) and the months' predictive draws."""
    eta = linear_predictors(draws, case_row)
    mu, sigma = draws["dur_mu"], draws["dur_sigma"]
    window = np.full_like(mu, float(case_row["window_months"].iloc[0]))
    p_time = library_p_time(mu, sigma, window, variant["window"], ops("np"))
    p_en = expit(eta["us"][:, 0]) * p_time
    p_acc = expit(eta["acc"][:, 0])
    if variant["hurdles"] == "shared_factor":
        p_both = joint_two(p_en, p_acc, draws["rho"])
    else:
        p_both = p_en * p_acc
    rng = np.random.default_rng(seed)
    months = np.exp(mu + sigma * rng.standard_normal(mu.size))
    return p_en, p_acc, p_both, months


def _case_result(draws, row, case, variant, out) -> tuple[dict, dict]:
    p_en, p_acc, p_both, months = predict(draws, row, variant)
    pred = {"p_enacted": interval(p_en), "p_accepted": interval(p_acc)}
    lo, hi = np.quantile(months, [LOW, HIGH])
    pred["months"] = {"median": float(np.median(months)), "lo": float(lo), "hi": float(hi)}
    score = _score(p_en.mean(), p_acc.mean(), p_both.mean(), out)
    if out["months"] is not None:
        z = (np.log(out["months"]) - draws["dur_mu"]) / draws["dur_sigma"]
        score["pit"] = float(ndtr(z).mean())
        score["covered"] = bool(lo <= out["months"] <= hi)
    return pred, score


def _baseline_scores(train: pd.DataFrame | None, out: dict) -> dict:
    if train is None:
        return {}
    en, acc = train["enacted"].dropna(), train["accepted"].dropna()
    rate_en = (en.sum() + 1) / (len(en) + 2)
    rate_acc = (acc.sum() + 1) / (len(acc) + 2)
    result = {
        "base_rate": _score(rate_en, rate_acc, rate_en * rate_acc, out),
        "fifty_fifty": _score(0.5, 0.5, 0.25, out),
    }
    seen = train.loc[~train["censored"].astype(bool), "months"].dropna()
    if out["months"] is not None and len(seen) >= 3:
        lo, hi = np.quantile(seen, [LOW, HIGH])
        result["base_rate"]["covered"] = bool(lo <= out["months"] <= hi)
    return result


def run_backtest(
    library: Library,
    *,
    variants=VARIANT_LABELS,
    settings: Settings | None = None,
    workers: int = 1,
    cache: bool = True,
    since=None,
) -> Backtest:
    """Rolling-origin backtest of every case in ``library`` under each named variant.

    Parameters
    ----------
    library : Library
        A validated case file (``load_cases``).
    variants : sequence of str
        Variant labels (``baseline``, an option name, or options joined by ``+``).
    settings : Settings, optional
        Sampler settings of every refit (default ``backtest_settings()``: 2 chains x 500).
    workers : int
        joblib worker processes for the refits (1: in this process).
    cache : bool
        Reuse and store refits on disk.
    since : date, optional
        Forecast only the cases decided on or after this date (earlier ones still train).

    Returns
    -------
    Backtest
    """
    from joblib import Parallel, delayed

    settings = settings or backtest_settings()
    chosen = {lab: from_label(lab) for lab in variants}
    cases = library.cases
    rows = case_rows(cases)
    origins = _origins(cases, since)
    jobs = {}
    for case, train in origins:
        if train is None:
            continue
        for v in chosen.values():
            key = (case["id"], v["window"], v["hurdles"])
            jobs.setdefault((train.to_csv(index=False), v["window"], v["hurdles"]), []).append(key)
    trains = {case["id"]: train for case, train in origins}
    specs = [(ids[0][0], k[1], k[2]) for k, ids in jobs.items()]
    results = Parallel(n_jobs=workers)(
        delayed(_fit_job)(trains[cid], rows, w, h, settings, cache) for cid, w, h in specs
    )
    fitted = {}
    for (_, ids), draws in zip(jobs.items(), results, strict=True):
        for key in ids:
            fitted[key] = draws
    table = []
    notes = [
        f"{sum(t is None for _, t in origins)} earliest cases not forecast: fewer than "
        f"{MIN_TRAINING_OUTCOMES} resolved outcomes before their as-of date (or before `since`)"
    ]
    for case, train in origins:
        out = _outcome(case)
        entry = {
            "id": case["id"],
            "as_of": case["as_of"].isoformat(),
            "outcome": out,
            "n_training": 0 if train is None else len(train),
            "predictions": {},
            "scores": _baseline_scores(train, out),
        }
        if train is not None:
            row = rows[rows["id"] == case["id"]]
            for lab, v in chosen.items():
                draws = fitted[(case["id"], v["window"], v["hurdles"])]
                pred, score = _case_result(draws, row, case, v, out)
                entry["predictions"][lab], entry["scores"][lab] = pred, score
        table.append(entry)
    frame = pd.DataFrame(table)
    scores = {lab: summarise(frame, lab) for lab in chosen}
    baselines = {b: summarise(frame, b) for b in BASELINES}
    best = max(scores, key=lambda lab: (scores[lab]["log_score"], lab == label(DEFAULT)))
    cached = sum(bool(d.get("cached")) for d in results)
    if "weighted_opposition" in chosen:
        notes.append(
            "weighted_opposition scores as the baseline on the library: its cases carry "
            "one opposition figure each, so the most opposed component is the mean"
        )
    problems = [
        f"backtest refit before {cid} ({w}, {h}): {problem}"
        for (cid, w, h), draws in zip(specs, results, strict=True)
        for problem in np.atleast_1d(draws.get("problems", np.array([], dtype=str))).tolist()
    ]
    return Backtest(frame, scores, baselines, best, notes, len(results), cached, problems)


def summarise(frame: pd.DataFrame, name: str) -> dict:
    """Mean log score, mean Brier, 90% coverage of the months and the count, for one column."""
    rows = [s[name] for s in frame["scores"] if name in s]
    covered = [r["covered"] for r in rows if "covered" in r]
    return {
        "log_score": float(np.mean([r["log_score"] for r in rows])) if rows else float("nan"),
        "brier": float(np.mean([r["brier"] for r in rows])) if rows else float("nan"),
        "coverage_90": float(np.mean(covered)) if covered else None,
        "n": len(rows),
    }


def reliability(result: Backtest, name: str | None = None, *, bins: int = RELIABILITY_BINS):
    """Reliability table of one variant's yes/no forecasts (enacted and accepted pooled).

    Returns
    -------
    pandas.DataFrame
        ``lo, hi, n, predicted, observed, too_small`` per bin (``too_small``: fewer than
        ``MIN_BIN_CASES`` forecasts, too few to read).
    """
    name = name or result.chosen_variant
    pairs = []
    for preds, out in zip(result.cases["predictions"], result.cases["outcome"], strict=True):
        if name not in preds:
            continue
        for key, y in (("p_enacted", out["enacted"]), ("p_accepted", out["accepted"])):
            if y is not None:
                pairs.append((preds[name][key]["mean"], y))
    p = np.array([q for q, _ in pairs])
    y = np.array([v for _, v in pairs])
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1) if len(p) else np.array([], int)
    table = []
    for b in range(bins):
        inside = idx == b
        n = int(inside.sum())
        table.append(
            {
                "lo": edges[b],
                "hi": edges[b + 1],
                "n": n,
                "predicted": float(p[inside].mean()) if n else None,
                "observed": float(y[inside].mean()) if n else None,
                "too_small": n < MIN_BIN_CASES,
            }
        )
    return pd.DataFrame(table)


def pit_histogram(result: Backtest, name: str | None = None, *, bins: int = RELIABILITY_BINS):
    """Counts of the months' PIT values in equal bins (flat when the months are calibrated)."""
    name = name or result.chosen_variant
    pits = [s[name]["pit"] for s in result.cases["scores"] if name in s and "pit" in s[name]]
    counts, edges = np.histogram(pits, bins=bins, range=(0, 1))
    return {"edges": edges.tolist(), "counts": counts.tolist(), "n": len(pits)}
