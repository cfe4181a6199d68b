"""Expected value of sample information (EVSI): what a concrete study is worth before choosing.

A study (`model.studies.plans.Study`) returns a result ``x`` whose distribution depends on the
parameters it reads. Preposterior analysis: simulate ``x`` from the posterior predictive,
update the posterior on ``x``, choose the best design given ``x``, and average:

    EVSI = E_x[ max_d E[U_d | x] ] - max_d E[U_d].

Two estimates, on the same posterior draws and per-draw design utilities (`deal_matrix`):

``regression`` (the fast one; Strong, Oakley, Brennan and Breeze, Med Decis Making 35:570, 2015)
    One result ``x_s`` is simulated from each draw ``s``; each design's utility is regressed on
    a smooth function of the summary ``x_s / n`` (the restricted cubic spline of
    `model.analysis.sensitivity.voi.evppi_regression`), whose fitted values estimate
    ``E[U_d | x]``. Cost: one regression per sample size. Its standard error is a bootstrap
    over the draws.
``nested`` (brute force, the check)
    ``EVSI_OUTER`` results are simulated from random draws; for each, the posterior given ``x``
    is the existing draws reweighted by the study's likelihood, Pareto-smoothed (PSIS), and the
    best design is chosen on the reweighted means. Its standard error is that of the mean gain
    over the simulated results. Where a result's Pareto k exceeds the trusted threshold
    (`model.whatif.answers.k_threshold`), a refit per simulated result would be needed; none is
    done (a thousand NUTS fits per size), those results are counted and reported
    (``high_k``).

The EVSI is given for two choices: the design that maximises P(deal) (in P(deal) points) and
the one that maximises the decision's expected value (in its value units). As ``n`` grows it
approaches the EVPPI of the parameter the study reads (its upper bound, ``evppi``).
"""

from __future__ import annotations

import numpy as np
from scipy import stats
from scipy.special import expit
from threadpoolctl import threadpool_limits

from model.analysis.decision import DesignMatrix, deal_matrix
from model.analysis.importance import psis_weights
from model.analysis.sensitivity.voi import evppi, spline_basis
from model.case.schema import OPPOSE_PREFIX
from model.constants import DEFAULT_SEED, EVSI_OUTER
from model.inference.fit import Fit
from model.studies.plans import TARGET, Study
from model.whatif.answers import k_threshold

UTILITIES = {"p_deal": "P(deal) points", "value": "value units"}
"""The two choices: maximise P(deal) (EVSI x 100 in points) or the expected value."""
SHARE_FLOOR = 1e-6


def read_quantity(draws: dict, study: Study) -> np.ndarray:
    """What the study measures, per draw (the scalar whose EVPPI bounds the study's EVSI).

    A poll: today's opposition share of its component (the share plus the drift since the old
    poll, clipped to [0, 1], as `model.analysis.outcomes.p_accept` uses it). A whip count:
    Congress's baseline willingness ``expit(us_support)``. Soundings: the partner's will to
    accept at an even split of opinion, ``expit(gov_will)``.
    """
    if study.kind == "poll":
        share = draws[OPPOSE_PREFIX + study.component] + draws["opinion_shift"]
        return np.clip(share, SHARE_FLOOR, 1 - SHARE_FLOOR)
    return expit(draws[TARGET[study.kind]])


def effective_n(study: Study) -> int:
    """Simple-random-sample size of the study: ``n / design_effect``, at least 1."""
    return max(1, round(study.n / study.design_effect))


def _poll_shape(draws: dict, study: Study) -> tuple[np.ndarray, np.ndarray] | None:
    """Beta-Binomial shapes of the poll's count per draw (None: plain Binomial)."""
    if "poll_error" not in draws:
        return None
    theta = read_quantity(draws, study)
    kappa = 1.0 / np.maximum(draws["poll_error"], 1e-6) ** 2
    return theta * kappa, (1 - theta) * kappa


