"""The package's layers and its map.

The layer rules live in ``pyproject.toml`` as import-linter contracts (a module imports its own
layer and those below, imports inside functions included); this file runs them, shows that a
planted upward import breaks them, checks that no two modules import each other in a cycle, and
that ARCHITECTURE.md lists exactly the files that exist.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """Run the contracts of ``root/pyproject.toml`` on the package ``root/model``."""
    env = dict(os.environ, PYTHONPATH=str(root))
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_layer_contracts_hold():
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize(
    ("planted_in", "imports", "broken"),
    [
        # In the spine: the case layer reaching up to the report.
        ("model/case/inputs.py", "model.report.build", "model.case.inputs -> model.report.build"),
        # Between features: the library's data (case layer) reaching the experts' section.
        (
            "model/library/cases.py",
            "model.experts.section",
            "model.library.cases -> model.experts.section",
        ),
        # Inside a feature: the library model (inference) reaching its own backtest (analysis).
        (
            "model/library/model.py",
            "model.library.backtest",
            "model.library.model -> model.library.backtest",
        ),
    ],
)
def test_a_planted_upward_import_breaks_the_contract(tmp_path, planted_in, imports, broken):
    shutil.copytree(
        ROOT / "model", tmp_path / "model", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    planted = tmp_path / planted_in
    planted.write_text(
        planted.read_text(encoding="utf-8")
        + f"\n\ndef _planted():\n    import {imports}\n\n    return {imports}\n",
        encoding="utf-8",
    )
    run = lint_imports(tmp_path)
    assert run.returncode != 0
    assert "BROKEN" in run.stdout
    assert broken in run.stdout


def _cycle(graph) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.find_modules_directly_imported_by(node) - {"model"}):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(graph.modules - {"model"}):  # the facade loads its names by string
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_and_a_planted_one_is_found():
    import grimp

    graph = grimp.build_graph("model")
    assert _cycle(graph) is None
    importer = "model.case.priors"
    imported = sorted(graph.find_modules_directly_imported_by(importer))[0]
    graph.add_import(importer=imported, imported=importer)
    found = _cycle(graph)
    assert found is not None and found[0] == found[-1]
    assert {importer, imported} <= set(found)


def test_architecture_md_lists_exactly_the_files():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`((?:model|benchmarks)/[\w/]+\.(?:py|css))`", text))
    present = {
        str(p.relative_to(ROOT))
        for pattern in ("model/**/*.py", "model/**/*.css", "benchmarks/**/*.py")
        for p in ROOT.glob(pattern)
    }
    assert listed == present, (
        f"missing from ARCHITECTURE.md: {sorted(present - listed)}; "
        f"listed but absent: {sorted(listed - present)}"
    )
