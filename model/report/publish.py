"""Publish a report folder whole: a lock, versioned folders and one pointer swapped by a rename.

Inside ``out`` a report run owns::

    .report.lock                   while a run writes: flock-ed, holds the writer's pid
    .versions/<id>/                each report, written whole before it is published;
    .versions/<id>/.manifest       the files the run wrote there (nothing else is deleted)
    .current -> .versions/<id>     the one pointer; publishing is one rename of a symlink
    feasibility.html -> .current/feasibility.html   (and .md, figures, tables, notebooks)

A folder counts as a report only when ``.current`` is a link into ``.versions``. Publishing
links the artefacts first (through ``.current``), then renames the pointer, so a run killed at
any moment leaves the last complete report visible, or the new one, on a first report too.
The next run, under the lock, deletes versions nothing points to and its own temporary links
(exact names, never a pattern a user's file could match), and repairs the artefact links.

A report run owns only what it made: a real file or folder where an artefact link belongs (the
user's own ``feasibility.md``, ``figures/``), or a file in the current version that its manifest
does not list (``tables/my_analysis.csv``), is never replaced, moved or deleted: the run is
refused with the file's name. The lock is an ``flock`` on ``.report.lock``: the kernel drops it
when its holder dies, so a lock file left by a killed run (a stale lock) is taken over, and its
pid is reported. A second run on the same folder waits up to ``LOCK_WAIT_SECONDS``, then stops
with one line.
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from model.constants import REPORTS_DIR, lock_wait_seconds
from model.errors import InputError
from model.files import write_text

ARTEFACTS = ("feasibility.html", "feasibility.md", "figures", "tables", "notebooks")
"""What a report run shows inside ``out`` (as links into the current version)."""
LOCK = ".report.lock"
VERSIONS = ".versions"
CURRENT = ".current"
MANIFEST = ".manifest"
OWN = {LOCK, VERSIONS, CURRENT}
"""Hidden entries a report run owns in ``out``."""
_TMP_LINK = re.compile(
    r"^\.current\.(?:" + "|".join(map(re.escape, (CURRENT, *ARTEFACTS))) + r")\.\d+\.tmp$"
)
"""The only temporary names a run makes in ``out``: ``.current.<artefact>.<pid>.tmp`` links."""
_VERSION = re.compile(r"^\d{8}T\d{12}-\d+$")
"""A version folder's name: a UTC stamp to the microsecond and the writer's pid."""
PAUSE_AT = "FEASIBILITY_PAUSE_AT"
PAUSE_FILE = "FEASIBILITY_PAUSE_FILE"
"""Test hook: when ``FEASIBILITY_PAUSE_AT`` names a step, the run touches the file named by
``FEASIBILITY_PAUSE_FILE`` there and sleeps, so a test can kill it at exactly that step."""
STEPS = ("locked", "writing", "written", "linked", "pointed", "cleaned")
"""The steps a test may stop a run at, in order: after ``pointed`` the new report is visible."""


def pause(step: str) -> None:
    """Stop at ``step`` when the test hook asks for it (see ``PAUSE_AT``); otherwise nothing."""
    if os.environ.get(PAUSE_AT) != step:
        return
    marker = os.environ.get(PAUSE_FILE)
    if marker:
        Path(marker).write_text(f"{os.getpid()} {step}\n")
    while True:
        time.sleep(60)


def _ours(out: Path, name: str) -> bool:
    """True for an entry of ``out`` the tool made: its own names, or an artefact link of its."""
    path = out / name
    if name in OWN:
        return True
    if _TMP_LINK.match(name):
        return path.is_symlink()
    return name in ARTEFACTS and _is_our_link(path, name)


def _is_our_link(path: Path, name: str) -> bool:
    return path.is_symlink() and os.readlink(path) == f"{CURRENT}/{name}"


def is_report(out: Path) -> bool:
    """True when ``out/.current`` is a link into the tool's own ``.versions``."""
    link = Path(out) / CURRENT
    if not link.is_symlink():
        return False
    target = os.readlink(link)
    return target.startswith(f"{VERSIONS}/") and bool(_VERSION.match(target.split("/", 1)[1]))


