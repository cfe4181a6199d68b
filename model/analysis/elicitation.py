"""Elicitation shown back: what each elicited prior implies, and where its missing mass went.

An expert says "90% sure it lies between 0.5 and 6". The prior the file resolves to has that
mass inside the interval, but the rest may sit unevenly: PreliZ's maximum-entropy fit puts
0.4% below and 9.6% above for ``announce_months``. The table below shows, for every elicited
prior, its 5%, 50% and 95% quantiles and the mass below and above the expert's interval, so the
expert can check that the distribution says what they meant.
"""

from __future__ import annotations

import pandas as pd

from model.case.distributions import scipy_dist
from model.case.elicitation import cached_elicit
from model.case.priors import Priors

COLUMNS = [
    "parameter",
    "label",
    "tails",
    "prior",
    "lower",
    "upper",
    "mass",
    "q05",
    "q50",
    "q95",
    "below",
    "above",
]


def elicitation_table(priors: Priors, *, tails: str | None = None) -> pd.DataFrame:
    """Every elicited prior with its implied quantiles and tail masses.

    Parameters
    ----------
    priors : Priors
        Resolved priors.
    tails : {"equal", "maxent"}, optional
        Re-elicit every interval under this convention instead of the file's (to compare the
        two); default: the priors as resolved.

    Returns
    -------
    pandas.DataFrame
        One row per elicited prior: ``parameter``, ``label``, ``tails`` (the convention),
        ``prior`` (family and parameters), the expert's ``lower``, ``upper`` and ``mass``, the
        implied quantiles ``q05``, ``q50``, ``q95``, and ``below`` / ``above``: the prior mass
        below ``lower`` and above ``upper``. Equal tails put ``(1 - mass) / 2`` in each.
    """
    rows = []
    for name, prior in priors.params.items():
        if prior.interval is None:
            continue
        lower, upper, mass = prior.interval
        convention = tails or prior.tails
        params = (
            prior.params
            if convention == prior.tails
            else cached_elicit(prior.dist, lower, upper, mass, tails=convention)
        )
        frozen = scipy_dist(prior.dist, params)
        q05, q50, q95 = (float(v) for v in frozen.ppf([0.05, 0.5, 0.95]))
        args = ", ".join(f"{k}={v:.3g}" for k, v in params.items())
        rows.append(
            {
                "parameter": name,
                "label": priors.label(name),
                "tails": convention,
                "prior": f"{prior.dist}({args})",
                "lower": lower,
                "upper": upper,
                "mass": mass,
                "q05": q05,
                "q50": q50,
                "q95": q95,
                "below": float(frozen.cdf(lower)),
                "above": float(frozen.sf(upper)),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def compare_conventions(priors: Priors) -> pd.DataFrame:
    """Both conventions side by side: tail masses and median of each elicited prior.

    Parameters
    ----------
    priors : Priors
        Resolved priors.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``parameter``; columns ``below_equal``, ``above_equal``, ``q50_equal`` and the
        same for ``maxent``.
    """
    parts = []
    for convention in ("equal", "maxent"):
        table = elicitation_table(priors, tails=convention).set_index("parameter")
        parts.append(table[["below", "above", "q50"]].add_suffix(f"_{convention}"))
    return pd.concat(parts, axis=1)
