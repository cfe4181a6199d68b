"""The case and inference layers type-check under mypy (``[tool.mypy]`` in pyproject.toml).

mypy runs as ``make lint`` runs it, from the project root with its ``.mypy_cache``. The whole
check is in ``make lint`` and in the slow suite (a cold run takes some 15 s, too long for ``make
test``); the fast suite keeps the second test, which shows the configuration is in force: a body
error in an unannotated function, which mypy skips unless ``check_untyped_defs`` is set, fails.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def mypy(*args: str) -> subprocess.CompletedProcess:
    """Run mypy with the project's configuration from its root."""
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_case_and_inference_type_check():
    run = mypy()
    assert run.returncode == 0, run.stdout + run.stderr
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    named = [ROOT / f for f in config["tool"]["mypy"]["files"]]
    files = [p for f in named for p in (sorted(f.glob("*.py")) if f.is_dir() else [f])]
    assert {"case", "inference", "library"} <= {p.parent.name for p in files}
    assert f"no issues found in {len(files)} source files" in run.stdout


def test_the_configuration_flags_an_error_in_an_unannotated_function(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text("def planted():\n    count: int = 'three'\n    return count\n")
    run = mypy(str(planted))
    assert run.returncode == 1, run.stdout + run.stderr
    assert 'Incompatible types in assignment (expression has type "str"' in run.stdout
