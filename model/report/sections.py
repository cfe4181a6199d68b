"""The report's sections, in order, with the words around the numbers.

Every sentence is built from the computed results: no number is written by hand here.
"""

from __future__ import annotations

import pandas as pd

from model.analysis.baseline import decomposition_table
from model.case.levers import describe, level_text
from model.constants import CI_PCT, NEAR_TIE_POINTS
from model.experts.section import experts_section
from model.inference.stamps import git_commit
from model.library.trust import problems_line, trust_section
from model.report.headline import headline_bullets, headline_text, near_ties, number_to_use
from model.report.render import (
    Bullets,
    Definitions,
    Document,
    Fig,
    Headline,
    Links,
    Para,
    Section,
    Table,
)
from model.report.results import TOP_INPUTS, Results, evidence_frames, prior_rows, provenance
from model.studies.section import evidence_section
from model.views.charts import timing_label
from model.views.words import (
    CHANGE_MEANING,
    GLOSSARY,
    change_words,
    interval,
    pct,
    pct_interval,
    plain_number,
    recommend,
)

SECTION_IDS = (
    "summary", "trust", "decomposition", "timing", "designs", "scenarios", "experts",
    "sensitivity", "evidence-value", "prior-sensitivity", "priors", "evidence", "provenance",
    "notebooks", "glossary", "appendix",
)  # fmt: skip
"""Section anchors in the order the report shows them."""


def _row_ci(r, key: str) -> str:
    return pct_interval({k: r[f"{key}_{k}"] for k in ("mean", "lo", "hi")})


def _fig(pngs: dict, name: str, caption: str) -> list:
    if name not in pngs:
        return [Para(f"(The {name.replace('_', ' ')} figure is not available in this run.)")]
    png, alt = pngs[name]
    return [Fig(name, caption, alt, png)]


def _summary(res: Results) -> Section:
    s = res.summary
    who = res.fit.priors.vocabulary.words["donor_short"]
    rows = [
        {"Quantity": r["label"], f"Mean [{CI_PCT} interval]": pct_interval(r)}
        for _, r in decomposition_table(s).iterrows()
    ]
    m = s["months_to_enactment"]
    rows.append(
        {
            "Quantity": f"Median months to enactment, if {who} acts",
            f"Mean [{CI_PCT} interval]": interval(m, plain_number),
        }
    )
    d = s["p_deal"]
    blocks = [
        Headline(
            d["mean"],
            d["lo"],
            d["hi"],
            headline_text(res),
            headline_bullets(res),
            reference=number_to_use(res),
        ),
        Table(pd.DataFrame(rows), "The answer and its parts", "summary.csv"),
    ]
    return Section("summary", "Headline", blocks)


def _timing(res: Results, pngs) -> Section:
    tp = res.timing
    events = list(tp["calendar"])
    rows = []
    same = [
        n for n in tp["p_before"] if n != "baseline" and tp["curves"][n] == tp["curves"]["baseline"]
    ]
    for name, by_event in tp["p_before"].items():
        if name == "baseline" and same:
            continue  # the design on the table is one of the request timings: no duplicate row
        row = {"Request timing": timing_label(res.fit, name)}
        row |= {e: pct(by_event[e]["mean"]) for e in events}
        row["P(deal) before the window closes"] = pct_interval(tp["p_deal_in_window"][name])
        rows.append(row)
    cal = ", ".join(f"{e} (month {m:.1f})" for e, m in tp["calendar"].items())
    window, deal = tp["p_deal_in_window"]["baseline"]["mean"], res.summary["p_deal"]["mean"]
    reconcile = (
        f"For the design on the table, P(deal) before the election window closes is "
        f"{pct(window)}, against the headline {pct(deal)}: the {100 * (deal - window):.1f}-point "
        "difference is deals enacted in the lame-duck session after the election."
    )
    return Section(
        "timing",
        "Timing against the calendar",
        [
            *_fig(
                pngs, "timing", f"P(enacted by month t | framework agreed), {CI_PCT} band shaded."
            ),
            Para(f"Calendar, in months after the as-of date: {cal}."),
            Para(reconcile),
            Table(
                pd.DataFrame(rows),
                "P(enacted before each event | framework agreed), posterior mean",
                "timing_events.csv",
            ),
        ],
    )


