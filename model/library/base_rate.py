"""What the case library's base rate alone says for this case: the floor of every forecast.

The base rate is the running rate of comparable past deals (episode-weighted, resolved before the
as-of date) that ``feasibility pooled`` writes beside the library-based priors: Congress enacted in
time (by the end of the Congress) and the partner accepted. Each rate carries its uncertainty as
the Beta(yes + 1, cases - yes + 1) posterior of a uniform prior, so the base rate is a number with
an interval like the model's own. The library has no framework hurdle, so P(deal) by the base rate
multiplies the two rates by the model's own P(framework agreed), draw by draw.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from model.analysis.intervals import interval
from model.files import read_text
from model.inference.fit import Fit


def base_rate_summary(fit: Fit) -> dict | None:
    """P(deal), P(enacted in time) and P(accepted) by the library's base rate, with intervals.

    Parameters
    ----------
    fit : Fit
        A fit whose priors take ``from = "library"`` priors from one pooled-prior file.

    Returns
    -------
    dict or None
        ``mean``, ``lo``, ``hi`` (P(deal) by the base rate x the model's P(framework)),
        ``enacted_in_time`` and ``accepted`` (each ``{"mean", "lo", "hi"}``), ``counts``
        (episode-weighted ``[yes, cases]``), ``stack`` (the library's own prequential forecast
        for this case, from the same file), ``file`` and ``what``; None when the priors take
        nothing from the library or the file holds no counts (written by an older version).
    """
    files = {p.pooled.file for p in fit.priors.params.values() if p.pooled is not None}
    if len(files) != 1:
        return None
    path = Path(files.pop())
    blob = json.loads(read_text(path, what="pooled-prior JSON file"))
    counts = (blob.get("base_rate") or {}).get("counts")
    if not counts:
        return None
    framework = np.asarray(fit.draws["p_agree"], dtype=float).ravel()
    rng = np.random.default_rng(fit.settings.seed)
    rates = {}
    for event in ("enacted_in_time", "accepted"):
        yes, cases = counts[event]
        rates[event] = rng.beta(yes + 1.0, cases - yes + 1.0, size=framework.size)
    deal = rates["enacted_in_time"] * rates["accepted"] * framework
    return interval(deal) | {
        "enacted_in_time": interval(rates["enacted_in_time"]),
        "accepted": interval(rates["accepted"]),
        "counts": {k: counts[k] for k in rates},
        "file": str(path),
        "stack": blob.get("stack"),
        "what": "the library's running base rates (Congress enacted in time; the partner "
        "accepted; episode-weighted, cases resolved before the as-of date, each a Beta "
        "posterior of a uniform prior) x the model's own P(framework agreed)",
    }
