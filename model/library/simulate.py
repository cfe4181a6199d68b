"""Case libraries drawn from the pooled model itself, written in the library's file format.

Used to check the machinery: a fit on simulated cases should recover the coefficients that
drew them, and the rolling-origin scores of the variant that drew them should beat a wrong one.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit

from model.case.dates import months_between
from model.constants import DAYS_PER_MONTH, FADE_MONTHS
from model.files import write_with
from model.library.cases import DOMAINS, ID_COLUMNS, VALUE_COLUMNS, covariates
from model.library.exact import window_end
from model.library.model import PARTNER_COVARIATES, US_COVARIATES

TRUTH = {
    "a_us": 1.0,
    "a_acc": 0.8,
    "tau_us": 0.5,
    "tau_acc": 0.5,
    "b_us": np.array([-0.8, 0.3, -0.3, 0.0, 0.0, 0.5]),
    "b_acc": np.array([-3.0, 0.0, -0.5, 0.0, 0.0]),
    "dur_mu": 1.6,
    "dur_sigma": 0.5,
    "rho": 0.8,
}
"""Coefficients the simulated libraries are drawn from (``b_*`` in ``*_COVARIATES`` order)."""


def _election_after(day: date) -> date:
    year = day.year + (day.year % 2)
    nov = date(year, 11, 2)
    while nov.weekday() != 1:  # the Tuesday after the first Monday of November
        nov += timedelta(days=1)
    return nov if nov > day else _election_after(date(year + 1, 1, 1))


def _plus(day: date, months: float) -> date:
    return day + timedelta(days=round(months * DAYS_PER_MONTH))


def _dated_cases(rng: np.random.Generator, n: int, *, years: int) -> pd.DataFrame:
    """``n`` cases: ``as_of`` (sorted, 1986 on, over ``years`` years), ``id`` and ``domain``."""
    start = date(1986, 1, 1).toordinal()
    as_of = sorted(date.fromordinal(int(d)) for d in rng.integers(start, start + years * 365, n))
    frame = pd.DataFrame({"as_of": as_of, "id": [f"sim{i:03d}" for i in range(n)]})
    frame["domain"] = rng.choice(DOMAINS, n)
    return frame


def simulate_cases(
    n: int, *, window: str = "hard_window", hurdles: str = "independent", seed: int = 0, truth=None
) -> pd.DataFrame:
    """Draw ``n`` cases (as_of 1986-2020) from the pooled model under the given variants.

    Returns
    -------
    pandas.DataFrame
        Text cells in the case-file format (every non-empty value has source key ``sim``).
    """
    t = dict(TRUTH, **(truth or {}))
    rng = np.random.default_rng(seed)
    frame = _dated_cases(rng, n, years=35)
    as_of = list(frame["as_of"])
    frame["request_date"] = [_plus(d, m) for d, m in zip(as_of, rng.uniform(0, 2, n), strict=True)]
    frame["next_election"] = [_election_after(d) for d in as_of]
    frame["divided_gov"] = rng.integers(0, 2, n).astype(float)
    frame["conditions"] = rng.integers(0, 2, n).astype(float)
    size = np.exp(rng.normal(np.log(300), 1.0, n))
    frame["size_musd"] = np.where(frame["domain"] == "trade", np.nan, size)
    frame["size_year"] = np.where(frame["domain"] == "trade", np.nan, [d.year for d in as_of])
    opp = np.clip(rng.beta(3, 3, n), 0.01, 0.99)
    frame["partner_opposition"] = np.where(rng.random(n) < 0.3, np.nan, opp)
    frame["partner_poll_date"] = [
        None if np.isnan(o) else d for o, d in zip(frame["partner_opposition"], as_of, strict=True)
    ]
    us_needed = rng.random(n) < 0.85
    partner_needed = ~us_needed | (rng.random(n) < 0.7)
    frame["us_needed"], frame["partner_needed"] = us_needed * 1.0, partner_needed * 1.0
    frame["months_to_election"] = [
        months_between(d, e) for d, e in zip(as_of, frame["next_election"], strict=True)
    ]
    x = covariates(frame)
    dom = frame["domain"].map(DOMAINS.index).to_numpy()
    level = {s: t[f"a_{s}"] + t[f"tau_{s}"] * rng.normal(size=len(DOMAINS)) for s in ("us", "acc")}
    p_will = expit(level["us"][dom] + x[list(US_COVARIATES)].to_numpy() @ t["b_us"])
    p_acc = expit(level["acc"][dom] + x[list(PARTNER_COVARIATES)].to_numpy() @ t["b_acc"])
    rho = t["rho"] if hurdles == "shared_factor" else 0.0
    common = rng.normal(size=n)
    u_us = ndtr_mix(common, rng.normal(size=n), rho)
    u_acc = ndtr_mix(common, rng.normal(size=n), rho)
    window_m = np.array(
        [
            months_between(r, e)
            for r, e in zip(frame["request_date"], frame["next_election"], strict=True)
        ]
    )
    months = np.exp(t["dur_mu"] + t["dur_sigma"] * rng.normal(size=n))
    if window == "hard_window":
        in_time = months <= window_m
    else:
        late = np.clip(months - (window_m - FADE_MONTHS), 0, None)
        in_time = rng.random(n) < np.exp(-late / FADE_MONTHS)
    enacted = us_needed & (u_us < p_will) & in_time
    accepted = partner_needed & (u_acc < p_acc)
    frame["enacted"] = np.where(us_needed, enacted * 1.0, np.nan)
    frame["enacted_date"] = [
        _plus(r, m) if e else None
        for r, m, e in zip(frame["request_date"], months, enacted, strict=True)
    ]
    frame["us_end_date"] = [
        _plus(r, max(w, 0.5)) if u and not e else None
        for r, w, u, e in zip(frame["request_date"], window_m, us_needed, enacted, strict=True)
    ]
    frame["accepted"] = np.where(partner_needed, accepted * 1.0, np.nan)
    frame["accepted_date"] = [
        _plus(r, m) if p else None
        for r, m, p in zip(
            frame["request_date"], rng.uniform(1, 12, n), partner_needed, strict=True
        )
    ]
    frame["name"], frame["partner"] = frame["id"], "Simland"
    return _as_text(frame)


def ndtr_mix(common: np.ndarray, own: np.ndarray, rho: float) -> np.ndarray:
    """Uniforms whose normal scores share correlation ``rho`` through ``common``."""
    from scipy.special import ndtr

    return ndtr(np.sqrt(rho) * common + np.sqrt(1 - rho) * own)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = {c: frame[c].astype(str) for c in ID_COLUMNS}
    for col in VALUE_COLUMNS:
        cells = []
        for v in frame[col]:
            if v is None or (isinstance(v, float) and np.isnan(v)):
                cells.append("")
            elif isinstance(v, float) and col != "size_musd" and col != "partner_opposition":
                cells.append(f"{v:g}")
            else:
                cells.append(v.isoformat() if isinstance(v, date) else f"{v}")
        out[col] = cells
        out[f"{col}_src"] = ["sim" if c else "" for c in cells]
    return pd.DataFrame(out)


def write_case_file(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a text-cell case frame and its one-key sources file (``<stem>_sources.csv``)."""
    path = Path(path)
    write_with(path, lambda tmp: frame.to_csv(tmp, index=False))
    sources = pd.DataFrame(
        [{"key": "sim", "citation": "Simulated from the pooled model", "date": "", "url": ""}]
    )
    write_with(
        path.with_name(f"{path.stem}_sources.csv"), lambda tmp: sources.to_csv(tmp, index=False)
    )
    return path


