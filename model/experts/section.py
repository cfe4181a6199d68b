"""The report's section "Where the experts disagree": the pool and each parameter's share.

Built from `model.experts.pool.experts_payload` of the expert overlays (``priors/experts``
or ``feasibility report --expert FILE``), answered from the baseline posterior.
"""

from __future__ import annotations

from model.experts.views import disagreement_table, disagreement_words, experts_table
from model.report.render import Bullets, Para, Section, Table

TITLE = "Where the experts disagree"


def experts_section(res) -> Section:
    """Each expert's answer and the pool, then each parameter's share of their disagreement."""
    payload = res.experts
    if not payload or not payload["experts"]:
        note = (
            "No expert files were given (`priors/experts/*.toml`, or `feasibility report "
            "--expert FILE`), so there is no pool to show."
        )
        return Section("experts", TITLE, [Para(note)])
    blocks = [
        Para(disagreement_words(payload, label=res.label)),
        Table(experts_table(payload), "Each expert and the pool", "experts.csv"),
    ]
    if payload["disagreement"]:
        table = disagreement_table(payload, label=res.label).drop(columns="name")
        blocks.append(
            Table(table, "Each parameter's share of the experts' disagreement", "disagreement.csv")
        )
    questions = [f"{e['name']}: {e['question']}" for e in payload["experts"] if e["question"]]
    if questions:
        blocks += [Para("What each expert file asks:"), Bullets(questions)]
    if payload["problems"]:
        blocks += [Para("Sampler problems of the experts' own fits:"), Bullets(payload["problems"])]
    return Section("experts", TITLE, blocks)
