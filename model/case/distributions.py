"""The distributions a prior may use: checks, sampling, densities, quantiles and PyMC nodes.

One table (``FAMILIES``) says which parameters each distribution takes and which support it
has; everything else in the package asks this module instead of knowing about distributions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.constants import CI_MASS


@dataclass(frozen=True)
class Family:
    """A distribution family: its parameter names and its support."""

    params: tuple[str, ...]
    support: str  # "unit" (0, 1), "positive" (0, inf) or "real"


FAMILIES: dict[str, Family] = {
    "Beta": Family(("alpha", "beta"), "unit"),
    "Normal": Family(("mu", "sigma"), "real"),
    "LogNormal": Family(("mu", "sigma"), "positive"),
    "Gamma": Family(("alpha", "beta"), "positive"),
    "HalfNormal": Family(("sigma",), "positive"),
}

POSITIVE_PARAMS = {"alpha", "beta", "sigma"}
"""Distribution parameters that must be strictly positive."""

SUPPORT_FITS = {
    "unit": {"unit"},
    "positive": {"positive"},
    "real": {"unit", "positive", "real"},
}
"""Which distribution supports may serve a parameter with a given support."""


def scipy_dist(dist: str, params: dict[str, float]):
    """Return the frozen ``scipy.stats`` distribution for a resolved prior.

    Parameters
    ----------
    dist : str
        A key of ``FAMILIES``.
    params : dict
        Its parameters, by the names in ``FAMILIES``.
    """
    rv, args = unfrozen(dist, params)
    return rv(*args)


def unfrozen(dist: str, params: dict[str, float]) -> tuple:
    """The ``scipy.stats`` family of a resolved prior and its positional arguments.

    Calling the family's methods with these arguments skips the ~1.5 ms that freezing costs;
    the live panel maps draws through ``cdf`` and ``ppf`` on every move.
    """
    from scipy import stats  # imported here: it costs half a second at start-up

    p = params
    if dist == "Beta":
        return stats.beta, (p["alpha"], p["beta"])
    if dist == "Normal":
        return stats.norm, (p["mu"], p["sigma"])
    if dist == "LogNormal":
        return stats.lognorm, (p["sigma"], 0.0, np.exp(p["mu"]))
    if dist == "Gamma":
        return stats.gamma, (p["alpha"], 0.0, 1.0 / p["beta"])
    if dist == "HalfNormal":
        return stats.halfnorm, (0.0, p["sigma"])
    raise KeyError(dist)


def sample(dist: str, params: dict[str, float], *, rng: np.random.Generator, size: int):
    """Draw ``size`` values from a resolved prior with a seeded generator."""
    rv, args = unfrozen(dist, params)
    return rv.rvs(*args, size=size, random_state=rng)


def logpdf(dist: str, params: dict[str, float], x: np.ndarray) -> np.ndarray:
    """Log density of a resolved prior at ``x``."""
    rv, args = unfrozen(dist, params)
    return rv.logpdf(x, *args)


def ppf(dist: str, params: dict[str, float], q) -> np.ndarray:
    """Quantiles of a resolved prior."""
    rv, args = unfrozen(dist, params)
    return rv.ppf(q, *args)


def central_interval(dist: str, params: dict[str, float]) -> tuple[float, float]:
    """A resolved prior's central ``CI_MASS`` interval (what an elicited interval would say)."""
    tail = (1 - CI_MASS) / 2
    lo, hi = ppf(dist, params, [tail, 1 - tail])
    return float(lo), float(hi)


def cdf(dist: str, params: dict[str, float], x: float) -> float:
    """Cumulative probability of a resolved prior at ``x``, with ``scipy.special`` only.

    Cheaper to import than ``scipy.stats``; used to check cached elicitations on every load.
    """
    from scipy import special

    p = params
    with np.errstate(all="ignore"):
        if dist == "Normal":
            return float(special.ndtr((x - p["mu"]) / p["sigma"]))
        if x <= 0 and dist != "Beta":
            return 0.0
        if dist == "Beta":
            return float(special.betainc(p["alpha"], p["beta"], min(max(x, 0.0), 1.0)))
        if dist == "LogNormal":
            return float(special.ndtr((np.log(x) - p["mu"]) / p["sigma"]))
        if dist == "Gamma":
            return float(special.gammainc(p["alpha"], p["beta"] * x))
        if dist == "HalfNormal":
            return float(special.erf(x / (p["sigma"] * np.sqrt(2.0))))
    raise KeyError(dist)


