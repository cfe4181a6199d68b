"""Credible intervals for every number the tool reports (mass ``CI_MASS``)."""

from __future__ import annotations

import numpy as np

from model.constants import CI_MASS


def weighted_quantile(x: np.ndarray, q, weights: np.ndarray | None = None) -> np.ndarray:
    """Quantiles of ``x``, optionally under normalised importance ``weights``."""
    x = np.asarray(x, dtype=float)
    if weights is None:
        return np.quantile(x, q)
    order = np.argsort(x)
    xs, ws = x[order], np.asarray(weights, dtype=float)[order]
    cdf = np.cumsum(ws) - 0.5 * ws
    cdf /= ws.sum()
    return np.interp(q, cdf, xs)


def interval(x: np.ndarray, *, weights: np.ndarray | None = None, mass: float = CI_MASS) -> dict:
    """Mean and equal-tailed credible interval: ``{"mean", "lo", "hi"}``."""
    x = np.asarray(x, dtype=float)
    tail = (1 - mass) / 2
    lo, hi = weighted_quantile(x, [tail, 1 - tail], weights)
    mean = float(np.average(x, weights=weights))
    return {"mean": mean, "lo": float(lo), "hi": float(hi)}


def bounds(x: np.ndarray, *, axis: int = 0, mass: float = CI_MASS) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed credible bounds of ``x`` along ``axis`` (e.g. per month of a curve).

    Parameters
    ----------
    x : numpy.ndarray
        Draws along ``axis``.
    axis : int, default 0
        The axis of the draws.
    mass : float, default ``CI_MASS``
        Mass inside the interval.

    Returns
    -------
    lo, hi : numpy.ndarray
    """
    tail = (1 - mass) / 2
    lo, hi = np.quantile(np.asarray(x, dtype=float), [tail, 1 - tail], axis=axis)
    return lo, hi


def z_score(mass: float = CI_MASS) -> float:
    """The standard normal quantile of an equal-tailed interval of ``mass`` (1.645 for 90%)."""
    from scipy.special import ndtri

    return float(ndtri(0.5 + mass / 2))


def mcse_mean(x: np.ndarray, *, chains: int) -> float:
    """Monte Carlo standard error of the mean of per-draw values ``x`` (chain-major).

    ``x`` is reshaped to (chain, draw) and passed to ArviZ's ``mcse`` (method ``mean``), so
    the autocorrelation within chains counts. Zero when ``x`` is constant.
    """
    import arviz as az

    x = np.asarray(x, dtype=float).reshape(chains, -1)
    if np.ptp(x) == 0:
        return 0.0
    return float(az.mcse(x, method="mean"))


def with_mcse(x: np.ndarray, *, chains: int, mass: float = CI_MASS) -> dict:
    """`interval` of ``x`` plus ``mcse``, the Monte Carlo standard error of its mean."""
    return interval(x, mass=mass) | {"mcse": mcse_mean(x, chains=chains)}
