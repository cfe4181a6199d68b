"""Pareto-smoothed importance weights (PSIS): one posterior reweighted to another.

What-if answers (a changed prior), the timeline (an event that has not happened) and EVSI (a
study's simulated result) all reweight the same posterior draws; they share these weights and
their Pareto k, the diagnostic that says when reweighting can be trusted.
"""

from __future__ import annotations

import numpy as np


def psis_weights(log_w: np.ndarray, chains: int) -> tuple[np.ndarray, np.ndarray]:
    """Pareto-smoothed, normalised importance weights per row, and each row's Pareto k.

    Parameters
    ----------
    log_w : ndarray, shape (R, S)
        Log importance ratios (here the study's log-likelihood) of ``R`` results over ``S`` draws.
    chains : int
        Chains the draws come from (the draws are split ``(chains, S / chains)``).

    Returns
    -------
    (ndarray, ndarray)
        Weights of shape (R, S), each row summing to 1, and ``k`` of shape (R,): ``-inf``
        for a row with equal weights, NaN where the tail could not be smoothed (ties; the raw
        weights are kept and the row counts as untrusted).
    """
    import arviz_stats  # noqa: F401  (registers the .azstats accessor)
    import xarray as xr

    rows, size = log_w.shape
    shifted = log_w - log_w.max(axis=1, keepdims=True)
    flat = np.ptp(shifted, axis=1) == 0
    k = np.full(rows, -np.inf)
    w = np.full((rows, size), 1.0 / size)
    todo = np.flatnonzero(~flat)

    def smooth(block: np.ndarray):
        # psislw follows the LOO convention: it smooths the weights exp(-input).
        da = xr.DataArray(-block.reshape(len(block), chains, size // chains), dims=("r", "c", "d"))
        lw, kk = da.azstats.psislw(dim=["c", "d"])
        return np.asarray(lw.transpose("r", "c", "d").values).reshape(len(block), size), kk

    try:
        groups = [(todo, *smooth(shifted[todo]))] if todo.size else []
    except ValueError:  # a degenerate tail (ties) in some row: smooth row by row
        groups = []
        for i in todo:
            try:
                groups.append((np.array([i]), *smooth(shifted[[i]])))
            except ValueError:
                groups.append((np.array([i]), shifted[[i]], np.array([np.nan])))
    for idx, lw, kk in groups:
        e = np.exp(lw - lw.max(axis=1, keepdims=True))
        w[idx] = e / e.sum(axis=1, keepdims=True)
        k[idx] = np.asarray(kk).reshape(len(idx))
    return w, k


def psis_row(log_w: np.ndarray, chains: int) -> tuple[np.ndarray, float]:
    """`psis_weights` of one row of log importance ratios: its weights and its Pareto k.

    Parameters
    ----------
    log_w : ndarray, shape (S,)
        Log importance ratios over the ``S`` draws.
    chains : int
        Chains the draws come from.

    Returns
    -------
    (ndarray, float)
        Weights summing to 1, and ``k`` (``-inf`` for equal ratios, NaN where the tail could
        not be smoothed).
    """
    w, k = psis_weights(np.asarray(log_w, dtype=float)[None, :], chains)
    return w[0], float(k[0])
