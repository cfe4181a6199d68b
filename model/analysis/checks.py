"""Predictive checks of the observables: months to enactment and poll counts.

The model's two observables are simulated from the priors alone (prior predictive) and from
the posterior (posterior predictive) and set against what was observed: each reference-class
package's months from request to enactment, and each poll row's count of opposed respondents
(as the likelihood counts it, `model.inference.pymc_model.poll_rows`).

* Prior PIT: the share of prior-predictive draws at or below the observation (mid-PIT for
  counts). Near 0 or 1 means the priors found the data surprising.
* LOO-PIT: the same against the posterior predictive with that observation left out, by
  Pareto-smoothed importance sampling (``arviz_stats.loo_pit``), with the Pareto k of each
  observation. Calibrated predictions give LOO-PIT values spread like Uniform(0, 1). A package
  still pending (censored) has no PIT: its row reports P(still pending at its months).

With eight observations no uniformity test has power; the values are for reading one by one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.case.priors import Priors
from model.case.schema import OPPOSE_PREFIX
from model.inference.fit import Fit
from model.inference.prior_draws import prior_draws
from model.inference.pymc_model import POLL_ERROR, poll_rows

PRIOR_DRAWS = 4000
KEEP = 1000
"""Simulated draws kept per observation for figures."""


def simulate_months(draws: dict, n_obs: int, rng: np.random.Generator) -> np.ndarray:
    """Months to enactment per draw and reference-class row, shape (S, n_obs)."""
    mu, sigma = draws["duration_mu"][:, None], draws["duration_sigma"][:, None]
    return np.exp(mu + sigma * rng.standard_normal((mu.size, n_obs)))


def simulate_poll(draws: dict, rows: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Opposed counts per draw and poll row (Beta-Binomial with ``poll_error``), (S, rows)."""
    share = np.column_stack([draws[OPPOSE_PREFIX + c] for c in rows["component"]])
    if POLL_ERROR in draws:
        kappa = 1.0 / draws[POLL_ERROR][:, None] ** 2
        share = rng.beta(share * kappa, (1.0 - share) * kappa)
    return rng.binomial(rows["n_eff"].to_numpy()[None, :], share)


def _log_lik_months(draws: dict, months: np.ndarray, censored: np.ndarray) -> np.ndarray:
    from scipy import stats

    mu, sigma = draws["duration_mu"][:, None], draws["duration_sigma"][:, None]
    dist = stats.lognorm(s=sigma, scale=np.exp(mu))
    return np.where(censored[None, :], dist.logsf(months[None, :]), dist.logpdf(months[None, :]))


def _log_lik_poll(draws: dict, rows: pd.DataFrame) -> np.ndarray:
    from scipy import stats

    share = np.column_stack([draws[OPPOSE_PREFIX + c] for c in rows["component"]])
    n, k = rows["n_eff"].to_numpy()[None, :], rows["opposed_eff"].to_numpy()[None, :]
    if POLL_ERROR not in draws:
        return stats.binom.logpmf(k, n, share)
    kappa = 1.0 / draws[POLL_ERROR][:, None] ** 2
    return stats.betabinom.logpmf(k, n, share * kappa, (1.0 - share) * kappa)


