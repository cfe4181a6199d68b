"""The partially pooled model over the case library, its cached fits, and graph-derived data.

For the cases known at a forecast's origin (``library.known_at``)::

    logit P(willing)   = a_us[domain]  + b_us . x      a_us[d]  ~ Normal(a_us, tau_us)
    P(enacted)         = P(willing) x P(in time | months to the election; window variant)
    months to enactment ~ LogNormal(dur_mu, dur_sigma), right-censored when it failed or is pending
    logit P(accepted)  = a_acc[domain] + b_acc . x     a_acc[d] ~ Normal(a_acc, tau_acc)

Under the hurdles variant ``shared_factor`` a case's two outcomes are joined by a Gaussian
copula with correlation ``rho`` (marginals unchanged); under ``independent`` they are two
Bernoulli terms. The window formulas are written once here, for numpy and pytensor alike.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from model.constants import CACHE_DIR, FADE_MONTHS, POST_ELECTION_FADES, QUAD_NODES
from model.inference.diagnostics import diagnose
from model.library.cases import DOMAINS

US_COVARIATES = ("divided_gov", "election_years", "log_size", "size_missing", "year", "conditions")
PARTNER_COVARIATES = ("opposition", "opposition_missing", "conditions", "log_size", "size_missing")
HYPERPRIORS: dict[str, Any] = {
    "a_us": (0.0, 1.5),
    "a_acc": (0.0, 1.5),
    "tau": 1.0,
    "b": 1.0,
    "dur_mu": (1.8, 0.75),
    "dur_sigma": 0.75,
}
"""Weakly informative hyperpriors (logit scale; covariates are centred and scaled); ``dur_mu``
repeats the judgment prior of a request-to-enactment time of about 6 months."""
EPS = 1e-9


@functools.cache
def ops(xp: str = "np") -> SimpleNamespace:
    """The few functions the shared formulas need, from numpy/scipy or pytensor.

    ``ndtr`` is the standard normal CDF: scipy's in numpy, ``erfc`` in a pytensor graph.
    """
    if xp == "np":
        from scipy.special import erfinv, ndtr

        return SimpleNamespace(
            exp=np.exp, log=np.log, ndtr=ndtr, erfinv=erfinv, where=np.where, clip=np.clip
        )
    import pytensor.tensor as pt

    def ndtr_pt(x):
        return 0.5 * pt.erfc(-x / np.sqrt(2.0))

    return SimpleNamespace(
        exp=pt.exp, log=pt.log, ndtr=ndtr_pt, erfinv=pt.erfinv, where=pt.switch, clip=pt.clip
    )


def normal_cdf(x, o):
    """Standard normal CDF in the namespace ``o``."""
    return o.ndtr(x)


def lognormal_cdf(t, mu, sigma, o=None):
    """P(duration <= t) for LogNormal(mu, sigma); 0 where t <= 0.

    The one LogNormal CDF of the package: numpy arrays by default (``o=None``), or a pytensor
    graph with ``o=ops("pt")``.
    """
    o = ops("np") if o is None else o
    safe = o.where(t > 0, t, 1.0)
    return o.where(t > 0, normal_cdf((o.log(safe) - mu) / sigma, o), 0.0)


def hazard_by(mu, sigma, start, w, end, t, o, *, fade: float = FADE_MONTHS):
    """P(enacted by month ``t`` | willing) when the hazard falls after month ``w``.

    A package that would be finished at month ``u`` (duration from ``start``) counts fully
    when ``u <= w`` and with weight ``exp(-(u - w) / fade)`` for ``w < u <= end``; nothing
    counts after ``end``. The tail is a midpoint rule over ``QUAD_NODES`` x 2 cells of
    [w, end], each counted in the share of it before ``t``. Inputs are
    1-D arrays of one length (or scalars broadcast to it).
    """
    tail = hazard_tail(mu, sigma, start, w, end, o, fade=fade)
    return hazard_at(tail, mu, sigma, start, w, t, o)


def hazard_tail(mu, sigma, start, w, end, o, *, fade: float = FADE_MONTHS) -> tuple:
    """The falling hazard's tail cells (mass, left edge, width), which do not depend on ``t``."""
    n = 2 * QUAD_NODES
    u = (np.arange(n) + 0.5) / n
    step = (end - w) / n
    grid = w[:, None] + u[None, :] * (end - w)[:, None]
    d = grid - start[:, None]
    safe = o.where(d > 0, d, 1.0)
    z = (o.log(safe) - mu[:, None]) / sigma[:, None]
    fading = u[None, :] * (end - w)[:, None] / fade  # (grid - w) / fade
    # the LogNormal density times the fade, under one exp (the panel's timing sliders wait on it)
    weight = o.exp(-0.5 * z**2 - fading) / (safe * sigma[:, None] * np.sqrt(2 * np.pi))
    cell = step[:, None] * o.where(d > 0, weight, 0.0)
    # the share of each cell before month t: a fixed grid keeps P(by t) non-decreasing in t
    width = o.clip(step, 1e-12, 1e12)[:, None]  # w == end: an empty tail, not 0/0
    return cell, grid - 0.5 * step[:, None], width


