"""Labels from the case: the panel speaks the case's words, never the first case's from code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from model.constants import ROOT
from tests.conftest import SMALL

SECOND = ROOT / "tests" / "fixtures" / "second_case" / "priors.toml"
FIRST_CASE = re.compile(r"Congress|Mexic|Washington|Calder|\bBush\b|\bUS\b")
"""Names of the first case's arenas and partner (its files may say them; code may not)."""
CODE = [
    *sorted((ROOT / "model" / "app").glob("*.py")),
    ROOT / "model" / "whatif" / "memory.py",
    ROOT / "model" / "whatif" / "answers.py",
    ROOT / "model" / "whatif" / "figures.py",
    *(ROOT / "model" / "report" / f"{n}.py" for n in ("headline", "sections", "render")),
    *(ROOT / "model" / "views" / f"{n}.py" for n in ("words", "charts", "style")),
]


def _strings(path: Path) -> list[tuple[int, str]]:
    """String constants of a module that are not docstrings, with their line numbers."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            docs.add(id(first.value))
    return [
        (n.lineno, n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    ]


@pytest.mark.parametrize("path", CODE, ids=lambda p: p.name)
def test_no_first_case_name_in_the_strings_of_the_code(path):
    hits = [(line, s) for line, s in _strings(path) if FIRST_CASE.search(s)]
    assert not hits, hits


@pytest.fixture(scope="module")
def second_panel(tmp_path_factory):
    from model.app.whatif_panel import WhatIfPanel
    from model.case.priors import load_priors
    from model.inference.fit import fit
    from model.inference.settings import Settings

    folder = tmp_path_factory.mktemp("second")
    second = fit(load_priors(SECOND), settings=Settings(**SMALL))  # the persistent test cache
    return WhatIfPanel(
        second,
        scenario_dir=folder / "scenarios",
        expert_dir=folder / "experts",
        user_dir=folder / "user",
    )


def test_the_second_case_panel_shows_its_own_names(second_panel):
    panel = second_panel
    texts = [panel.headline.object, panel.parts.object, panel.figure.object]
    texts += [s.label for s in panel.sliders.values()] + [s.label for s in panel.selects.values()]
    texts.append(panel.base.priors.case["name"])
    joined = " ".join(str(t) for t in texts)
    assert "Ruritanian Diet" in joined and "Freedonia" in joined
    assert not FIRST_CASE.search(joined), FIRST_CASE.findall(joined)
    view = panel.view()
    title = view.objects[0].objects[0].object
    assert "Ruritania-Freedonia" in title and not FIRST_CASE.search(title)