def _foreign_in_version(version: Path) -> list[Path]:
    """Files inside a version folder its manifest does not list (a user's own files)."""
    manifest = version / MANIFEST
    if not manifest.is_file():
        return []  # written by a run killed before publishing, or by an older release
    try:
        listed = set(json.loads(manifest.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return []
    found = []
    for path in sorted(version.rglob("*")):
        rel = path.relative_to(version).as_posix()
        if rel != MANIFEST and (path.is_symlink() or not path.is_dir()) and rel not in listed:
            found.append(path)
    return found


def _refuse_foreign(out: Path, path: Path, why: str) -> InputError:
    return InputError(
        "--out",
        str(path),
        f"{why}: a report never replaces, moves or deletes a file it did not write",
        f"move it out of {out}, or give another --out",
    )


def _check_links(out: Path) -> None:
    """Refuse a ``.current`` or an artefact name in ``out`` that is not a link the tool made."""
    current = out / CURRENT
    if (current.exists() or current.is_symlink()) and not is_report(out):
        raise _refuse_foreign(out, current, "is not a link the report made")
    for name in ARTEFACTS:
        path = out / name
        if (path.exists() or path.is_symlink()) and not _is_our_link(path, name):
            raise _refuse_foreign(out, path, "was not written by a report")


def check_out(out: Path) -> None:
    """Refuse an ``--out`` a report cannot or must not be written to, before any fitting.

    Refused: an existing file; a folder that cannot be written; a non-empty folder holding no
    earlier report (other than the project's own ``reports/``), such as ``/`` or a home folder;
    a real file or folder where the report's links go (``feasibility.md``, ``figures``, ...);
    a file the tool did not write inside the current report (``tables/my_analysis.csv``).
    """
    out = Path(out)
    lock_wait_seconds()  # a bad FEASIBILITY_LOCK_WAIT is refused before any fitting
    if out.exists() and not out.is_dir():
        raise InputError("--out", str(out), "is a file, not a folder", "give a folder")
    parent = out if out.exists() else next(p for p in out.parents if p.exists())
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise InputError("--out", str(out), f"{parent} is not writable", "give a folder you own")
    if not out.exists():
        return
    _check_links(out)
    names = sorted(os.listdir(out))
    others = [n for n in names if not _ours(out, n)]
    if others and not is_report(out) and out.resolve() != REPORTS_DIR.resolve():
        raise InputError(
            "--out",
            str(out),
            f"holds files no report wrote (e.g. {others[0]!r})",
            "give an empty or new folder, or one holding an earlier report",
        )
    current = current_version(out)
    if current is not None:
        foreign = _foreign_in_version(current)
        if foreign:
            shown = out / foreign[0].relative_to(current)
            raise _refuse_foreign(out, shown, "was not written by the report beside it")


def _pid(fd: int) -> int | None:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 64).decode(errors="replace").strip()
    return int(text) if text.isdigit() else None


@contextmanager
def locked(out: Path, *, wait: float | None = None) -> Iterator[int | None]:
    """Hold the folder's lock; yield the pid of a stale holder (a killed run), or None.

    Parameters
    ----------
    out : Path
        The report folder.
    wait : float, optional
        Seconds to wait for another run; default ``FEASIBILITY_LOCK_WAIT`` (checked: finite,
        ``0 .. MAX_LOCK_WAIT_SECONDS``).

    Raises
    ------
    InputError
        When another live run still holds the lock after ``wait`` seconds.
    """
    wait = lock_wait_seconds() if wait is None else wait
    if not math.isfinite(wait):
        raise InputError("FEASIBILITY_LOCK_WAIT", str(wait), "not finite", "give seconds, e.g. 10")
    path = Path(out) / LOCK
    deadline = time.monotonic() + wait
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
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
    """The version folder ``.current`` points to, when it is our link to an existing folder."""
    if not is_report(out):
        return None
    target = (Path(out) / os.readlink(Path(out) / CURRENT)).resolve()
    return target if target.is_dir() else None


def clean_stale(out: Path) -> list[str]:
    """Delete what killed runs left (call under the lock); return what was removed.

    Removed: versions ``.current`` does not point to (unless a user's file is inside), and the
    run's own temporary links. Then the artefact links are repaired to point into ``.current``.
    Nothing else is touched.
    """
    out = Path(out)
    removed = []
    keep = current_version(out)
    versions = out / VERSIONS
    for entry in sorted(versions.iterdir()) if versions.is_dir() else []:
        if keep is not None and entry.resolve() == keep:
            continue
        ours = _VERSION.match(entry.name) and entry.is_dir() and not entry.is_symlink()
        if ours and not _foreign_in_version(entry):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(str(entry.relative_to(out)))
    for entry in sorted(out.iterdir()):
        if _TMP_LINK.match(entry.name) and entry.is_symlink():
            entry.unlink(missing_ok=True)
            removed.append(entry.name)
    if keep is not None:
        _link_artefacts(out, keep)
    return removed


def new_version(out: Path) -> Path:
    """A fresh, empty version folder under ``out/.versions``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    folder = Path(out) / VERSIONS / f"{stamp}-{os.getpid()}"
    folder.mkdir(parents=True)
    return folder


def _replace_with_link(out: Path, name: str, target: str) -> None:
    """Point ``out/name`` at ``target`` by one rename of a fresh link (atomic for readers).

    Only an absent entry or a link the tool made is replaced; anything else is refused.
    """
    path = out / name
    if (path.exists() or path.is_symlink()) and not (
        path.is_symlink() and ((name == CURRENT and is_report(out)) or _is_our_link(path, name))
    ):
        raise _refuse_foreign(out, path, "was not written by a report")
    tmp = out / f"{CURRENT}.{name}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, path)


def _link_artefacts(out: Path, version: Path) -> None:
    for name in ARTEFACTS:
        link = out / name
        if (version / name).exists():
            if not _is_our_link(link, name):
                _replace_with_link(out, name, f"{CURRENT}/{name}")
        elif _is_our_link(link, name):
            link.unlink()


def _write_manifest(version: Path) -> None:
    files = sorted(
        p.relative_to(version).as_posix()
        for p in version.rglob("*")
        if p.is_symlink() or not p.is_dir()
    )
    write_text(version / MANIFEST, json.dumps(files, indent=0) + "\n")


def publish(out: Path, version: Path) -> Path | None:
    """Make ``version`` the report in ``out`` with one rename; delete the previous version.

    An artefact the new version lacks but the previous one has (the notebooks, when skipped)
    is copied over first, so skipping a step never loses what an earlier run wrote. The
    artefact links are made before the pointer moves (they go through ``.current``), so the
    rename shows the whole new report at once. The previous version is deleted only when it
    holds nothing but what its manifest lists.

    Raises
    ------
    InputError
        A real file or folder where a link belongs (checked before anything moves).
    """
    out, version = Path(out), Path(version)
    _check_links(out)
    old = current_version(out)
    for name in ARTEFACTS:
        if old is not None and (old / name).exists() and not (version / name).exists():
            if (old / name).is_dir():
                shutil.copytree(old / name, version / name)
            else:
                shutil.copy2(old / name, version / name)
    _write_manifest(version)
    pause("written")
    for name in ARTEFACTS:
        if (version / name).exists() and not _is_our_link(out / name, name):
            _replace_with_link(out, name, f"{CURRENT}/{name}")
    pause("linked")
    _replace_with_link(out, CURRENT, f"{VERSIONS}/{version.name}")
    pause("pointed")
    _link_artefacts(out, version)
    if old is not None and old != version.resolve() and not _foreign_in_version(old):
        shutil.rmtree(old, ignore_errors=True)
    pause("cleaned")
    return old