def simulate(draws: dict, study: Study, rng: np.random.Generator, rows=None) -> np.ndarray:
    """One study result (a count out of `effective_n`) per draw, from the posterior predictive.

    Parameters
    ----------
    draws : dict of str to ndarray
        Posterior draws.
    study : Study
        The study.
    rng : numpy.random.Generator
        Random numbers.
    rows : ndarray of int, optional
        Draws to simulate from (default: all).

    Returns
    -------
    ndarray of int
        The count of ``opposed`` (poll) or ``yes`` (whip count, soundings) per simulated result.
    """
    theta = read_quantity(draws, study)
    rows = np.arange(theta.size) if rows is None else np.asarray(rows)
    n = effective_n(study)
    if study.kind == "poll":
        shape = _poll_shape(draws, study)
        p = theta[rows] if shape is None else rng.beta(shape[0][rows], shape[1][rows])
        return rng.binomial(n, p)
    reads = rng.random(rows.size) < study.reliability
    return np.where(reads, rng.binomial(n, theta[rows]), rng.integers(0, n + 1, size=rows.size))


def log_likelihood(draws: dict, study: Study, x: np.ndarray) -> np.ndarray:
    """Log-likelihood of each result under each draw: shape ``(len(x), S)``."""
    theta = read_quantity(draws, study)
    n = effective_n(study)
    x = np.asarray(x)[:, None]
    if study.kind == "poll":
        shape = _poll_shape(draws, study)
        if shape is None:
            return stats.binom.logpmf(x, n, theta[None, :])
        return stats.betabinom.logpmf(x, n, shape[0][None, :], shape[1][None, :])
    r = study.reliability
    reads = np.log(r) + stats.binom.logpmf(x, n, theta[None, :]) if r > 0 else -np.inf
    noise = np.log1p(-r) - np.log(n + 1) if r < 1 else -np.inf
    return np.broadcast_to(np.logaddexp(reads, noise), (x.shape[0], theta.size)).copy()


def _utilities(matrix: DesignMatrix) -> dict[str, np.ndarray]:
    return {u: matrix[u] for u in UTILITIES}


def _candidates(u: np.ndarray) -> np.ndarray:
    """Designs best in some draw, plus the one best on average (the rest never win)."""
    keep = (u == u.max(axis=1, keepdims=True)).any(axis=0)
    keep[u.mean(axis=0).argmax()] = True
    return u[:, keep]


def _fitted_gain(basis: np.ndarray, u: np.ndarray, counts: np.ndarray | None = None) -> float:
    """``mean max_d g_d(x) - max_d mean g_d(x)``, ``g`` least squares by normal equations.

    ``counts`` (how often each draw is taken, a bootstrap) weight the draws without copying
    them; the normal equations are small (basis columns squared), so one solve per resample.
    """
    c = np.ones(basis.shape[0]) if counts is None else counts.astype(float)
    bw = basis * c[:, None]
    coef = np.linalg.lstsq(bw.T @ basis, bw.T @ u, rcond=None)[0]
    fitted = basis @ coef
    total = c.sum()
    return float((c @ fitted.max(axis=1)) / total - ((c @ fitted) / total).max())


def regression_evsi(
    x: np.ndarray, u: np.ndarray, *, n_knots: int = 5, n_boot: int = 100, rng=0
) -> tuple[float, float]:
    """EVSI from one simulated summary ``x`` per draw and the designs' utilities ``u``.

    Each design's utility is regressed on a restricted cubic spline of ``x`` (the basis of
    `model.analysis.sensitivity.voi.evppi_regression`); the fitted values estimate
    ``E[U_d | x]`` (Strong et al. 2015). Returns the estimate (clipped at 0) and its bootstrap
    standard error over the draws.
    """
    u = _candidates(np.asarray(u, dtype=float))
    if u.shape[1] < 2 or np.ptp(x) == 0:
        return 0.0, 0.0
    basis = spline_basis(np.asarray(x, dtype=float), n_knots)
    value = _fitted_gain(basis, u)
    gen = np.random.default_rng(rng)
    size = basis.shape[0]
    boot = [
        _fitted_gain(basis, u, np.bincount(gen.integers(0, size, size), minlength=size))
        for _ in range(n_boot)
    ]
    return max(value, 0.0), float(np.std(boot, ddof=1))


