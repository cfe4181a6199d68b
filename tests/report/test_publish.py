"""A report folder owns only what it made (issue 20, item 1).

A user's own files in or beside a report folder are never replaced, moved or deleted: the run is
refused (exit 2, the file named) before anything is written; cleanup removes only the tool's own
temporary names; a SIGKILL at every publishing step of a FIRST report leaves either no report
(before the pointer moved) or the whole new one, never a half state.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from model.cli.main import main
from model.errors import InputError
from model.report.publish import STEPS, check_out, clean_stale, new_version, publish
from tests.conftest import spawn_driver

DRIVER = """
import sys, pathlib
from model.report.publish import check_out, clean_stale, locked, new_version, pause, publish
out, tag = pathlib.Path(sys.argv[1]), sys.argv[2]
check_out(out)
out.mkdir(parents=True, exist_ok=True)
with locked(out):
    clean_stale(out)
    pause("locked")
    version = new_version(out)
    (version / "tables").mkdir()
    (version / "tables" / "t.csv").write_text(tag)
    (version / "figures").mkdir()
    (version / "figures" / "f.png").write_text(tag)
    pause("writing")
    (version / "feasibility.md").write_text(tag)
    (version / "feasibility.html").write_text(tag)
    publish(out, version)
"""
"""The publishing steps of `model.report.build.build_report`, without the computing (fast)."""


def _start(tmp_path: Path, out: Path, tag: str, pause_at: str | None = None, driver=DRIVER):
    return spawn_driver(
        tmp_path, driver, out, tag, pause_at=pause_at, wait="5", name="publish_driver.py"
    )


def _complete(tmp_path: Path, out: Path, tag: str, driver=DRIVER) -> None:
    proc, _ = _start(tmp_path, out, tag, driver=driver)
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err


def _visible(out: Path) -> dict | None:
    """What a reader of ``out`` sees: every artefact's text, or None when no report shows."""
    paths = {
        "html": out / "feasibility.html",
        "md": out / "feasibility.md",
        "table": out / "tables" / "t.csv",
        "figure": out / "figures" / "f.png",
    }
    seen = {k: p.read_text() if p.exists() else None for k, p in paths.items()}
    if all(v is None for v in seen.values()):
        return None
    return seen


def _kill_at(tmp_path: Path, out: Path, step: str, driver=DRIVER) -> None:
    proc, marker = _start(tmp_path, out, "new", pause_at=step, driver=driver)
    deadline = time.monotonic() + 180
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never reached its pause"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def _first_report_kill(tmp_path: Path, step: str, driver=DRIVER) -> None:
    out = tmp_path / "out"
    _kill_at(tmp_path, out, step, driver)
    seen = _visible(out)
    if STEPS.index(step) < STEPS.index("pointed"):
        assert seen is None, f"killed at {step!r}: a half report shows: {seen}"
    else:
        assert seen == {"html": "new", "md": "new", "table": "new", "figure": "new"}
    _complete(tmp_path, out, "next", driver)
    assert _visible(out) == {"html": "next", "md": "next", "table": "next", "figure": "next"}
    versions = list((out / ".versions").iterdir())
    assert [v.name for v in versions] == [os.readlink(out / ".current").split("/")[1]]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [".current", ".versions", "feasibility.html", "feasibility.md", "figures", "tables"]
    )


@pytest.mark.parametrize("step", ["linked", "pointed"])
def test_sigkill_on_a_first_report_around_the_pointer(step, tmp_path):
    """The two steps around the one rename: before it nothing shows, after it all of it."""
    _first_report_kill(tmp_path, step)


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS)
def test_sigkill_at_every_step_of_a_first_report(step, tmp_path):
    _first_report_kill(tmp_path, step)


BUILD_DRIVER = """
import sys, pathlib
import model.report.build as b
from model.report.publish import pause
tag = sys.argv[2]
b.compute = lambda priors, **k: tag
def write(res, dest, steps, started=None):
    for rel in ("tables/t.csv", "figures/f.png"):
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_text(res)
    pause("writing")
    (dest / "feasibility.md").write_text(res)
    (dest / "feasibility.html").write_text(res)
b.write = write
from model.case.priors import load_priors
b.build_report(load_priors(), out=pathlib.Path(sys.argv[1]), notebooks=False, scenarios=[],
               experts=[], progress=lambda line: None)
"""
"""`build_report` itself (its lock, cleanup and publishing), with the computing mocked."""


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS)
def test_sigkill_at_every_step_of_a_first_report_through_build_report(step, tmp_path):
    _first_report_kill(tmp_path, step, BUILD_DRIVER)


