"""The report's sections, in order, with the words around the numbers.

Every sentence is built from the computed results: no number is written by hand here.
"""

from __future__ import annotations

import pandas as pd

from model.analysis.baseline import OUTCOMES
from model.analysis.sensitivity.summary import evidence_for_input
from model.case.levers import in_sentence
from model.report.render import Bullets, Document, Fig, Headline, Links, Para, Section, Table
from model.report.results import TOP_INPUTS, Results, evidence_frames, prior_rows, provenance
from model.views.charts import timing_label

SECTION_IDS = (
    "summary", "decomposition", "timing", "designs", "scenarios", "sensitivity",
    "prior-sensitivity", "priors", "evidence", "provenance", "notebooks",
)  # fmt: skip
"""Section anchors in the order the report shows them."""

HURDLES = {
    "p_framework": "the two governments agreeing a framework",
    "p_enacted": "the US Congress funding it before the election closes the window",
    "p_accepted": "Mexico accepting it",
}


def _p(x: float) -> str:
    return f"{x:.1%}"


def _ci(d: dict, *, pct: bool = True) -> str:
    f = _p if pct else (lambda v: f"{v:.3g}")
    return f"{f(d['mean'])} [{f(d['lo'])}, {f(d['hi'])}]"


def _row_ci(r, key: str) -> str:
    return _ci({k: r[f"{key}_{k}"] for k in ("mean", "lo", "hi")})


def _design_changes(res: Results, best) -> str:
    """Lever labels where the best design differs from the design on the table."""
    levers, design = res.fit.priors.levers, res.fit.priors.design
    parts, switched = [], {}
    for lever, spec in levers.items():
        level = best[lever]
        if design.get(lever) == level:
            continue
        if "label" in spec["levels"][level]:
            parts.append(in_sentence(spec["levels"][level]["label"]))
        elif set(spec["levels"]) == {"on", "off"}:
            switched.setdefault(level, []).append(lever)
        else:
            parts.append(f"{lever}: {level}")
    for level, names in switched.items():
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        parts.append(f"{joined} {level}")
    return "; ".join(parts) or "no change to the design on the table"


def headline_text(res: Results) -> str:
    """The plain paragraph under the headline number, for a minister's adviser.

    Returns
    -------
    str
    """

    s, sens, ranking = res.summary, res.sensitivity, res.ranking
    deal = s["p_deal"]
    weakest = min(HURDLES, key=lambda k: s[k]["mean"])
    others = [k for k in HURDLES if k != weakest]
    text = [
        f"We put the chance that the package goes through at about {deal['mean']:.0%} "
        f"(90% interval {deal['lo']:.0%} to {deal['hi']:.0%}). Three things must all happen; "
        f"the weakest link is {HURDLES[weakest]} ({s[weakest]['mean']:.0%}), against "
        + " and ".join(f"{s[k]['mean']:.0%} for {HURDLES[k]}" for k in others)
        + "."
    ]
    best = ranking[ranking["is_best"]].iloc[0]
    base = ranking[ranking["is_baseline"]].iloc[0]
    text.append(
        f"The best package design we found ({_design_changes(res, best)}) would move the chance "
        f"from {base['p_deal_mean']:.0%} to {best['p_deal_mean']:.0%}, a gain of "
        f"{100 * best['gain_mean']:+.0f} percentage points (90% interval "
        f"{100 * best['gain_lo']:+.0f} to {100 * best['gain_hi']:+.0f}) against the design now on "
        "the table."
    )
    if sens["tornado"]:
        top = sens["tornado"][0]
        text.append(
            f"The assumption that matters most is {res.label(top['input'])}: across its "
            f"plausible range (10th to 90th percentile) the chance runs from {top['low']:.0%} "
            f"to {top['high']:.0%}."
        )
    evppi = {k: v for k, v in sens["evppi"].items() if v > 0}
    if evppi:
        name = max(evppi, key=evppi.get)
        text.append(
            f"Before choosing the design, the uncertainty most worth resolving is "
            f"{res.label(name)}; {evidence_for_input(name)} would settle it (worth about "
            f"{evppi[name]:.1f} percentage points of the chance of a deal)."
        )
    else:
        text.append("No single piece of new evidence would change which design is best.")
    return " ".join(text)


def _fig(pngs: dict, name: str, caption: str) -> list:
    if name not in pngs:
        return [Para(f"(The {name.replace('_', ' ')} figure is not available in this run.)")]
    png, alt = pngs[name]
    return [Fig(name, caption, alt, png)]


def _summary(res: Results) -> Section:
    s = res.summary
    rows = [{"Quantity": lbl, "Mean [90% interval]": _ci(s[k])} for k, lbl in OUTCOMES.items()]
    m = s["months_to_enactment"]
    rows.append(
        {
            "Quantity": "Months to enactment (if Congress acts)",
            "Mean [90% interval]": _ci(m, pct=False),
        }
    )
    d = s["p_deal"]
    blocks = [
        Headline(d["mean"], d["lo"], d["hi"], headline_text(res)),
        Table(pd.DataFrame(rows), "The answer and its parts", "summary.csv"),
    ]
    return Section("summary", "Headline", blocks)


