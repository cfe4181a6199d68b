"""One-way sensitivity ("tornado") analysis and flip points, by setting an input and recomputing.

Both functions take a dict of posterior draws (each a 1-D array of shape ``(S,)``) and an
``outcome`` callable that maps such a dict to per-draw values of shape ``(S,)``. An input is
"set" by replacing its draws with one constant value in every draw; all other draws are left
as they are and ``outcome`` is recomputed. This treats the input as if it were independent of
the others: any posterior correlation with other inputs is ignored (the other draws are not
conditioned on the new value). Nothing here is random, so results are deterministic as long as
``outcome`` is.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = ["flip_point", "tornado"]

Draws = dict[str, np.ndarray]


def _is_discrete(values: np.ndarray) -> bool:
    return values.dtype.kind in "biu"


def _quantile(values: np.ndarray, q):
    """Quantile(s) of an input's draws; an observed value for integer or boolean draws."""
    if _is_discrete(values):
        out = np.quantile(values.astype(np.int64), q, method="inverted_cdf")
        return out.astype(values.dtype)
    return np.quantile(values.astype(float), q)


def _set(draws: Draws, name: str, value) -> Draws:
    """Copy of ``draws`` (shallow) with input ``name`` set to ``value`` in every draw."""
    base = np.asarray(draws[name])
    keep_dtype = _is_discrete(base) and float(value) == round(float(value))
    modified = dict(draws)
    modified[name] = np.full(base.shape, value, dtype=base.dtype if keep_dtype else float)
    return modified


def _mean_outcome(outcome: Callable[[Draws], np.ndarray], draws: Draws, n: int) -> float:
    values = np.asarray(outcome(draws), dtype=float)
    if values.shape != (n,):
        raise ValueError(f"outcome must return shape ({n},), got {values.shape}")
    return float(values.mean())


def _input_draws(draws: Draws, name: str) -> np.ndarray:
    if name not in draws:
        raise KeyError(f"no draws for input {name!r}")
    values = np.asarray(draws[name])
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"{name}: expected a non-empty 1-D array of draws, got {values.shape}")
    return values


def tornado(
    draws: Draws,
    outcome: Callable[[Draws], np.ndarray],
    *,
    inputs: list[str] | None = None,
    low_q: float = 0.1,
    high_q: float = 0.9,
) -> pd.DataFrame:
    """One-way sensitivity of the mean outcome to each input, as a tornado table.

    For each input, its draws are replaced by its own ``low_q`` quantile in every draw, the
    outcome is recomputed and averaged over draws (``low``); the same with the ``high_q``
    quantile gives ``high``. ``swing = |high - low|``. The input is treated as independent of
    the others (set-and-recompute; see the module docstring), so an input the outcome does not
    use has swing exactly 0. Integer and boolean inputs are set to an observed value
    (``inverted_cdf`` quantile) and keep their dtype.

    Parameters
    ----------
    draws : dict of str to ndarray, shape (S,)
        Posterior draws of every quantity ``outcome`` needs.
    outcome : callable
        ``outcome(draws) -> ndarray of shape (S,)``, the per-draw outcome.
    inputs : list of str, optional
        Inputs to vary; default every key of ``draws``.
    low_q, high_q : float, default 0.1 and 0.9
        Quantiles of each input's own draws used as its low and high setting.

    Returns
    -------
    pandas.DataFrame
        Columns ``input``, ``low_value``, ``high_value``, ``low``, ``high``, ``base`` (mean
        outcome with the draws as given) and ``swing``, sorted by ``swing`` descending (ties
        keep input order).
    """
    if not 0.0 <= low_q <= 1.0 or not 0.0 <= high_q <= 1.0:
        raise ValueError(f"quantiles must lie in [0, 1], got {low_q} and {high_q}")
    names = list(draws) if inputs is None else list(inputs)
    rows = []
    base = None
    for name in names:
        values = _input_draws(draws, name)
        if base is None:
            base = _mean_outcome(outcome, draws, values.size)
        low_value, high_value = _quantile(values, [low_q, high_q])
        low = _mean_outcome(outcome, _set(draws, name, low_value), values.size)
        high = _mean_outcome(outcome, _set(draws, name, high_value), values.size)
        rows.append(
            {
                "input": name,
                "low_value": low_value.item(),
                "high_value": high_value.item(),
                "low": low,
                "high": high,
                "base": base,
                "swing": abs(high - low),
            }
        )
    columns = ["input", "low_value", "high_value", "low", "high", "base", "swing"]
    table = pd.DataFrame(rows, columns=columns)
    table = table.sort_values("swing", ascending=False, kind="mergesort")
    return table.reset_index(drop=True)


