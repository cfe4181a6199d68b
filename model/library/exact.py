"""The library model integrated exactly on grids: events from dates, a cure mixture, no sampler.

Events (defined once, here, and used by the backtest, the pooled prior and the 2007 case)
    ``window_end(next_election)``: 3 January after the next general election, the end of the
    Congress that holds it (the lame duck included). It is the 2007 model's ``lame_duck_end``.
    ``enacted_in_time``: Congress enacted the request on or before ``window_end``.
    ``accepted``: the partner approved. The deal needs both where both are needed.
    "Enacted at any time" is kept as a second, separately labelled score.

Congress: a cure mixture, a proper survival likelihood
    willing ~ Bernoulli(pi_d), logit pi_d = alpha_d ~ Normal(a, tau_a);
    months to enactment | willing ~ LogNormal(mu_d, sigma), mu_d ~ Normal(m, tau_m).
    A request enacted at month t enters with density ``pi_d f(t)`` (late or in time: a late
    enactment is penalised by the same F(window) that scores it). A request that ended on the
    partner side before Congress decided (``enacted`` empty) or that is still pending at the
    origin is right-censored at its end (or the origin): ``(1 - pi_d) + pi_d S(c)``. A request
    Congress failed (voted down, lapsed, withdrawn in the face of Congress) is Congress's "no":
    ``1 - pi_d`` (an unwilling Congress's time to say no has its own density, free of these
    parameters, a constant factor). Each term is the probability (density) of what was observed
    under one generative model, so the likelihood is proper (``case_loglik``). Why not censor
    failures too: the library codes a failure as Congress's decision, and the simulation-based
    calibration on the library's design (tests/inference/test_sbc.py) showed that censoring
    them leaves pi_d too high (ranks piled at the bottom), since a quick "no" then says almost
    nothing. Then P(enacted in time) = pi_d x F(window_end - request).
Partner
    accepted ~ Bernoulli(expit(beta_d)), beta_d ~ Normal(b, tau_b): intercepts only.

Covariates: none. With 32 Congress outcomes and 18 partner outcomes (27 and 16 episodes) known
before August 2007, the a-priori candidates (divided government,
the partner's opposition) are known for too few cases before 2007 (two partner polls), and the
missing-data indicators they need would learn from one or two cases; domain intercepts, partially
pooled, are what the data can carry. The partner's opposition enters the 2007 case once, in its
own model, relative to the library's typical opposition (``typical_opposition``).

Episodes: rows of one bargaining episode (``episode`` column; each row its own episode when the
column is absent) share a weight of one: each row's log-likelihood term counts 1 / (rows of its
episode in the set).

Integration: each domain's likelihood is computed on a fixed grid of its effects (alpha_d, mu_d)
for every sigma; the domain effects are integrated against the cell masses of their Normal
(exact CDF differences over the grid cells), the hyperparameters on a product grid weighted by
their priors. Draws for intervals come from the discrete posterior (hyperparameters, then the
target domain's cell).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict

import numpy as np
import pandas as pd
from scipy.special import expit, logsumexp, ndtr
from scipy.stats import halfnorm, lognorm, norm

from model.case.dates import months_between
from model.library.model import lognormal_cdf

DOMAINS = ("aid", "security", "trade", "basing")


class Hyperpriors(TypedDict):
    """The hyperpriors' parameters, one per hyperparameter.

    (mean, sd) of a Normal, the scale of a HalfNormal, (median, sd of the log) of a LogNormal.
    """

    a: tuple[float, float]
    tau: float
    dur_m: tuple[float, float]
    tau_m: float
    dur_sigma: tuple[float, float]


PRIORS: Hyperpriors = {
    "a": (0.0, 1.5),
    "tau": 1.0,
    "dur_m": (1.8, 0.75),
    "tau_m": 0.5,
    "dur_sigma": (0.8, 0.5),
}
"""Hyperpriors. ``a``/``b``: Normal(0, 1.5) on the log-odds (a 50% chance give or take most of
the unit interval); ``tau``: HalfNormal(1) between-domain sd of the log-odds; ``dur_m``:
Normal(1.8, 0.75), a typical request-to-enactment time of about 6 months (the judgment prior of
the 2007 case, 90% between 1.8 and 21 months); ``tau_m``: HalfNormal(0.5) between-domain sd of
the log months; ``dur_sigma``: LogNormal(log 0.8, 0.5), median 0.8 (a 90% range of durations
spanning a factor of about 14), 95% between 0.3 and 2.1; it keeps away from 0, where a few
similar durations would otherwise collapse it."""
LOGIT_GRID = np.linspace(-5.0, 7.0, 49)
MU_GRID = np.linspace(-0.5, 4.5, 41)
SIGMA_GRID = np.geomspace(0.2, 3.0, 14)
HYPER_A = np.linspace(-3.5, 5.5, 37)
HYPER_TAU = np.array([0.05, 0.2, 0.4, 0.7, 1.0, 1.5, 2.2, 3.0])
HYPER_M = np.linspace(0.0, 4.0, 33)
HYPER_TAU_M = np.array([0.05, 0.25, 0.5, 0.9, 1.4])
N_DRAWS = 4000


def window_end(next_election: date) -> date:
    """The in-time window's end: 3 January after ``next_election`` (the Congress's end)."""
    return date(next_election.year + 1, 1, 3)


def in_time(mu, sigma, window) -> np.ndarray:
    """P(enacted within ``window`` months | willing) = F(window), LogNormal(mu, sigma); 0 if <= 0.

    The one formula of P(in time): the library's cases (``p_in_time``) and the 2007 case
    (``outcomes.enacted_by`` under the ``congress_end`` window, the default) both use it.
    """
    return lognormal_cdf(np.asarray(window, dtype=float), mu, sigma)


def p_in_time(logit_pi, mu, sigma, window) -> np.ndarray:
    """P(enacted in time) = pi x F(window) of a library case."""
    return expit(logit_pi) * in_time(mu, sigma, window)


def _flag(x) -> float:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return np.nan
    return x


def events(cases: pd.DataFrame) -> pd.DataFrame:
    """The scored events of every case, from its dates.

    Returns
    -------
    pandas.DataFrame
        ``id, episode, domain, as_of, request_date, window_end, window_months``;
        ``enacted_in_time`` (1/0; NaN when Congress was not needed or never decided),
        ``enacted_any`` (1/0/NaN), ``accepted`` (1/0/NaN), ``months`` (request to enactment,
        NaN unless enacted) and the dates each was known (``us_known``, ``acc_known``).
    """
    rows = []
    c: Any  # a case: dates, flags, numbers, None where not known
    for c in cases.to_dict(orient="records"):
        end = window_end(c["next_election"])
        enacted = _flag(c.get("enacted")) if _flag(c.get("us_needed")) == 1 else np.nan
        done, stop = c.get("enacted_date"), c.get("us_end_date")
        if enacted == 1:
            in_time, us_known = float(done <= end), min(done, end)
        elif enacted == 0:
            in_time, us_known = 0.0, stop
        else:
            in_time, us_known = np.nan, None
        accepted = _flag(c.get("accepted")) if _flag(c.get("partner_needed")) == 1 else np.nan
        episode = c.get("episode")
        rows.append(
            {
                "id": c["id"],
                "episode": episode if isinstance(episode, str) and episode else c["id"],
                "domain": c["domain"],
                "as_of": c["as_of"],
                "request_date": c["request_date"],
                "window_end": end,
                "window_months": months_between(c["request_date"], end),
                "enacted_in_time": in_time,
                "enacted_any": enacted,
                "accepted": accepted,
                "months": months_between(c["request_date"], done) if enacted == 1 else np.nan,
                "us_known": us_known,
                "acc_known": c.get("accepted_date") if not np.isnan(accepted) else None,
                "us_needed": _flag(c.get("us_needed")) == 1,
                "stop": stop,
            }
        )
    return pd.DataFrame(rows)


def episode_weights(ids: pd.Series) -> np.ndarray:
    """1 / (rows of the same episode in the set): an episode counts once."""
    return (1.0 / ids.map(ids.value_counts())).to_numpy(float)


def training(ev: pd.DataFrame, origin: date) -> dict:
    """What was known on ``origin`` (cases with as-of before it), as likelihood rows.

    Returns
    -------
    dict
        ``us``: DataFrame ``domain, t, observed, weight`` (a duration observed at ``t`` months
        or censored there); ``acc``: DataFrame ``domain, y, weight``; ``ids``.
    """
    known = ev[ev["as_of"] < origin]
    us: list[tuple[str, str, float, float]] = []
    acc: list[tuple[str, str, float]] = []
    r: Any  # a row of mixed columns: dates, flags, None where unknown
    for r in known.itertuples():
        if r.us_needed:
            if r.enacted_any == 1 and r.us_known is not None and _done(r, origin):
                us.append((r.episode, r.domain, r.months, 1.0))
            elif r.enacted_any == 0 and r.stop is not None and r.stop < origin:
                us.append((r.episode, r.domain, months_between(r.request_date, r.stop), -1.0))
            elif r.stop is not None and r.stop < origin:  # never decided: censored
                us.append((r.episode, r.domain, months_between(r.request_date, r.stop), 0.0))
            elif r.request_date < origin:
                us.append((r.episode, r.domain, months_between(r.request_date, origin), 0.0))
        if not np.isnan(r.accepted) and r.acc_known is not None and r.acc_known < origin:
            acc.append((r.episode, r.domain, r.accepted))
    us_f = pd.DataFrame(us, columns=["episode", "domain", "t", "observed"])
    acc_f = pd.DataFrame(acc, columns=["episode", "domain", "y"])
    for f in (us_f, acc_f):
        f["weight"] = episode_weights(f["episode"]) if len(f) else []
    return {"us": us_f, "acc": acc_f, "ids": known["id"].tolist()}


def _done(r: Any, origin: date) -> bool:
    return r.months is not None and months_between(r.request_date, origin) > r.months


def case_loglik(t: float, observed: float, logit_pi, mu, sigma):
    """Log-likelihood of one Congress row under the cure mixture (arrays broadcast).

    ``observed = 1``, enacted at ``t`` months: log pi + log f(t | mu, sigma).
    ``observed = -1``, Congress decided no (voted down, lapsed, withdrawn before it): log(1 - pi).
    ``observed = 0``, censored at ``t`` (pending, or ended on the partner side before Congress
    decided): log[(1 - pi) + pi S(t)].
    A willing Congress enacts at T ~ LogNormal; an unwilling one says no at a time whose
    density does not involve (pi, mu, sigma) and so drops out as a constant. Enacted, no and
    censored then have probabilities (densities) that sum (integrate) to one: proper.
    """
    t = max(float(t), 1e-3)
    log_pi, log_1m = -np.logaddexp(0, -logit_pi), -np.logaddexp(0, logit_pi)
    z = (np.log(t) - mu) / sigma
    if observed > 0:
        return log_pi + norm.logpdf(z) - np.log(sigma) - np.log(t)
    if observed < 0:
        return log_1m + 0.0 * z
    return np.logaddexp(log_1m, log_pi + norm.logsf(z))


def _cell_mass(centers: np.ndarray, grid: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Mass of Normal(center, scale) in each grid cell: shape (len(centers), len(scale), grid)."""
    h = np.diff(grid)
    edges = np.concatenate([[-np.inf], grid[:-1] + h / 2, [np.inf]])
    z = (edges[None, None, :] - centers[:, None, None]) / scale[None, :, None]
    return np.diff(ndtr(z), axis=-1)