def hazard_at(tail: tuple, mu, sigma, start, w, t, o):
    """P(enacted by month ``t`` | willing) from the tail cells of :func:`hazard_tail`."""
    cell, left, width = tail
    first = lognormal_cdf(o.clip(t, -1e9, w) - start, mu, sigma, o)
    share = o.clip((t[:, None] - left) / width, 0.0, 1.0)
    return first + (cell * share).sum(axis=1)


def library_p_time(mu, sigma, window, variant: str, o):
    """P(in time | willing) of a library case with ``window`` months from request to election."""
    if variant == "hard_window":
        return lognormal_cdf(window, mu, sigma, o)
    w = window - FADE_MONTHS
    end = w + FADE_MONTHS * POST_ELECTION_FADES
    return hazard_by(mu, sigma, 0.0 * w, w, end, end, o)


def copula_all(ps: list, rho, o):
    """P(every hurdle passes) when their latent factors share correlation ``rho``.

    A Gaussian copula (each marginal stays ``ps[k]``), by Gauss-Hermite quadrature over the
    factor.
    """
    x, wts = np.polynomial.hermite.hermgauss(QUAD_NODES)
    z, wts = np.sqrt(2.0) * x, wts / np.sqrt(np.pi)
    root, rest = rho**0.5, (1.0 - rho) ** 0.5
    total = 1.0
    for p in ps:
        q = np.sqrt(2.0) * o.erfinv(2.0 * o.clip(p, EPS, 1 - EPS) - 1.0)
        total = total * normal_cdf((q[:, None] - root[:, None] * z[None, :]) / rest[:, None], o)
    return (total * wts[None, :]).sum(axis=1)


def _design(train: pd.DataFrame, names) -> np.ndarray:
    return train[list(names)].to_numpy(dtype=float)


ORIGIN_DATA: tuple[str, ...] = ("enacted", "en_mask", "accepted", "acc_mask", "both_mask")
ORIGIN_DATA += ("months", "dur_mask", "censored")
"""What changes from one forecast origin to the next: outcomes and masks, as ``pm.Data``."""


def origin_data(rows: pd.DataFrame, train: pd.DataFrame, *, hurdles: str) -> dict:
    """The ``pm.Data`` values of a model over ``rows`` for the training rows ``train``.

    A row outside ``train`` (not yet known at the origin) gets zero masks: it adds nothing.
    """
    known = train.set_index("id").reindex(rows["id"])
    en, acc = known["enacted"].to_numpy(float), known["accepted"].to_numpy(float)
    months = known["months"].to_numpy(float)
    both = ~np.isnan(en) & ~np.isnan(acc) & (hurdles == "shared_factor")
    return {
        "enacted": np.nan_to_num(en),
        "en_mask": (~np.isnan(en) & ~both).astype(float),
        "accepted": np.nan_to_num(acc),
        "acc_mask": (~np.isnan(acc) & ~both).astype(float),
        "both_mask": both.astype(float),
        "months": np.where(np.isnan(months), 1.0, months),
        "dur_mask": (~np.isnan(months) & (en != 0)).astype(float),
        "censored": known["censored"].fillna(False).to_numpy(float),
    }


