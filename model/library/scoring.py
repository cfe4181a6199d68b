"""Scores of a rolling-origin backtest: per case, per event, paired, calibration, targets.

The events (``EVENTS``) are those of ``model.library.exact.events``: enacted in time (``us``),
accepted (``acc``) and, separately labelled, enacted at any time (``us_any``). A case's overall
log score is that of its whole observed outcome with the hurdles independent; its Brier score the
mean over its yes/no events. Means are episode-weighted (an episode counts once).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from model.constants import MIN_BIN_CASES, RELIABILITY_BINS
from model.library import exact

HURDLES = ("us", "acc")
EVENTS = {"us": "enacted_in_time", "acc": "accepted", "us_any": "enacted_any"}
TARGETS = {"log_gain": 0.05, "brier": 0.22, "calibration": 0.05, "coverage": (0.80, 0.97)}
"""The issue's targets: gain over the base rate, Brier, |mean forecast - observed|, coverage."""
POWER_Z = norm.ppf(0.975) + norm.ppf(0.80)
"""A two-sided 5% test with 80% power."""


def _log(p: float, y: float) -> float:
    return float(np.log(max(p if y == 1 else 1 - p, 1e-12)))


def score_case(p: dict, out: dict) -> dict:
    """Log score and Brier of each event, and of the whole outcome (``overall``)."""
    s = {}
    for h in EVENTS:
        if out[h] is not None:
            s[h] = {"log_score": _log(p[h], out[h]), "brier": (p[h] - out[h]) ** 2, "p": p[h]}
    parts = [h for h in HURDLES if h in s]
    if parts:
        s["overall"] = {
            "log_score": sum(s[h]["log_score"] for h in parts),
            "brier": float(np.mean([s[h]["brier"] for h in parts])),
        }
    return s


def _wmean(x, w) -> float:
    return float(np.sum(w * x) / np.sum(w)) if np.sum(w) > 0 else float("nan")


def _column(frame: pd.DataFrame, name: str, hurdle: str):
    key = "us" if hurdle == "overall" else hurdle
    rows = [
        (s[name][hurdle], ew[key], out)
        for s, ew, out in zip(
            frame["scores"], frame["episode_weight"], frame["outcome"], strict=True
        )
        if name in s and hurdle in s[name]
    ]
    return rows


def summarise(frame: pd.DataFrame, name: str) -> dict:
    """Episode-weighted summaries of one forecaster: overall and per hurdle.

    Overall rows are weighted 1 / (rows of the episode among the forecast rows).
    """
    out = {}
    forecast = frame[[name in s for s in frame["scores"]]]
    if len(forecast):
        wo = exact.episode_weights(forecast["episode"])
        ls = np.array(
            [s[name].get("overall", {}).get("log_score", np.nan) for s in forecast["scores"]]
        )
        br = np.array([s[name].get("overall", {}).get("brier", np.nan) for s in forecast["scores"]])
        ok = ~np.isnan(ls)
        out = {
            "log_score": _wmean(ls[ok], wo[ok]),
            "brier": _wmean(br[ok], wo[ok]),
            "n": int(ok.sum()),
            "episodes": float(wo[ok].sum()),
        }
    else:
        out = {"log_score": float("nan"), "brier": float("nan"), "n": 0, "episodes": 0.0}
    for h in EVENTS:
        rows = _column(frame, name, h)
        if not rows:
            out[h] = {"n": 0}
            continue
        w = np.array([r[1] for r in rows])
        ls = np.array([r[0]["log_score"] for r in rows])
        p = np.array([r[0]["p"] for r in rows])
        y = np.array([r[2][h] for r in rows])
        out[h] = {
            "log_score": _wmean(ls, w),
            "brier": _wmean(np.array([r[0]["brier"] for r in rows]), w),
            "mean_forecast": _wmean(p, w),
            "observed": _wmean(y, w),
            "n": len(rows),
            "episodes": float(w.sum()),
        }
    covered = [s[name]["covered"] for s in frame["scores"] if name in s and "covered" in s[name]]
    out["coverage_90"] = float(np.mean(covered)) if covered else None
    out["n_months"] = len(covered)
    return out