EXACT_TRUTH = {
    "logit_us": {"aid": 1.5, "security": 0.0, "trade": 2.0, "basing": 1.0},
    "logit_acc": {"aid": 1.0, "security": 1.5, "trade": 2.5, "basing": -0.5},
    "mu": {"aid": 1.8, "security": 2.0, "trade": 2.6, "basing": 2.0},
    "sigma": 0.6,
}
"""Domain effects of ``simulate_library``: Congress's willing log-odds, the partner's
accepting log-odds, the log-months location; and the log-months sd."""


def simulate_library(
    n: int, *, truth=None, seed: int = 0, partner_ends_first: bool = False
) -> pd.DataFrame:
    """Draw ``n`` cases coded exactly as the case library is (the cure mixture's world).

    Congress is willing with probability ``expit(logit_us[domain])``; a willing Congress enacts
    after LogNormal(mu[domain], sigma) months, at any time (the library records a late
    enactment as enacted, with its date); an unwilling one ends the request at a uniform time
    before the end of the Congress (``us_end_date``, ``enacted = 0``). The partner accepts with
    probability ``expit(logit_acc[domain])`` 1-12 months after the request. With
    ``partner_ends_first``, a partner refusal that comes before Congress's decision leaves
    ``enacted`` empty with ``us_end_date`` at the refusal (the coding rule for "Congress never
    decided"; such a file loads with ``load_cases(..., pending=True)``).

    Returns
    -------
    pandas.DataFrame
        Text cells in the case-file format (every non-empty value has source key ``sim``).
    """
    t = truth or EXACT_TRUTH
    rng = np.random.default_rng(seed)
    frame = _dated_cases(rng, n, years=30)
    as_of = list(frame["as_of"])
    frame["request_date"] = as_of
    frame["next_election"] = [_election_after(d) for d in as_of]
    frame["divided_gov"] = rng.integers(0, 2, n).astype(float)
    for col in ("conditions", "size_musd", "size_year", "partner_opposition"):
        frame[col] = np.nan
    frame["partner_poll_date"] = None
    us_needed = rng.random(n) < 0.7
    partner_needed = ~us_needed | (rng.random(n) < 0.5)
    frame["us_needed"], frame["partner_needed"] = us_needed * 1.0, partner_needed * 1.0
    dom = frame["domain"].to_numpy()
    willing = rng.random(n) < expit(np.array([t["logit_us"][d] for d in dom]))
    mu = np.array([t["mu"][d] for d in dom])
    months = np.exp(mu + t["sigma"] * rng.normal(size=n))
    accepted = rng.random(n) < expit(np.array([t["logit_acc"][d] for d in dom]))
    acc_months = rng.uniform(1, 12, n)
    ends = [window_end(e) for e in frame["next_election"]]
    enacted, enacted_date, us_end = [], [], []
    for i, r in enumerate(frame["request_date"]):
        if not us_needed[i]:
            enacted.append(np.nan), enacted_date.append(None), us_end.append(None)
            continue
        span = months_between(r, ends[i])
        decided = months[i] if willing[i] else rng.uniform(0.2, span)
        refused_first = partner_needed[i] and not accepted[i] and acc_months[i] < decided
        if partner_ends_first and refused_first:
            enacted.append(np.nan), enacted_date.append(None)
            us_end.append(_plus(r, acc_months[i]))
        elif willing[i]:
            enacted.append(1.0), enacted_date.append(_plus(r, months[i])), us_end.append(None)
        else:
            enacted.append(0.0), enacted_date.append(None), us_end.append(_plus(r, decided))
    frame["enacted"], frame["enacted_date"], frame["us_end_date"] = enacted, enacted_date, us_end
    frame["accepted"] = np.where(partner_needed, accepted * 1.0, np.nan)
    frame["accepted_date"] = [
        _plus(r, m) if p else None
        for r, m, p in zip(frame["request_date"], acc_months, partner_needed, strict=True)
    ]
    frame["name"], frame["partner"] = frame["id"], "Simland"
    return _as_text(frame)
