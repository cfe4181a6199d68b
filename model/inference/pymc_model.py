"""The PyMC model: every prior, plus the likelihoods the evidence supports.

Only two blocks meet data: the poll updates the opposition share of each polled component
(Binomial), and the reference class of past aid packages updates the duration
hyperparameters (LogNormal, right-censored for packages still pending on the as-of date).
Every other parameter is expert judgment; its posterior is its prior.

A poll reading is more than a sample: the article's reading and the item reading of the same
poll disagree on funds by 6 points, about three sampling sds. With a ``poll_error`` prior, each
poll row is Beta-Binomial: the row's own share is Beta with mean ``oppose_c`` and concentration
``1 / poll_error**2`` (its sd beyond sampling is about ``poll_error * sqrt(p (1 - p))``), so
several readings of one component are fitted together and their disagreement widens, rather
than doubles, the evidence. Readings of one component share one sample, so each of ``k``
readings counts ``n / k`` respondents (`poll_rows`): the sample's information is counted once.
(A latent logit-normal error per row was tried first: its funnel gave divergences at 4 x 1000.)
"""

from __future__ import annotations

import numpy as np

from model.case.distributions import to_pymc
from model.case.evidence import Evidence
from model.case.priors import Priors
from model.case.schema import OPPOSE_PREFIX
from model.errors import InputError
from model.library.model import touched_params

_TOUCHED: dict[tuple, frozenset[str]] = {}

POLL_ERROR = "poll_error"
"""The optional parameter: sd (logit scale) of a poll row's error beyond sampling."""


def data_params(priors: Priors, evidence: Evidence) -> set[str]:
    """Names of the parameters a likelihood touches (the rest are judgment only).

    Derived from the PyMC graph (``pooled.touched_params``: the ancestors of every observed
    variable), not from a list, and remembered per graph: the priors' names and families, the
    variant and the evidence (a prior's numbers never change which variables are ancestors).
    """
    key = (
        tuple(sorted((n, p.dist) for n, p in priors.params.items())),
        tuple(sorted(priors.variant.items())),
        evidence.digest(),
        priors.evidence.get("reference", True),
    )
    if key not in _TOUCHED:
        _TOUCHED[key] = frozenset(touched_params(build_model(priors, evidence)))
    return set(_TOUCHED[key]) & set(priors.params)


def poll_rows(evidence: Evidence):
    """The poll rows as the likelihood sees them: ``n_eff`` and ``opposed_eff`` per row.

    A component read ``k`` times (``poll_reading = "both"``) is one sample read ``k`` ways: each
    row counts ``n / k`` respondents and ``opposed / k`` opposed (rounded), so the readings
    together carry one sample's information.
    """
    poll = evidence.poll.copy()
    k = poll.groupby("component")["component"].transform("size").to_numpy()
    poll["n_eff"] = np.maximum(np.rint(poll["n"].to_numpy() / k), 1).astype(int)
    poll["opposed_eff"] = np.rint(poll["opposed"].to_numpy() / k).astype(int)
    return poll


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
            evidence.path("poll"),
            f"component={comp!r}",
            "the priors have no opposition prior for it",
            f"add [params.{OPPOSE_PREFIX}{comp}] to the priors file",
        )
    repeated = evidence.poll["component"].duplicated().any()
    if repeated and POLL_ERROR not in priors.params:
        raise InputError(
            "priors",
            f"params.{POLL_ERROR}",
            "the poll has several readings of one component but no error beyond sampling",
            f"add [params.{POLL_ERROR}] or choose one evidence.poll_reading",
        )
    with pm.Model() as model:
        rvs = {name: to_pymc(name, p.dist, p.params) for name, p in priors.params.items()}
        for comp, rows in poll_rows(evidence).groupby("component", sort=True):
            share = rvs[OPPOSE_PREFIX + comp]
            n, observed = rows["n_eff"].to_numpy(), rows["opposed_eff"].to_numpy()
            if POLL_ERROR in rvs:
                kappa = 1.0 / rvs[POLL_ERROR] ** 2
                pm.BetaBinomial(
                    f"poll_{comp}",
                    alpha=share * kappa,
                    beta=(1.0 - share) * kappa,
                    n=n,
                    observed=observed,
                )
            else:
                pm.Binomial(f"poll_{comp}", n=n, p=share, observed=observed)
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
