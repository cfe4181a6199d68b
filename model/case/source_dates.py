"""Dated judgments: every ``source`` of a priors file starts with the date of what it rests on.

A source begins with ``[YYYY-MM-DD]``, ``[YYYY-MM]`` or ``[YYYY]``: the date of the newest fact
it rests on (a judgment's: the day it was made on what was known then). Loading refuses a source
dated after the as-of date, in one line naming the file, the key and the date, unless it comes
from a scenario marked ``hindsight = true``, which is accepted and labelled. The baseline and
the experts never use hindsight (an expert may not be marked so).
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from pathlib import Path
from typing import Any

from model.constants import EXPERT_DIR
from model.errors import InputError

_SOURCE_DATE = re.compile(r"\[(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?\]")
SOURCE_DATE_FIX = 'start it with the date of the newest fact it rests on: "[YYYY-MM-DD] ..."'


def source_date(where, key: str, text: str) -> date | None:
    """The date a source carries: a leading ``[YYYY-MM-DD]``, ``[YYYY-MM]`` or ``[YYYY]``.

    The date of the newest fact the source rests on (a judgment's: the day it was made on
    what was known). A month or a year counts as its last day, so an imprecise date must still
    fall on or before the as-of date. None when the source carries no date.
    """
    if not text.startswith("["):
        return None
    found = _SOURCE_DATE.match(text)
    try:
        if found is None:
            raise ValueError(text)
        year = int(found[1])
        month = int(found[2]) if found[2] else 12
        month_end = calendar.monthrange(year, month)[1]
        return date(year, month, int(found[3]) if found[3] else month_end)
    except (ValueError, TypeError, calendar.IllegalMonthError):
        raise InputError(where, key, f"bad source date {text[:13]!r}", SOURCE_DATE_FIX) from None


def iter_sources(table: Any, prefix: str = ""):
    """Every ``source`` string in a (nested) table, with its dotted key."""
    if isinstance(table, dict):
        for k, v in table.items():
            key = f"{prefix}.{k}" if prefix else str(k)
            if k == "source" and isinstance(v, str):
                yield key, v
            else:
                yield from iter_sources(v, key)


def check_source_dates(
    where, table: dict, as_of: date, *, hindsight: bool = False, required: bool = False
) -> list[str]:
    """Refuse a source dated after ``as_of`` (one line naming the file, the key and the date).

    Parameters
    ----------
    where : str or Path
        The file (or overlay) the table came from.
    table : dict
        A priors file, scenario or overlay, as read.
    as_of : date
        The analysis date.
    hindsight : bool
        The table is a scenario marked ``hindsight = true``: later sources are accepted and
        returned as labels.
    required : bool
        Every source must carry a date (the base file with ``case.dated_sources = true``; the
        repository's scenarios and experts are held to it by a test, while a scenario saved
        from the what-if panel may leave its sources undated).

    Returns
    -------
    list of str
        ``"FILE: KEY dated DATE"`` for each accepted source dated after ``as_of``.
    """
    labels = []
    for key, text in iter_sources(table):
        when = source_date(where, key, text)
        if when is None:
            if required:
                raise InputError(where, key, "source carries no date", SOURCE_DATE_FIX)
            continue
        if when > as_of and not hindsight:
            problem = f"source dated {text[1 : text.index(']')]} is after the as-of date {as_of}"
            fix = "rest it on what was known then, or mark the scenario hindsight = true"
            raise InputError(where, key, problem, fix)
        if when > as_of:
            labels.append(f"{where}: {key} dated {when}")
    return labels


def hindsight_flag(where, over: dict) -> bool:
    """A scenario's ``hindsight`` flag; never in the experts' folder."""
    flag = over.get("hindsight", False)
    if not isinstance(flag, bool):
        raise InputError(where, "hindsight", "must be true or false", "write hindsight = true")
    if flag and Path(where).resolve().parent == EXPERT_DIR.resolve():
        raise InputError(where, "hindsight", "an expert may not use hindsight", "remove it")
    return flag
