"""Results the fast suite computes once per version of the code, kept between test runs.

A shared fixture whose value takes seconds (the small report, the sensitivity payload, the
simulated backtest) is built once and stored under ``$FEASIBILITY_CACHE/memo`` (the persistent
test cache, ``.cache/tests`` by default). Its key hashes every file the value can depend on (the
package, the priors, the data, the test fixtures, the lock file) and the fixture's own inputs,
so any change to the code or the inputs builds it again and nothing stale is ever read, like
the posterior cache. A file lock makes one xdist worker build while the others wait and read.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("model", "priors", "data", "tests/fixtures")
"""Folders whose files every memoised value may depend on."""
FILES = ("tests/conftest.py", "tests/memo.py", "requirements.lock", "pyproject.toml")
"""Single files likewise: the fixtures' own code, the pinned packages."""
ENV = ("FEASIBILITY_QUICK",)
"""Environment variables that change what the package computes."""


@functools.cache
def code_digest() -> str:
    """A hash of every source file, data file and setting a memoised value can depend on."""
    h = hashlib.sha256()
    paths = [p for d in SOURCES for p in sorted((ROOT / d).rglob("*")) if p.is_file()]
    paths += [ROOT / f for f in FILES]
    for path in paths:
        if "__pycache__" in path.parts:
            continue
        h.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    h.update(repr([(k, os.environ.get(k, "")) for k in ENV]).encode())
    return h.hexdigest()


def memo(name: str, build: Callable[[Path], Any], *, inputs: tuple = ()) -> tuple[Path, Any]:
    """``build(folder)`` once per code version and ``inputs``; later calls read what it stored.

    Parameters
    ----------
    name : str
        The value's name (one stored version per name: a new key replaces the old).
    build : callable
        Writes any files into the empty folder it is given and returns a picklable value. The
        file it is defined in is part of the key, so editing the test that builds it rebuilds.
    inputs : tuple
        What else the value depends on (sizes, seeds), by ``repr``.

    Returns
    -------
    (Path, object)
        The folder holding the files ``build`` wrote, and its value. Callers read, never write.
    """
    root = Path(os.environ["FEASIBILITY_CACHE"]) / "memo"
    root.mkdir(parents=True, exist_ok=True)
    caller = Path(build.__code__.co_filename).read_bytes()  # the test module defining `build`
    key = hashlib.sha256(f"{code_digest()}{inputs!r}".encode() + caller).hexdigest()[:20]
    folder = root / f"{name}-{key}"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stored = folder / "value.pickle"
        if stored.exists():
            try:
                return folder, pickle.loads(stored.read_bytes())
            except Exception:  # unreadable (a changed class, a damaged file): build it again
                pass
        for old in root.glob(f"{name}-*"):  # older versions, or one a killed run left unfinished
            shutil.rmtree(old, ignore_errors=True)
        folder.mkdir()
        value = build(folder)  # in place: paths inside the value stay true
        partial = folder / f".value.pickle.{os.getpid()}"
        partial.write_bytes(pickle.dumps(value))
        partial.replace(stored)  # written last: a folder without it is unfinished
        return folder, value
