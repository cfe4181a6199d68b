"""Views of a sensitivity payload: DataFrames for the report, figures, and terminal text."""

from __future__ import annotations

import pandas as pd

from model.psense import format_psense
from model.sensitivity import evidence_for_input


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
    inputs["evidence"] = inputs["input"].map(evidence_for_input)
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
    from model.plots import indices, tornado

    tor = pd.DataFrame(payload["tornado"]).head(n_top)
    first, value = (
        pd.Series(payload[k]).sort_values(ascending=False).head(n_top)
        for k in ("first_order", "evppi")
    )
    title = f"Value of learning one input before choosing the design (EVPI {payload['evpi']:.2f})"
    share = "share of Var(P(deal)) explained by the input alone"
    return {
        "tornado": tornado(tor, base=float(tor["base"].iloc[0])),
        "first_order": indices(first, title="First-order variance shares of P(deal)", xlabel=share),
        "evppi": indices(value, title=title, xlabel="EVPPI (probability points of P(deal))"),
    }


def format_sensitivity(payload: dict, *, min_swing: float = 0.0005) -> str:
    """Terminal text: the per-input table, EVPI, flip points, psense and the plain sentences.

    Parameters
    ----------
    payload : dict
        Output of `sensitivity`.
    min_swing : float, default 0.0005
        Inputs whose tornado swing, first-order index and EVPPI are all negligible (swing
        below this, in probability) are counted rather than listed.

    Returns
    -------
    str
    """
    prov, flips = payload["provenance"], [f["sentence"] for f in payload["flip_points"]]
    inputs = sensitivity_tables(payload)["inputs"]
    shown = inputs[
        (inputs["swing"] >= min_swing)
        | (inputs["first_order"] >= 0.01)
        | (inputs["evppi_points"] >= 0.05)
    ]
    lines = [
        f"Sensitivity of P(deal) for {prov['design_label']}: {prov['p_deal_baseline']:.1%} "
        f"({prov['n_draws']} posterior draws, {prov['n_designs']} designs; no refit)",
        "",
        "In plain words:",
        *(f"- {s}" for s in payload["sentences"] if s not in flips),
        "",
        "Per input: P(deal) with the input at its 10th / 90th posterior percentile "
        "(set-and-recompute), swing and EVPPI in probability points, first-order variance share",
        f"{'input':<29}{'10th':>8}{'90th':>8}{'swing':>7}{'1st-ord':>8}{'EVPPI':>7}  "
        "evidence that would resolve it",
    ]
    for r in shown.itertuples():
        lines.append(
            f"{r.input:<29}{r.low:>8.1%}{r.high:>8.1%}{100 * r.swing:>7.2f}{r.first_order:>8.3f}"
            f"{r.evppi_points:>7.2f}  {r.evidence}"
        )
    if len(shown) < len(inputs):
        lines.append(f"({len(inputs) - len(shown)} more inputs barely matter on any measure.)")
    if ((inputs["swing"] == 0) & (inputs["evppi_points"] >= 0.05)).any():
        lines.append(
            "Inputs with zero swing but some EVPPI are reactions to design options the baseline "
            "design does not use: they matter only for choosing the design."
        )
    lines += [
        f"Sum of first-order shares: {sum(payload['first_order'].values()):.2f}; "
        f"EVPI (learning everything before choosing): {payload['evpi']:.2f} points.",
        f"Best design now: {prov['best_design']} (P(deal) {prov['p_deal_best_design']:.1%}).",
        "",
        "Flip points (P(deal) crossing 50%, or a change of best design):",
        *(f"- {s}" for s in flips),
    ]
    if payload["psense"]:
        lines += ["", "Prior / data power-scaling sensitivity (psense):"]
        lines += format_psense(payload["psense"])
    lines += ["", "Method:", *(f"- {k}: {v}" for k, v in payload["method"].items())]
    lines.append(f"(computed in {prov['seconds']:.1f} s, seed {prov['rng_seed']})")
    return "\n".join(lines)