def _grid_prior(grid: np.ndarray, logpdf) -> np.ndarray:
    """Log prior mass of each grid point (density x cell width), for an uneven grid too."""
    width = np.gradient(grid)
    return logpdf(grid) + np.log(width)


@dataclass
class Posterior:
    """A grid posterior of one hurdle: hyper weights and per-domain cell likelihoods."""

    side: str
    log_hyper: np.ndarray
    """Log posterior weight of each hyper point (flattened)."""
    kernel: dict
    """Per-domain likelihood on the effect grid and the hyper -> cell masses."""
    n: float

    def draws(self, domain: str, n: int = N_DRAWS, seed: int = 0) -> dict[str, np.ndarray]:
        """Posterior draws of the domain's effects (``logit``; ``mu``, ``sigma`` for Congress)."""
        rng = np.random.default_rng(seed)
        w = np.exp(self.log_hyper - logsumexp(self.log_hyper))
        pick = rng.choice(w.size, size=n, p=w)
        return self.kernel["draw"](domain, pick, rng)


def _logit_side(rows: pd.DataFrame) -> Posterior:
    """The partner hurdle: hierarchical logit with domain intercepts, integrated on the grid."""
    g = LOGIT_GRID
    mass = _cell_mass(HYPER_A, g, HYPER_TAU)  # (A, T, G)
    logmass = np.log(np.clip(mass, 1e-300, None))
    prior = _grid_prior(HYPER_A, norm(*PRIORS["a"]).logpdf)[:, None]
    prior = prior + _grid_prior(HYPER_TAU, halfnorm(scale=PRIORS["tau"]).logpdf)[None, :]
    loglik = {}
    for d in DOMAINS:
        sub = rows[rows["domain"] == d]
        y, w = sub["y"].to_numpy(float), sub["weight"].to_numpy(float)
        loglik[d] = (w * y).sum() * -np.logaddexp(0, -g) + (w * (1 - y)).sum() * -np.logaddexp(0, g)
    log_hyper = prior.copy()
    for d in DOMAINS:
        log_hyper = log_hyper + logsumexp(logmass + loglik[d][None, None, :], axis=-1)
    flat = log_hyper.ravel()

    def draw(domain, pick, rng):
        ia, it = np.unravel_index(pick, log_hyper.shape)
        lp = logmass[ia, it] + loglik.get(domain, np.zeros_like(g))[None, :]
        p = np.exp(lp - logsumexp(lp, axis=1, keepdims=True))
        cell = (p.cumsum(axis=1) > rng.random(len(pick))[:, None]).argmax(axis=1)
        return {"logit": g[cell] + _jitter(g, cell, rng)}

    return Posterior("acc", flat, {"draw": draw}, float(rows["weight"].sum()) if len(rows) else 0)