def _designs(res: Results, pngs) -> Section:
    r, priors = res.ranking, res.fit.priors
    rec = recommend(res.fit, r)
    by_value = rec.criterion == "expected value"
    shown = pd.concat([r[~r["is_baseline"]].head(10), r[r["is_baseline"]]])
    ties = set(near_ties(r, by_value=by_value).index)
    n_designs = rec.n_designs

    # a ranking row holds a mixture as its text: the same mixture as on the table is no change
    on_table = {k: level_text(v) for k, v in priors.design.items()}

    def words(x) -> str:
        if x["is_baseline"]:
            return f"{priors.design_label} (as on the table)"
        text = describe(x, priors.levers, against=on_table, unchanged="as on the table")
        return text + (" (near tie)" if x.name in ties and not x["is_best"] else "")

    best_col = "P(best value)" if by_value else "P(best)"
    rows = [
        {
            "Rank": "baseline" if x["is_baseline"] else str(i + 1),
            "Changes from the design on the table": words(x),
            f"P(deal) [{CI_PCT}]": _row_ci(x, "p_deal"),
            **({"Expected value": f"{x['value_mean']:.2f}"} if by_value else {}),
            best_col: pct(x["p_best_value"] if by_value else x["p_best"]),
            "Regret": f"{x['regret_value']:.2f}" if by_value else f"{100 * x['regret']:.1f} pts",
        }
        for i, (_, x) in enumerate(shown.iterrows())
    ]
    margin = (
        f"{NEAR_TIE_POINTS:g}% of the best expected value"
        if by_value
        else (f"{NEAR_TIE_POINTS:g} point of the best mean P(deal)")
    )
    return Section(
        "designs",
        "Win-set map and design ranking",
        [
            *_fig(pngs, "winset", "Each dot is a package design; dotted lines are P(deal) levels."),
            Para(rec.text),
            Table(
                pd.DataFrame(rows),
                f"Top 10 of {n_designs} designs by {rec.criterion}, and the design on the table",
                "designs.csv",
            ),
            Para(f"{len(ties)} of the {n_designs} designs are near ties (within {margin})."),
        ],
    )


def _scenarios(res: Results, pngs) -> Section:
    rows = []
    flagged = []
    for _, x in res.scenarios.iterrows():
        k = x.get("pareto_k")
        method = x["method"] + ("" if pd.isna(k) else f" (Pareto k = {k:.2f})")
        problems = x.get("diagnostics_problems")
        if x["method"] == "refit" and isinstance(problems, str) and problems:
            method += " ⚠ sampler checks failed: see the appendix"
            flagged.append(x["question"])
        rows.append(
            {
                "Question": x["question"],
                "P(deal)": _row_ci(x, "p_deal"),
                "Change (points)": "" if x["method"] == "baseline" else change_words(x),
                "Method": method,
            }
        )
    blocks = [
        Table(pd.DataFrame(rows), "What if an assumption changes?", "scenarios.csv"),
        *_fig(
            pngs,
            "scenarios",
            "Change in P(deal) from the baseline, sorted by size, with its Monte Carlo interval.",
        ),
        Para(CHANGE_MEANING),
        Para(
            "Methods: recompute (the existing posterior answers exactly: a design lever, or a "
            "prior no data touch, moved draw by draw); reweight (importance weights on the "
            "existing draws, approximate while Pareto k is small); refit (a new fit, because "
            "the evidence changed or Pareto k was too high)."
        ),
    ]
    if flagged:
        blocks.append(
            Para(
                f"{len(flagged)} scenario refit(s) failed their sampler checks, so their rows "
                "may be off by more than the error shown: " + "; ".join(flagged) + "."
            )
        )
    return Section("scenarios", "Scenarios", blocks)