def pit(simulated: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Mid-PIT per column: P(sim < obs) + P(sim == obs) / 2 (the plain PIT for continuous data)."""
    below = (simulated < observed[None, :]).mean(axis=0)
    return below + 0.5 * (simulated == observed[None, :]).mean(axis=0)


def loo_pit_values(
    log_lik: np.ndarray, simulated: np.ndarray, observed: np.ndarray, *, chains: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """LOO-PIT and Pareto k per observation (``arviz_stats.loo_pit``), draws chain-major.

    Parameters
    ----------
    log_lik, simulated : ndarray, shape (S, n)
        Pointwise log-likelihood and posterior-predictive draws.
    observed : ndarray, shape (n,)
        The observations.
    chains : int
        Number of chains (``S`` is split chain-major).
    seed : int
        Seed for the randomised tie-breaking of discrete data.

    Returns
    -------
    (ndarray, ndarray)
        LOO-PIT values and Pareto k, each shape (n,).
    """
    from arviz_base import from_dict
    from arviz_stats import loo, loo_pit

    shape = (chains, log_lik.shape[0] // chains, log_lik.shape[1])
    tree = from_dict(
        {
            "posterior": {"theta": np.zeros(shape[:2])},
            "log_likelihood": {"y": log_lik.reshape(shape)},
            "posterior_predictive": {"y": simulated.reshape(shape).astype(float)},
            "observed_data": {"y": observed.astype(float)},
        }
    )
    import warnings

    with warnings.catch_warnings():  # a high Pareto k is reported in the table, not warned
        warnings.simplefilter("ignore", UserWarning)
        values = np.asarray(loo_pit(tree, var_names=["y"], random_state=seed)["y"].values)
        k = np.asarray(loo(tree, var_name="y", pointwise=True).pareto_k.values)
    return values, k


def _spread(sim: np.ndarray) -> dict:
    lo, mid, hi = np.quantile(sim, [0.05, 0.5, 0.95], axis=0)
    return {"lo": lo, "median": mid, "hi": hi}


def predictive_checks(fit: Fit, *, prior_size: int = PRIOR_DRAWS, seed: int | None = None) -> dict:
    """Prior and posterior predictive checks of months to enactment and poll counts.

    Parameters
    ----------
    fit : Fit
        The posterior (its priors and evidence give the prior predictive).
    prior_size : int
        Draws from the priors.
    seed : int, optional
        Seed of the simulations; default the fit's sampler seed.

    Returns
    -------
    dict
        ``months`` and ``poll``: DataFrames, one row per observation, with the observation,
        the prior- and posterior-predictive 90% intervals and medians (``prior_lo``,
        ``prior_median``, ``prior_hi``, ``post_*``), ``prior_pit``, ``loo_pit`` and
        ``pareto_k`` (a censored package has ``p_still_pending`` under prior and posterior
        instead of PIT values); ``simulated``: per observable, ``prior`` and ``post`` arrays
        of at most ``KEEP`` simulated draws per observation (for figures); ``sentences``: the
        checks in words, computed from the numbers.
    """
    seed = fit.settings.seed if seed is None else seed
    rng = np.random.default_rng(seed)
    prior = prior_draws(fit.priors, size=prior_size, rng=rng, names=_names(fit.priors))
    post = fit.draws
    ref, rows = fit.evidence.reference, poll_rows(fit.evidence)
    months = ref["months"].to_numpy(float)
    censored = ref["censored"].to_numpy(bool)
    counts = rows["opposed_eff"].to_numpy()
    sims = {
        "months": (simulate_months(prior, len(ref), rng), simulate_months(post, len(ref), rng)),
        "poll": (simulate_poll(prior, rows, rng), simulate_poll(post, rows, rng)),
    }
    chains = fit.settings.chains
    loo_m = np.full(len(ref), np.nan), np.full(len(ref), np.nan)
    open_rows = ~censored
    if open_rows.any():
        ll = _log_lik_months(post, months, censored)[:, open_rows]
        got = loo_pit_values(
            ll, sims["months"][1][:, open_rows], months[open_rows], chains=chains, seed=seed
        )
        loo_m[0][open_rows], loo_m[1][open_rows] = got
    month_table = pd.DataFrame(
        {
            "package": ref["package"].to_numpy(),
            "observed": months,
            "censored": censored,
            **_prefixed("prior", _spread(sims["months"][0])),
            **_prefixed("post", _spread(sims["months"][1])),
            "prior_pit": np.where(censored, np.nan, pit(sims["months"][0], months)),
            "loo_pit": loo_m[0],
            "pareto_k": loo_m[1],
            "p_still_pending_prior": np.where(
                censored, (sims["months"][0] > months).mean(axis=0), np.nan
            ),
            "p_still_pending_post": np.where(
                censored, (sims["months"][1] > months).mean(axis=0), np.nan
            ),
        }
    )
    poll_pit, poll_k = (
        loo_pit_values(_log_lik_poll(post, rows), sims["poll"][1], counts, chains=chains, seed=seed)
        if len(rows)
        else (np.array([]), np.array([]))
    )
    poll_table = pd.DataFrame(
        {
            "reading": rows["reading"].to_numpy(),
            "component": rows["component"].to_numpy(),
            "n": rows["n_eff"].to_numpy(),
            "observed": counts,
            **_prefixed("prior", _spread(sims["poll"][0])),
            **_prefixed("post", _spread(sims["poll"][1])),
            "prior_pit": pit(sims["poll"][0], counts),
            "loo_pit": poll_pit,
            "pareto_k": poll_k,
        }
    )
    keep = {k: (a[:KEEP], b[:: max(1, b.shape[0] // KEEP)]) for k, (a, b) in sims.items()}
    out = {
        "months": month_table,
        "poll": poll_table,
        "simulated": {k: {"prior": a, "post": b} for k, (a, b) in keep.items()},
    }
    out["sentences"] = check_sentences(out)
    return out


def _names(priors: Priors) -> list[str]:
    wanted = {"duration_mu", "duration_sigma", POLL_ERROR}
    return [n for n in priors.params if n in wanted or n.startswith(OPPOSE_PREFIX)]


def _prefixed(prefix: str, parts: dict) -> dict:
    return {f"{prefix}_{k}": v for k, v in parts.items()}


def check_sentences(checks: dict, *, tail: float = 0.05) -> list[str]:
    """The predictive checks in words: which observations sit in a predictive tail.

    Parameters
    ----------
    checks : dict
        The output of `predictive_checks`.
    tail : float
        A PIT below ``tail`` or above ``1 - tail`` counts as surprising.

    Returns
    -------
    list of str
    """
    out = []
    for name, table, what in (
        ("months", checks["months"], "package"),
        ("poll", checks["poll"], "component"),
    ):
        for kind, col in (("the priors alone", "prior_pit"), ("the posterior (LOO)", "loo_pit")):
            values = table[col].dropna()
            odd = table.loc[values.index[(values < tail) | (values > 1 - tail)]]
            label = "months to enactment" if name == "months" else "poll counts"
            if odd.empty:
                out.append(
                    f"{label.capitalize()}: every observation lies inside the central "
                    f"{1 - 2 * tail:.0%} of what {kind} predict (PIT {values.min():.2f} to "
                    f"{values.max():.2f})."
                )
            else:
                items = ", ".join(
                    f"{r[what]}{' (' + r['reading'] + ')' if name == 'poll' else ''} "
                    f"at PIT {r[col]:.3f}"
                    for _, r in odd.iterrows()
                )
                out.append(f"{label.capitalize()}: {kind} found surprising: {items}.")
    k = pd.concat([checks["months"]["pareto_k"], checks["poll"]["pareto_k"]]).dropna()
    if (k > 0.7).any():
        out.append(f"Some LOO-PIT values are unreliable (Pareto k up to {k.max():.2f} > 0.7).")
    return out
