"""The panel's answer as small HTML pieces: the headline, the decomposition, the timing curve.

Plain HTML and inline SVG (no plotting library), so a slider's answer reaches the browser in
a few kilobytes and is drawn at once.
"""

from __future__ import annotations

from html import escape

from model.constants import CI_MASS, PARETO_K_MAX
from model.studies.views import study_verdict
from model.views.words import change_words, pct
from model.whatif.memory import ROUTES, Live


def headline_html(answer: Live, *, needs_refit: bool) -> str:
    """P(deal) with its interval, the change against the baseline, the method and Pareto k."""
    case = answer.case
    k = "—" if case.pareto_k is None else f"{case.pareto_k:.2f}"
    warn = case.pareto_k is not None and case.pareto_k > PARETO_K_MAX
    method = (
        f"<p class='method'>Answered by <b data-method='{case.method}'>{case.method}</b>"
        f" &middot; Pareto k <b class='{'bad' if warn else ''}' data-k='{k}'>{k}</b>"
        f" &middot; {escape(case.reason)}</p>"
    )
    if answer.needs_refit:
        return (
            "<div id='headline' data-p-deal=''>"
            "<p style='font-size:28px;margin:4px 0'>P(deal): needs a refit</p>"
            f"<p>{escape(case.reason)}: press <b>Refit</b>.</p>{method}</div>"
        )
    r = answer.row
    mass = f"{CI_MASS:.0%}"
    note = "<p class='warn'>Pareto k is high: refit to confirm.</p>" if needs_refit else ""
    p_deal = f"{pct(r['p_deal_mean'])}</b> <span class='ci'>({mass} interval"
    p_deal += f" {pct(r['p_deal_lo'])} to {pct(r['p_deal_hi'])})</span>"
    delta = f"{escape(change_words(r))}</b> <span class='ci'>(difference of means ± Monte Carlo "
    delta += "error)</span>"
    return (
        f"<div id='headline' data-p-deal='{r['p_deal_mean']!r}'"
        f" data-delta='{r['delta_p_deal_mean']!r}'>"
        f"<p class='big' style='font-size:28px;margin:4px 0'>P(deal) <b>{p_deal}</p>"
        f"<p class='delta' style='font-size:16px'>Change against the baseline: <b>{delta}</p>"
        f"{method}{note}</div>"
    )


def base_rate_html(rates: dict | None) -> str:
    """The base rate of comparable past deals for this case: the floor to read P(deal) against.

    Computed once from the baseline fit (`model.library.base_rate.base_rate_summary`); the
    sliders do not move it, and the line says so.
    """
    if not rates:
        return "<p class='base-rate'>Base rate of comparable past deals: not computed here.</p>"
    return (
        f"<p class='base-rate' data-base-rate='{rates['mean']!r}'>Base rate of comparable past "
        f"deals for this case: <b>{pct(rates['mean'])}</b> <span class='ci'>"
        f"({CI_MASS:.0%} interval {pct(rates['lo'])} to {pct(rates['hi'])})</span>; "
        "the library's running rates with the baseline's P(framework); the sliders do not move "
        "it.</p>"
    )


def parts_html(parts: dict[str, dict], labels: dict[str, str]) -> str:
    """The decomposition as a table, the donor arena split into willing x in time."""
    if not parts:
        return ""
    rows = "".join(
        f"<tr data-part='{key}'><td>{escape(labels[key])}</td><td>{pct(p['mean'])}</td>"
        f"<td>{pct(p['lo'])} to {pct(p['hi'])}</td></tr>"
        for key, p in parts.items()
    )
    return (
        "<table class='parts'><caption>P(deal) = "
        + " x ".join(escape(labels[k]) for k in parts if k != "p_deal")
        + " (per draw)</caption><tr><th></th><th>mean</th>"
        f"<th>{CI_MASS:.0%} interval</th></tr>{rows}</table>"
    )


