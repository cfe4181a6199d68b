"""Sampler diagnostics: R-hat, bulk and tail ESS and divergences, with the problems in words."""

from __future__ import annotations

import numpy as np

from model.constants import ESS_MIN, RHAT_MAX


def diagnose(tree, names) -> dict:
    """Max R-hat, min bulk and tail ESS and the divergence count, with plain-words problems."""
    import arviz as az

    table = az.summary(tree, var_names=list(names), kind="diagnostics")
    stats = tree["sample_stats"]
    divergences = int(np.asarray(stats["diverging"].values).sum())
    out = {
        "r_hat_max": float(table["r_hat"].max()),
        "ess_bulk_min": float(table["ess_bulk"].min()),
        "ess_tail_min": float(table["ess_tail"].min()),
        "divergences": divergences,
        "worst_r_hat": str(table["r_hat"].idxmax()),
        "worst_ess": str(table["ess_bulk"].idxmin()),
    }
    problems = []
    if out["r_hat_max"] > RHAT_MAX:
        problems.append(
            f"R-hat {out['r_hat_max']:.3f} > {RHAT_MAX} for {out['worst_r_hat']}: chains disagree"
        )
    if out["ess_bulk_min"] < ESS_MIN:
        problems.append(
            f"bulk ESS {out['ess_bulk_min']:.0f} < {ESS_MIN} for {out['worst_ess']}: too few "
            "effective draws"
        )
    if divergences:
        problems.append(f"{divergences} divergent transitions: the posterior may be biased")
    out["problems"] = problems
    out["ok"] = not problems
    return out
