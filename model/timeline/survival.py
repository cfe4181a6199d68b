"""The survival update of one hurdle on silence, and library cases' forecast paths.

For a hurdle that happens with probability ``pi`` (the actor is willing) at a time with CDF
``F`` and counts only by a deadline ``W``, given that it has not happened by ``t``:

    P(in time | not by t) = pi (F(W) - F(t)) / (1 - pi F(t))        (0 once t >= W)

and each posterior draw is reweighted by the chance of the silence, ``1 - pi F(t)``. Written
on plain arrays (``pi`` draws, ``mu``/``sigma`` draws, the window) so the library's cure model
(willing ~ Bernoulli(pi), months | willing ~ LogNormal(mu, sigma), P(in time) = pi F(window))
plugs in as it is; `model.timeline.forecast` applies the same update to the 2007 case.
"""

from __future__ import annotations

import numpy as np

from model.analysis.intervals import interval
from model.constants import TIMELINE_HORIZONS
from model.library.model import lognormal_cdf


def silence_update(p_willing, cdf_now, cdf_end) -> tuple[np.ndarray, np.ndarray]:
    """The survival update of one hurdle: P(in time | not yet) per draw, and each draw's weight.

    Parameters
    ----------
    p_willing : array
        Chance the actor is willing at all, per draw (``pi``).
    cdf_now, cdf_end : array
        P(done by now | willing) and P(done by the deadline | willing), per draw.

    Returns
    -------
    (ndarray, ndarray)
        ``pi (F(W) - F(t)) / (1 - pi F(t))`` and the silence's likelihood ``1 - pi F(t)``.
    """
    pi, now, end = (np.asarray(a, dtype=float) for a in (p_willing, cdf_now, cdf_end))
    survive = 1.0 - pi * now
    gain = pi * np.clip(end - now, 0.0, None)
    return np.where(survive > 0, gain / np.where(survive > 0, survive, 1.0), 0.0), survive


def cure_path(pi, mu, sigma, window, months) -> dict[str, np.ndarray]:
    """A library case's forecast path under the cure model, months counted from the request.

    The library model (willing ~ Bernoulli(pi), months | willing ~ LogNormal(mu, sigma),
    P(in time) = pi F(window)): the mean P(enacted in time | not enacted by t) over draws,
    each draw weighted by its chance of the silence.

    Parameters
    ----------
    pi, mu, sigma, window : array, shape (S,)
        Draws of the chance Congress is willing, of the log-months' mean and sd, and the
        months from request to the window's end (a scalar is broadcast).
    months : array, shape (T,)
        Months after the request.

    Returns
    -------
    dict
        ``months``, ``p`` (shape (T,)), ``lo``/``hi`` (the 90% interval of the per-draw
        conditional, silence-weighted).
    """
    pi = np.asarray(pi, dtype=float)
    mu, sigma = np.broadcast_to(mu, pi.shape), np.broadcast_to(sigma, pi.shape)
    window = np.broadcast_to(np.asarray(window, dtype=float), pi.shape)
    end = lognormal_cdf(window, mu, sigma)
    rows = []
    for t in np.atleast_1d(np.asarray(months, dtype=float)):
        now = lognormal_cdf(np.minimum(np.full_like(window, t), window), mu, sigma)
        p, w = silence_update(pi, now, end)
        rows.append(interval(p, weights=w / w.sum()))
    return {
        "months": np.atleast_1d(months).tolist(),
        "p": np.array([r["mean"] for r in rows]),
        "lo": np.array([r["lo"] for r in rows]),
        "hi": np.array([r["hi"] for r in rows]),
    }


def horizon_scores(
    path: dict, *, outcome: float, resolved_months: float | None, horizons=TIMELINE_HORIZONS
) -> list[dict]:
    """Brier and log scores of a case's path at fixed months after the request.

    A horizon after the case resolved (``resolved_months``) is not scored: the forecast there
    is the outcome itself. ``outcome`` is 1 if the package was enacted in time, else 0.
    """
    out = []
    months = np.asarray(path["months"], dtype=float)
    for h in horizons:
        if resolved_months is not None and h >= resolved_months:
            continue
        p = float(np.interp(h, months, path["p"]))
        q = min(max(p if outcome else 1 - p, 1e-12), 1.0)
        out.append({"horizon": h, "p": p, "brier": (p - outcome) ** 2, "log_score": np.log(q)})
    return out


