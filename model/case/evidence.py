"""Evidence as data: the poll, the reference class of aid packages and the calendar.

Every row has a ``date`` (when the fact was known) and a ``source``. Rows dated after the
as-of date are refused: left out of the fit and listed, so a replay sees only what was known.
Row numbers in messages are the file's line numbers; a row given twice, a ragged row and a
non-integer count are refused; an as-of date after the calendar's lame-duck end (when the
deal's fate is settled) or before every poll row is refused with its real cause. The date and
consistency rules (nothing after today, one election between the as-of date and the lame-duck
end, known poll readings) are `model.case.dates`.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Literal, overload

import pandas as pd

from model.case.dates import check_calendar, check_readings, months_between, not_after_today
from model.case.schema import ALL_READINGS
from model.errors import InputError
from model.files import read_text

FILES = {
    "poll": ("poll.csv", ["date", "reading", "component", "item", "n", "opposed_share", "source"]),
    "reference": (
        "reference_class.csv",
        ["date", "package", "requested", "enacted", "censored", "source"],
    ),
    "calendar": ("calendar.csv", ["date", "event", "event_date", "role", "source"]),
}
CALENDAR_ROLES = {"mark", "election", "lame_duck_end"}
KEYS = {
    "poll": ("date", "reading", "component", "item"),
    "reference": ("package",),
    "calendar": ("event", "event_date"),
}
"""What makes a row the same fact: a second row with the same values is refused."""
LINE = "_line"
MONTHS_TOLERANCE = 0.05
"""How far a typed reference-class ``months`` value may stray from its dates (about 1.5 days)."""


@dataclass
class Evidence:
    """The evidence a fit uses, after the as-of filter."""

    as_of: date
    poll_reading: str
    poll: pd.DataFrame
    reference: pd.DataFrame
    calendar: pd.DataFrame
    refused: list[str] = field(default_factory=list)
    directory: Path | None = None
    """The folder the rows came from (so messages give full paths)."""

    def path(self, key: str) -> Path | str:
        """Full path of an evidence file (``poll``, ``reference`` or ``calendar``)."""
        name = FILES[key][0]
        return self.directory / name if self.directory is not None else name

    def digest(self) -> str:
        """Hash of the rows the fit uses (not of rows it refused).

        Kept while the same three tables and as-of date stay in place (a what-if asks for it
        on every answer); a table replaced by another is hashed again.
        """
        held = (self.poll, self.reference, self.calendar, self.as_of)
        memo = self.__dict__.get("_digest_memo")
        if memo is not None and all(a is b for a, b in zip(memo[0], held, strict=True)):
            return memo[1]
        h = hashlib.sha256()
        for frame in (self.poll, self.reference, self.calendar):
            h.update(frame.to_csv(index=False).encode())
        h.update(self.as_of.isoformat().encode())
        value = h.hexdigest()[:16]
        self.__dict__["_digest_memo"] = (held, value)
        return value

    @cached_property
    def _role_months(self) -> dict[str, float]:
        first = self.calendar.drop_duplicates("role")
        return dict(zip(first["role"], first["months"].astype(float), strict=True))

    def months(self, event_role: str) -> float:
        """Months from the as-of date to the first calendar event with this role."""
        if event_role not in self._role_months:
            raise InputError(
                self.path("calendar"), f"role={event_role!r}", "no row has this role", "add one"
            )
        return self._role_months[event_role]

    def calendar_marks(self) -> dict[str, float]:
        """Event name -> months after the as-of date, for figures."""
        return dict(zip(self.calendar["event"], self.calendar["months"], strict=True))

    def poll_components(self) -> set[str]:
        """The package components the poll asks about."""
        return set(self.poll["component"])


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    """Read a CSV as strings with each row's line number in ``LINE``; refuse ragged rows."""
    if not path.exists() and not path.is_symlink():
        raise InputError(
            path, "(file)", "file not found", "restore it from git or fix evidence.dir"
        )
    text = read_text(path, what="CSV file")
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = next(reader, None)
        if header is None:
            raise InputError(path, "(csv)", "empty file", f"give the header {','.join(columns)}")
        rows, lines = [], []
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                raise InputError(
                    path,
                    f"row {reader.line_num}",
                    f"has {len(record)} fields, the header has {len(header)}",
                    "quote text that holds commas, or fix the row",
                )
            rows.append([cell.strip() for cell in record])
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise InputError(
            path, f"row {reader.line_num}", f"not valid CSV ({exc})", "fix it"
        ) from None
    header = [h.strip() for h in header]
    missing = [c for c in columns if c not in header]
    if missing:
        raise InputError(
            path, missing[0], "missing column", f"the header needs {', '.join(columns)}"
        )
    frame = pd.DataFrame(rows, columns=header, dtype=str)
    frame[LINE] = lines
    for line, value in zip(frame[LINE], frame["source"], strict=True):
        if not value.strip():
            raise InputError(path, f"row {line} source", "empty", "cite where the row comes from")
    return frame