def _sensitivity(res: Results, pngs) -> Section:
    sens = res.sensitivity
    main, flips = sens.sentences["measures"], sens.sentences["flip_points"]
    tor = pd.DataFrame(sens["tornado"]).head(TOP_INPUTS)
    names = {x["label"]: x["input"] for _, x in tor.iterrows()}
    rows = [
        {
            "Input": x["label"],
            "P(deal) at 10th pct": pct(x["low"]),
            "P(deal) at 90th pct": pct(x["high"]),
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
            Table(pd.DataFrame(rows), "The most influential inputs", "tornado.csv", names=names),
            Para("Flip points: " + method.get("flip_points", "")),
            Bullets(flips or ["No flip points were computed."]),
        ],
    )


def _prior_sensitivity(res: Results) -> Section:
    sens = res.sensitivity
    said = sens.sentences["power_scaling"]
    outcome_labels = res.summary["labels"]
    informative = sorted(
        sens["psense"],
        key=lambda r: (
            r["diagnosis"] == "ok",
            r["kind"] == "judgment",
            -max(r["prior"], r["likelihood"]),
        ),
    )
    names = {}
    rows = []
    for r in informative:  # rows that can say something first: flagged, then data-touched
        label = outcome_labels.get(r["quantity"]) or res.label(r["quantity"])
        names[label] = r["quantity"]
        rows.append(
            {
                "Quantity": label,
                "Kind": r["kind"],
                "Prior": f"{r['prior']:.3f}",
                "Likelihood": f"{r['likelihood']:.3f}",
                "Diagnosis": r["diagnosis"],
            }
        )
    blocks = [Para(sens.get("method", {}).get("psense", "")), Bullets(said or ["Not computed."])]
    if rows:
        caption = "Power-scaling sensitivity (flagged rows first, then data-touched ones)"
        blocks.append(Table(pd.DataFrame(rows), caption, "psense.csv", names=names))
    return Section("prior-sensitivity", "Prior-sensitivity diagnosis", blocks)


def _priors(res: Results, pngs) -> Section:

    rows, names = [], {}
    for r in prior_rows(res):
        elicited = (
            ""
            if r["elicited_lower"] is None
            else f"{r['elicited_mass']:.0%} in [{r['elicited_lower']:g}, {r['elicited_upper']:g}]"
            f" ({r['tails']} tails); the fitted prior puts {r['fitted_mass_below']:.1%} below "
            f"and {r['fitted_mass_above']:.1%} above, with 5%/50%/95% quantiles "
            + " / ".join(plain_number(r[f"fitted_q{q}"]) for q in ("05", "50", "95"))
        )
        post = {k: r[f"posterior_{k}"] for k in ("mean", "lo", "hi")}
        names[f"{r['label']} ({r['informed_by']})"] = r["name"]
        rows.append(
            {
                "Parameter": f"{r['label']} ({r['informed_by']})",
                "Prior": r["prior"] + (f"\nelicited: {elicited}" if elicited else ""),
                f"Posterior mean [{CI_PCT}]": interval(post, plain_number),
                "Source (what the prior rests on)": r["source"],
            }
        )
    return Section(
        "priors",
        "Priors",
        [
            Table(
                pd.DataFrame(rows),
                "Every prior, what it rests on, and its posterior",
                "priors.csv",
                names=names,
            ),
            *_fig(
                pngs,
                "prior_posterior",
                "Prior (dashed) vs posterior (solid) of each parameter the data touch, and of "
                "each outcome. Not touched by this case's data (prior = posterior): "
                + ", ".join(
                    r["label"]
                    for r in prior_rows(res)
                    if r["informed_by"] in ("judgment only", "case library")
                )
                + ".",
            ),
        ],
    )


