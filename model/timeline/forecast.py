"""The forecast as time passes: P(deal) as of each date, updated on what has not happened yet.

Every month without news is evidence: the survival update of `model.timeline.survival`,
``P(in time | not by t) = pi (F(W) - F(t)) / (1 - pi F(t))``, each draw weighted by the
silence's chance ``1 - pi F(t)``.

For the 2007 case (`case_timeline`), as of month ``m`` after the as-of date:

* before a request is sent: the request time (``announce_months``, judgment only, so its
  posterior is its prior) is truncated to ``> m``, draw by draw by inverse CDF, and the
  framework's chance falls with the silence: ``p' = p S(m) / (p S(m) + 1 - p)`` with ``S`` the
  request time's survival (no framework, no request); draws are weighted by
  ``p S(m) + 1 - p``. Congress cannot have acted, so its willingness is not updated.
* once a request is sent (an ``events.csv`` row dated by then), the request month is fixed and
  the framework agreed; from then on Congress's silence updates its willingness and timing
  by the survival update above, design by design of Congress's choice mixture.
* an enactment or a refusal on the record resolves its hurdle.
* poll rows dated after the as-of date and by ``m`` reweight the draws by their likelihood
  (Pareto-smoothed; the Pareto k is given, and above the trusted threshold the row says a
  refit is needed).

Acceptance by the partner happens after enactment, so silence says nothing of it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
from dateutil.relativedelta import relativedelta
from scipy import stats

from model.analysis import variants
from model.analysis.importance import psis_row
from model.analysis.intervals import interval, mcse_mean
from model.analysis.outcomes import enacted_by, evaluate, p_accept, pure_designs
from model.case.distributions import ppf, unfrozen
from model.case.evidence import load_evidence, months_between
from model.case.schema import OPPOSE_PREFIX
from model.inference.fit import Fit
from model.timeline.events import known_by, load_events
from model.whatif.answers import k_threshold

PARTS = ("p_framework", "p_enacted_in_time", "p_accepted", "p_deal")
"""What each row gives: the framework, Congress enacting in time (framework included), the
partner accepting, and all three."""


def _request_survival(priors, m: float) -> float:
    prior = priors.params["announce_months"]
    rv, args = unfrozen(prior.dist, prior.params)
    return float(rv.sf(m, *args)) if m > 0 else 1.0


def _truncate_request(priors, draws: np.ndarray, m: float) -> np.ndarray:
    """Request months moved to the prior truncated at ``> m``, draw by draw (inverse CDF)."""
    if m <= 0:
        return draws
    prior = priors.params["announce_months"]
    rv, args = unfrozen(prior.dist, prior.params)
    u0 = float(rv.cdf(m, *args))
    u = u0 + rv.cdf(draws, *args) * (1 - u0)
    return np.maximum(ppf(prior.dist, prior.params, np.clip(u, 0.0, 1 - 1e-12)), m)


_POLLS: dict[tuple, object] = {}


def _polls_by(folder: Path, when: date, reading: str, last: date):
    """Poll rows dated by ``when``: the evidence loader's rows as of ``last``, cut at ``when``.

    The file is read once per folder and modification time (a row added to it is seen), so a
    timeline's many dates do not reread it; ``last`` is the calendar's end of the lame duck,
    after which no evidence speaks to the deal.
    """
    path = folder / "poll.csv"
    key = (str(folder), last, reading, path.stat().st_mtime_ns if path.exists() else None)
    if key not in _POLLS:
        if len(_POLLS) > 64:
            _POLLS.clear()
        _POLLS[key] = load_evidence(
            folder, as_of=last, poll_reading=reading, past_election=True
        ).poll
    polls = _POLLS[key]
    return polls[polls["date"] <= when]


def _poll_log_weights(fit: Fit, rows) -> np.ndarray:
    """Log-likelihood of poll rows dated after the fit's as-of date, per draw."""
    d = fit.draws
    total = np.zeros(d["p_agree"].size)
    for row in rows.to_dict("records"):
        share = np.clip(d[OPPOSE_PREFIX + row["component"]] + d["opinion_shift"], 1e-6, 1 - 1e-6)
        n, k = int(row["n"]), int(row["opposed"])
        if "poll_error" in d:
            kappa = 1.0 / np.maximum(d["poll_error"], 1e-6) ** 2
            total += stats.betabinom.logpmf(k, n, share * kappa, (1 - share) * kappa)
        else:
            total += stats.binom.logpmf(k, n, share)
    return total


