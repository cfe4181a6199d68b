"""The coding manual's mechanical rules (``data/cases.md``): the next election, episodes.

An episode is one decision: rows that share it count once (``episode_weights``), share the
outcome on each side both need (the partner side only for the same partner), or follow one
another (a new offer answering a refusal), and are named by the id of their earliest row.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from model.errors import InputError


def next_general_election(after: date) -> date:
    """The first US general election after ``after`` (2 U.S.C. 7).

    The Tuesday after the first Monday of November of an even year.
    """
    year = after.year + after.year % 2
    while True:
        first = date(year, 11, 1)
        election = first + timedelta(days=(-first.weekday()) % 7 + 1)
        if election > after:
            return election
        year += 2


_SIDES = (
    ("us_needed", "enacted", "enacted_date", "us_end_date"),
    ("partner_needed", "accepted", "accepted_date", None),
)


def _decision(case: dict, side: tuple) -> tuple | None:
    """One side's decision of a case: (outcome, date), or None where that side is not needed."""
    needed, outcome, done, end = side
    if case[needed] != 1:
        return None
    when = case[done] if case[outcome] == 1 or end is None else case[end]
    return (None if np.isnan(case[outcome]) else case[outcome], when)


def check_episodes(path: Path, rows: list[dict]) -> None:
    """Check that the rows of each episode are one decision, named by its earliest row's id.

    On each side both rows need (the partner side only for the same partner), they share its
    outcome and date, or the later row was put after the earlier one was decided (a new offer
    answering a refusal, as in Manas 2009).

    Raises
    ------
    InputError
        One line naming both rows, the episode, the column and the fix.
    """
    by_episode: dict[str, list[dict]] = {}
    for case in rows:
        by_episode.setdefault(case["episode"], []).append(case)
    for members in by_episode.values():
        members = sorted(members, key=lambda c: (c["as_of"], c["id"]))
        if members[0]["episode"] != members[0]["id"]:
            where = f"row {members[0]['id']} column episode"
            problem = f"episode {members[0]['episode']!r} is not the id of its earliest row"
            raise InputError(path, where, problem, f"name it {members[0]['id']!r}")
        for first, second in itertools.pairwise(members):
            for side in _SIDES:
                if side[0] == "partner_needed" and first["partner"] != second["partner"]:
                    continue  # several partners, each its own decision (the 2011 FTAs)
                a, b = _decision(first, side), _decision(second, side)
                if a is None or b is None or a == b or (a[1] and second["as_of"] >= a[1]):
                    continue
                where = f"rows {first['id']} and {second['id']} (episode {first['episode']})"
                problem = f"one episode with different {side[1]} outcomes or dates ({a} vs {b})"
                fix = "give one decision's rows the same outcome and date, or split the episode"
                raise InputError(path, f"{where} column {side[1]}", problem, fix)


def episode_weights(rows: pd.DataFrame) -> pd.Series:
    """Each row's weight, 1 / (rows of its episode among ``rows``): an episode counts once.

    Parameters
    ----------
    rows : pandas.DataFrame
        Rows with an ``episode`` column (``Library.cases``, ``known_at`` or ``case_rows``).

    Returns
    -------
    pandas.Series
        Weights on ``rows.index``, summing to the number of episodes.
    """
    return 1.0 / rows.groupby("episode")["episode"].transform("size").astype(float)