def _jitter(grid, cell, rng):
    """Uniform within a grid cell, so draws are not stacked on the grid points."""
    h = np.gradient(grid)[cell]
    return (rng.random(cell.size) - 0.5) * h


def _congress_side(rows: pd.DataFrame) -> Posterior:
    """Congress: the cure mixture, domain effects on (logit pi, mu), integrated on the grid."""
    g, mg, sg = LOGIT_GRID, MU_GRID, SIGMA_GRID
    logmass_a = np.log(np.clip(_cell_mass(HYPER_A, g, HYPER_TAU), 1e-300, None))  # (A,T,G)
    logmass_m = np.log(np.clip(_cell_mass(HYPER_M, mg, HYPER_TAU_M), 1e-300, None))  # (M,U,K)
    loglik = {}
    for d in DOMAINS:
        sub = rows[rows["domain"] == d]
        ll = np.zeros((g.size, mg.size, sg.size))
        for t, obs, w in sub[["t", "observed", "weight"]].itertuples(index=False):
            term = case_loglik(t, obs, g[:, None, None], mg[None, :, None], sg[None, None, :])
            ll = ll + w * term
        loglik[d] = ll
    # hyper: (A, T, M, U, S); domain integral: sum over G and K of mass_a x mass_m x L
    axes = [
        _grid_prior(HYPER_A, norm(*PRIORS["a"]).logpdf),
        _grid_prior(HYPER_TAU, halfnorm(scale=PRIORS["tau"]).logpdf),
        _grid_prior(HYPER_M, norm(*PRIORS["dur_m"]).logpdf),
        _grid_prior(HYPER_TAU_M, halfnorm(scale=PRIORS["tau_m"]).logpdf),
        _grid_prior(sg, lognorm(PRIORS["dur_sigma"][1], scale=PRIORS["dur_sigma"][0]).logpdf),
    ]
    prior = sum(
        (
            np.expand_dims(x, tuple(j for j in range(len(axes)) if j != i))
            for i, x in enumerate(axes)
        ),
        start=np.zeros(()),
    )
    mass_a = np.exp(logmass_a).reshape(-1, g.size)  # (AT, G)
    mass_m = np.exp(logmass_m).reshape(-1, mg.size)  # (MU, K)
    log_hyper = prior.copy()
    log_z = {}
    for d in DOMAINS:
        ll = loglik[d]
        top = ll.max()
        lik = np.exp(ll - top)  # (G, K, S)
        # matrix products (BLAS), ten times faster than the same sums by einsum
        inner = (mass_a @ lik.reshape(g.size, -1)).reshape(-1, mg.size, sg.size)  # (AT, K, S)
        z = np.matmul(mass_m, inner)  # (AT, MU, S)
        z = np.log(np.clip(z, 1e-300, None)) + top
        log_z[d] = z.reshape(prior.shape)
        log_hyper = log_hyper + log_z[d]
    flat = log_hyper.ravel()

    def draw(domain, pick, rng):
        # the marginal posterior of the domain's cells: sum over hyper points of
        # (posterior weight / the domain's evidence) x cell masses, times the domain's likelihood
        ll = loglik.get(domain, np.zeros((g.size, mg.size, sg.size)))
        rest = log_hyper - log_z.get(domain, 0.0)
        v = np.exp(rest - rest.max()).reshape(mass_a.shape[0], mass_m.shape[0], sg.size)
        inner = (mass_a.T @ v.reshape(v.shape[0], -1)).reshape(g.size, *v.shape[1:])  # (G,MU,S)
        weight = np.matmul(mass_m.T, inner)  # (G, K, S)
        lp = np.log(np.clip(weight, 1e-300, None)) + ll
        p = np.exp(lp - logsumexp(lp)).ravel()
        cells = rng.choice(p.size, size=pick.size, p=p / p.sum())
        out_g, out_m, out_s = np.unravel_index(cells, lp.shape)
        return {
            "logit": g[out_g] + _jitter(g, out_g, rng),
            "mu": mg[out_m] + _jitter(mg, out_m, rng),
            "sigma": sg[out_s],
        }

    return Posterior("us", flat, {"draw": draw}, float(rows["weight"].sum()) if len(rows) else 0)