def paired(frame: pd.DataFrame, name: str, ref: str, hurdle: str) -> dict:
    """Paired log-score difference ``name - ref`` on one hurdle: mean, SE, cases won.

    Episode-weighted mean; SE = sqrt(sum w^2 (d - mean)^2) / sum w; ``needed``: the episodes a
    two-sided 5% test with 80% power needs to confirm a gain of the observed size (or of the
    target 0.05 when the gain is smaller).
    """
    d, w = [], []
    for s, ew in zip(frame["scores"], frame["episode_weight"], strict=True):
        if name in s and ref in s and hurdle in s[name] and hurdle in s[ref]:
            d.append(s[name][hurdle]["log_score"] - s[ref][hurdle]["log_score"])
            w.append(ew["us" if hurdle == "overall" else hurdle])
    if not d:
        return {"n": 0}
    d, w = np.array(d), np.array(w)
    if hurdle == "overall":
        w = np.ones_like(w)
    mean = _wmean(d, w)
    se = float(np.sqrt(np.sum(w**2 * (d - mean) ** 2)) / np.sum(w))
    sd = se * np.sqrt(np.sum(w))
    effect = max(mean, TARGETS["log_gain"])
    return {
        "mean": mean,
        "se": se,
        "won": int((d > 1e-12).sum()),
        "lost": int((d < -1e-12).sum()),
        "n": len(d),
        "needed": int(np.ceil((POWER_Z * sd / effect) ** 2)) if sd > 0 else None,
    }


def check_targets(result) -> list[str]:
    """The issue's targets, met or not, with by how much, in one line each."""
    s = result.scores["stack"]
    gain = result.comparisons["base_rate"]["overall"]
    lines = []
    ok = gain["n"] and gain["mean"] - TARGETS["log_gain"] >= 0
    lines.append(
        f"{'MET' if ok else 'NOT MET'}: mean log score vs running base rate "
        f"{gain.get('mean', float('nan')):+.3f} (SE {gain.get('se', float('nan')):.3f}; target "
        f">= +{TARGETS['log_gain']:.2f}); a 5%-level test with 80% power needs about "
        f"{gain.get('needed')} cases at this spread"
    )
    ok = s["brier"] <= TARGETS["brier"]
    lines.append(
        f"{'MET' if ok else 'NOT MET'}: mean Brier {s['brier']:.3f} (target <= {TARGETS['brier']})"
    )
    for h in HURDLES:
        if not s[h]["n"]:
            continue
        gap = s[h]["mean_forecast"] - s[h]["observed"]
        ok = abs(gap) <= TARGETS["calibration"]
        lines.append(
            f"{'MET' if ok else 'NOT MET'}: calibration of {EVENTS[h]}: mean forecast "
            f"{s[h]['mean_forecast']:.3f} vs observed {s[h]['observed']:.3f} ({gap:+.3f}; "
            f"target within {TARGETS['calibration']})"
        )
    cov = s["coverage_90"]
    lo, hi = TARGETS["coverage"]
    if cov is not None:
        ok = lo <= cov <= hi
        lines.append(
            f"{'MET' if ok else 'NOT MET'}: 90% coverage of months to enactment {cov:.0%} over "
            f"{s['n_months']} enacted cases (target {lo:.0%}-{hi:.0%})"
        )
    lines.append("MET: every fit clean (exact grid integration: no sampler, nothing to diverge)")
    return lines


def reliability(result, name: str | None = None, *, bins: int = RELIABILITY_BINS, hurdle=None):
    """Reliability table of one forecaster's yes/no forecasts (one hurdle, or both pooled).

    Returns
    -------
    pandas.DataFrame
        ``lo, hi, n, predicted, observed, too_small`` per bin (``too_small``: fewer than
        ``MIN_BIN_CASES`` forecasts, too few to read).
    """
    name = name or result.chosen_variant
    keys = HURDLES if hurdle is None else (hurdle,)
    pairs = []
    for s, out in zip(result.cases["scores"], result.cases["outcome"], strict=True):
        if name not in s:
            continue
        for h in keys:
            if h in s[name]:
                pairs.append((s[name][h]["p"], out[h]))
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


def pit_histogram(result, name: str | None = None, *, bins: int = RELIABILITY_BINS):
    """Counts of the months' PIT values in equal bins (flat when the months are calibrated)."""
    name = name or result.chosen_variant
    pits = [s[name]["pit"] for s in result.cases["scores"] if name in s and "pit" in s[name]]
    counts, edges = np.histogram(pits, bins=bins, range=(0, 1))
    return {"edges": edges.tolist(), "counts": counts.tolist(), "n": len(pits)}
