"""Publish a report folder whole: a lock, versioned folders and one pointer swapped by a rename.

Inside ``out`` a report run owns::

    .report.lock                   while a run writes: flock-ed, holds the writer's pid
    .versions/<id>/                each report, written whole before it is published
    .current -> .versions/<id>     the one pointer; publishing is one rename of a symlink
    feasibility.html -> .current/feasibility.html   (and .md, figures, tables, notebooks)

A run killed at any moment leaves ``.current`` at the last complete report. The next run, under
the lock, deletes versions nothing points to and leftover temporary links, and repairs the
artefact links. The lock is an ``flock`` on ``.report.lock``: the kernel drops it when its
holder dies, so a lock file left by a killed run (a stale lock) is taken over, and its pid is
reported. A second run on the same folder waits up to ``LOCK_WAIT_SECONDS``, then stops with
one line. Everything else in ``out`` is never touched.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from model.constants import LOCK_WAIT_SECONDS, OUT_FOLDER_SENTINELS, REPORTS_DIR
from model.errors import InputError

ARTEFACTS = ("feasibility.html", "feasibility.md", "figures", "tables", "notebooks")
"""What a report run shows inside ``out`` (as links into the current version)."""
LOCK = ".report.lock"
VERSIONS = ".versions"
CURRENT = ".current"
OWN = {LOCK, VERSIONS, CURRENT}
"""Hidden entries a report run owns in ``out``."""
PAUSE_AT = "FEASIBILITY_PAUSE_AT"
PAUSE_FILE = "FEASIBILITY_PAUSE_FILE"
"""Test hook: when ``FEASIBILITY_PAUSE_AT`` names a step, the run touches the file named by
``FEASIBILITY_PAUSE_FILE`` there and sleeps, so a test can kill it at exactly that step."""


def pause(step: str) -> None:
    """Stop at ``step`` when the test hook asks for it (see ``PAUSE_AT``); otherwise nothing."""
    if os.environ.get(PAUSE_AT) != step:
        return
    marker = os.environ.get(PAUSE_FILE)
    if marker:
        Path(marker).write_text(f"{os.getpid()} {step}\n")
    while True:
        time.sleep(60)


def _ours(name: str) -> bool:
    return name in OWN or name.startswith((".tmp-", f"{CURRENT}."))


def check_out(out: Path) -> None:
    """Refuse an ``--out`` a report cannot or must not be written to, before any fitting.

    Refused: an existing file; a folder that cannot be written; a non-empty folder holding no
    earlier report (other than the project's own ``reports/``), such as ``/`` or a home folder.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError("--out", str(out), "is a file, not a folder", "give a folder")
    parent = out if out.exists() else next(p for p in out.parents if p.exists())
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise InputError("--out", str(out), f"{parent} is not writable", "give a folder you own")
    if not out.exists() or out.resolve() == REPORTS_DIR.resolve():
        return
    others = [n for n in os.listdir(out) if not _ours(n)]
    if others and not any((out / n).exists() for n in OUT_FOLDER_SENTINELS):
        raise InputError(
            "--out",
            str(out),
            f"holds files no report wrote (e.g. {sorted(others)[0]!r})",
            "give an empty or new folder, or one holding an earlier report",
        )


def _pid(fd: int) -> int | None:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 64).decode(errors="replace").strip()
    return int(text) if text.isdigit() else None


@contextmanager
def locked(out: Path, *, wait: float = LOCK_WAIT_SECONDS) -> Iterator[int | None]:
    """Hold the folder's lock; yield the pid of a stale holder (a killed run), or None.

    Raises
    ------
    InputError
        When another live run still holds the lock after ``wait`` seconds.
    """
    path = Path(out) / LOCK
    deadline = time.monotonic() + wait
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _pid(fd)
            os.close(fd)
            if time.monotonic() >= deadline:
                raise InputError(
                    out,
                    "(lock)",
                    f"another report run (pid {holder}) is writing this folder",
                    "wait for it to finish, or give another --out",
                ) from None
            time.sleep(0.2)
            continue
        try:  # its last holder may have deleted the file after we opened it: open it anew
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    stale = _pid(fd)
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, f"{os.getpid()}\n".encode())
    try:
        yield stale
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


def current_version(out: Path) -> Path | None:
    """The version folder ``.current`` points to, when it is a link to an existing folder."""
    link = Path(out) / CURRENT
    if not link.is_symlink():
        return None
    target = (Path(out) / os.readlink(link)).resolve()
    return target if target.is_dir() else None


def clean_stale(out: Path) -> list[str]:
    """Delete what killed runs left (call under the lock); return what was removed.

    Removed: versions ``.current`` does not point to, temporary links, legacy ``.tmp-*``
    folders. Then the artefact links are repaired to point into ``.current``.
    """
    out = Path(out)
    removed = []
    keep = current_version(out)
    versions = out / VERSIONS
    for entry in sorted(versions.iterdir()) if versions.is_dir() else []:
        if keep is None or entry.resolve() != keep:
            _remove(entry)
            removed.append(str(entry.relative_to(out)))
    for entry in sorted(out.iterdir()):
        if entry.name.startswith((".tmp-", f"{CURRENT}.")):
            _remove(entry)
            removed.append(entry.name)
    if keep is not None:
        _link_artefacts(out, keep)
    return removed


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def new_version(out: Path) -> Path:
    """A fresh, empty version folder under ``out/.versions``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    folder = Path(out) / VERSIONS / f"{stamp}-{os.getpid()}"
    folder.mkdir(parents=True)
    return folder


def _replace_with_link(path: Path, target: str) -> None:
    """Point ``path`` at ``target`` by one rename of a fresh link (atomic for readers)."""
    tmp = path.with_name(f"{CURRENT}.{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    if path.exists() and not path.is_symlink() and path.is_dir():
        # a real folder (an older report's layout) cannot be replaced by a rename: move it aside
        os.replace(path, Path(path.parent) / VERSIONS / f"old-{path.name}-{os.getpid()}")
    os.replace(tmp, path)


def _link_artefacts(out: Path, version: Path) -> None:
    for name in ARTEFACTS:
        link = out / name
        if (version / name).exists():
            if not (link.is_symlink() and os.readlink(link) == f"{CURRENT}/{name}"):
                _replace_with_link(link, f"{CURRENT}/{name}")
        elif link.is_symlink():
            link.unlink()


def publish(out: Path, version: Path) -> Path | None:
    """Make ``version`` the report in ``out`` with one rename; delete the previous version.

    An artefact the new version lacks but the previous one has (the notebooks, when skipped)
    is copied over first, so skipping a step never loses what an earlier run wrote.
    """
    out, version = Path(out), Path(version)
    old = current_version(out)
    for name in ARTEFACTS:
        if old is not None and (old / name).exists() and not (version / name).exists():
            if (old / name).is_dir():
                shutil.copytree(old / name, version / name)
            else:
                shutil.copy2(old / name, version / name)
    pause("written")
    if (out / CURRENT).exists() and not (out / CURRENT).is_symlink():
        os.replace(out / CURRENT, out / VERSIONS / f"old-current-{os.getpid()}")
    _replace_with_link(out / CURRENT, f"{VERSIONS}/{version.name}")
    pause("pointed")
    _link_artefacts(out, version)
    pause("linked")
    if old is not None and old != version.resolve():
        shutil.rmtree(old, ignore_errors=True)
    for entry in (out / VERSIONS).iterdir():
        if entry.name.startswith("old-"):
            _remove(entry)
    return old