def _report(out: Path, tag: str) -> Path:
    version = new_version(out)
    (version / "tables").mkdir()
    (version / "tables" / "t.csv").write_text(tag)
    (version / "feasibility.md").write_text(tag)
    (version / "feasibility.html").write_text(tag)
    publish(out, version)
    return version


USER_FILES = {
    "feasibility.md": "my own notes",
    "feasibility.html": "<p>my page</p>",
    "figures/my_plot.svg": "<svg/>",
    "tables/my_analysis.csv": "a,b\n1,2\n",
}


@pytest.mark.parametrize("name", sorted(USER_FILES))
def test_a_users_file_where_the_report_goes_is_refused_and_kept(name, tmp_path):
    out = tmp_path / "out"
    (out / name).parent.mkdir(parents=True, exist_ok=True)
    (out / name).write_text(USER_FILES[name])
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    with pytest.raises(InputError) as err:
        check_out(out)
    assert str(out / Path(name).parts[0]) in err.value.line()
    version = new_version(out)
    (version / "feasibility.html").write_text("new")
    (version / "tables").mkdir()
    (version / "figures").mkdir()
    with pytest.raises(InputError):
        publish(out, version)
    assert (out / name).read_text() == USER_FILES[name]
    assert not (out / name).is_symlink() and not (out / Path(name).parts[0]).is_symlink()
    assert not (out / ".current").exists()
    after = sorted(str(p.relative_to(out)) for p in out.rglob("*") if ".versions" not in p.parts)
    assert after == before


def test_a_users_file_inside_the_current_report_is_never_deleted(tmp_path):
    """``tables/my_analysis.csv`` written through the report's link is refused, and kept."""
    out = tmp_path / "out"
    first = _report(out, "one")
    (out / "tables" / "my_analysis.csv").write_text("mine")
    with pytest.raises(InputError, match=r"my_analysis\.csv"):
        check_out(out)
    _report(out, "two")  # a run that skips the check (a file added while it ran)
    assert first.is_dir(), "the old version holding the user's file was deleted"
    assert (first / "tables" / "my_analysis.csv").read_text() == "mine"
    clean_stale(out)
    assert (first / "tables" / "my_analysis.csv").read_text() == "mine"
    assert (out / "feasibility.html").read_text() == "two"


def test_cleanup_removes_only_the_tools_own_temporary_names(tmp_path):
    out = tmp_path / "out"
    _report(out, "one")
    mine = {".current.bak": "backup", ".tmp-draft.md": "draft", "notes.txt": "n"}
    for name, text in mine.items():
        (out / name).write_text(text)
    (out / ".current.feasibility.html.42.tmp").symlink_to(".versions/nowhere")
    check_out(out)
    removed = clean_stale(out)
    assert removed == [".current.feasibility.html.42.tmp"]
    for name, text in mine.items():
        assert (out / name).read_text() == text
    _report(out, "two")
    for name, text in mine.items():
        assert (out / name).read_text() == text


def test_a_pointer_not_made_by_the_tool_is_not_a_report(tmp_path):
    out = tmp_path / "out"
    (out / "elsewhere").mkdir(parents=True)
    (out / ".current").symlink_to("elsewhere")
    with pytest.raises(InputError, match="is not a link the report made"):
        check_out(out)
    assert os.readlink(out / ".current") == "elsewhere"


def test_report_cli_refuses_a_users_feasibility_md_with_exit_2(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "feasibility.md").write_text("my own notes")
    (out / "figures").mkdir()
    (out / "figures" / "my_plot.svg").write_text("<svg/>")
    code = main(["report", "--out", str(out), "--skip-notebooks", "--skip-backtest"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "feasibility.md" in err
    assert (out / "feasibility.md").read_text() == "my own notes"
    assert (out / "figures" / "my_plot.svg").read_text() == "<svg/>"
    assert sorted(p.name for p in out.iterdir()) == ["feasibility.md", "figures"]


def test_design_csv_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    """A failing write (a full disk) leaves the earlier file as it was, and no temporary."""
    import pandas as pd

    from model.files import write_with

    target = tmp_path / "designs.csv"
    target.write_text("old,complete\n1,2\n")

    def half(tmp):
        Path(tmp).write_text("new,half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_with(target, half)
    assert target.read_text() == "old,complete\n1,2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["designs.csv"]
    write_with(target, lambda tmp: pd.DataFrame({"a": [1]}).to_csv(tmp, index=False))
    assert target.read_text() == "a\n1\n"
