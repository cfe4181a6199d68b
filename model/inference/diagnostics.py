"""Sampler diagnostics: R-hat, bulk and tail ESS, divergences and E-BFMI, problems in words."""

from __future__ import annotations

import math

import numpy as np

from model.constants import CI_PCT, EBFMI_MIN, ESS_MIN, ESS_TAIL_MIN, RHAT_MAX


def diagnose(tree, names) -> dict:
    """Max R-hat, min bulk and tail ESS, divergences and min E-BFMI, with plain-words problems.

    Parameters
    ----------
    tree : DataTree
        A posterior with ``posterior`` and ``sample_stats`` (``diverging``, ``energy``).
    names : iterable of str
        The variables to check.

    Returns
    -------
    dict
        ``r_hat_max``, ``ess_bulk_min``, ``ess_tail_min``, ``divergences``, ``e_bfmi_min``,
        the worst variables, ``problems`` (sentences) and ``ok``.
    """
    import arviz as az

    table = az.summary(tree, var_names=list(names), kind="diagnostics")
    stats = tree["sample_stats"]
    divergences = int(np.asarray(stats["diverging"].values).sum())
    out = {
        "r_hat_max": float(table["r_hat"].max()),
        "ess_bulk_min": float(table["ess_bulk"].min()),
        "ess_tail_min": float(table["ess_tail"].min()),
        "divergences": divergences,
        "e_bfmi_min": e_bfmi_min(tree),
        "worst_r_hat": _worst(table["r_hat"], largest=True),
        "worst_ess": _worst(table["ess_bulk"]),
        "worst_ess_tail": _worst(table["ess_tail"]),
    }
    out["problems"] = problems(out)
    out["ok"] = not out["problems"]
    return out


def _worst(column, *, largest: bool = False) -> str:
    """The variable with the worst value; ``(undefined)`` when every value is NaN (one chain)."""
    if not column.notna().any():
        return "(undefined)"
    return str(column.idxmax() if largest else column.idxmin())


def e_bfmi_min(tree) -> float:
    """The smallest energy Bayesian fraction of missing information over chains (NaN if none)."""
    import arviz as az

    if "energy" not in tree["sample_stats"]:
        return float("nan")
    return float(np.min(np.asarray(az.bfmi(tree)["energy"].values)))


def past(value: float, threshold: float, *, digits: int, above: bool) -> str:
    """``value`` rounded away from ``threshold``, so a failed check never reads "400 < 400".

    A value that fails ``value < threshold`` is rounded down, one that fails ``value >
    threshold`` up, at ``digits`` decimals.
    """
    if not math.isfinite(value):
        return str(value)
    scale = 10**digits
    rounded = (math.ceil if above else math.floor)(value * scale) / scale
    return f"{rounded:.{digits}f}"


def problems(d: dict) -> list[str]:
    """Each failed check of a diagnostics dict, in words (thresholds in `model.constants`)."""
    out = []
    r_hat = past(d["r_hat_max"], RHAT_MAX, digits=3, above=True)
    bulk = past(d["ess_bulk_min"], ESS_MIN, digits=0, above=False)
    tail = past(d["ess_tail_min"], ESS_TAIL_MIN, digits=0, above=False)
    if math.isnan(d["r_hat_max"]):
        out.append("R-hat not computed (one chain): nothing shows whether chains would agree")
    elif d["r_hat_max"] > RHAT_MAX:
        out.append(f"R-hat {r_hat} > {RHAT_MAX} for {d['worst_r_hat']}: chains disagree")
    if d["ess_bulk_min"] < ESS_MIN:
        out.append(f"bulk ESS {bulk} < {ESS_MIN} for {d['worst_ess']}: too few effective draws")
    if d["ess_tail_min"] < ESS_TAIL_MIN:
        out.append(
            f"tail ESS {tail} < {ESS_TAIL_MIN} for {d['worst_ess_tail']}: the "
            f"{CI_PCT} intervals' ends are too noisy"
        )
    if d["divergences"]:
        out.append(f"{d['divergences']} divergent transitions: the posterior may be biased")
    if d["e_bfmi_min"] < EBFMI_MIN:  # NaN (no energy recorded) compares False
        out.append(
            f"E-BFMI {past(d['e_bfmi_min'], EBFMI_MIN, digits=2, above=False)} < {EBFMI_MIN}: "
            "the sampler explores the energy "
            "distribution poorly (heavy tails or a poor parameterisation)"
        )
    return out