def evsi_regression(
    draws: dict, study: Study, utilities: dict[str, np.ndarray], *, seed: int = DEFAULT_SEED
) -> dict:
    """Regression-based EVSI of one study (Strong et al. 2015), for each utility.

    Returns
    -------
    dict
        Utility name -> ``{"evsi", "se"}`` (the bootstrap standard error).
    """
    rng = np.random.default_rng([seed, study.n, 1])
    x = simulate(draws, study, rng) / effective_n(study)
    out = {}
    for name, u in utilities.items():
        value, se = regression_evsi(x, u, rng=np.random.default_rng([seed, study.n, 2]))
        out[name] = {"evsi": value, "se": se}
    return out


def evsi_nested(
    draws: dict,
    study: Study,
    utilities: dict[str, np.ndarray],
    *,
    chains: int,
    n_outer: int = EVSI_OUTER,
    seed: int = DEFAULT_SEED,
) -> dict:
    """Brute-force EVSI: simulated results, PSIS-reweighted posteriors, the best design each.

    The gain per simulated result is ``max_d E[U_d | x] - E[U_{d0} | x]`` with ``d0`` the design
    best today: its mean is the EVSI (never negative), its standard error over results the
    Monte Carlo error.

    Returns
    -------
    dict
        Utility name -> ``{"evsi", "se"}``, plus ``high_k`` (results whose Pareto k exceeds
        the trusted threshold), ``k_max``, ``n_outer`` and ``k_threshold``.
    """
    size = next(iter(utilities.values())).shape[0]
    rng = np.random.default_rng([seed, study.n, 3])
    rows = rng.integers(0, size, size=n_outer)
    x = simulate(draws, study, rng, rows=rows)
    values, inverse = np.unique(x, return_inverse=True)
    weights, k = psis_weights(log_likelihood(draws, study, values), chains)
    k = k[inverse]
    out = {}
    for name, u in utilities.items():
        now = int(u.mean(axis=0).argmax())
        means = (weights @ u)[inverse]
        gain = means.max(axis=1) - means[:, now]
        out[name] = {"evsi": float(gain.mean()), "se": float(gain.std(ddof=1) / np.sqrt(n_outer))}
    threshold = k_threshold(size)
    out |= {
        "high_k": int(np.sum(~(k <= threshold))),
        "k_max": float(np.nanmax(k)) if np.isfinite(k).any() else float("nan"),
        "n_outer": n_outer,
        "k_threshold": float(threshold),
    }
    return out


def evppi_bound(
    draws: dict, study: Study, utilities: dict[str, np.ndarray], *, seed: int = DEFAULT_SEED
) -> tuple[dict, dict]:
    """EVPPI of the quantity the study reads, per utility (the limit of its EVSI), and its SE.

    By the same regression as the EVSI (on the quantity itself rather than on a simulated
    result), so the bound and the curve share the estimator's small upward bias; the binned,
    cross-fitted `model.analysis.sensitivity.voi.evppi` is the conservative cross-check.
    """
    theta = read_quantity(draws, study)
    got = {
        name: regression_evsi(theta, u, rng=np.random.default_rng([seed, 4]))
        for name, u in utilities.items()
    }
    return {k: v[0] for k, v in got.items()}, {k: v[1] for k, v in got.items()}


def study_cost(study: Study, n: int) -> float:
    """Cost of the study at size ``n``: its stated cost scaled in proportion to the size."""
    return study.cost * n / study.n


