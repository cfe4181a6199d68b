"""The report's section "What evidence is worth buying": built from the computed payloads."""

import pytest

from model.report.render import Fig, Para, Table
from model.studies.section import (
    SECTION_ID,
    compute_evidence_value,
    evidence_figures,
    evidence_section,
    evidence_tables,
)


@pytest.fixture(scope="module")
def payload(small_fit):
    return compute_evidence_value(small_fit, seed=3)


def test_section_states_each_study_and_the_timeline_dates(payload):
    section = evidence_section(payload, pngs={"evsi": (b"png", "alt"), "timeline": (b"p", "a")})
    assert section.id == SECTION_ID
    text = " ".join(b.text for b in section.blocks if isinstance(b, Para))
    for curve in payload["evsi"]["curves"]:
        assert curve["study"]["label"] in text
        assert f"{100 * curve['at_n']['evsi_p_deal']:.2f} points" in text
    tl = payload["timeline"]
    assert f"halves by {tl['halves'] or 'never'}" in text or tl["halves"] is None
    assert any(isinstance(b, Table) for b in section.blocks)
    assert [b.name for b in section.blocks if isinstance(b, Fig)] == ["evsi", "timeline"]


def test_tables_and_figures_match_the_payload(payload):
    tables = evidence_tables(payload)
    n_rows = sum(len(c["rows"]) for c in payload["evsi"]["curves"])
    assert len(tables["evsi"]) == n_rows
    assert len(tables["timeline"]) == len(payload["timeline"]["rows"])
    assert set(evidence_figures(payload)) == {"evsi", "timeline"}


def test_section_without_payload_says_so():
    section = evidence_section(None, {})
    assert "Not computed" in section.blocks[0].text
