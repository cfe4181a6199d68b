"""The case library: past two-level deals as data, validated, with months computed from dates.

A case file is a CSV with one row per request or agreement. Every value column from ``as_of``
on is followed by ``<column>_src``, a key into the sources file (``case_sources.csv`` next to
it, or ``<stem>_sources.csv`` when that exists). A source cell may carry `` (day unverified)``
or be ``UNVERIFIED: ...`` text, alone or after the keys (``key; UNVERIFIED: why``); all are
kept and counted. Months (to enactment, to the next
election, to acceptance) are computed from the dates, never typed. Size enters as log nominal
USD with the year as a separate covariate (no deflator). Every problem is one
:class:`~model.errors.InputError` naming the file, the row (id and line), the column and the fix.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.case.dates import check_case, months_between
from model.constants import CASES_FILE, SIZE_REF_MUSD, YEAR_REF
from model.errors import InputError
from model.files import read_text
from model.library.rules import check_episodes, next_general_election
from model.library.rules import episode_weights as episode_weights  # re-exported with the rows

DOMAINS = ("aid", "security", "trade", "basing")
ID_COLUMNS = ("id", "name", "domain", "partner")
VALUE_COLUMNS = (
    "as_of",
    "request_date",
    "us_needed",
    "enacted",
    "enacted_date",
    "us_end_date",
    "partner_needed",
    "accepted",
    "accepted_date",
    "divided_gov",
    "next_election",
    "size_musd",
    "size_year",
    "conditions",
    "partner_opposition",
    "partner_poll_date",
)
DATES: tuple[str, ...] = ("as_of", "request_date", "enacted_date", "us_end_date")
DATES += ("accepted_date", "next_election", "partner_poll_date")
FLAGS = ("us_needed", "enacted", "partner_needed", "accepted", "divided_gov", "conditions")
REQUIRED: tuple[str, ...] = ("as_of", "request_date", "us_needed", "partner_needed")
REQUIRED += ("divided_gov", "next_election")
COVARIATES = (
    "divided_gov",
    "election_years",
    "log_size",
    "size_missing",
    "year",
    "conditions",
    "opposition",
    "opposition_missing",
)
"""Covariates knowable on the as-of date, as the pooled model sees them (missingness explicit:
a missing size or poll is 0 in its column and 1 in its ``_missing`` indicator)."""
OPTIONAL_COLUMNS = ("episode", "episode_src", "conditions_enacted", "conditions_enacted_src")
"""Columns a case file may leave out: ``episode`` (default: the row's id) and its source, and
``conditions_enacted`` (known only after the outcome: kept apart in ``Library.later``, never a
covariate)."""
LATER_COLUMNS = ("conditions_enacted",)
"""Values known only after the outcome: never in ``Library.cases``, never read by a forecast."""
SOURCE_COLUMNS = ("key", "citation", "date", "url")
UNVERIFIED = "UNVERIFIED:"
_NOTE = re.compile(r"\(([^)]*)\)")
"""A note in brackets after a source key, such as ``(day unverified)``; keys split on ``;``."""


@dataclass
class Library:
    """A validated case file: typed rows, derived months, and the sources it cites."""

    path: Path
    cases: pd.DataFrame
    sources: pd.DataFrame
    unverified: int
    later: pd.DataFrame | None = None
    """``id`` and the ``LATER_COLUMNS``: what was known only after the outcome (for the manual
    and the balance table; no forecast reads it)."""

    def digest(self) -> str:
        """Hash of the typed rows (what a fit depends on)."""
        text = self.cases.drop(columns=["line"]).to_csv(index=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def sources_path(path: Path) -> Path:
    """The sources file of a case file: ``<stem>_sources.csv`` if present, else the shared one."""
    own = path.with_name(f"{path.stem}_sources.csv")
    return own if own.exists() else path.with_name("case_sources.csv")


def _read_csv(path: Path) -> pd.DataFrame:
    text = read_text(path, what="CSV file")
    if not text.strip():
        raise InputError(path, "(csv)", "empty file", "give the header and at least one row")
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        problem = " ".join(f"not a readable CSV ({exc})".split())
        raise InputError(path, "(csv)", problem, "save it as UTF-8 CSV") from None


def _check_header(path: Path, columns) -> None:
    expected = list(ID_COLUMNS) + [c for v in VALUE_COLUMNS for c in (v, f"{v}_src")]
    allowed = set(expected) | {"notes", "notes_src", *OPTIONAL_COLUMNS}
    for col in columns:
        if col not in allowed:
            close = difflib.get_close_matches(col, sorted(allowed), n=1)
            fix = f"did you mean '{close[0]}'?" if close else "remove it (see README)"
            raise InputError(path, f"column {col!r}", "unknown column", fix)
    for col in expected:
        if col not in columns:
            raise InputError(path, f"column {col!r}", "missing", "add it (see README)")


class _Row:
    """One row being parsed; every error names the file, the row, the column and the fix."""

    def __init__(self, path: Path, line: int, raw: dict, keys: set[str]):
        self.path, self.line, self.raw, self.keys = path, line, raw, keys
        self.id = raw["id"].strip() or "?"
        self.unverified = 0

    def fail(self, column: str, problem: str, fix: str) -> InputError:
        where = f"row {self.id} (line {self.line}) column {column}"
        return InputError(self.path, where, problem, fix)

    def text(self, column: str) -> str:
        value = self.raw[column].strip()
        if value:
            self._source(column)
        return value

    def _source(self, column: str) -> None:
        cell = self.raw[f"{column}_src"].strip()
        if not cell:
            raise self.fail(f"{column}_src", "missing source", "cite a key of the sources file")
        if cell.startswith(UNVERIFIED):
            self.unverified += 1
            return
        if f"; {UNVERIFIED}" in cell:  # "key; UNVERIFIED: why": keys, then the note
            cell = cell[: cell.index(f"; {UNVERIFIED}")] + " (unverified)"
        notes = _NOTE.findall(cell)
        self.unverified += any("unverified" in n.lower() for n in notes)
        for key in (k.strip() for k in _NOTE.sub("", cell).split(";")):
            if key not in self.keys:
                fix = "add it to the sources file or fix the key"
                raise self.fail(f"{column}_src", f"source key {key!r} not found", fix)

    def date(self, column: str) -> date | None:
        value = self.text(column)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(column, f"{value!r} is not a date", "write it as YYYY-MM-DD") from None

    def number(self, column: str, *, low: float, high: float) -> float:
        value = self.text(column)
        if not value:
            return np.nan
        try:
            out = float(value)
        except ValueError:
            raise self.fail(column, f"{value!r} is not a number", "write a plain number") from None
        if not low <= out <= high:
            raise self.fail(column, f"{out:g} is outside [{low:g}, {high:g}]", "fix the value")
        return out

    def flag(self, column: str) -> float:
        value = self.text(column)
        if value and value not in ("0", "1"):
            raise self.fail(column, f"{value!r} is not 0 or 1", "write 0 or 1")
        return float(value) if value else np.nan


def _parse(row: _Row, *, pending: bool) -> tuple[dict[str, Any], dict[str, float]]:
    out: dict[str, Any] = {"id": row.id, "line": row.line}
    for col in ("name", "partner"):
        out[col] = row.raw[col].strip()
    out["episode"] = row.raw.get("episode", "").strip() or row.id
    if not re.fullmatch(r"[a-z0-9_]+", out["episode"]):
        raise row.fail("episode", f"{out['episode']!r} is not a snake_case id", "use e.g. the id")
    later = {"conditions_enacted": np.nan}
    if "conditions_enacted" in row.raw:
        later["conditions_enacted"] = row.flag("conditions_enacted")
    out["domain"] = row.raw["domain"].strip()
    if out["domain"] not in DOMAINS:
        raise row.fail("domain", f"{out['domain']!r} is not a domain", f"use one of {DOMAINS}")
    for col in DATES:
        out[col] = row.date(col)
    for col in FLAGS:
        out[col] = row.flag(col)
    out["size_musd"] = row.number("size_musd", low=1e-3, high=1e7)
    out["size_year"] = row.number("size_year", low=1900, high=2100)
    out["partner_opposition"] = row.number("partner_opposition", low=0, high=1)
    for col in REQUIRED:
        if out[col] is None or (isinstance(out[col], float) and np.isnan(out[col])):
            raise row.fail(col, "empty", "give a value and its source")
    _check_outcomes(row, out, pending=pending)
    check_case(row.fail, out)
    if not np.isnan(out["size_musd"]) and np.isnan(out["size_year"]):
        raise row.fail("size_year", "empty while size_musd is given", "give the size's year")
    poll = out["partner_poll_date"]
    if poll is not None and poll > out["as_of"]:
        raise row.fail("partner_poll_date", f"{poll} is after as_of", "use a poll known by then")
    if out["next_election"] <= out["as_of"]:
        raise row.fail("next_election", "not after as_of", "give the next US general election")
    due = next_general_election(out["as_of"])
    if out["next_election"] != due:
        problem = f"{out['next_election']} is not the next general election after as_of"
        raise row.fail("next_election", problem, f"write {due}")
    row.raw = {}
    return out, later


def _check_outcomes(row: _Row, out: dict, *, pending: bool) -> None:
    for side, outcome, dates in (
        ("us_needed", "enacted", ("enacted_date", "us_end_date")),
        ("partner_needed", "accepted", ("accepted_date",)),
    ):
        if out[side] == 0:
            for col in (outcome, *dates):
                value = out[col]
                if value is not None and not (isinstance(value, float) and np.isnan(value)):
                    raise row.fail(col, f"given while {side} = 0", "leave it empty")
        for col in dates:
            when = out[col]
            if when is not None and when < out["request_date"]:
                problem = f"outcome date {when} is before the request ({out['request_date']})"
                raise row.fail(col, problem, "fix the date or the request_date")
    if out["partner_needed"] == 1 and np.isnan(out["accepted"]) and not pending:
        raise row.fail("accepted", "empty while partner_needed = 1", "give 0 or 1 and its source")
    if out["us_needed"] == 1 and np.isnan(out["enacted"]) and not pending:
        if out["us_end_date"] is None:
            fix = "give 0 or 1, or (if the partner ended it first) the us_end_date: censored"
            raise row.fail("enacted", "empty while us_needed = 1", fix)
        if out["enacted_date"] is not None:
            raise row.fail("enacted_date", "given while enacted is empty", "give enacted = 1")
    needs = {1.0: "enacted_date", 0.0: "us_end_date"}
    if out["us_needed"] == 1 and not np.isnan(out["enacted"]):
        col = needs[out["enacted"]]
        if out[col] is None:
            raise row.fail(col, f"empty while enacted = {out['enacted']:g}", "give the date")
    if out["partner_needed"] == 1 and not np.isnan(out["accepted"]) and not out["accepted_date"]:
        raise row.fail("accepted_date", "empty while accepted is given", "give the date")


def load_cases(path: str | Path = CASES_FILE, *, pending: bool = False) -> Library:
    """Read and validate a case file and its sources.

    Parameters
    ----------
    path : str or Path
        The case file (default ``data/cases.csv``).
    pending : bool
        Allow empty outcomes (a file of cases to forecast, such as ``data/case_2007.csv``).

    Returns
    -------
    Library

    Raises
    ------
    InputError
        One line naming the file, the row (id and line), the column and the fix.
    """
    path = Path(path)
    read_text(path, what="case file (CSV)")  # the file itself is named when it is missing
    src_path = sources_path(path)
    sources = _read_csv(src_path)
    for col in SOURCE_COLUMNS[:2]:
        if col not in sources.columns:
            raise InputError(src_path, f"column {col!r}", "missing", "header key,citation,date,url")
    keys = {k.strip() for k in sources["key"]}
    frame = _read_csv(path)
    _check_header(path, list(frame.columns))
    rows, laters, seen, unverified = [], [], set(), 0
    for i, raw in enumerate(frame.to_dict(orient="records"), start=2):
        row = _Row(path, i, raw, keys)
        if row.id in seen or row.id == "?":
            raise row.fail("id", "duplicate or empty id", "give each case its own id")
        seen.add(row.id)
        parsed, later = _parse(row, pending=pending)
        rows.append(parsed)
        laters.append({"id": row.id} | later)
        unverified += row.unverified
    check_episodes(path, rows)
    cases = pd.DataFrame(rows)
    if len(cases):
        cases = _derive(cases)
    return Library(
        path, cases, sources, unverified, pd.DataFrame(laters, columns=["id", *LATER_COLUMNS])
    )


def _months(starts, ends) -> np.ndarray:
    return np.array(
        [
            np.nan if e is None or s is None else months_between(s, e)
            for s, e in zip(starts, ends, strict=True)
        ]
    )


def _derive(cases: pd.DataFrame) -> pd.DataFrame:
    cases = cases.copy()
    cases["months_to_enactment"] = _months(cases["request_date"], cases["enacted_date"])
    cases["months_to_us_end"] = _months(cases["request_date"], cases["us_end_date"])
    cases["months_to_acceptance"] = _months(cases["request_date"], cases["accepted_date"])
    cases["months_to_election"] = _months(cases["as_of"], cases["next_election"])
    cases["window_months"] = _months(cases["request_date"], cases["next_election"])
    return cases.sort_values(["as_of", "id"], kind="stable").reset_index(drop=True)


def covariates(cases: pd.DataFrame) -> pd.DataFrame:
    """The pooled model's covariates of each case (columns ``COVARIATES``), centred and scaled.

    Log nominal size is centred on ``SIZE_REF_MUSD``; the year (of the size, else of the as-of
    date) enters as decades from ``YEAR_REF``; opposition as the share minus one half. An
    empty ``conditions`` (trade deals, or none documented) counts as no conditions.
    """
    size = cases["size_musd"].astype(float)
    years = cases["size_year"].astype(float).fillna(cases["as_of"].map(lambda d: d.year))
    opp = cases["partner_opposition"].astype(float)
    return pd.DataFrame(
        {
            "divided_gov": cases["divided_gov"].astype(float),
            "election_years": cases["months_to_election"].astype(float) / 12,
            "log_size": (size / SIZE_REF_MUSD).apply(np.log).fillna(0.0),
            "size_missing": size.isna().astype(float),
            "year": (years - YEAR_REF) / 10,
            "conditions": cases["conditions"].astype(float).fillna(0.0),
            "opposition": (opp - 0.5).fillna(0.0),
            "opposition_missing": opp.isna().astype(float),
        },
        index=cases.index,
    )


def known_at(cases: pd.DataFrame, origin: date) -> pd.DataFrame:
    """What was known on ``origin``: the training rows of a forecast made that day.

    A case enters only if its as-of date is before ``origin``. Its US outcome enters only if it
    was resolved (enacted, or failed at ``us_end_date``) before ``origin``; a request still
    pending then enters the duration likelihood censored at ``origin``. Its partner outcome
    enters only if decided before ``origin``.

    Returns
    -------
    pandas.DataFrame
        ``id, episode, domain, window_months``, the ``COVARIATES``, ``enacted``, ``accepted``
        (NaN when unknown on ``origin``, or never decided because the partner ended the case
        first), ``months`` and ``censored`` (NaN months: no duration row).
    """
    rows = []
    for case in cases[cases["as_of"] < origin].to_dict(orient="records"):
        enacted, accepted, months, censored = np.nan, np.nan, np.nan, False
        if case["us_needed"] == 1:
            done, end = case["enacted_date"], case["us_end_date"]
            if case["enacted"] == 1 and done is not None and done < origin:
                enacted, months = 1.0, case["months_to_enactment"]
            elif case["enacted"] == 0 and end is not None and end < origin:
                enacted, months, censored = 0.0, case["months_to_us_end"], True
            elif np.isnan(case["enacted"]) and end is not None and end < origin:
                months, censored = case["months_to_us_end"], True  # the partner ended it first
            elif case["request_date"] < origin:
                months, censored = months_between(case["request_date"], origin), True
        decided = case["accepted_date"]
        if case["partner_needed"] == 1 and decided is not None and decided < origin:
            accepted = case["accepted"]
        if np.isnan(enacted) and np.isnan(accepted) and np.isnan(months):
            continue
        rows.append(case | {"enacted": enacted, "accepted": accepted, "months": months})
        rows[-1]["censored"] = censored
    frame = pd.DataFrame(rows)
    if not len(frame):
        return frame
    keep = ["id", "episode", "domain", "window_months", "enacted", "accepted", "months"]
    keep += ["censored"]
    return pd.concat([frame[keep], covariates(frame)], axis=1)


def resolved_on(case: dict) -> date | None:
    """The date on which every outcome a case needed was known (None while any is pending)."""
    dates = []
    if case["us_needed"] == 1:
        dates.append(case["enacted_date"] if case["enacted"] == 1 else case["us_end_date"])
    if case["partner_needed"] == 1:
        dates.append(case["accepted_date"])
    if any(d is None for d in dates):
        return None
    return max(dates) if dates else case["as_of"]


def case_rows(cases: pd.DataFrame) -> pd.DataFrame:
    """Every case's ``id, episode, domain, window_months`` and ``COVARIATES`` (a model's rows)."""
    keep = cases[["id", "episode", "domain", "window_months"]].reset_index(drop=True)
    return pd.concat([keep, covariates(cases).reset_index(drop=True)], axis=1)


def training_digest(train: pd.DataFrame) -> str:
    """Hash of the training rows a pooled fit sees (``known_at`` on one day)."""
    return hashlib.sha256(train.to_csv(index=False).encode()).hexdigest()[:16]
