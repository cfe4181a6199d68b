"""First-order (main-effect) variance-based sensitivity indices estimated from posterior draws.

The first-order Sobol index of an input ``x_i`` for an output ``y`` is

    S_i = Var(E[y | x_i]) / Var(y),

the share of the output's variance that would go away if ``x_i`` were known. Here it is
estimated from the draws one already has (no designed Sobol sample): ``x_i`` is cut into
equal-count quantile bins, ``E[y | x_i]`` is approximated by the bin means, and the variance of
those means is corrected for the spread that bin means show by chance alone.

Everything works on plain 1-D arrays of draws, shape ``(S,)``, so it does not depend on PyMC.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["default_n_bins", "first_order_indices", "first_order_table", "quantile_bins"]


def default_n_bins(n_draws: float) -> int:
    """Default number of bins for ``n_draws`` draws: ``sqrt(n_draws)`` clipped to [5, 50].

    Parameters
    ----------
    n_draws : float
        Number of draws ``S`` (`default_evppi_bins` passes ``S / 10``).

    Returns
    -------
    int
        ``round(sqrt(S))`` clipped to the range [5, 50].
    """
    return int(np.clip(round(np.sqrt(n_draws)), 5, 50))


def _as_draws(values, name: str) -> np.ndarray:
    """Return ``values`` as a finite 1-D float array, or raise ``ValueError``."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array of draws, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name}: no draws")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: draws must be finite (found NaN or inf)")
    return arr


def quantile_bins(x: np.ndarray, *, n_bins: int | None = None) -> np.ndarray:
    """Assign each draw of ``x`` to one of (at most) ``n_bins`` equal-count quantile bins.

    Tied values always share a bin, so the bins define a function of ``x``. If ``x`` has no
    more distinct values than ``n_bins`` (a discrete input), each distinct value is its own bin.
    Bin edges that coincide because of ties are merged, so some inputs get fewer bins.

    Parameters
    ----------
    x : ndarray, shape (S,)
        Draws of the input.
    n_bins : int, optional
        Largest number of bins; default ``default_n_bins(S)``.

    Returns
    -------
    ndarray of int, shape (S,)
        Bin label of each draw, numbered ``0 .. K-1`` in increasing order of ``x`` with no
        empty bin.
    """
    x = _as_draws(x, "x")
    k = default_n_bins(x.size) if n_bins is None else int(n_bins)
    if k < 1:
        raise ValueError(f"n_bins must be at least 1, got {n_bins}")
    distinct, inverse = np.unique(x, return_inverse=True)
    if distinct.size <= k:
        return inverse.reshape(-1)
    edges = np.quantile(x, np.linspace(0.0, 1.0, k + 1)[1:-1])
    raw = np.searchsorted(edges, x, side="right")
    return np.unique(raw, return_inverse=True)[1].reshape(-1)


def _index_from_bins(labels: np.ndarray, y: np.ndarray, *, clip: bool = True) -> float:
    """Bias-corrected first-order index of ``y`` given bin labels (``y`` not constant).

    With ``K`` non-empty bins, between-bin sum of squares ``SSB``, within-bin sum of squares
    ``SSW`` and total ``SST``, the index is ``(SSB - (K - 1) * SSW / (S - K)) / SST``. The
    subtracted term is what ``SSB`` equals on average when the bin means differ only by chance
    (each bin mean has variance ``within-bin variance / bin size``): an ANOVA variance-component
    ("epsilon squared") estimate. The result is clipped to [0, 1] when ``clip``.
    """
    counts = np.bincount(labels)
    occupied = counts > 0
    k = int(occupied.sum())
    n = y.size
    if k < 2 or k >= n:
        return 0.0
    yc = y - y.mean()
    sums = np.bincount(labels, weights=yc)[occupied]
    counts = counts[occupied]
    sst = float(yc @ yc)
    if sst <= 0.0:
        return 0.0
    ssb = float(np.sum(sums**2 / counts))
    ssw = max(sst - ssb, 0.0)
    estimate = (ssb - (k - 1) * ssw / (n - k)) / sst
    return float(np.clip(estimate, 0.0, 1.0)) if clip else float(estimate)


def _check_inputs(inputs: dict[str, np.ndarray], y) -> tuple[dict[str, np.ndarray], np.ndarray]:
    y = _as_draws(y, "y")
    checked = {}
    for name, values in inputs.items():
        arr = _as_draws(values, name)
        if arr.size != y.size:
            raise ValueError(f"{name}: has {arr.size} draws but y has {y.size}")
        checked[name] = arr
    return checked, y


