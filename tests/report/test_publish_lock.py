"""The report folder's lock and cleanup, in process (model.report.publish).

A second run waits, then stops with one line naming the holder's pid; a lock file deleted
under a waiting run is opened anew; a stale version or an artefact the new report lacks is
cleaned; the kill-test hook stops where it is told to.
"""

from __future__ import annotations

import fcntl
import os
import time

import pytest

import model.report.publish as publish
from model.errors import InputError
from model.report.publish import (
    CURRENT,
    LOCK,
    MANIFEST,
    VERSIONS,
    clean_stale,
    locked,
    new_version,
    pause,
)


@pytest.fixture
def held(tmp_path):
    """``out`` whose lock a live run (pid 4242) holds: an flock on its own open file."""
    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    os.write(fd, b"4242\n")
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    yield out
    os.close(fd)


def test_a_second_run_waits_then_stops_naming_the_holder(held):
    started = time.monotonic()
    with pytest.raises(InputError) as info, locked(held, wait=0.3):
        pytest.fail("took a lock another run holds")
    assert time.monotonic() - started >= 0.3
    err = info.value
    assert err.where == str(held) and err.key == "(lock)"
    assert "another report run (pid 4242) is writing this folder" in err.problem
    assert "give another --out" in err.fix
    assert (held / LOCK).read_text() == "4242\n"  # the holder's lock is left as it was


@pytest.mark.parametrize("wait", [float("inf"), float("nan")])
def test_a_wait_that_is_not_finite_is_refused(wait, tmp_path):
    with pytest.raises(InputError) as info, locked(tmp_path, wait=wait):
        pytest.fail("locked with an endless wait")
    assert info.value.where == "FEASIBILITY_LOCK_WAIT" and "not finite" in info.value.problem
    assert not (tmp_path / LOCK).exists()


def test_a_lock_file_deleted_after_it_was_opened_is_opened_anew(tmp_path, monkeypatch):
    """Its last holder unlinked it between our open and our check: lock the new file instead."""
    real_stat, gone = os.stat, []

    def stat_once_gone(path, *args, **kwargs):
        if str(path).endswith(LOCK) and not gone:
            gone.append(path)
            raise FileNotFoundError(path)
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(publish.os, "stat", stat_once_gone)
    with locked(tmp_path, wait=1) as stale:
        monkeypatch.undo()
        assert stale is None
        assert (tmp_path / LOCK).read_text() == f"{os.getpid()}\n"
    assert gone and not (tmp_path / LOCK).exists()


def _publish(out, files: dict[str, str]):
    version = new_version(out)
    for rel, text in files.items():
        (version / rel).parent.mkdir(parents=True, exist_ok=True)
        (version / rel).write_text(text)
    publish.publish(out, version)
    return version


def test_a_link_left_by_a_run_killed_before_its_pointer_moved_is_removed(tmp_path):
    """Killed after linking its new notebooks, before ``.current`` moved: the link dangles."""
    out = tmp_path / "out"
    out.mkdir()
    first = _publish(out, {"feasibility.html": "first"})
    killed = new_version(out)
    (killed / "notebooks").mkdir()
    (killed / "notebooks" / "01.html").write_text("never shown")
    os.symlink(f"{CURRENT}/notebooks", out / "notebooks")  # as `publish` links before the pointer
    assert (out / "notebooks").is_symlink() and not (out / "notebooks").exists()
    with locked(out):
        removed = clean_stale(out)
    assert removed == [f"{VERSIONS}/{killed.name}"]
    assert not (out / "notebooks").is_symlink() and not killed.exists()
    assert (out / "feasibility.html").read_text() == "first" and first.is_dir()


def test_a_stale_version_with_an_unreadable_manifest_is_removed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    current = _publish(out, {"feasibility.html": "kept"})
    killed = new_version(out)
    (killed / "feasibility.html").write_text("half")
    (killed / MANIFEST).write_text("{not json")
    with locked(out):
        removed = clean_stale(out)
    assert removed == [f"{VERSIONS}/{killed.name}"]
    assert not killed.exists() and current.is_dir()
    assert os.readlink(out / CURRENT) == f"{VERSIONS}/{current.name}"


def test_the_kill_hook_marks_its_step_then_waits(tmp_path, monkeypatch):
    marker = tmp_path / "paused"
    monkeypatch.setenv(publish.PAUSE_AT, "linked")
    monkeypatch.setenv(publish.PAUSE_FILE, str(marker))

    class Slept(Exception):
        pass

    def sleep(seconds):
        raise Slept(seconds)

    monkeypatch.setattr(publish.time, "sleep", sleep)
    pause("written")  # another step: returns at once
    assert not marker.exists()
    with pytest.raises(Slept):
        pause("linked")
    assert marker.read_text() == f"{os.getpid()} linked\n"
