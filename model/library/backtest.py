"""Rolling-origin backtest of the library model, scored on the events it forecasts.

In date order, each case is forecast from what was known on its as-of date only
(``exact.training``): P(enacted in time) (by the end of the Congress that holds the next
election, ``exact.window_end``), P(accepted), and the months to enactment given enactment. The
scored events are exactly those (``exact.events``); "enacted at any time" is a second,
separately labelled score (``us_any``).

Forecasters, scored side by side:

``hierarchical``
    the exact grid posterior of ``model.library.exact`` (cure mixture for Congress, domain
    intercepts for the partner), refitted at every origin: no sampler, nothing to fail.
``base_rate``
    the running base rate of each event among the cases resolved before the origin
    (episode-weighted, Laplace's (k + 1) / (n + 2)).
``fifty_fifty``
    50% for every yes/no.
``stack`` (the forecast the tool uses)
    per hurdle, ``w x hierarchical + (1 - w) x base_rate`` with ``w`` maximising the log score
    of the cases scored AND resolved before the origin, under a ``STACK_PRIOR`` Beta prior on
    ``w`` (equal weights with no history). The base rate is a member: where the model does not
    beat it, its weight falls. Its scores are prequential: no case's own outcome chooses its
    forecast.

Episodes count once: a row's score is weighted 1 / (rows of its episode among the scored rows),
as in training. Summaries per hurdle (``us``, ``acc``, ``us_any``) and overall (the log score of
the whole observed outcome, hurdles independent; the Brier score of its yes/no events): mean log
score, Brier, calibration (mean forecast against observed frequency), the paired difference of
log scores against the base rate and 50% with its standard error and cases won, and the 90%
coverage of the months (PIT from the distribution given enactment).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import ndtr

from model.case.dates import months_between
from model.constants import CI_MASS, MIN_TRAINING_OUTCOMES
from model.errors import InputError
from model.library import exact
from model.library.cases import Library
from model.library.scoring import (
    EVENTS,
    HURDLES,
    check_targets,
    paired,
    pit_histogram,
    reliability,
    score_case,
    summarise,
)

__all__ = [
    "Backtest",
    "case_forecast",
    "pit_histogram",
    "reliability",
    "run_backtest",
    "stack_weights",
]
FORECASTERS = ("stack", "hierarchical", "base_rate", "fifty_fifty")
BASELINES = ("base_rate", "fifty_fifty")
MEMBER = "hierarchical"
LOW, HIGH = (1 - CI_MASS) / 2, 1 - (1 - CI_MASS) / 2
WEIGHT_GRID = np.linspace(0.0, 1.0, 51)
STACK_PRIOR = (2.0, 2.0)
"""Beta prior of the library model's stack weight: no preference, shrunk to equal weights while
the history is short (Yao et al. 2018 regularise stacking weights the same way)."""


@dataclass
class Backtest:
    """Per-case forecasts and scores, the summaries, and the stack's weights."""

    cases: pd.DataFrame
    scores: dict[str, dict]
    """Per forecaster: ``overall`` (log_score, brier, n) plus one summary per hurdle."""
    baselines: dict[str, dict]
    chosen_variant: str = "stack"
    notes: list[str] = field(default_factory=list)
    fits: int = 0
    cached_fits: int = 0
    problems: list[str] = field(default_factory=list)
    """Sampler problems: none (the grid posterior has no sampler); kept for the report."""
    weights: dict[str, float] = field(default_factory=dict)
    """The stack's weight of the hierarchical model per hurdle for the next origin."""
    comparisons: dict[str, dict] = field(default_factory=dict)
    targets: list[str] = field(default_factory=list)


def base_counts(ev: pd.DataFrame, origin, event: str, known: str) -> tuple[float, float]:
    """Episode-weighted (k, n) of ``event`` among cases resolved before ``origin``.

    An episode of several rows counts once.
    """
    seen = ev[(ev["as_of"] < origin) & ev[event].notna()]
    seen = seen[seen[known].map(lambda d: d is not None and d < origin)]
    if not len(seen):
        return 0.0, 0.0
    w = exact.episode_weights(seen["episode"])
    return float((w * seen[event]).sum()), float(w.sum())


def base_rate(ev: pd.DataFrame, origin, event: str, known: str) -> float:
    """Episode-weighted (k + 1) / (n + 2) of ``event`` among cases resolved before ``origin``.

    The mean of the Beta(k + 1, n - k + 1) posterior of a uniform prior.
    """
    k, n = base_counts(ev, origin, event, known)
    return (k + 1) / (n + 2)


def forecastable(ev: pd.DataFrame, since=None, until=None):
    """Each case with whether it is forecast: enough resolved outcomes before its as-of date.

    One pass in date order: the count of outcomes resolved before each origin comes from a
    sorted array of resolution dates (``searchsorted``), not from a rescan.
    """
    resolved = sorted(
        [d for d in ev["us_known"] if d is not None] + [d for d in ev["acc_known"] if d is not None]
    )
    stamps = np.array([d.toordinal() for d in resolved], dtype=int)
    out = []
    for r in ev.itertuples():
        n = int(np.searchsorted(stamps, r.as_of.toordinal(), side="left"))
        ok = n >= MIN_TRAINING_OUTCOMES
        ok &= (since is None or r.as_of >= since) and (until is None or r.as_of <= until)
        out.append((r.Index, ok))
    return out