def build_pooled(rows: pd.DataFrame, *, window: str, hurdles: str):
    """The pooled PyMC model over ``rows`` (every case, with covariates) under the variants.

    The outcomes are ``pm.Data`` with masks (``origin_data``), so one compiled model serves
    every forecast origin: a refit only swaps the data.

    Returns
    -------
    pymc.Model
    """
    import pymc as pm
    import pytensor.tensor as pt

    o = ops("pt")
    dom = rows["domain"].map(DOMAINS.index).to_numpy()
    hp = HYPERPRIORS
    zeros = {k: np.zeros(len(rows)) for k in ORIGIN_DATA}
    with pm.Model() as model:
        d = {k: pm.Data(k, v) for k, v in zeros.items()}
        sides = {}
        for side, cov in (("us", US_COVARIATES), ("acc", PARTNER_COVARIATES)):
            a = pm.Normal(f"a_{side}", *hp[f"a_{side}"])
            tau = pm.HalfNormal(f"tau_{side}", hp["tau"])
            z = pm.Normal(f"z_{side}", 0.0, 1.0, shape=len(DOMAINS))
            b = pm.Normal(f"b_{side}", 0.0, hp["b"], shape=len(cov))
            sides[side] = a + tau * z[dom] + pt.dot(_design(rows, cov), b)
        mu = pm.Normal("dur_mu", *hp["dur_mu"])
        sigma = pm.HalfNormal("dur_sigma", hp["dur_sigma"])
        ones = pt.ones(len(rows))
        window_m = pt.as_tensor(rows["window_months"].to_numpy(dtype=float))
        p_time = library_p_time(mu * ones, sigma * ones, window_m, window, o)
        p_en = pt.clip(pt.sigmoid(sides["us"]) * p_time, EPS, 1 - EPS)
        p_acc = pt.clip(pt.sigmoid(sides["acc"]), EPS, 1 - EPS)
        for name, p, y, mask in (
            ("enacted", p_en, d["enacted"], d["en_mask"]),
            ("accepted", p_acc, d["accepted"], d["acc_mask"]),
        ):
            term = y * pt.log(p) + (1 - y) * pt.log1p(-p)
            pm.Potential(f"{name}_lik", pt.sum(mask * term))
        if hurdles == "shared_factor":
            rho = pm.Beta("rho", 2.0, 2.0)
            c = copula_all([p_en, p_acc], pt.clip(rho, 1e-6, 0.98) * ones, o)
            e, a = d["enacted"], d["accepted"]
            cell = e * a * c + e * (1 - a) * (p_en - c) + (1 - e) * a * (p_acc - c)
            cell = cell + (1 - e) * (1 - a) * (1 - p_en - p_acc + c)
            pm.Potential("joint_lik", pt.sum(d["both_mask"] * pt.log(pt.clip(cell, EPS, 1.0))))
        # The months of an enacted request are drawn given that it was enacted in time: their
        # density is the LogNormal's divided by P(in time | willing) (the weight of a late
        # enactment under the falling hazard depends on the data only). A failure says
        # nothing about the months beyond its yes/no term: it may have been unwilling. A
        # request still pending at the origin is censored there.
        dist = pm.LogNormal.dist(mu=mu, sigma=sigma)
        given = pm.logp(dist, d["months"]) - pt.log(pt.clip(p_time, EPS, 1.0))
        dur = pt.where(d["censored"] > 0, pm.logccdf(dist, d["months"]), given)
        pm.Potential("months_lik", pt.sum(d["dur_mask"] * dur))
    return model


