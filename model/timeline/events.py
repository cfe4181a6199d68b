"""Dated events of a case as they arrive (``events.csv`` in the evidence folder): its news.

One row per event: ``date``, ``event`` and ``source``. Events:

``framework_agreed``
    The executives announce the framework.
``request_sent``
    The request reaches Congress (implies the framework).
``enacted``
    Congress enacts the package.
``refused_donor``
    Congress votes it down or lets it lapse, on the record.
``refused_partner``
    The partner government refuses it.

A new poll is not an event: it is a row of ``poll.csv`` with its own date, and the timeline
takes it from that date on. Rows dated after the date asked for are not used (the as-of
discipline of `model.case.evidence`). A missing file means no events.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd

from model.case.dates import not_after_today
from model.errors import InputError
from model.files import read_text

EVENTS_FILE = "events.csv"
EVENTS = ("framework_agreed", "request_sent", "enacted", "refused_donor", "refused_partner")
COLUMNS = ("date", "event", "source")


def load_events(directory: Path | None) -> pd.DataFrame:
    """Every dated event of the case (columns ``date``, ``event``, ``source``), oldest first.

    Parameters
    ----------
    directory : Path or None
        The evidence folder; None or a folder without ``events.csv`` gives no events.

    Returns
    -------
    pandas.DataFrame
    """
    empty = pd.DataFrame({c: [] for c in COLUMNS})
    if directory is None or not (Path(directory) / EVENTS_FILE).is_file():
        return empty
    path = Path(directory) / EVENTS_FILE
    text = read_text(path, what="events file (CSV)")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(path, "(file)", f"not a readable CSV ({exc})", "fix the file") from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(path, missing[0], "missing column", f"the header is {','.join(COLUMNS)}")
    rows = []
    for line, row in enumerate(frame.to_dict("records"), start=2):
        try:
            when = date.fromisoformat(row["date"].strip())
        except ValueError:
            raise InputError(
                path, f"row {line} date={row['date']!r}", "not a date", "write YYYY-MM-DD"
            ) from None
        not_after_today(path, f"row {line} date={when}", when)
        if row["event"] not in EVENTS:
            raise InputError(
                path, f"row {line} event={row['event']!r}", "unknown event", f"use one of {EVENTS}"
            )
        if not row["source"].strip():
            raise InputError(path, f"row {line} source", "empty", "say where the event is reported")
        rows.append({"date": when, "event": row["event"], "source": row["source"]})
    if not rows:
        return empty
    return pd.DataFrame(rows).sort_values("date", kind="stable").reset_index(drop=True)


def known_by(events: pd.DataFrame, when: date) -> dict[str, date]:
    """The first date of each event known by ``when`` (later rows are not used)."""
    known = events[events["date"] <= when] if len(events) else events
    return {e: d for e, d in zip(known["event"][::-1], known["date"][::-1], strict=True)}