def _fit_forecast(ev: pd.DataFrame, i: int, seed: int) -> dict:
    row = ev.loc[i]
    post = exact.fit_exact(exact.training(ev, row["as_of"]))
    f = exact.forecast(post, row["domain"], row["window_months"], seed=seed)
    rng = np.random.default_rng(seed)
    sample = np.exp(f["mu"] + f["sigma"] * rng.standard_normal(f["mu"].size))
    lo, hi = np.quantile(sample, [LOW, HIGH])
    out = {k: float(f[k].mean()) for k in ("p_enacted", "p_enacted_any", "p_accepted")}
    out |= {f"{k}_interval": np.quantile(f[k], [LOW, HIGH]).tolist() for k in ("p_enacted",)}
    out["p_accepted_interval"] = np.quantile(f["p_accepted"], [LOW, HIGH]).tolist()
    out["months"] = {"median": float(np.median(sample)), "lo": float(lo), "hi": float(hi)}
    if not np.isnan(row["months"]):
        z = (np.log(row["months"]) - f["mu"]) / f["sigma"]
        out["pit"] = float(ndtr(z).mean())
        out["covered"] = bool(lo <= row["months"] <= hi)
    return out


def _stack_weight(history: list[tuple[float, float, float, float]]) -> float:
    """``STACK_PRIOR`` (Beta(2, 2))-penalised maximiser of the mixture's log score over ``history``.

    ``history``: (p_model, p_base, y, weight) of earlier cases resolved before the origin.
    """
    a, b = STACK_PRIOR
    prior = (a - 1) * np.log(np.clip(WEIGHT_GRID, 1e-12, 1)) + (b - 1) * np.log(
        np.clip(1 - WEIGHT_GRID, 1e-12, 1)
    )
    if not history:
        return float(WEIGHT_GRID[np.argmax(prior)])
    pm, pb, y, w = (np.array(v, dtype=float) for v in zip(*history, strict=True))
    p = WEIGHT_GRID[:, None] * pm[None, :] + (1 - WEIGHT_GRID[:, None]) * pb[None, :]
    q = np.where(y[None, :] == 1, p, 1 - p)
    objective = (w[None, :] * np.log(np.clip(q, 1e-12, 1))).sum(axis=1)
    objective += prior
    return float(WEIGHT_GRID[np.argmax(objective)])


def run_backtest(
    library: Library,
    *,
    workers: int = 1,
    since=None,
    until=None,
    seed: int = 0,
    progress: bool = False,
) -> Backtest:
    """Rolling-origin backtest of every case in ``library``.

    Parameters
    ----------
    library : Library
        A validated case file (``load_cases``).
    workers : int
        joblib worker processes for the refits (1: in this process).
    since, until : date, optional
        Forecast only the cases with as-of dates in [since, until] (the others still train).
    seed : int
        Seed of the posterior draws.
    progress : bool
        Print one progress line per 10 refits to stderr.

    Returns
    -------
    Backtest

    Raises
    ------
    InputError
        When no case has enough resolved outcomes before it to be forecast.
    """
    from joblib import Parallel, delayed

    ev = exact.events(library.cases).sort_values(["as_of", "id"], kind="stable")
    ev = ev.reset_index(drop=True)
    origins = forecastable(ev, since, until)
    todo = [i for i, ok in origins if ok]
    if not todo:
        raise InputError(
            library.path,
            "(cases)",
            f"nothing to forecast: no case has {MIN_TRAINING_OUTCOMES} resolved outcomes "
            "before its as-of date (in the chosen range)",
            "add earlier cases or widen --since/--until",
        )
    start = time.monotonic()
    results = []
    for k in range(0, len(todo), 10):
        chunk = todo[k : k + 10]
        results += Parallel(n_jobs=workers)(delayed(_fit_forecast)(ev, i, seed) for i in chunk)
        if progress:
            print(
                f"backtest: {k + len(chunk)}/{len(todo)} origins ({time.monotonic() - start:.0f}s)",
                file=sys.stderr,
            )
    fitted = dict(zip(todo, results, strict=True))
    table = _score_all(ev, fitted)
    frame = pd.DataFrame(table)
    scores = {name: summarise(frame, name) for name in FORECASTERS}
    comparisons = {
        ref: {h: paired(frame, "stack", ref, h) for h in ("overall", *HURDLES, "us_any")}
        for ref in BASELINES
    }
    history = _histories(ev, frame, after=None)
    weights = {h: _stack_weight(history[h]) for h in HURDLES}
    notes = [
        f"{len(ev) - len(todo)} cases not forecast: fewer than {MIN_TRAINING_OUTCOMES} resolved "
        "outcomes before their as-of date, or outside --since/--until (they still train)",
        "each forecast's training rows: cases with an as-of date before it; outcomes resolved "
        "before it; pending requests censored at it",
    ]
    result = Backtest(
        frame,
        {k: v for k, v in scores.items() if k not in BASELINES},
        {k: scores[k] for k in BASELINES},
        "stack",
        notes,
        len(todo),
        0,
        [],
        weights,
        comparisons,
    )
    result.targets = check_targets(result)
    return result