def to_pymc(name: str, dist: str, params: dict[str, float]):
    """Create the PyMC random variable for a resolved prior (inside a model context)."""
    import pymc as pm

    return getattr(pm, dist)(name, **params)


def elicit(
    dist: str, lower: float, upper: float, mass: float, *, tails: str = "maxent"
) -> dict[str, float]:
    """Parameters putting ``mass`` between ``lower`` and ``upper``, by one of two conventions.

    ``tails="equal"``: the interval is the expert's central interval, so ``(1 - mass) / 2`` lies
    below ``lower`` and as much above ``upper`` (`elicit_equal_tails`). ``tails="maxent"``: the
    maximum-entropy distribution with that mass inside (PreliZ ``maxent``), which may put the
    missing mass unevenly (0.4% below and 9.6% above for a LogNormal on [0.5, 6]).

    Parameters
    ----------
    dist : str
        A key of ``FAMILIES``.
    lower, upper : float
        The elicited interval.
    mass : float
        Probability inside the interval.
    tails : {"maxent", "equal"}
        The convention; the function's default is PreliZ's, a priors file's is
        ``model.case.schema.DEFAULT_TAILS``.

    Returns
    -------
    dict
        The distribution's parameters by name.
    """
    if tails == "equal":
        return elicit_equal_tails(dist, lower, upper, mass)
    import warnings

    import preliz as pz

    d = getattr(pz, dist)()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        pz.maxent(d, lower, upper, mass, plot=False)
    return {name: float(getattr(d, name)) for name in FAMILIES[dist].params}


def elicit_equal_tails(dist: str, lower: float, upper: float, mass: float) -> dict[str, float]:
    """Parameters whose ``(1 - mass) / 2`` and ``(1 + mass) / 2`` quantiles are the interval.

    Closed form for Normal and LogNormal; a least-squares solve on the log parameters for Beta
    and Gamma (started from a moment match). HalfNormal has one parameter: it gets the best
    least-squares fit of the two tail masses, which the caller checks against ``mass``.

    Parameters
    ----------
    dist : str
        A key of ``FAMILIES``.
    lower, upper : float
        The elicited interval.
    mass : float
        Probability inside the interval.

    Returns
    -------
    dict
        The distribution's parameters by name.

    Raises
    ------
    ValueError
        When no member of the family has those quantiles (e.g. a LogNormal with ``lower = 0``).
    """
    from scipy import optimize, special

    tail = (1.0 - mass) / 2.0
    z = float(special.ndtri(1.0 - tail))
    if dist == "Normal":
        return {"mu": (lower + upper) / 2.0, "sigma": (upper - lower) / (2.0 * z)}
    if dist == "LogNormal":
        if lower <= 0:
            raise ValueError("a LogNormal has no mass at 0: give lower > 0")
        lo, hi = np.log(lower), np.log(upper)
        return {"mu": float(lo + hi) / 2.0, "sigma": float(hi - lo) / (2.0 * z)}
    names = FAMILIES[dist].params
    mean, sd = (lower + upper) / 2.0, (upper - lower) / (2.0 * z)
    if dist == "Beta":
        kappa = max(mean * (1.0 - mean) / sd**2 - 1.0, 0.5)
        start = [mean * kappa, (1.0 - mean) * kappa]
    elif dist == "Gamma":
        start = [(mean / sd) ** 2, mean / sd**2]
    else:
        start = [max(upper, 1e-9) / z]

    def residuals(log_params):
        frozen = scipy_dist(dist, dict(zip(names, np.exp(log_params), strict=True)))
        return [frozen.cdf(lower) - tail, frozen.sf(upper) - tail]

    solution = optimize.least_squares(residuals, np.log(start), xtol=1e-12, ftol=1e-12)
    if dist != "HalfNormal" and np.max(np.abs(solution.fun)) > 1e-4:
        raise ValueError(f"no {dist} has {tail:.1%} in each tail of [{lower}, {upper}]")
    return {name: float(v) for name, v in zip(names, np.exp(solution.x), strict=True)}