def evsi_curve(
    fit: Fit,
    study: Study,
    *,
    sizes=None,
    nested: bool = False,
    matrix: DesignMatrix | None = None,
    n_outer: int = EVSI_OUTER,
    seed: int = DEFAULT_SEED,
) -> dict:
    """EVSI of a study over sample sizes, with its EVPPI bound and, given a cost, the best n.

    Parameters
    ----------
    fit : Fit
        The posterior.
    study : Study
        The study (its ``sizes`` are the default curve).
    sizes : iterable of int, optional
        Sample sizes (default ``study.sizes``; the study's own ``n`` is always included).
    nested : bool, default False
        Also compute the brute-force nested estimate at each size (the check).
    matrix : DesignMatrix, optional
        Per-draw design utilities already computed for this fit.
    n_outer : int
        Simulated results of the nested estimate.
    seed : int
        Random seed (same inputs and seed give the same numbers).

    Matrix products run on one BLAS thread: on a shared machine, many small products with
    several threads each were 15 times slower.

    Returns
    -------
    dict
        ``study`` (its fields), ``rows`` (one per size: ``n``, ``evsi_<u>``, ``se_<u>``,
        ``cost``, ``net_value`` and, when nested, ``nested_<u>``, ``nested_se_<u>``,
        ``high_k``), ``evppi`` (utility -> bound), ``at_n`` (the row of the study's own n),
        ``best_n`` (the size with the largest expected net benefit in value units) and
        ``method``.
    """
    with threadpool_limits(limits=1):
        return _curve(fit, study, sizes, nested, matrix, n_outer, seed)


def _curve(fit, study, sizes, nested, matrix, n_outer, seed) -> dict:
    matrix = deal_matrix(fit) if matrix is None else matrix
    utilities = _utilities(matrix)
    sizes = sorted({int(s) for s in (sizes or study.sizes)} | {study.n})
    rows = []
    for n in sizes:
        s = study.with_n(n)
        row = {"n": n, "n_effective": effective_n(s)}
        for name, got in evsi_regression(fit.draws, s, utilities, seed=seed).items():
            row[f"evsi_{name}"], row[f"se_{name}"] = got["evsi"], got["se"]
        if nested:
            got = evsi_nested(
                fit.draws, s, utilities, chains=fit.settings.chains, n_outer=n_outer, seed=seed
            )
            for name in UTILITIES:
                row[f"nested_{name}"] = got[name]["evsi"]
                row[f"nested_se_{name}"] = got[name]["se"]
            row |= {"high_k": got["high_k"], "k_max": got["k_max"], "n_outer": got["n_outer"]}
        row["cost"] = study_cost(study, n)
        row["net_value"] = row["evsi_value"] - row["cost"]
        rows.append(row)
    best = max(rows, key=lambda r: r["net_value"])
    bound, bound_se = evppi_bound(fit.draws, study, utilities, seed=seed)
    theta = read_quantity(fit.draws, study)
    return {
        "study": {
            "name": study.name,
            "kind": study.kind,
            "label": study.label,
            "n": study.n,
            "component": study.component,
            "design_effect": study.design_effect,
            "reliability": study.reliability,
            "cost": study.cost,
            "informs": study.informs,
            "sources": study.sources,
            "file": study.path,
        },
        "rows": rows,
        "evppi": bound,
        "evppi_se": bound_se,
        "evppi_binned": {name: evppi(theta, u) for name, u in utilities.items()},
        "at_n": next(r for r in rows if r["n"] == study.n),
        "best_n": best["n"] if best["net_value"] > 0 else None,
        "method": "regression on the simulated result (Strong et al. 2015), bootstrap SE"
        + ("; nested PSIS check" if nested else ""),
        "draws": int(next(iter(utilities.values())).shape[0]),
        "seed": seed,
    }


def evsi_payload(fit: Fit, studies, *, nested: bool = False, seed: int = DEFAULT_SEED) -> dict:
    """EVSI curves of several studies on one posterior (the design matrix computed once)."""
    matrix = deal_matrix(fit)
    curves = [evsi_curve(fit, s, nested=nested, matrix=matrix, seed=seed) for s in studies]
    return {
        "curves": curves,
        "units": {
            "p_deal": "probability (x 100: points)",
            "value": fit.priors.decision.get("unit", "value"),
        },
        "designs": len(matrix.designs),
        "provenance": fit.provenance(),
    }