def _timing(res: Results, pngs) -> Section:
    tp = res.timing
    events = list(tp["calendar"])
    rows = []
    for name, by_event in tp["p_before"].items():
        row = {"Request timing": timing_label(res.fit, name)}
        row |= {e: _p(by_event[e]["mean"]) for e in events}
        row["P(deal) before the window closes"] = _ci(tp["p_deal_in_window"][name])
        rows.append(row)
    cal = ", ".join(f"{e} (month {m:.1f})" for e, m in tp["calendar"].items())
    return Section(
        "timing",
        "Timing against the calendar",
        [
            *_fig(pngs, "timing", "P(enacted by month t | framework agreed), 90% bands shaded."),
            Para(f"Calendar, in months after the as-of date: {cal}."),
            Table(
                pd.DataFrame(rows),
                "P(enacted before each event | framework agreed), posterior mean",
                "timing_events.csv",
            ),
        ],
    )


def _designs(res: Results, pngs) -> Section:
    r = res.ranking
    shown = pd.concat([r[~r["is_baseline"]].head(10), r[r["is_baseline"]]])
    rows = [
        {
            "Rank": "baseline" if x["is_baseline"] else str(i + 1),
            "Design": x["label"],
            "P(deal) [90%]": _row_ci(x, "p_deal"),
            "P(enacted)": _p(x["p_enacted_mean"]),
            "P(accepted)": _p(x["p_accepted_mean"]),
            "P(best)": _p(x["p_best"]),
            "Regret (points)": f"{100 * x['regret']:.1f}",
        }
        for i, (_, x) in enumerate(shown.iterrows())
    ]
    return Section(
        "designs",
        "Win-set map and design ranking",
        [
            *_fig(pngs, "winset", "Each dot is a package design; dotted lines are P(deal) levels."),
            Para(res.recommendation),
            Table(
                pd.DataFrame(rows),
                f"Top 10 of {len(r) - 1} designs, and the baseline",
                "designs.csv",
            ),
        ],
    )


def _scenarios(res: Results, pngs) -> Section:
    rows = []
    for _, x in res.scenarios.iterrows():
        k = x.get("pareto_k")
        change = (
            f"{100 * x['delta_p_deal_mean']:+.1f} [{100 * x['delta_p_deal_lo']:+.1f}, "
            f"{100 * x['delta_p_deal_hi']:+.1f}]"
        )
        rows.append(
            {
                "Scenario": x["scenario"],
                "Question": x["question"],
                "P(deal)": _row_ci(x, "p_deal"),
                "Change (points)": change,
                "Method": x["method"] + ("" if pd.isna(k) else f" (k = {k:.2f})"),
            }
        )
    return Section(
        "scenarios",
        "Scenarios",
        [
            Table(pd.DataFrame(rows), "What if an assumption changes?", "scenarios.csv"),
            *_fig(pngs, "scenarios", "P(deal) by scenario; markers show how each was computed."),
            Para(
                "recompute: the changed prior is judgment only, so each draw is moved to it by "
                "inverse CDF beside the existing posterior (exact, and the change is paired per "
                "draw: a 90% credible interval); reweight: Pareto-smoothed importance weights on "
                "the existing draws (approximate, Pareto k shown); refit: a new NUTS fit, because "
                "the evidence changed or k was too high. For reweight and refit rows the change "
                "is the change in the mean, in percentage points, with a 90% Monte Carlo interval."
            ),
        ],
    )


def _split_sentences(sens: dict) -> tuple[list[str], list[str], list[str]]:
    """The sensitivity sentences as (tornado/indices/VOI, power-scaling, flip points)."""
    flips = [f["sentence"] for f in sens["flip_points"]]
    rest = sens["sentences"][: len(sens["sentences"]) - len(flips)]
    explained = {r.get("explanation") for r in sens["psense"]}
    k = next((i for i, t in enumerate(rest) if t in explained), len(rest))
    return rest[:k], rest[k:], flips


def _sensitivity(res: Results, pngs) -> Section:
    sens = res.sensitivity
    main, _, flips = _split_sentences(sens)
    tor = pd.DataFrame(sens["tornado"]).head(TOP_INPUTS)
    rows = [
        {
            "Input": f"{x['input']}: {x.get('label', '')}",
            "P(deal) at 10th pct": _p(x["low"]),
            "P(deal) at 90th pct": _p(x["high"]),
            "Swing (points)": f"{100 * x['swing']:.1f}",
            "First-order index": f"{sens['first_order'].get(x['input'], float('nan')):.3f}",
            "EVPPI (points)": f"{sens['evppi'].get(x['input'], float('nan')):.2f}",
        }
        for _, x in tor.iterrows()
    ]
    method = sens.get("method", {})
    return Section(
        "sensitivity",
        "Sensitivity and value of information",
        [
            Bullets(main),
            *_fig(pngs, "tornado", method.get("tornado", "One-way sensitivity of P(deal).")),
            *_fig(pngs, "first_order", method.get("first_order", "First-order indices.")),
            *_fig(pngs, "evppi", method.get("voi", "Value of information.")),
            Table(pd.DataFrame(rows), "The most influential inputs", "tornado.csv"),
            Para("Flip points: " + method.get("flip_points", "")),
            Bullets(flips or ["No flip points were computed."]),
        ],
    )