def changes_html(
    sets: list[str], *, scenario: str | None, moved=(), scenario_changes: list[str] = ()
) -> str:
    """What differs from the baseline, in the ``--set`` grammar of ``feasibility whatif``.

    ``moved`` holds ``(label, old interval, new interval)`` of each prior a slider moved: the
    implied central interval before and after in the expert's units (text). A picked
    scenario's own changes against the baseline (``scenario_changes``) are listed too, so
    "nothing moved from it" still says what it changes.
    """
    start = f"scenario <i>{escape(scenario)}</i>" if scenario else "the baseline"
    own = ""
    if scenario:
        items = "".join(f"<li>{escape(c)}</li>" for c in scenario_changes) or "<li>nothing</li>"
        own = f"<p>What this scenario changes against the baseline:</p><ul class='own'>{items}</ul>"
    if not sets:
        return f"<div id='changes' data-sets=''><p>Nothing moved from {start}.</p>{own}</div>"
    items = " ".join(f"--set {s}" for s in sets)
    rows = "".join(
        f"<li>{escape(label)}: {escape(old)} &rarr; <b>{escape(new)}</b></li>"
        for label, old, new in moved
    )
    return (
        f"<div id='changes' data-sets='{escape(items)}'><p>Moved from {start}; the same question"
        f" on the command line: <code style='overflow-wrap:anywhere'>feasibility whatif "
        f"{escape(items)}</code></p><ul class='moved'>{rows}</ul>{own}</div>"
    )


def curve_svg(
    now: dict,
    baseline: dict,
    *,
    donor: str = "the legislature",
    width: int = 520,
    height: int = 240,
) -> str:
    """Timing curve: P(enacted by month t | framework), band and mean, baseline dashed.

    The title is an HTML caption above the drawing (it wraps on a narrow screen, never cut),
    and the drawing scales to the width it is given (``viewBox``).
    """
    if not now:
        return ""
    left, right, top, bottom = 44, 14, 24, 34
    months = now["months"]
    top_p = max(max(now["hi"]), max(baseline["mean"]), 0.05)

    def xy(t: float, p: float) -> str:
        x = left + (width - left - right) * t / months[-1]
        y = top + (height - top - bottom) * (1 - p / top_p)
        return f"{x:.1f},{y:.1f}"

    band = [xy(t, p) for t, p in zip(months, now["hi"], strict=True)]
    band += [xy(t, p) for t, p in zip(months[::-1], now["lo"][::-1], strict=True)]
    mean = " ".join(xy(t, p) for t, p in zip(months, now["mean"], strict=True))
    base = " ".join(xy(t, p) for t, p in zip(months, baseline["mean"], strict=True))
    ticks = "".join(
        f"<text x='{xy(t, 0).split(',')[0]}' y='{height - 20}' font-size='11'"
        f" text-anchor='middle'>{t}</text>"
        for t in months[::6]
    )
    y_ticks = "".join(
        f"<text x='{left - 6}' y='{float(xy(0, p).split(',')[1]) + 4:.1f}' font-size='11'"
        f" text-anchor='end'>{p:.0%}</text>"
        for p in (0, top_p / 2, top_p)
    )
    title = (
        f"P({escape(donor)} enacts by month t | framework agreed), {CI_MASS:.0%} band; "
        "dashed: baseline"
    )
    return (
        f"<figure class='curve-figure' style='margin:0;max-width:{width}px'>"
        f"<figcaption class='curve-title' style='font-size:12px'>{title}</figcaption>"
        f"<svg class='curve' viewBox='0 0 {width} {height}' role='img'"
        f" style='width:100%;height:auto' aria-label='{title}'>"
        f"<polygon points='{' '.join(band)}' fill='#9ecae1' opacity='0.5'/>"
        f"<polyline points='{base}' fill='none' stroke='#777' stroke-dasharray='4 3'/>"
        f"<polyline points='{mean}' fill='none' stroke='#08519c' stroke-width='2'/>"
        f"<line x1='{left}' y1='{height - bottom}' x2='{width - right}' y2='{height - bottom}'"
        f" stroke='#333'/>{ticks}{y_ticks}"
        f"<text x='{left}' y='{height}' font-size='11'>months after the as-of date</text></svg>"
        "</figure>"
    )