def _histories(ev: pd.DataFrame, frame: pd.DataFrame, *, after) -> dict[str, list]:
    """Per hurdle: (p_model, p_base, y, weight) of scored cases resolved before ``after``."""
    out = {h: [] for h in HURDLES}
    for r in frame.itertuples():
        if MEMBER not in r.forecast:
            continue
        row = ev.loc[r.row]
        for h, known in (("us", "us_known"), ("acc", "acc_known")):
            y = r.outcome[h]
            when = row[known]
            if y is None or when is None or (after is not None and not when < after):
                continue
            fc = r.forecast
            out[h].append((fc[MEMBER][h], fc["base_rate"][h], y, r.episode_weight[h]))
    return out


def _score_all(ev: pd.DataFrame, fitted: dict) -> list[dict]:
    weights = {}
    for h, col in EVENTS.items():
        scored = ev.loc[[i for i in fitted if not np.isnan(ev.loc[i, col])]]
        weights[h] = dict(zip(scored.index, exact.episode_weights(scored["episode"]), strict=True))
    table = []
    for i, row in ev.iterrows():
        out = {h: (None if np.isnan(row[col]) else float(row[col])) for h, col in EVENTS.items()}
        entry = {
            "row": i,
            "id": row["id"],
            "episode": row["episode"],
            "as_of": row["as_of"].isoformat(),
            "outcome": out | {"months": None if np.isnan(row["months"]) else row["months"]},
            "forecast": {},
            "scores": {},
            "episode_weight": {h: weights[h].get(i, 0.0) for h in EVENTS},
            "predictions": {},
        }
        if i in fitted:
            fit = fitted[i]
            base = {
                "us": base_rate(ev, row["as_of"], "enacted_in_time", "us_known"),
                "acc": base_rate(ev, row["as_of"], "accepted", "acc_known"),
                "us_any": base_rate(ev, row["as_of"], "enacted_any", "us_known"),
            }
            model = {
                "us": fit["p_enacted"],
                "acc": fit["p_accepted"],
                "us_any": fit["p_enacted_any"],
            }
            entry["forecast"] = {
                MEMBER: model,
                "base_rate": base,
                "fifty_fifty": dict.fromkeys(EVENTS, 0.5),
            }
            entry["predictions"] = {MEMBER: fit}
        table.append(entry)
    # the stack, prequentially: weights from cases scored and resolved before each origin
    frame = pd.DataFrame(table)
    for entry in table:
        if not entry["forecast"]:
            continue
        origin = ev.loc[entry["row"], "as_of"]
        history = _histories(ev, frame, after=origin)
        w = {h: _stack_weight(history[h]) for h in HURDLES}
        w["us_any"] = w["us"]
        fc = entry["forecast"]
        fc["stack"] = {h: w[h] * fc[MEMBER][h] + (1 - w[h]) * fc["base_rate"][h] for h in EVENTS}
        entry["stack_weight"] = w
        for name, p in fc.items():
            entry["scores"][name] = score_case(p, entry["outcome"])
        pred = entry["predictions"][MEMBER]
        for name in ("stack", MEMBER):
            if "pit" in pred:
                entry["scores"][name]["pit"] = pred["pit"]
                entry["scores"][name]["covered"] = pred["covered"]
    return table


def stack_weights(result: Backtest, library: Library, as_of) -> dict[str, float]:
    """The stack's weight of the library model per hurdle for a forecast made on ``as_of``.

    From the backtest's cases scored and resolved before ``as_of`` only.
    """
    ev = exact.events(library.cases).sort_values(["as_of", "id"], kind="stable")
    history = _histories(ev.reset_index(drop=True), result.cases, after=as_of)
    return {h: _stack_weight(history[h]) for h in HURDLES}


def case_forecast(library: Library, target, *, as_of, seed: int = 0) -> dict:
    """The stack's forecast of a target case (a row of ``events``) from the library at ``as_of``.

    Returns
    -------
    dict
        Per hurdle the hierarchical model, the base rate and the stack (with the stack's
        weights), plus the model's 90% intervals.
    """
    ev = exact.events(library.cases)
    tgt = exact.events(target).iloc[0]
    post = exact.fit_exact(exact.training(ev, as_of))
    f = exact.forecast(post, tgt["domain"], months_between(as_of, tgt["window_end"]), seed=seed)
    base = {
        "us": base_rate(ev, as_of, "enacted_in_time", "us_known"),
        "acc": base_rate(ev, as_of, "accepted", "acc_known"),
    }
    return {"draws": f, "base_rate": base, "window_end": tgt["window_end"]}
