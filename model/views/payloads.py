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


def strict(value):
    """``value`` made fit for strict JSON: NaN and infinity become ``None`` (JSON ``null``).

    NumPy scalars and arrays become Python numbers and lists, dates ISO text, and anything else
    unknown its ``str``; so ``json.dumps(strict(x), allow_nan=False)`` never fails on numbers.
    """
    import math
    from datetime import date

    import numpy as np

    if isinstance(value, dict):
        return {str(k): strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | np.ndarray):
        return [strict(v) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if value is None or isinstance(value, str):
        return value
    if value is pd.NA or value is pd.NaT:  # before dates: NaT is a datetime subclass
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_json(payload) -> str:
    """Strict JSON text of a payload (``null`` for NaN and infinity, never ``NaN``)."""
    import json

    return json.dumps(strict(payload), indent=1, allow_nan=False)
