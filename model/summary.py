"""Credible intervals and provenance stamps for every number the tool reports."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata

import numpy as np

from model.constants import CI_MASS, MODEL_VERSION, ROOT

PACKAGES = ("pymc", "pytensor", "arviz", "numpy", "pandas", "scipy", "preliz", "xarray")


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


def versions() -> dict[str, str]:
    """Versions of Python and the numerical stack, for provenance."""
    out = {"python": platform.python_version(), "model": MODEL_VERSION}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit() -> str:
    """The checkout's commit (with ``-dirty`` when it has uncommitted changes), or ``unknown``."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=5,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return sha + ("-dirty" if dirty else "")
