"""Draws from the priors alone (no PyMC): prior sanity checks, predictive simulation, redraws."""

from __future__ import annotations

import numpy as np

from model.case.distributions import sample
from model.case.priors import Priors


def prior_draws(priors: Priors, *, size: int, rng: np.random.Generator, names=None) -> dict:
    """Independent draws of each parameter from its prior.

    Parameters
    ----------
    priors : Priors
        Resolved priors.
    size : int
        Number of draws.
    rng : numpy.random.Generator
        Seeded generator; parameters are drawn in a fixed (sorted) order.
    names : iterable of str, optional
        Only these parameters (default: all).

    Returns
    -------
    dict
        Parameter name -> array of shape (size,).
    """
    names = sorted(priors.params if names is None else names)
    return {
        n: np.asarray(sample(priors.params[n].dist, priors.params[n].params, rng=rng, size=size))
        for n in names
    }