def _after_request(fit: Fit, draws: dict, m: float, calendar: dict) -> dict[str, np.ndarray]:
    """P(enacted in time), P(deal) parts given a request sent and no enactment by month ``m``."""
    priors, n = fit.priors, draws["p_agree"].size
    end = calendar["lame_duck_end"]
    gain, survive, deal_part, acc = (np.zeros(n) for _ in range(4))
    for weight, eff in pure_designs(priors, priors.design):
        by = enacted_by(draws, eff, [m, end], **calendar, variant=priors.variant)
        g, s = by[:, 1] - by[:, 0], 1 - by[:, 0]
        a = p_accept(draws, eff, variant=priors.variant)
        gain += weight * np.clip(g, 0, None)
        survive += weight * s
        acc += weight * a
        deal_part += weight * np.clip(g, 0, None) * a
    safe = np.where(survive > 0, survive, 1.0)
    p_en = gain / safe
    if variants.DEFAULT["hurdles"] == priors.variant.get("hurdles", "independent"):
        p_deal = deal_part / safe
    else:
        p_deal = variants.joint(np.ones(n), p_en, acc, draws, priors.variant)
    return {"p_enacted": p_en, "p_accepted": acc, "p_deal": p_deal, "weight": survive}


def as_of(fit: Fit, when: date, *, events=None, evidence_dir=None) -> dict:
    """The forecast as of one date: its parts with 90% intervals, the silence and the news used.

    Parameters
    ----------
    fit : Fit
        The posterior fitted at the case's as-of date.
    when : date
        The date (on or after the fit's as-of date).
    events : pandas.DataFrame, optional
        Dated events (default: ``events.csv`` in the evidence folder).
    evidence_dir : Path, optional
        Evidence folder (default: the priors file's).

    Returns
    -------
    dict
        ``date``, ``months``, ``status``, each of `PARTS` as ``{mean, lo, hi}`` (plus
        ``mcse`` for ``p_deal``), ``news`` (the events and late poll rows used),
        ``pareto_k`` and ``refit_needed`` (when late poll rows reweight the draws).
    """
    ev = fit.evidence
    folder = evidence_dir or fit.priors.evidence_dir()
    events = load_events(folder) if events is None else events
    m = months_between(ev.as_of, when)
    calendar = {"election": ev.months("election"), "lame_duck_end": ev.months("lame_duck_end")}
    known = known_by(events, when)
    draws = dict(fit.draws)
    n = draws["p_agree"].size
    log_w = np.zeros(n)
    news = [f"{e} on {d}" for e, d in sorted(known.items(), key=lambda kv: kv[1])]
    late_polls = None
    if when > ev.as_of:
        last = min(ev.calendar.loc[ev.calendar["role"] == "lame_duck_end", "event_date"])
        later = _polls_by(Path(folder), when, ev.poll_reading, last)
        late_polls = later[later["date"] > ev.as_of]
        if len(late_polls):
            log_w += _poll_log_weights(fit, late_polls)
            news += [
                f"poll of {r['n']} on {r['component']}, {r['date']}"
                for r in late_polls.to_dict("records")
            ]
    pareto_k = None
    if late_polls is not None and len(late_polls):
        w, pareto_k = psis_row(log_w, fit.settings.chains)
        log_w = np.log(np.maximum(w, 1e-300))
    request = known.get("request_sent")
    if "refused_donor" in known or "enacted" in known or request is not None:
        status = (
            "refused by Congress"
            if "refused_donor" in known
            else ("enacted" if "enacted" in known else "request sent")
        )
        draws["p_agree"] = np.ones(n)
        r = months_between(ev.as_of, request) if request is not None else 0.0
        draws["announce_months"] = np.full(n, r)
        parts = _after_request(fit, draws, m, calendar)
        if status == "enacted":
            done = months_between(ev.as_of, known["enacted"])
            in_time = float(done <= calendar["lame_duck_end"])
            parts["p_enacted"] = np.full(n, in_time)
            parts["p_deal"] = in_time * parts["p_accepted"]
            parts["weight"] = np.ones(n)
        if status.startswith("refused"):
            parts["p_enacted"] = np.zeros(n)
            parts["p_deal"] = np.zeros(n)
            parts["weight"] = np.ones(n)
        p_framework = draws["p_agree"]
        log_w += np.log(np.maximum(parts["weight"], 1e-300))
    else:
        status = "framework agreed, no request yet" if "framework_agreed" in known else "no news"
        s = 1.0 if "framework_agreed" in known else _request_survival(fit.priors, m)
        p = draws["p_agree"] if "framework_agreed" not in known else np.ones(n)
        silence = p * s + (1 - p)
        draws["p_agree"] = np.where(silence > 0, p * s / silence, 0.0)
        draws["announce_months"] = _truncate_request(fit.priors, draws["announce_months"], m)
        log_w += np.log(np.maximum(silence, 1e-300))
        got = evaluate(draws, fit.priors, ev)
        parts = {k: got[k] for k in ("p_enacted", "p_accepted", "p_deal")}
        p_framework = got["p_framework"]
    if "refused_partner" in known:
        parts["p_accepted"] = np.zeros(n)
        parts["p_deal"] = np.zeros(n)
        status = "refused by the partner"
    w = np.exp(log_w - log_w.max())
    w = w / w.sum()
    values = {
        "p_framework": p_framework,
        "p_enacted_in_time": p_framework * parts["p_enacted"],
        "p_accepted": parts["p_accepted"],
        "p_deal": parts["p_deal"],
    }
    row = {"date": when.isoformat(), "months": m, "status": status, "news": news}
    for key, x in values.items():
        row[key] = interval(x, weights=None if np.allclose(w, 1 / n) else w)
    influence = n * w * (values["p_deal"] - row["p_deal"]["mean"])
    row["p_deal"]["mcse"] = mcse_mean(
        influence if not np.allclose(w, 1 / n) else values["p_deal"], chains=fit.settings.chains
    )
    row["pareto_k"] = pareto_k
    row["refit_needed"] = bool(pareto_k is not None and pareto_k > k_threshold(n))
    return row