def _first_crossing(grid: np.ndarray, means: np.ndarray, threshold: float) -> float | None:
    """First value where the piecewise-linear ``means(grid)`` reaches ``threshold``, or None."""
    gap = means - threshold
    for i in range(grid.size):
        if gap[i] == 0.0:
            return float(grid[i])
        if i + 1 < grid.size and gap[i] * gap[i + 1] < 0.0:
            step = (threshold - means[i]) / (means[i + 1] - means[i])
            return float(grid[i] + step * (grid[i + 1] - grid[i]))
    return None


def flip_point(
    draws: Draws,
    outcome: Callable[[Draws], np.ndarray],
    *,
    input: str,
    threshold: float = 0.5,
    grid: np.ndarray | None = None,
    n_grid: int = 41,
    q_range: tuple[float, float] = (0.01, 0.99),
    decision: Callable[[Draws], np.ndarray] | None = None,
) -> dict:
    """Scan one input over a grid and find where the mean outcome (or the best option) flips.

    At each grid value the input is set in every draw (set-and-recompute, treating it as
    independent of the other inputs; see the module docstring) and the outcome is averaged.

    Parameters
    ----------
    draws : dict of str to ndarray, shape (S,)
        Posterior draws of every quantity ``outcome`` (and ``decision``) needs.
    outcome : callable
        ``outcome(draws) -> ndarray of shape (S,)``, the per-draw outcome.
    input : str
        The input to scan.
    threshold : float, default 0.5
        Level of the mean outcome whose crossing is reported.
    grid : array_like, optional
        Values to scan (sorted ascending, duplicates dropped). Default: ``n_grid`` quantiles
        of the input's own draws, evenly spaced in probability over ``q_range``.
    n_grid : int, default 41
        Number of grid quantiles when ``grid`` is not given.
    q_range : tuple of float, default (0.01, 0.99)
        Probability range of the default grid.
    decision : callable, optional
        ``decision(draws) -> ndarray of shape (S, D)``, per-draw utilities of ``D`` options.

    Returns
    -------
    dict
        ``input``; ``crosses_at``: the lowest value where the mean outcome reaches
        ``threshold``, by linear interpolation between grid points, or None if it does not
        within the grid; ``best_changes_at``: with ``decision``, the
        first grid value whose best option (argmax of mean utilities) differs from the best
        option with the input set to its median, else None; ``best_at_median`` and ``best``
        (best option index at the median and at each grid value, None without ``decision``);
        ``values``: the grid; ``means``: mean outcome at each grid value.
    """
    x = _input_draws(draws, input)
    if grid is None:
        lo, hi = q_range
        if not 0.0 <= lo <= hi <= 1.0:
            raise ValueError(f"q_range must satisfy 0 <= low <= high <= 1, got {q_range}")
        values = np.unique(_quantile(x, np.linspace(lo, hi, n_grid)))
    else:
        values = np.unique(np.asarray(grid, dtype=float))
    if values.size == 0:
        raise ValueError("empty grid")
    means = np.array([_mean_outcome(outcome, _set(draws, input, v), x.size) for v in values])

    def best_option(value) -> int:
        utilities = np.asarray(decision(_set(draws, input, value)), dtype=float)
        if utilities.ndim != 2 or utilities.shape[0] != x.size:
            raise ValueError(f"decision must return shape ({x.size}, D), got {utilities.shape}")
        return int(utilities.mean(axis=0).argmax())

    best = best_at_median = best_changes_at = None
    if decision is not None:
        best_at_median = best_option(_quantile(x, 0.5))
        best = [best_option(v) for v in values]
        changed = [v for v, b in zip(values, best, strict=True) if b != best_at_median]
        best_changes_at = float(changed[0]) if changed else None
    return {
        "input": input,
        "crosses_at": _first_crossing(values.astype(float), means, threshold),
        "best_changes_at": best_changes_at,
        "best_at_median": best_at_median,
        "best": best,
        "values": [v.item() for v in values],
        "means": means.tolist(),
    }
