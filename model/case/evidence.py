"""Evidence as data: the poll, the reference class of aid packages and the calendar.

Every row has a ``date`` (when the fact was known) and a ``source``. Rows dated after the
as-of date are refused: left out of the fit and listed, so a replay sees only what was known.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import pandas as pd

from model.case.schema import ALL_READINGS
from model.constants import DAYS_PER_MONTH
from model.errors import InputError

FILES = {
    "poll": ("poll.csv", ["date", "reading", "component", "item", "n", "opposed_share", "source"]),
    "reference": (
        "reference_class.csv",
        ["date", "package", "requested", "enacted", "months", "censored", "source"],
    ),
    "calendar": ("calendar.csv", ["date", "event", "event_date", "role", "source"]),
}
CALENDAR_ROLES = {"mark", "election", "lame_duck_end"}


@dataclass
class Evidence:
    """The evidence a fit uses, after the as-of filter."""

    as_of: date
    poll_reading: str
    poll: pd.DataFrame
    reference: pd.DataFrame
    calendar: pd.DataFrame
    refused: list[str] = field(default_factory=list)

    def digest(self) -> str:
        """Hash of the rows the fit uses (not of rows it refused)."""
        h = hashlib.sha256()
        for frame in (self.poll, self.reference, self.calendar):
            h.update(frame.to_csv(index=False).encode())
        h.update(self.as_of.isoformat().encode())
        return h.hexdigest()[:16]

    @cached_property
    def _role_months(self) -> dict[str, float]:
        first = self.calendar.drop_duplicates("role")
        return dict(zip(first["role"], first["months"].astype(float), strict=True))

    def months(self, event_role: str) -> float:
        """Months from the as-of date to the first calendar event with this role."""
        if event_role not in self._role_months:
            raise InputError("calendar.csv", event_role, "no row has this role", "add one")
        return self._role_months[event_role]

    def calendar_marks(self) -> dict[str, float]:
        """Event name -> months after the as-of date, for figures."""
        return dict(zip(self.calendar["event"], self.calendar["months"], strict=True))

    def poll_components(self) -> set[str]:
        return set(self.poll["component"])


def months_between(start: date, end: date) -> float:
    """Months from ``start`` to ``end`` (average month length)."""
    return (end - start).days / DAYS_PER_MONTH


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.exists():
        raise InputError(
            path, "(file)", "file not found", "restore it from git or fix evidence.dir"
        )
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(
            path, "(csv)", f"not a readable CSV ({exc})".replace("\n", " "), "fix it"
        ) from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            path, missing[0], "missing column", f"the header needs {', '.join(columns)}"
        )
    for i, value in enumerate(frame["source"], start=2):
        if not value.strip():
            raise InputError(path, f"row {i} source", "empty", "cite where the row comes from")
    return frame


def _dates(path: Path, frame: pd.DataFrame, column: str, *, allow_empty=False) -> list:
    out = []
    for i, text in enumerate(frame[column], start=2):
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


def _numbers(path: Path, frame: pd.DataFrame, column: str, *, low, high) -> list[float]:
    out = []
    for i, text in enumerate(frame[column], start=2):
        try:
            value = float(text)
        except ValueError:
            raise InputError(path, f"row {i} {column}={text!r}", "not a number", "fix it") from None
        if not low <= value <= high:
            raise InputError(
                path, f"row {i} {column}={value}", f"outside [{low}, {high}]", "fix the value"
            )
        out.append(value)
    return out


def load_evidence(directory: Path, *, as_of: date, poll_reading: str = "article") -> Evidence:
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

    Returns
    -------
    Evidence
    """
    frames, refused = {}, []
    for key, (name, columns) in FILES.items():
        path = Path(directory) / name
        frame = _read(path, columns)
        frame["date"] = _dates(path, frame, "date")
        late = frame["date"] > as_of
        refused += [
            f"{name} row {i + 2} dated {d} is after the as-of date {as_of}: not used"
            for i, d in zip(frame.index[late], frame["date"][late], strict=True)
        ]
        frames[key] = (path, frame[~late].reset_index(drop=True))
    path, poll = frames["poll"]
    readings = set(poll["reading"])
    if poll_reading not in readings | {ALL_READINGS}:
        raise InputError(
            "priors",
            f"evidence.poll_reading = {poll_reading!r}",
            "no poll rows with this reading",
            f"use one of {', '.join(sorted(readings | {ALL_READINGS}))}",
        )
    if poll_reading != ALL_READINGS:
        poll = poll[poll["reading"] == poll_reading].reset_index(drop=True)
    poll["n"] = [int(v) for v in _numbers(path, poll, "n", low=1, high=1e7)]
    poll["opposed_share"] = _numbers(path, poll, "opposed_share", low=0, high=1)
    poll["opposed"] = (poll["n"] * poll["opposed_share"]).round().astype(int)

    path, ref = frames["reference"]
    ref["months"] = _numbers(path, ref, "months", low=0.01, high=600)
    flags = {"true": True, "false": False}
    bad = [v for v in ref["censored"] if v.strip().lower() not in flags]
    if bad:
        raise InputError(path, f"censored={bad[0]!r}", "must be true or false", "fix it")
    ref["censored"] = [flags[v.strip().lower()] for v in ref["censored"]]

    path, cal = frames["calendar"]
    cal["event_date"] = _dates(path, cal, "event_date")
    unknown = set(cal["role"]) - CALENDAR_ROLES
    if unknown:
        raise InputError(
            path, f"role={sorted(unknown)[0]!r}", "unknown role", f"use {CALENDAR_ROLES}"
        )
    cal["months"] = [months_between(as_of, d) for d in cal["event_date"]]
    return Evidence(as_of, poll_reading, poll, ref, cal, refused)