def experts_html(payload: dict | None, *, label) -> str:
    """Each expert's P(deal), the pool, and the parameters the experts disagree on most."""
    if not payload or not payload["experts"]:
        return "<p id='experts' data-n='0'>No expert files in priors/experts.</p>"
    rows = "".join(
        f"<tr data-expert='{escape(e['name'])}'><td>{escape(e['name'])}</td>"
        f"<td>{e['weight']:.2f}</td><td>{pct(p['mean'])}</td>"
        f"<td>{pct(p['lo'])} to {pct(p['hi'])}</td></tr>"
        for e in payload["experts"]
        for p in [e["summary"]["p_deal"]]
    )
    pool = payload["pooled"]["p_deal"]
    rows += (
        f"<tr data-expert='pooled'><td><b>pooled</b></td><td>1.00</td><td><b>{pct(pool['mean'])}"
        f"</b></td><td>{pct(pool['lo'])} to {pct(pool['hi'])}</td></tr>"
    )
    spread = "".join(
        f"<tr data-param='{escape(r['param'])}'><td>{escape(label(r['param']))}</td>"
        f"<td>{r['share']:.0%}</td></tr>"
        for r in payload["disagreement"][:5]
        if r["share"] == r["share"]
    )
    return (
        f"<div id='experts' data-n='{len(payload['experts'])}'>"
        "<table class='experts'><caption>Experts' P(deal) and the linear opinion pool"
        f"</caption><tr><th>expert</th><th>weight</th><th>P(deal)</th><th>{CI_MASS:.0%}"
        f" interval</th></tr>{rows}</table>"
        "<table class='disagreement'><caption>Where they disagree most: each prior's share of"
        " the spread in P(deal)</caption><tr><th>prior</th><th>share</th></tr>"
        f"{spread}</table></div>"
    )


def diagnostics_words(diag: dict | None) -> str:
    """A refit's sampler checks in one plain sentence, then the failed checks if any."""
    if not diag:
        return ""
    numbers = (
        f"max R-hat {diag['r_hat_max']:.3f}, min ESS {diag['ess_bulk_min']:.0f}, "
        f"divergences {diag['divergences']}"
    )
    if not diag.get("problems"):
        return f"<span class='diag ok'>Sampler checks passed ({numbers}).</span>"
    items = "".join(f"<li>{escape(p)}</li>" for p in diag["problems"])
    return (
        "<span class='diag bad'>The refit failed its sampler checks: its numbers may be off by "
        f"more than their error shows ({numbers}).</span><ul>{items}</ul>"
    )


def poll_html(case, r: dict, seconds: float) -> str:
    """The poll box's answer: P(deal) with the poll, the change, and the route it took."""
    how = (
        f"reweighted the existing draws by the poll's likelihood (Pareto k {case.pareto_k:.2f})"
        if case.method == "reweight"
        else f"refitted ({escape(case.reason)}) {diagnostics_words(case.diagnostics)}"
    )
    return (
        f"<div id='poll-answer' data-method='{case.method}' data-p-deal='{r['p_deal_mean']!r}'>"
        f"<p>{escape(case.question)}</p>"
        f"<p>P(deal) <b>{pct(r['p_deal_mean'])}</b> ({CI_MASS:.0%} interval "
        f"{pct(r['p_deal_lo'])} to {pct(r['p_deal_hi'])}); change: "
        f"<b>{escape(change_words(r))}</b>.</p>"
        f"<p class='route'>Route: an additional poll; {how}; {seconds:.1f} s.</p>"
        f"<p class='routes' style='font-size:12px'>Other questions, other routes: "
        f"{escape(ROUTES['shift'])}. {escape(ROUTES['corrected'])}.</p></div>"
    )


def evsi_html(payload: dict, seconds: float) -> str:
    """Each study's worth before the design is chosen, in words (`study_verdict`), and how long.

    The studies are weighed on the baseline posterior: a slider move does not enter them.
    """
    items = "".join(
        f"<li data-study='{escape(c['study']['name'])}'>{escape(study_verdict(c))}</li>"
        for c in payload["curves"]
    )
    return (
        f"<ul class='evsi'>{items}</ul><p class='method'>On the baseline posterior "
        f"({payload['designs']} designs), EVSI by regression with its Monte Carlo SE, "
        f"{seconds:.1f} s.</p>"
    )