def library_case_timeline(
    pi,
    mu,
    sigma,
    window: float,
    *,
    outcome: float,
    resolved_months: float | None,
    step: float = 1.0,
    horizons=TIMELINE_HORIZONS,
) -> dict:
    """One library case's path from its request to its resolution, the outcome marked, scored.

    The interface the library model plugs into: draws of ``pi`` (willing), ``mu``/``sigma``
    (log-months given willing) for this case, as predicted from the cases known at its request,
    and its window (months from request to the election). Each horizon before the resolution is
    scored on the event the path forecasts: enacted in time (``outcome`` 1) or not (0).

    Returns
    -------
    dict
        ``months``, ``p``, ``lo``, ``hi`` (the path, to the resolution or the window's end),
        ``outcome``, ``resolved_months`` and ``scores`` (one per horizon before resolution).
    """
    stop = min(x for x in (resolved_months, float(window)) if x is not None)
    months = np.arange(0.0, stop + 1e-9, step)
    path = cure_path(pi, mu, sigma, window, months)
    path["p"], path["lo"], path["hi"] = (path[k].tolist() for k in ("p", "lo", "hi"))
    scores = horizon_scores(
        {"months": months, "p": np.asarray(path["p"])},
        outcome=outcome,
        resolved_months=resolved_months,
        horizons=horizons,
    )
    return path | {"outcome": outcome, "resolved_months": resolved_months, "scores": scores}


def library_scores(timelines: list[dict], horizons=TIMELINE_HORIZONS) -> list[dict]:
    """Mean Brier and log score per horizon over library cases, with the number scored.

    A case resolved before a horizon is not scored there (its forecast is its outcome).
    """
    out = []
    for h in horizons:
        got = [s for t in timelines for s in t["scores"] if s["horizon"] == h]
        out.append(
            {
                "horizon": h,
                "n": len(got),
                "brier": float(np.mean([s["brier"] for s in got])) if got else float("nan"),
                "log_score": float(np.mean([s["log_score"] for s in got])) if got else float("nan"),
            }
        )
    return out


def library_timelines(library, *, seed: int = 0, ids=None, step: float = 1.0) -> dict:
    """Every forecastable library case's path from its request, scored per horizon.

    Each case is forecast as the backtest forecasts it: the library model (`model.inference.
    exact`) fitted on what was known on its as-of date, its draws of ``pi``, ``mu`` and
    ``sigma`` for the case's domain, its window to the end of the Congress; the path is
    `library_case_timeline`. Beside the model, the running base rate at the request (the same
    number at every horizon: it has no clock) is scored on the same cases and horizons.

    Parameters
    ----------
    library : Library
        A validated case file.
    seed : int
        Seed of the posterior draws.
    ids : collection of str, optional
        Only these case ids (each must be in the library).
    step : float
        Months between path points.

    Returns
    -------
    dict
        ``cases`` (one `library_case_timeline` per case, with ``id``, ``domain`` and
        ``base_rate``), ``scores`` (`library_scores` of the model) and ``base_rate_scores``.
    """
    from scipy.special import expit

    from model.case.dates import months_between
    from model.library import exact
    from model.library.backtest import base_rate, forecastable

    ev = exact.events(library.cases).sort_values(["as_of", "id"], kind="stable")
    ev = ev.reset_index(drop=True)
    ok = dict(forecastable(ev))
    cases, flat = [], []
    for i, r in ev.iterrows():
        if ids is not None and r["id"] not in ids:
            continue
        if not ok[i] or np.isnan(r["enacted_in_time"]):
            continue
        post = exact.fit_exact(exact.training(ev, r["as_of"]))
        f = exact.forecast(post, r["domain"], r["window_months"], seed=seed)
        resolved = months_between(r["request_date"], r["us_known"])
        line = library_case_timeline(
            expit(f["logit_us"]),
            f["mu"],
            f["sigma"],
            r["window_months"],
            outcome=float(r["enacted_in_time"]),
            resolved_months=resolved,
            step=step,
        )
        rate = base_rate(ev, r["as_of"], "enacted_in_time", "us_known")
        flat.append(
            {
                "scores": horizon_scores(
                    {"months": [0.0, 1e6], "p": [rate, rate]},
                    outcome=float(r["enacted_in_time"]),
                    resolved_months=resolved,
                )
            }
        )
        cases.append(line | {"id": r["id"], "domain": r["domain"], "base_rate": rate})
    return {
        "cases": cases,
        "scores": library_scores(cases),
        "base_rate_scores": library_scores(flat),
    }
