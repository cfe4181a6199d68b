"""Files in and out: inputs read bounded, outputs written whole.

An input is read only when it is a regular file no larger than its cap; an output is written
to a unique temporary file in the same folder, then moved into place by one atomic rename.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from model.constants import MAX_INPUT_BYTES
from model.errors import InputError

TMP_SUFFIX = ".tmp"
"""Every temporary file the writer makes is ``.<name>.<random>.tmp`` beside its target."""


def read_input(
    path: str | Path, *, what: str = "input file", limit: int = MAX_INPUT_BYTES
) -> bytes:
    """Read a user-given file whole, refusing what is not a small regular file.

    The file is checked before it is opened: a named pipe would block ``open`` forever and a
    device (``/dev/zero``) would be read until memory runs out.

    Parameters
    ----------
    path : str or Path
        The file.
    what : str
        What the file should be, for the message (``"CSV file"``, ``"priors file"``).
    limit : int
        Largest size accepted, in bytes.

    Returns
    -------
    bytes

    Raises
    ------
    model.errors.InputError
        Missing, a folder, a pipe, a device or a socket, unreadable, or larger than ``limit``.
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(path, "(file)", "file not found", "check the path") from None
    except OSError as exc:
        raise InputError(path, "(file)", f"cannot read it ({exc.strerror})", "check it") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(path, "(file)", f"is a folder, not a {what}", f"give a {what}")
    if not stat.S_ISREG(info.st_mode):
        kind = "a named pipe" if stat.S_ISFIFO(info.st_mode) else "a device or socket"
        raise InputError(path, "(file)", f"is {kind}, not a regular file", f"give a {what}")
    if info.st_size > limit:
        raise InputError(
            path,
            "(file)",
            f"larger than {limit // 1024} KiB: not a {what}",
            "give the right file",
        )
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(path, "(file)", f"cannot read it ({exc.strerror})", "check it") from None
    if len(data) > limit:
        raise InputError(path, "(file)", f"larger than {limit // 1024} KiB", "give the right file")
    return data


def read_text(path: str | Path, *, what: str = "input file", limit: int = MAX_INPUT_BYTES) -> str:
    """`read_input` decoded as UTF-8 (a byte-order mark dropped); one line when it is not."""
    data = read_input(path, what=what, limit=limit)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise InputError(
            path, "(file)", f"not UTF-8 text ({exc.reason})", "save it as UTF-8"
        ) from None


def named_file(spec: str | Path, folder: Path, *, kind: str) -> Path:
    """The file a command-line argument names: a path, or a name (``.toml`` optional) in ``folder``.

    Parameters
    ----------
    spec : str or Path
        The argument as given.
    folder : Path
        Where a bare name is looked up (e.g. ``priors/scenarios``).
    kind : str
        What the file is (``scenario``, ``expert``, ``study``), for the one-line error.

    Returns
    -------
    Path

    Raises
    ------
    InputError
        ``spec`` is a folder, or neither a path nor a name in ``folder`` (the names listed).
    """
    path = Path(spec)
    if path.is_dir():
        raise InputError(spec, f"({kind})", f"is a folder, not a {kind} file", "give a .toml")
    if path.exists():
        return path
    named = folder / f"{str(spec).removesuffix('.toml')}.toml"
    if named.exists():
        return named
    known = ", ".join(sorted(p.stem for p in folder.glob("*.toml")))
    raise InputError(spec, f"({kind})", f"no such {kind} file", f"use a path or one of: {known}")


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it onto ``path`` in one step.

    Concurrent writers never share a temporary name, a reader never sees half a file, and
    on any failure (or interruption, or a full disk) the temporary file is removed and
    ``path`` is untouched. The data reach the disk before the rename.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` whole."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def create_text(path: str | Path, text: str) -> None:
    """Write ``text`` to a new file ``path`` whole; an existing file is never replaced.

    Raises
    ------
    model.errors.InputError
        When ``path`` exists (also when another process created it meanwhile).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # one step that fails when path exists: nothing is replaced
        except FileExistsError:
            raise InputError(path, "(file)", "already exists", "choose another name") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_with(path: str | Path, writer: Callable[[Path], object]) -> None:
    """Write ``path`` whole with ``writer(tmp)`` (``DataFrame.to_csv``, an xlsx writer, ...)."""
    with atomic_path(path) as tmp:
        writer(tmp)