def _duplicates(path: Path, frame: pd.DataFrame, key: tuple[str, ...]) -> None:
    seen: dict[tuple, int] = {}
    for line, *values in zip(frame[LINE], *(frame[k] for k in key), strict=True):
        ident = tuple(str(v).strip().lower() for v in values)
        if ident in seen:
            raise InputError(
                path,
                f"row {line}",
                f"repeats row {seen[ident]} (same {', '.join(key)}): it would count twice",
                "delete one of them",
            )
        seen[ident] = line


@overload
def _dates(
    path: Path, frame: pd.DataFrame, column: str, *, allow_empty: Literal[False] = ...
) -> list[date]: ...
@overload
def _dates(
    path: Path, frame: pd.DataFrame, column: str, *, allow_empty: Literal[True]
) -> list[date | None]: ...
def _dates(
    path: Path, frame: pd.DataFrame, column: str, *, allow_empty: bool = False
) -> list[date] | list[date | None]:
    out: list[date | None] = []
    for i, text in zip(frame[LINE], frame[column], strict=True):
        if allow_empty and not text.strip():
            out.append(None)
            continue
        try:
            out.append(date.fromisoformat(text.strip()))
        except ValueError:
            raise InputError(
                path, f"row {i} {column}={text!r}", "not a date", "write it as YYYY-MM-DD"
            ) from None
    return out


def _numbers(
    path: Path, frame: pd.DataFrame, column: str, *, low, high, integer=False
) -> list[float]:
    out = []
    for i, text in zip(frame[LINE], frame[column], strict=True):
        try:
            value = float(text)
        except ValueError:
            raise InputError(path, f"row {i} {column}={text!r}", "not a number", "fix it") from None
        if not low <= value <= high:
            raise InputError(
                path, f"row {i} {column}={value}", f"outside [{low}, {high}]", "fix the value"
            )
        if integer and value != int(value):
            raise InputError(
                path, f"row {i} {column}={text}", "not a whole number", "give the count asked"
            )
        out.append(value)
    return out


def _reference_months(path: Path, ref: pd.DataFrame, *, as_of: date) -> list[float]:
    """Months from request to enactment, or to the as-of date for a pending (censored) row.

    Computed from the dates, never typed; a ``months`` column, if a file still has one, must
    agree with the dates of the enacted rows.
    """
    requested = _dates(path, ref, "requested")
    enacted = _dates(path, ref, "enacted", allow_empty=True)
    out = []
    lines = ref[LINE] if LINE in ref.columns else range(2, len(ref) + 2)
    rows = zip(lines, requested, enacted, ref["censored"], strict=True)
    for i, start, done, pending in rows:
        if pending != (done is None):
            raise InputError(
                path,
                f"row {i} enacted={done or ''!s}",
                "a censored row has no enactment date and an enacted row needs one",
                "fix enacted or censored",
            )
        end = as_of if done is None else done  # done is None exactly when pending
        if end <= start:
            raise InputError(
                path, f"row {i} requested={start}", f"not before {end}", "fix the dates"
            )
        out.append(months_between(start, end))
    if "months" in ref.columns:
        typed = _numbers(path, ref, "months", low=0, high=600)
        for i, m, computed, pending in zip(lines, typed, out, ref["censored"], strict=True):
            if not pending and abs(m - computed) > MONTHS_TOLERANCE:
                raise InputError(
                    path,
                    f"row {i} months={m}",
                    f"the dates give {computed:.2f}",
                    "delete the months column: months are computed from the dates",
                )
    return out


