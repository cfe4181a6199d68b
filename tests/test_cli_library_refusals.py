"""`feasibility backtest` and `pooled`: bad options refused in one line, before any fit."""

import os

import pytest

from model.cli.library import workers
from model.cli.main import main


def _refused(capsys, argv) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1, captured.err
    return lines[0]


@pytest.mark.parametrize("n", ["0", "-3"])
def test_backtest_needs_at_least_one_worker(n, capsys):
    line = _refused(capsys, ["backtest", "--workers", n])
    assert "--workers" in line and "must be >= 1" in line and "fix: use e.g. 2" in line


def test_more_workers_than_cores_or_jobs_are_capped_with_a_note(capsys):
    cap = min(os.cpu_count() or 1, 3)
    assert workers(64, jobs=3) == cap
    err = capsys.readouterr().err
    assert err.strip() == f"note: --workers 64 capped at {cap} (the cores here)"
    assert workers(1, jobs=3) == 1 and capsys.readouterr().err == ""


def test_pooled_out_into_a_missing_folder_is_refused(tmp_path, capsys):
    out = tmp_path / "nope" / "pooled.json"
    line = _refused(capsys, ["pooled", "--out", str(out)])
    assert str(out) in line and f"no folder {out.parent}" in line and "create it" in line
    assert not out.parent.exists()