def first_order_indices(
    inputs: dict[str, np.ndarray], y: np.ndarray, *, n_bins: int | None = None, clip: bool = True
) -> dict[str, float]:
    """First-order (main-effect) sensitivity index of ``y`` to each input.

    ``S_i = Var(E[y | x_i]) / Var(y)``, estimated from the given draws by binning ``x_i`` into
    equal-count quantile bins (see `quantile_bins`) and subtracting the variance that bin means
    would show under no effect (mean within-bin variance / bin size). Estimates are clipped to
    [0, 1] unless ``clip=False`` (the raw estimator, unbiased for an input with no effect and
    then negative about half the time; tests check it). A constant input, or a constant ``y``,
    gets index 0. Bin means miss the variation of ``E[y | x_i]`` within a bin, a small
    downward bias that matters only where that function is steep inside wide bins (long
    tails): about -0.005 for ``y = 2 x`` and -0.07 for ``y = x**2`` with ``x ~ N(0, 1)`` and
    4000 draws. Monotone transforms of ``x_i`` leave the index unchanged.

    For independent inputs the indices sum to at most 1 (up to estimation error); with
    dependent inputs (as posterior draws often are) each index still answers "how much of
    Var(y) would knowing this input alone remove", but they may sum to more than 1.

    Parameters
    ----------
    inputs : dict of str to ndarray, shape (S,)
        Draws of each input, aligned with ``y``.
    y : ndarray, shape (S,)
        Draws of the output.
    n_bins : int, optional
        Largest number of bins per input; default ``default_n_bins(S)`` (sqrt(S) in [5, 50]).
    clip : bool, default True
        Clip each estimate to [0, 1].

    Returns
    -------
    dict of str to float
        Index of each input, in the order of ``inputs``.
    """
    inputs, y = _check_inputs(inputs, y)
    if np.ptp(y) == 0.0:
        return dict.fromkeys(inputs, 0.0)
    return {
        name: _index_from_bins(quantile_bins(x, n_bins=n_bins), y, clip=clip)
        for name, x in inputs.items()
    }


def first_order_table(
    inputs: dict[str, np.ndarray],
    y: np.ndarray,
    *,
    n_bins: int | None = None,
    n_boot: int = 50,
    rng: np.random.Generator | int | None = 0,
) -> pd.DataFrame:
    """First-order indices as a table, largest first, with bootstrap standard errors.

    Parameters
    ----------
    inputs : dict of str to ndarray, shape (S,)
        Draws of each input, aligned with ``y``.
    y : ndarray, shape (S,)
        Draws of the output.
    n_bins : int, optional
        Largest number of bins per input (see `first_order_indices`).
    n_boot : int, default 50
        Bootstrap resamples for the standard error; 0 skips the bootstrap (``se`` is NaN; it
        is 0 for a constant ``y``).
        The bins of each input are kept fixed and the draws resampled jointly (same resample
        for every input), which is cheap: one ``bincount`` per input and resample.
    rng : numpy.random.Generator or int or None, default 0
        Generator or seed for the bootstrap; the default seed makes the table reproducible.

    Returns
    -------
    pandas.DataFrame
        Columns ``input``, ``index``, ``se``, sorted by ``index`` descending (ties keep the
        order of ``inputs``).
    """
    if n_boot < 0 or n_boot == 1:
        raise ValueError(f"n_boot must be 0 (no bootstrap) or at least 2, got {n_boot}")
    inputs, y = _check_inputs(inputs, y)
    indices = first_order_indices(inputs, y, n_bins=n_bins)
    se = dict.fromkeys(inputs, np.nan)
    if n_boot > 0 and np.ptp(y) > 0.0:
        gen = np.random.default_rng(rng)
        labels = {name: quantile_bins(x, n_bins=n_bins) for name, x in inputs.items()}
        boot = np.empty((n_boot, len(inputs)))
        for b in range(n_boot):
            idx = gen.integers(0, y.size, size=y.size)
            yb = y[idx]
            for j, lab in enumerate(labels.values()):
                boot[b, j] = _index_from_bins(lab[idx], yb)
        se = dict(zip(inputs, boot.std(axis=0, ddof=1), strict=True))
    elif n_boot > 0:
        se = dict.fromkeys(inputs, 0.0)
    table = pd.DataFrame(
        {
            "input": list(indices),
            "index": [indices[name] for name in indices],
            "se": [float(se[name]) for name in indices],
        }
    )
    table = table.sort_values("index", ascending=False, kind="mergesort")
    return table.reset_index(drop=True)
