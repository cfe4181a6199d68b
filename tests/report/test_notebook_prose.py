"""Notebooks 02-04: the package's top level only, and no run-specific claim in their prose."""

from __future__ import annotations

import json
import re

import pytest

from model.constants import ROOT

NOTEBOOKS = ["02-what-if", "03-sensitivity", "04-package-design"]
STALE = re.compile(
    r"clear winner|can be trusted|automatic refit|so the\s+draws are reweighted|judgment only",
    re.IGNORECASE,
)
"""Claims the prose once made that a run can contradict (they are printed from values now)."""


def _cells(name: str) -> list[dict]:
    return json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_imports_come_from_the_top_level_only(name):
    code = "\n".join("".join(c["source"]) for c in _cells(name) if c["cell_type"] == "code")
    assert "from model import" in code
    assert not re.search(r"^\s*(from|import) model\.", code, re.MULTILINE)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_prose_makes_no_claim_the_run_can_contradict(name):
    prose = "\n".join("".join(c["source"]) for c in _cells(name) if c["cell_type"] == "markdown")
    assert not STALE.search(prose), STALE.findall(prose)


def test_notebook_02_explains_the_three_poll_routes():
    cells = _cells("02-what-if")
    prose = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    for route in ("shift", "corrected", "additional"):
        assert f"**{route}**" in prose
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "poll_answer(" in code and "ROUTES" in code
    assert "refit_ok" in "".join(cells[-1]["source"])
