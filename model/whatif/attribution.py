"""Which changed prior moved each output: replayed one at a time on the newer posterior.

Given the resolved priors of two runs (full precision, as ``run --json`` and the report's
``priors.csv`` record them), the newer run's priors are rebuilt from its priors file and its
recorded priors, and checked against its recorded hashes. Then each changed prior is put back
to its older value alone, in memory (recompute or reweight on the newer posterior), and the
change of each output's mean is that prior's contribution. The prior with the largest
contribution moved the output most; what the one-at-a-time contributions do not add up to
is the interaction (or Monte Carlo noise when the older run was fitted separately).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from model.case.priors import load_priors, overlay_priors
from model.errors import InputError
from model.inference.fit import fit
from model.inference.settings import Settings
from model.whatif.memory import from_priors

OUTPUTS = ("p_framework", "p_enacted", "p_accepted", "p_deal", "months_to_enactment")


def replay(
    newer: dict[str, Any], older_specs: dict[str, dict], changed: list[str]
) -> dict[str, Any]:
    """Each changed prior's contribution to each output's change, by putting it back alone.

    Parameters
    ----------
    newer : dict
        The newer run: ``priors_file``, ``priors_hash``, ``seed``,
        ``sampler`` (draws, tune, chains, target_accept) and ``specs`` (name -> {dist, params}).
    older_specs : dict
        The older run's resolved priors (name -> {dist, params}).
    changed : list of str
        The priors that differ and exist on both sides.

    Returns
    -------
    dict
        ``contributions`` (output -> prior -> change in the mean due to that prior),
        ``methods`` (prior -> recompute, reweight or refit) and ``skipped`` (prior -> why).

    Raises
    ------
    ValueError
        The newer run's priors cannot be rebuilt here (missing file, or hashes that differ).
    """
    priors = _rebuild(newer)
    sampler = _sampler(newer.get("sampler"))
    settings = Settings(
        seed=int(newer["seed"]),
        **{k: sampler[k] for k in ("draws", "tune", "chains", "target_accept") if k in sampler},
    )
    base = fit(priors, settings=settings)
    newer_answer = from_priors(base, priors, name="newer")
    now = {key: newer_answer.summary(key)["mean"] for key in OUTPUTS}
    contributions: dict[str, dict[str, float]] = {k: {} for k in OUTPUTS}
    methods, skipped = {}, {}
    for name in changed:
        spec = older_specs[name]
        table = {"dist": spec["dist"], **spec["params"], "source": "the older run's prior"}
        older = overlay_priors(priors, {"params": {name: table}}, where=f"older {name}")
        case = from_priors(base, older, name=name)
        methods[name] = case.method
        if not case.outcomes:
            skipped[name] = case.reason or "needs a refit"
            continue
        for key in OUTPUTS:
            contributions[key][name] = now[key] - case.summary(key)["mean"]
    return {"contributions": contributions, "methods": methods, "skipped": skipped}


def _sampler(record) -> dict[str, Any]:
    """Sampler settings from ``run --json`` (a dict) or a report's provenance (``k=v, ...``)."""
    if isinstance(record, dict):
        return record
    pairs = (item.split("=", 1) for item in str(record or "").split(", ") if "=" in item)
    out: dict[str, Any] = {}
    for key, value in pairs:
        try:
            out[key] = int(value)
        except ValueError:
            try:
                out[key] = float(value)
            except ValueError:
                out[key] = value
    return out


def _rebuild(newer: dict[str, Any]):
    path = Path(newer.get("priors_file") or "")
    if not path.is_file():
        raise ValueError(f"its priors file {path} is not here")
    try:
        base = load_priors(path)
        tables = {
            n: {"dist": s["dist"], **s["params"], "source": "recorded"}
            for n, s in newer["specs"].items()
        }
        priors = overlay_priors(base, {"params": tables}, where="the newer run's priors")
    except InputError as exc:
        raise ValueError(f"its recorded priors do not load ({exc.line()})") from None
    if priors.full_hash() != newer.get("priors_hash"):
        raise ValueError("its priors file and recorded priors no longer give its priors hash")
    return priors
