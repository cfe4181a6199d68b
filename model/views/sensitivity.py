"""Views of a sensitivity payload: DataFrames for the report, figures, and terminal text."""

from __future__ import annotations

import textwrap

import pandas as pd

from model.views.figures import indices, tornado


def sensitivity_tables(payload: dict) -> dict[str, pd.DataFrame]:
    """The payload's results as DataFrames, for the report.

    Parameters
    ----------
    payload : dict
        Output of `sensitivity`.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``inputs`` (one row per input in tornado order: low, high, swing, first-order index,
        EVPPI and the evidence that would resolve it), ``tornado``, ``psense`` and
        ``flip_points``.
    """
    tor = pd.DataFrame(payload["tornado"])
    inputs = tor[["input", "label", "low_value", "high_value", "low", "high", "swing"]].copy()
    inputs["first_order"] = inputs["input"].map(payload["first_order"])
    inputs["evppi_points"] = inputs["input"].map(payload["evppi"])
    inputs["evidence"] = inputs["input"].map(payload["resolved_by"])
    return {
        "inputs": inputs,
        "tornado": tor,
        "psense": pd.DataFrame(payload["psense"]),
        "flip_points": pd.DataFrame(payload["flip_points"]),
    }


def sensitivity_figures(payload: dict, *, n_top: int = 15) -> dict:
    """Tornado, first-order and EVPPI bar charts of the ``n_top`` leading inputs.

    Parameters
    ----------
    payload : dict
        Output of `sensitivity`.
    n_top : int, default 15
        Inputs shown in each figure.

    Returns
    -------
    dict of str to matplotlib.figure.Figure
        ``tornado``, ``first_order`` and ``evppi``.
    """
    tor = pd.DataFrame(payload["tornado"]).head(n_top)
    base = float(tor["base"].iloc[0])
    labels = payload.get("labels") or {}

    def short(name: str) -> str:
        return textwrap.shorten(labels.get(name, name), 60, placeholder="…")

    first, value = (
        pd.Series(payload[k]).sort_values(ascending=False).head(n_top).rename(index=short)
        for k in ("first_order", "evppi")
    )
    title = f"Value of learning one input before choosing the design (EVPI {payload['evpi']:.2f})"
    share = "share of Var(P(deal)) explained by the input alone"
    return {
        "tornado": tornado(tor.assign(input=tor["input"].map(short)), base=base),
        "first_order": indices(first, title="First-order variance shares of P(deal)", xlabel=share),
        "evppi": indices(value, title=title, xlabel="EVPPI (probability points of P(deal))"),
    }