def touched_params(model) -> set[str]:
    """Names of the free random variables that a likelihood term depends on.

    Walks the graph from every observed variable and potential back to its ancestors
    (``pytensor.graph.traversal.ancestors``): a free variable met on the way meets data.
    """
    try:
        from pytensor.graph.traversal import ancestors
    except ImportError:  # older pytensor
        from pytensor.graph.basic import ancestors  # type: ignore[no-redef]  # same function

    outputs = list(model.observed_RVs) + list(model.potentials)
    met = set(ancestors(outputs))
    return {v.name for v in model.free_RVs if v in met}


def training_key(train: pd.DataFrame, *, window: str, hurdles: str, settings) -> str:
    """Cache key of a pooled fit: the training rows, the model variants, settings and code."""
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    blob = json.dumps(
        [train.to_csv(index=False), window, hurdles, settings.__dict__, code], sort_keys=True
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


_ROW_COLUMNS = ["id", "domain", "window_months", *sorted(set(US_COVARIATES + PARTNER_COVARIATES))]
_MODELS: dict = {}
"""Built models by (rows, variants), kept for the life of a process (a joblib worker)."""


def _model_for(rows: pd.DataFrame, *, window: str, hurdles: str):
    key = (hashlib.sha256(rows.to_csv(index=False).encode()).hexdigest(), window, hurdles)
    if key not in _MODELS:
        _MODELS[key] = build_pooled(rows, window=window, hurdles=hurdles)
    return _MODELS[key]


def fit_pooled(
    train: pd.DataFrame,
    *,
    window: str,
    hurdles: str,
    settings,
    rows: pd.DataFrame | None = None,
    cache: bool = True,
):
    """Posterior draws of the pooled model, from the on-disk cache when the same fit exists.

    Parameters
    ----------
    train : pandas.DataFrame
        Training rows from ``library.known_at``.
    rows : pandas.DataFrame, optional
        The rows the model is built over (default ``train``); pass the whole library's rows
        (``library.known_at`` at a late date) so one compiled model serves every origin.
    window, hurdles : str
        The structural variants the likelihood uses.
    settings : Settings
        Sampler settings (seed, draws, tune, chains); chains run one after another.
    cache : bool
        Read and write ``.cache/pooled/<key>.npz``.

    Returns
    -------
    dict
        Flat draws (chain-major) of every free variable, plus ``divergences``, ``problems``
        (the sampler's failed checks, in words, as an array of str) and ``cached``.
    """
    import os

    key = training_key(train, window=window, hurdles=hurdles, settings=settings)
    path = CACHE_DIR / "pooled" / f"{key}.npz"
    if cache and path.exists():
        try:
            with np.load(path) as data:
                return {k: data[k] for k in data.files} | {"cached": True}
        except (OSError, ValueError):
            path.unlink(missing_ok=True)
    import pymc as pm

    rows = train if rows is None else rows
    model = _model_for(rows[_ROW_COLUMNS], window=window, hurdles=hurdles)
    with model:
        pm.set_data(origin_data(rows, train, hurdles=hurdles))
        tree = pm.sample(**settings.nuts_kwargs(), cores=1, progressbar=False)
    post = tree["posterior"]
    draws = {}
    for v in model.free_RVs:
        values = np.asarray(post[v.name].values, dtype=float)
        draws[v.name] = values.reshape(-1, *values.shape[2:])
    draws["divergences"] = np.asarray(int(tree["sample_stats"]["diverging"].to_numpy().sum()))
    found = diagnose(tree, [v.name for v in model.free_RVs])["problems"]
    draws["problems"] = np.asarray(found, dtype=str)
    if cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{key}.{os.getpid()}.tmp.npz")
        # numpy's stub types every keyword as ``allow_pickle``'s bool; the names are variables
        np.savez(tmp, **draws)  # type: ignore[arg-type]
        tmp.replace(path)
    return draws | {"cached": False}
