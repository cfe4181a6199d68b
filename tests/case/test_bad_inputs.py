"""Each malformed priors, scenario or evidence fixture: one line, exit code 2, no traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

from model.cli import main

BAD = Path(__file__).parents[1] / "fixtures" / "bad"
TOML_FIXTURES = sorted(BAD.glob("*.toml"))
EVIDENCE_FIXTURES = sorted(p for p in BAD.glob("evidence_*") if p.is_dir())


def _header(path: Path) -> dict:
    out = {}
    for line in path.read_text().splitlines():
        if line.startswith("# ") and ":" in line:
            key, value = line[2:].split(":", 1)
            out[key.strip()] = value.strip()
    return out


def test_there_are_at_least_twelve_fixtures():
    assert len(TOML_FIXTURES) + len(EVIDENCE_FIXTURES) >= 12


@pytest.mark.parametrize("path", TOML_FIXTURES, ids=lambda p: p.stem)
def test_toml_fixture_gives_one_line_and_exit_2(path, capsys):
    head = _header(path)
    flag = "--priors" if head["use"] == "priors" else "--scenario"
    code = main(["run", flag, str(path)])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert head["expect"] in err
    assert str(path) in err
    assert "fix:" in err


@pytest.mark.parametrize("folder", EVIDENCE_FIXTURES, ids=lambda p: p.name)
def test_evidence_fixture_gives_one_line_and_exit_2(folder, capsys):
    expect = (folder / "EXPECT").read_text().split(":", 1)[1].strip()
    code = main(["run", "--set", f"evidence.dir='{folder}'"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert expect in err
    assert str(folder) in err


def test_real_process_exit_code_and_single_line():
    proc = subprocess.run(
        [sys.executable, "-m", "model", "run", "--scenario", str(BAD / "misspelled_param.toml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_unknown_scenario_name(capsys):
    assert main(["run", "--scenario", "no_such_scenario"]) == 2
    assert "no such scenario file" in capsys.readouterr().err


def test_bad_set_key(capsys):
    assert main(["run", "--set", "design.militery=none"]) == 2
    assert "did you mean 'military'" in capsys.readouterr().err
