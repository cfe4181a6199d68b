"""Dates and consistency as rules, in one place: what a case, a calendar or a poll may say.

Each rule is one function raising one :class:`~model.errors.InputError` line (file, row, column
and fix). The evidence loader (`model.case.evidence`) and the case library
(`model.library.cases`) call them; so do the commands that take a variant label.

- nothing is dated after today (a fact from the future is a typo);
- a case's outcomes fall on or after its ``as_of`` date (what it forecasts comes later);
- the calendar's election falls between the as-of date and the end of the Congress, the
  lame-duck end after the election, and each of those roles has one row;
- a poll ``reading`` is one of the known readings (a typo would become a third reading);
- a variant takes one option per structural choice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from model.case.schema import ALL_READINGS, VARIANTS
from model.constants import DAYS_PER_MONTH
from model.errors import InputError

POLL_READINGS = ("article", "item")
"""The poll's readings: the article's own figures, and the poll's items as asked."""
ONE_ROW_ROLES = ("election", "lame_duck_end")
"""Calendar roles that name one date each (``mark`` rows only label figures)."""
CASE_DATES: tuple[str, ...] = ("as_of", "request_date", "enacted_date", "us_end_date")
CASE_DATES += ("accepted_date", "next_election", "partner_poll_date")
OUTCOME_DATES = ("enacted_date", "us_end_date", "accepted_date")
FUTURE_DATES = ("next_election",)
"""A case's dates that may lie after today: the next election is on the calendar in advance."""


def today() -> date:
    """Today's date (one place, so tests can move it)."""
    return date.today()


def months_between(start: date, end: date) -> float:
    """Months from ``start`` to ``end``: days / `DAYS_PER_MONTH` (the average month's length)."""
    return (end - start).days / DAYS_PER_MONTH


def not_after_today(where, key: str, when: date | None, *, fix: str = "fix the date") -> None:
    """Refuse a date after today: nothing known can be dated in the future."""
    if when is not None and when > today():
        raise InputError(where, key, f"{when} is after today ({today()})", fix)


def check_case(fail: Callable[[str, str, str], InputError], case: dict[str, Any]) -> None:
    """The date rules of one case-library row (``fail(column, problem, fix)`` makes the error).

    Nothing dated after today (the next election excepted); every outcome date on or after the
    case's ``as_of``.
    """
    for col in CASE_DATES:
        when = case.get(col)
        if col not in FUTURE_DATES and when is not None and when > today():
            raise fail(col, f"{when} is after today ({today()})", "fix the date")
    as_of = case.get("as_of")
    for col in OUTCOME_DATES:
        when = case.get(col)
        if when is not None and as_of is not None and when < as_of:
            raise fail(
                col,
                f"outcome date {when} is before the case's as_of ({as_of})",
                "an outcome known by as_of is not forecast: fix the date or as_of",
            )


def check_calendar(
    path: Path, roles: list[str], dates: list[date], lines: list[int], as_of: date | None
):
    """The calendar's rules: one row per dated role; as-of < election < lame-duck end.

    ``roles``, ``dates`` and ``lines`` are the role, ``event_date`` and line of every row; an
    ``as_of`` of None skips the as-of rule (a timeline's dates after the election).
    """
    rows: dict[str, list[tuple[int, date]]] = {}
    for role, when, line in zip(roles, dates, lines, strict=True):
        rows.setdefault(role, []).append((line, when))
    for role in ONE_ROW_ROLES:
        if len(rows.get(role, [])) > 1:
            first, second = rows[role][0][0], rows[role][1][0]
            raise InputError(
                path,
                f"row {second} role={role!r}",
                f"a second {role} row (the first is row {first}): one would be ignored",
                "keep one",
            )
    election = rows.get("election", [(None, None)])[0]
    end = rows.get("lame_duck_end", [(None, None)])[0]
    if as_of is not None and election[1] is not None and election[1] <= as_of:
        raise InputError(
            path,
            f"row {election[0]} event_date={election[1]}",
            f"the election is not after the as-of date {as_of}",
            "give the next election, or an as-of date before it",
        )
    if election[1] is not None and end[1] is not None and end[1] <= election[1]:
        raise InputError(
            path,
            f"row {end[0]} event_date={end[1]}",
            f"the lame-duck end is not after the election ({election[1]})",
            "the Congress ends after the election: fix the date",
        )


def check_readings(path: Path, readings: Iterable[str], lines: Iterable[int]) -> None:
    """Refuse a poll ``reading`` outside `POLL_READINGS`."""
    for reading, line in zip(readings, lines, strict=True):
        if reading not in POLL_READINGS:
            raise InputError(
                path,
                f"row {line} reading={reading!r}",
                "unknown reading",
                f"use one of {', '.join(POLL_READINGS)} ({ALL_READINGS!r} fits them together)",
            )


def variant_options(where, key: str, names: Iterable[str]) -> dict[str, str]:
    """Structural choice -> option for a list of option names; one option per choice.

    ``baseline`` names no option. Raises one line for an unknown option or two options of one
    choice (``hard_window+falling_hazard``), as ``run`` refuses them.
    """
    options = {o: c for c, opts in VARIANTS.items() for o in opts}
    out: dict[str, str] = {}
    for name in names:
        if name == "baseline":
            continue
        if name not in options:
            known = ", ".join(["baseline", *options])
            raise InputError(where, f"{key} {name!r}", "unknown variant option", f"use {known}")
        choice = options[name]
        if choice in out:
            raise InputError(
                where,
                f"{key} {out[choice]}+{name}",
                f"two options of one structural choice ({choice})",
                "keep one of them",
            )
        out[choice] = name
    return out
