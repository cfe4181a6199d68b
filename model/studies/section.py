"""The report's section "What evidence is worth buying": EVSI of each study and the timeline.

Every sentence comes from the computed payloads (`model.studies.value.evsi_payload` and
`model.timeline.forecast.case_timeline`), stored on the results as ``evidence_value``.
"""

from __future__ import annotations

import pandas as pd

from model.report.render import Fig, Para, Section, Table
from model.studies.plans import load_studies, priors_components
from model.studies.value import evsi_payload
from model.studies.views import (
    evsi_figure,
    evsi_table,
    study_verdict,
    timeline_figure,
    timeline_words,
)
from model.timeline.forecast import case_timeline
from model.views.words import pct

SECTION_ID = "evidence-value"
TITLE = "What evidence is worth buying"


def compute_evidence_value(fit, *, seed: int | None = None) -> dict:
    """EVSI curves of every study in ``priors/studies`` and the case's timeline, for the report."""
    studies = load_studies(None, priors_components(fit.priors))
    kwargs = {} if seed is None else {"seed": seed}
    return {"evsi": evsi_payload(fit, studies, **kwargs), "timeline": case_timeline(fit)}


def evidence_tables(payload: dict | None) -> dict[str, pd.DataFrame]:
    """The section's CSV tables (none when the section was not computed)."""
    if not payload:
        return {}
    rows = [
        {
            "date": r["date"],
            "months": r["months"],
            "status": r["status"],
            **{
                f"{k}_{p}": r[k][p]
                for k in ("p_framework", "p_enacted_in_time", "p_accepted", "p_deal")
                for p in ("mean", "lo", "hi")
            },
        }
        for r in payload["timeline"]["rows"]
    ]
    return {"evsi": evsi_table(payload["evsi"]), "timeline": pd.DataFrame(rows)}


def evidence_figures(payload: dict | None) -> dict[str, tuple[object, str]]:
    """The section's figures by file stem: (figure, alt text)."""
    if not payload:
        return {}
    tl = payload["timeline"]
    return {
        "evsi": (
            evsi_figure(payload["evsi"]),
            "EVSI in P(deal) points against sample size for each study, with two-SE bands and "
            "the EVPPI of what the study reads as a dashed line.",
        ),
        "timeline": (
            timeline_figure(tl),
            "P(framework agreed and enacted in time) and P(deal) as of each date from "
            f"{tl['start']} to {tl['end']}, with 90% intervals, if no news arrives.",
        ),
    }


def evidence_section(payload: dict | None, pngs: dict) -> Section:
    """The section: a verdict per study, the EVSI table and figure, the timeline and its dates."""
    if not payload:
        note = "Not computed in this run (the Python API without `evidence_value=True`)."
        return Section(SECTION_ID, TITLE, [Para(note)])
    blocks = [
        Para(
            "A study is worth commissioning before the design is chosen only if its result "
            "could change the choice. The expected value of sample information (EVSI) is the "
            "expected gain from choosing after seeing it; it is bounded by the value of "
            "perfect knowledge of what the study measures (EVPPI)."
        )
    ]
    blocks += [Para(study_verdict(c)) for c in payload["evsi"]["curves"]]
    table = evsi_table(payload["evsi"])
    shown = pd.DataFrame(
        {
            "Study": table["study"],
            "n": table["n"],
            "EVSI (points)": [
                f"{e:.3f} ± {s:.3f}"
                for e, s in zip(table["evsi_points"], table["se_points"], strict=True)
            ],
            "EVPPI (points)": table["evppi_points"].round(3),
            "EVSI (value)": [
                f"{e:.5f} ± {s:.5f}"
                for e, s in zip(table["evsi_value"], table["se_value"], strict=True)
            ],
            "Cost": table["cost"].round(5),
            "Net value": table["net_value"].round(5),
        }
    )
    blocks.append(Table(shown, "EVSI per study and sample size (± one Monte Carlo SE)", "evsi.csv"))
    if "evsi" in pngs:
        png, alt = pngs["evsi"]
        blocks.append(Fig("evsi", "EVSI against sample size, with the EVPPI bound.", alt, png))
    tl = payload["timeline"]
    blocks.append(Para(timeline_words(tl)))
    first, last = tl["rows"][0], tl["rows"][-1]
    blocks.append(
        Para(
            f"P(deal) moves from {pct(first['p_deal']['mean'])} on {first['date']} to "
            f"{pct(last['p_deal']['mean'])} on {last['date']} if nothing is heard; a dated row "
            "in the evidence folder (events.csv: a request sent, an enactment, a refusal; or a "
            "new poll row in poll.csv) is taken from its date on (`feasibility timeline`)."
        )
    )
    if "timeline" in pngs:
        png, alt = pngs["timeline"]
        blocks.append(Fig("timeline", "The forecast as time passes without news.", alt, png))
    return Section(SECTION_ID, TITLE, blocks)