def _evidence(res: Results) -> Section:

    captions = {
        "evidence_poll": "Opinion poll",
        "evidence_reference": "Reference class: past packages, request to enactment",
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
        note = (
            "Executed for this report; the links point to the notebooks/ folder beside this "
            "file, so keep the folder with the report when you send it."
        )
        return Section("notebooks", "Notebooks", [Para(note), Links(links)])
    return Section("notebooks", "Notebooks", [Para("The notebooks were not executed in this run.")])


def _refit_problems(table: pd.DataFrame) -> list[str]:
    """Each scenario refit's failed sampler checks, named by scenario."""
    if "diagnostics_problems" not in table:
        return []
    return [
        f"refit {r.scenario}: {problem}"
        for r in table.itertuples()
        if isinstance(r.diagnostics_problems, str) and r.diagnostics_problems
        for problem in r.diagnostics_problems.split("; ")
    ]


def _glossary() -> Section:
    items = [(anchor, term, text) for term, (anchor, text) in GLOSSARY.items()]
    return Section("glossary", "Glossary", [Definitions(items)])


def raw_problems(res: Results) -> dict[str, list[str]]:
    """Every failed sampler check, by the fit it belongs to (the appendix's raw lines)."""
    return {
        "the baseline fit (behind the headline numbers)": list(res.fit.diagnostics["problems"]),
        "scenario refits (marked on their rows)": _refit_problems(res.scenarios),
        "the backtest's refits (see How far to trust this number)": (
            problems_line(res.backtest) if res.backtest else []
        ),
        "the experts' answers": list(res.experts["problems"]) if res.experts else [],
    }


def _appendix(res: Results, ok: str) -> Section:
    blocks = [Para(ok)]
    for where, lines in raw_problems(res).items():
        if lines:
            blocks += [Para(f"Failed checks of {where}:"), Bullets(lines)]
    if len(blocks) == 1:
        blocks.append(Para("No fit of this run failed a sampler check."))
    return Section("appendix", "Appendix: sampler diagnostics", blocks)


BANNER = (
    "The fit behind the numbers below failed its sampler checks: they may be off by more than "
    "their intervals show, so do not act on them before a longer fit confirms them."
)
"""The banner's one sentence (shown only for problems of the baseline fit)."""


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
        f"Sampler diagnostics of the baseline fit: "
        f"{'OK' if not d['problems'] else 'problems'} (max R-hat {d['r_hat_max']:.3f}, min "
        f"bulk ESS {d['ess_bulk_min']:.0f}, divergences {d['divergences']})."
    )
    deco = "Each part is an average over the design mixture and the posterior draws; P(deal) "
    deco += "is computed per draw and per design, so it is not the product of the parts."
    sections = [
        _summary(res),
        trust_section(res, pngs),
        Section(
            "decomposition",
            "Decomposition: the three hurdles",
            [*_fig(pngs, "decomposition", f"Each factor with its {CI_PCT} interval."), Para(deco)],
        ),
        _timing(res, pngs),
        _designs(res, pngs),
        _scenarios(res, pngs),
        experts_section(res),
        _sensitivity(res, pngs),
        evidence_section(res.evidence_value, pngs),
        _prior_sensitivity(res),
        _priors(res, pngs),
        _evidence(res),
        _provenance(res),
        _notebooks(res),
        _glossary(),
        _appendix(res, ok),
    ]
    assert [s.id for s in sections] == list(SECTION_IDS)
    case = res.fit.priors.case
    subtitle = f"{case.get('description', '')} As of {res.fit.evidence.as_of:%d %B %Y}."
    return Document(
        title=f"Feasibility report: {case.get('name', 'the deal')}",
        subtitle=subtitle.strip(),
        problems=list(d["problems"]),
        diagnostics_ok=ok.replace(
            "Sampler diagnostics of the baseline fit: OK", "Sampler diagnostics: OK"
        ),
        sections=sections,
        banner=BANNER,
        generated=(
            f"Generated on {res.started or 'an unrecorded date'} (UTC), seed "
            f"{res.fit.settings.seed}, code {git_commit()}; the same inputs and seed give the same "
            "numbers on this platform (floating-point libraries may differ in the last digit "
            "elsewhere)."
        ),
    )
