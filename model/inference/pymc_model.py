"""The PyMC model: every prior, plus the likelihoods the evidence supports.

Only two blocks meet data: the poll updates the opposition share of each polled component
(Binomial), and the reference class of past aid packages updates the duration
hyperparameters (LogNormal, right-censored for packages still pending on the as-of date).
Every other parameter is expert judgment; its posterior is its prior.
"""

from __future__ import annotations

import numpy as np

from model.case.distributions import to_pymc
from model.case.evidence import Evidence
from model.case.priors import Priors
from model.case.schema import OPPOSE_PREFIX
from model.errors import InputError
from model.inference.pooled import touched_params

_TOUCHED: dict[tuple[str, str], frozenset[str]] = {}


def data_params(priors: Priors, evidence: Evidence) -> set[str]:
    """Names of the parameters a likelihood touches (the rest are judgment only).

    Derived from the PyMC graph (``pooled.touched_params``: the ancestors of every observed
    variable), not from a list, and remembered per priors and evidence.
    """
    key = (priors.params_hash(), evidence.digest())
    if key not in _TOUCHED:
        _TOUCHED[key] = frozenset(touched_params(build_model(priors, evidence)))
    return set(_TOUCHED[key]) & set(priors.params)


def build_model(priors: Priors, evidence: Evidence):
    """Build the PyMC model of a case.

    Parameters
    ----------
    priors : Priors
        Resolved priors (one random variable each).
    evidence : Evidence
        Poll rows and reference-class rows after the as-of filter.

    Returns
    -------
    pymc.Model
    """
    import pymc as pm

    unknown = evidence.poll_components() - set(priors.components)
    if unknown:
        comp = sorted(unknown)[0]
        raise InputError(
            "poll.csv",
            f"component={comp!r}",
            "the priors have no opposition prior for it",
            f"add [params.{OPPOSE_PREFIX}{comp}] to the priors file",
        )
    with pm.Model() as model:
        rvs = {name: to_pymc(name, p.dist, p.params) for name, p in priors.params.items()}
        for comp, rows in evidence.poll.groupby("component", sort=True):
            pm.Binomial(
                f"poll_{comp}",
                n=rows["n"].to_numpy(),
                p=rvs[OPPOSE_PREFIX + comp],
                observed=rows["opposed"].to_numpy(),
            )
        ref = evidence.reference
        if len(ref) and priors.evidence.get("reference", True):
            months = ref["months"].to_numpy(dtype=float)
            upper = np.where(ref["censored"].to_numpy(dtype=bool), months, np.inf)
            pm.Censored(
                "reference_months",
                pm.LogNormal.dist(mu=rvs["duration_mu"], sigma=rvs["duration_sigma"]),
                lower=None,
                upper=upper,
                observed=months,
            )
    return model
