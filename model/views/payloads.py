"""JSON payloads of the command-line output (``--json``)."""

from __future__ import annotations

import dataclasses

import pandas as pd

from model.analysis.decision import ARENAS
from model.analysis.sensitivity.summary import SensitivityResult
from model.inference.fit import Fit
from model.views.words import recommendation


def design_payload(fit: Fit, ranking: pd.DataFrame) -> dict:
    """JSON for ``feasibility design --json``."""
    levers = list(fit.priors.levers)

    def row(r) -> dict:
        out = {lever: r[lever] for lever in levers}
        for k in ARENAS:
            out[k] = {part: float(r[f"{k}_{part}"]) for part in ("mean", "lo", "hi")}
        out["gain"] = {part: float(r[f"gain_{part}"]) for part in ("mean", "lo", "hi")}
        return out | {"label": r["label"], "p_best": r["p_best"], "regret": r["regret"]}

    grid_rows = ranking[~ranking["is_baseline"]]
    return {
        "designs": [row(r) for _, r in grid_rows.iterrows()],
        "recommended": row(ranking[ranking["is_best"]].iloc[0])
        | {"sentence": recommendation(fit, ranking)},
        "baseline": row(ranking[ranking["is_baseline"]].iloc[0]),
        "provenance": fit.provenance(),
    }


def sensitivity_payload(result: SensitivityResult) -> dict:
    """JSON for ``feasibility sensitivity --json``: every field, sentences grouped by section."""
    return dataclasses.asdict(result)