def fit_exact(train: dict) -> dict[str, Posterior]:
    """Both hurdles' grid posteriors from ``training`` rows."""
    return {"us": _congress_side(train["us"]), "acc": _logit_side(train["acc"])}


def forecast(post: dict[str, Posterior], domain: str, window_months: float, *, seed: int = 0):
    """Per-draw P(enacted in time), P(enacted at any time), P(accepted), and month draws.

    Returns
    -------
    dict
        ``p_enacted`` (in time), ``p_enacted_any``, ``p_accepted`` (arrays over draws),
        ``mu`` and ``sigma`` (duration draws: months | willing ~ LogNormal(mu, sigma)).
    """
    us = post["us"].draws(domain, seed=seed)
    acc = post["acc"].draws(domain, seed=seed + 1)
    return {
        "p_enacted": p_in_time(us["logit"], us["mu"], us["sigma"], window_months),
        "p_enacted_any": expit(us["logit"]),
        "p_accepted": expit(acc["logit"]),
        "mu": us["mu"],
        "sigma": us["sigma"],
        "logit_us": us["logit"],
        "logit_acc": acc["logit"],
    }


def prior_draw(rng: np.random.Generator) -> dict:
    """One draw of every domain's effects from the grid prior the posterior is computed under.

    Hyperparameters from their grid weights, each domain's effects from the cell masses of
    their Normal (jittered within the cell, as posterior draws are). Used by the SBC.

    Returns
    -------
    dict
        ``logit_us``, ``mu``, ``logit_acc``: {domain: value}; ``sigma``.
    """

    def pick(grid, logpdf):
        lp = _grid_prior(grid, logpdf)
        return int(rng.choice(grid.size, p=np.exp(lp - logsumexp(lp))))

    def effect(center, scale, grid):
        mass = _cell_mass(np.array([center]), grid, np.array([scale]))[0, 0]
        cell = int(rng.choice(grid.size, p=mass / mass.sum()))
        return float(grid[cell] + _jitter(grid, np.array([cell]), rng)[0])

    out: dict[str, dict[str, float] | float] = {"logit_us": {}, "mu": {}, "logit_acc": {}}
    tau_prior = halfnorm(scale=PRIORS["tau"]).logpdf
    a_prior = norm(*PRIORS["a"]).logpdf
    for side in ("logit_us", "logit_acc"):
        a = HYPER_A[pick(HYPER_A, a_prior)]
        tau = HYPER_TAU[pick(HYPER_TAU, tau_prior)]
        out[side] = {d: effect(a, tau, LOGIT_GRID) for d in DOMAINS}
    m = HYPER_M[pick(HYPER_M, norm(*PRIORS["dur_m"]).logpdf)]
    tau_m = HYPER_TAU_M[pick(HYPER_TAU_M, halfnorm(scale=PRIORS["tau_m"]).logpdf)]
    out["mu"] = {d: effect(m, tau_m, MU_GRID) for d in DOMAINS}
    median, spread = PRIORS["dur_sigma"]
    out["sigma"] = float(SIGMA_GRID[pick(SIGMA_GRID, lognorm(spread, scale=median).logpdf)])
    return out