def load_evidence(
    directory: Path, *, as_of: date, poll_reading: str = "article", past_election: bool = False
) -> Evidence:
    """Read and check the evidence files, keep the rows known by ``as_of``.

    Parameters
    ----------
    directory : Path
        Folder holding ``poll.csv``, ``reference_class.csv`` and ``calendar.csv``.
    as_of : date
        Analysis date; rows dated later are refused (listed in ``Evidence.refused``).
    poll_reading : str
        Which reading of the poll to use (``article`` or ``item``), or ``both``: every reading,
        fitted together with an error term beyond sampling (``params.poll_error``).
    past_election : bool
        Accept an ``as_of`` after the calendar's election (up to the lame-duck end): a timeline
        reads the evidence known on its later dates. An analysis never does.

    Returns
    -------
    Evidence
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(directory, "evidence.dir", "no such folder", "fix evidence.dir")
    frames, refused = {}, []
    for key, (name, columns) in FILES.items():
        path = directory / name
        frame = _read(path, columns)
        frame["date"] = _dates(path, frame, "date")
        for line, when in zip(frame[LINE], frame["date"], strict=True):
            not_after_today(path, f"row {line} date={when}", when)
        _duplicates(path, frame, KEYS[key])
        late = frame["date"] > as_of
        refused += [
            f"{name} row {line} dated {d} is after the as-of date {as_of}: not used"
            for line, d in zip(frame[LINE][late], frame["date"][late], strict=True)
        ]
        frames[key] = (path, frame, frame[~late].reset_index(drop=True))

    path, _, cal = frames["calendar"]
    cal["event_date"] = _dates(path, cal, "event_date")
    unknown = set(cal["role"]) - CALENDAR_ROLES
    if unknown:
        raise InputError(
            path, f"role={sorted(unknown)[0]!r}", "unknown role", f"use {CALENDAR_ROLES}"
        )
    ends = cal[cal["role"] == "lame_duck_end"]
    if len(ends) and as_of > min(ends["event_date"]):
        end = min(ends["event_date"])
        raise InputError(
            "as-of date",
            f"as_of = {as_of}",
            f"after the calendar's lame-duck end ({end}, {path}): the deal's fate is settled "
            "by then, so no evidence here can speak to it",
            f"use an as-of date on or before {end}",
        )
    not_after_today("as-of date", f"as_of = {as_of}", as_of, fix="use a date up to today")
    roles, when, lines = list(cal["role"]), list(cal["event_date"]), list(cal[LINE])
    check_calendar(path, roles, when, lines, None if past_election else as_of)
    cal["months"] = [months_between(as_of, d) for d in cal["event_date"]]

    path, poll_all, poll = frames["poll"]
    check_readings(path, poll_all["reading"], poll_all[LINE])
    of_reading = (
        poll_all if poll_reading == ALL_READINGS else poll_all[poll_all["reading"] == poll_reading]
    )
    known = poll if poll_reading == ALL_READINGS else poll[poll["reading"] == poll_reading]
    if len(of_reading) and not len(known):
        first = min(of_reading["date"])
        raise InputError(
            "as-of date",
            f"as_of = {as_of}",
            f"before every poll row with reading {poll_reading!r} (the first is dated {first}, "
            f"{path})",
            f"use an as-of date on or after {first}",
        )
    readings = set(poll_all["reading"])
    if poll_reading not in readings | {ALL_READINGS}:
        raise InputError(
            path,
            f"evidence.poll_reading = {poll_reading!r}",
            "no poll rows with this reading",
            f"use one of {', '.join(sorted(readings | {ALL_READINGS}))}",
        )
    if poll_reading != ALL_READINGS:
        poll = poll[poll["reading"] == poll_reading].reset_index(drop=True)
    poll["n"] = [int(v) for v in _numbers(path, poll, "n", low=1, high=1e7, integer=True)]
    poll["opposed_share"] = _numbers(path, poll, "opposed_share", low=0, high=1)
    poll["opposed"] = (poll["n"] * poll["opposed_share"]).round().astype(int)

    path, _, ref = frames["reference"]
    flags = {"true": True, "false": False}
    for line, value in zip(ref[LINE], ref["censored"], strict=True):
        if value.strip().lower() not in flags:
            raise InputError(
                path, f"row {line} censored={value!r}", "must be true or false", "fix it"
            )
    ref["censored"] = [flags[v.strip().lower()] for v in ref["censored"]]
    ref["months"] = _reference_months(path, ref, as_of=as_of)
    poll, ref, cal = (f.drop(columns=LINE) for f in (poll, ref, cal))
    return Evidence(as_of, poll_reading, poll, ref, cal, refused, directory)