def _prior_sensitivity(res: Results) -> Section:
    sens = res.sensitivity
    _, said, _ = _split_sentences(sens)
    rows = [
        {
            "Quantity": r["quantity"],
            "Kind": r["kind"],
            "Prior": f"{r['prior']:.3f}",
            "Likelihood": f"{r['likelihood']:.3f}",
            "Diagnosis": r["diagnosis"],
        }
        for r in sens["psense"]
    ]
    blocks = [Para(sens.get("method", {}).get("psense", "")), Bullets(said or ["Not computed."])]
    if rows:
        blocks.append(Table(pd.DataFrame(rows), "Power-scaling sensitivity", "psense.csv"))
    return Section("prior-sensitivity", "Prior-sensitivity diagnosis", blocks)


def _priors(res: Results, pngs) -> Section:

    rows = []
    for r in prior_rows(res):
        elicited = (
            ""
            if r["elicited_lower"] is None
            else f"{r['elicited_mass']:.0%} in [{r['elicited_lower']:g}, {r['elicited_upper']:g}]"
        )
        post = {k: r[f"posterior_{k}"] for k in ("mean", "lo", "hi")}
        rows.append(
            {
                "Parameter": f"{r['name']}\n{r['label']} ({r['informed_by']})",
                "Prior": r["prior"] + (f"\nelicited: {elicited}" if elicited else ""),
                "Posterior mean [90%]": _ci(post, pct=False),
                "Source (what the prior rests on)": r["source"],
            }
        )
    return Section(
        "priors",
        "Priors",
        [
            Table(
                pd.DataFrame(rows), "Every prior, what it rests on, and its posterior", "priors.csv"
            ),
            *_fig(
                pngs, "prior_posterior", "Prior (dashed) vs posterior (solid) of each parameter."
            ),
        ],
    )


def _evidence(res: Results) -> Section:

    captions = {
        "evidence_poll": "Mexican opinion poll",
        "evidence_reference": "Reference class: past aid packages, request to enactment",
        "evidence_calendar": "Calendar as known on the as-of date",
    }
    blocks = [
        Table(frame.drop(columns=["months"], errors="ignore"), captions[n], f"{n}.csv")
        for n, frame in evidence_frames(res).items()
    ]
    refused = res.fit.evidence.refused
    blocks.append(
        Para("Evidence refused (dated after the as-of date): " + ("; ".join(refused) or "none."))
    )
    return Section("evidence", "Evidence", blocks)


def _provenance(res: Results) -> Section:
    prov = provenance(res, with_times=True)
    frame = pd.DataFrame({"Item": list(prov), "Value": [str(v) for v in prov.values()]})
    table = Table(frame, "Stamps of this run", "provenance.csv", numeric=False)
    note = "The CSV and tables/provenance.json hold the same stamps; run times only in the JSON."
    return Section("provenance", "Provenance", [table, Para(note)])


def _notebooks(res: Results) -> Section:
    if res.notebooks:
        links = [(p.stem, f"notebooks/{p.name}") for p in res.notebooks]
        return Section("notebooks", "Notebooks", [Para("Executed for this report:"), Links(links)])
    return Section("notebooks", "Notebooks", [Para("The notebooks were not executed in this run.")])


def document(res: Results, pngs: dict[str, tuple[bytes, str]]) -> Document:
    """The report document, sections in `SECTION_IDS` order.

    Parameters
    ----------
    res : Results
        The computed results.
    pngs : dict of str to (bytes, str)
        Figure stem -> (PNG bytes, alt text).

    Returns
    -------
    Document
    """
    d = res.fit.diagnostics
    ok = (
        f"Sampler diagnostics: OK (max R-hat {d['r_hat_max']:.3f}, min bulk ESS "
        f"{d['ess_bulk_min']:.0f}, divergences {d['divergences']})."
    )
    deco = "Each part is an average over the design mixture and the posterior draws; P(deal) "
    deco += "is computed per draw and per design, so it is not the product of the parts."
    sections = [
        _summary(res),
        Section(
            "decomposition",
            "Decomposition: the three hurdles",
            [*_fig(pngs, "decomposition", "Each factor with its 90% interval."), Para(deco)],
        ),
        _timing(res, pngs),
        _designs(res, pngs),
        _scenarios(res, pngs),
        _sensitivity(res, pngs),
        _prior_sensitivity(res),
        _priors(res, pngs),
        _evidence(res),
        _provenance(res),
        _notebooks(res),
    ]
    assert [s.id for s in sections] == list(SECTION_IDS)
    case = res.fit.priors.case
    subtitle = f"{case.get('description', '')} As of {res.fit.evidence.as_of:%d %B %Y}."
    return Document(
        title=f"Feasibility report: {case.get('name', 'the deal')}",
        subtitle=subtitle.strip(),
        problems=list(d["problems"]),
        diagnostics_ok=ok,
        sections=sections,
    )
