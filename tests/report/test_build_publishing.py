"""`build_report`'s own steps in process, with the computing and the writing mocked (fast).

What a run says about a killed run's lock and leftovers, and the notebooks step: skipped with
the reason, or executed with numbered progress lines into the published report.
"""

from __future__ import annotations

import stat
from pathlib import Path
from types import SimpleNamespace

import pytest

import model.report.build as build
from model.report.publish import LOCK, VERSIONS


@pytest.fixture
def mocked(monkeypatch):
    """``compute`` returns a bare result; ``write`` writes the two documents and records it."""
    seen = {}

    def compute(priors, **kwargs):
        return SimpleNamespace(tag="mocked run")

    def write(res, dest, steps, started=None):
        seen["res"] = res
        (dest / "feasibility.md").write_text(res.tag)
        (dest / "feasibility.html").write_text(res.tag)

    monkeypatch.setattr(build, "compute", compute)
    monkeypatch.setattr(build, "write", write)
    return seen


def _build(priors, out: Path, lines: list[str] | None, **kwargs) -> Path:
    return build.build_report(
        priors,
        out=out,
        scenarios=[],
        experts=[],
        progress=None if lines is None else lines.append,
        **kwargs,
    )


def test_a_killed_runs_lock_and_leftover_are_reported_and_cleaned(
    baseline_priors, mocked, tmp_path
):
    out = tmp_path / "out"
    leftover = out / VERSIONS / "20070815T000000000000-4242"
    leftover.mkdir(parents=True)
    (leftover / "feasibility.html").write_text("half a report")
    (out / LOCK).write_text("4242\n")  # its pid, no longer holding the lock
    lines = []
    html = _build(baseline_priors, out, lines, notebooks=False)
    assert "a killed run (pid 4242) left its lock: taken over" in lines
    assert f"removed a killed run's leftover: {out / VERSIONS / leftover.name}" in lines
    assert not leftover.exists() and not (out / LOCK).exists()
    assert html.read_text() == "mocked run"
    assert any(line.endswith("notebooks: skipped (--skip-notebooks)") for line in lines)


def test_progress_goes_to_stderr_by_default(baseline_priors, mocked, tmp_path, capsys):
    html = _build(baseline_priors, tmp_path / "out", None, notebooks=False)
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith(f"report ready: {html} (")
    assert any(line.startswith("[") and "notebooks: skipped" in line for line in err)


def test_notebooks_are_skipped_with_the_reason_when_the_extra_is_missing(
    baseline_priors, mocked, tmp_path, monkeypatch
):
    monkeypatch.setattr(build, "missing_requirements", lambda: ["nbconvert", "nbclient"])
    monkeypatch.setattr(build, "execute_all", pytest.fail)
    lines = []
    _build(baseline_priors, tmp_path / "out", lines, notebooks=True)
    said = [line for line in lines if "notebooks: skipped:" in line]
    assert len(said) == 1
    assert (
        "nbconvert, nbclient not installed" in said[0] and "pip install -e '.[report]'" in said[0]
    )
    assert mocked["res"].notebooks == []
    assert not (tmp_path / "out" / "notebooks").exists()


def test_no_notebooks_yet_is_said_and_skipped(baseline_priors, mocked, tmp_path, monkeypatch):
    monkeypatch.setattr(build, "missing_requirements", list)
    monkeypatch.setattr(build, "notebooks", list)
    monkeypatch.setattr(build, "execute_all", pytest.fail)
    lines = []
    _build(baseline_priors, tmp_path / "out", lines, notebooks=True)
    assert any(line.endswith("notebooks: none in notebooks/ yet, skipped") for line in lines)
    assert mocked["res"].notebooks == []


def test_notebooks_run_with_the_reports_settings_and_are_published_readable(
    baseline_priors, small_settings, mocked, tmp_path, monkeypatch
):
    names = ["01-baseline.ipynb", "02-what-if.ipynb"]
    calls = {}

    def execute_all(dest, *, params, progress):
        calls["params"] = params
        dest.mkdir(parents=True)
        written = []
        for name in names:
            progress(f"executing {name}")
            page = dest / name.replace(".ipynb", ".html")
            page.write_text(f"<p>{name}</p>")
            page.chmod(0o600)  # as the atomic writer leaves its temporary files
            written.append(str(page))
            progress(f"wrote {page.name}")
        return written

    monkeypatch.setattr(build, "missing_requirements", list)
    monkeypatch.setattr(build, "notebooks", lambda: [Path(n) for n in names])
    monkeypatch.setattr(build, "execute_all", execute_all)
    lines = []
    out = tmp_path / "out"
    _build(baseline_priors, out, lines, notebooks=True, settings=small_settings)
    assert calls["params"] == {
        "DRAWS": small_settings.draws,
        "TUNE": small_settings.tune,
        "CHAINS": small_settings.chains,
        "SEED": small_settings.seed,
    }
    numbered = [line.split("] ", 1)[1] for line in lines if "] notebooks " in line]
    assert numbered == [
        "notebooks 1/2: executing 01-baseline.ipynb",
        "notebooks 1/2: wrote 01-baseline.html",
        "notebooks 2/2: executing 02-what-if.ipynb",
        "notebooks 2/2: wrote 02-what-if.html",
    ]
    pages = mocked["res"].notebooks
    assert [p.name for p in pages] == ["01-baseline.html", "02-what-if.html"]
    for page in pages:
        assert stat.S_IMODE(page.stat().st_mode) == 0o644
    assert (out / "notebooks" / "02-what-if.html").read_text() == "<p>02-what-if.ipynb</p>"