def _crossing(fit: Fit, rows: list[dict], last: date, level: float, events, folder) -> date | None:
    """First date with P(enacted in time) at or below ``level``, to the day (bisection).

    The computed rows bracket the crossing first (no new evaluation); beyond the last row the
    bracket runs to ``last``, the end of the lame duck.
    """

    def value(d):
        return as_of(fit, d, events=events, evidence_dir=folder)["p_enacted_in_time"]["mean"]

    dates = [date.fromisoformat(r["date"]) for r in rows]
    values = [r["p_enacted_in_time"]["mean"] for r in rows]
    if values[0] <= level:
        return dates[0]
    below = [i for i, v in enumerate(values) if v <= level]
    if below:
        lo, hi = dates[below[0] - 1], dates[below[0]]
    else:
        if last <= dates[-1] or value(last) > level:
            return None
        lo, hi = dates[-1], last
    while (hi - lo).days > 1:
        mid = lo + (hi - lo) / 2
        lo, hi = (mid, hi) if value(mid) > level else (lo, mid)
    return hi


def case_timeline(
    fit: Fit,
    *,
    start: date | None = None,
    end: date | None = None,
    step: float = 1.0,
    events=None,
    evidence_dir=None,
) -> dict:
    """The forecast path of the case from ``start`` to ``end`` every ``step`` months.

    Returns
    -------
    dict
        ``rows`` (one `as_of` row per date), ``halves`` (the first date P(enacted in time)
        is at or below half its value at ``start``; None if not by the lame duck's end),
        ``below_10`` (the first date it is at or below 10%), ``start``, ``end``, ``step``.
    """
    ev = fit.evidence
    folder = evidence_dir or fit.priors.evidence_dir()
    events = load_events(folder) if events is None else events
    start = start or ev.as_of
    last = ev.as_of + relativedelta(days=round(ev.months("lame_duck_end") * 30.4375))
    end = end or min(start + relativedelta(months=24), last)
    dates, k = [], 0
    while True:
        whole, frac = divmod(k * step, 1.0)
        d = start + relativedelta(months=int(whole), days=round(frac * 30.4375))
        if d > end:
            break
        dates.append(d)
        k += 1
    rows = [as_of(fit, d, events=events, evidence_dir=folder) for d in dates]
    first = rows[0]["p_enacted_in_time"]["mean"]
    halves = _crossing(fit, rows, last, first / 2, events, folder)
    below = _crossing(fit, rows, last, 0.10, events, folder)
    return {
        "rows": rows,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "step": step,
        "halves": None if halves is None else halves.isoformat(),
        "below_10": None if below is None else below.isoformat(),
        "start_p_enacted_in_time": first,
        "conditioning": "no request sent, no enactment, no refusal by each date, unless "
        "events.csv says otherwise; poll rows dated by then reweight the draws",
        "provenance": fit.provenance(),
    }
