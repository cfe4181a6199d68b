"""The coding manual's tables: the library's balance, and the agreement of two coders.

A second coder codes a sample of rows from the sources alone, in the case file's columns (any
subset, one row per id). Flags (0, 1 or empty) are compared by Cohen's kappa over the three
categories, so "empty" (not needed, never decided, unknown) is a code like the others; dates by
the days between the two codings where both gave one; numbers by their relative difference.
Every cell is compared as text first, so the table is reproducible from the two files alone.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from model.library.cases import DOMAINS

FLAG_COLUMNS = (
    "us_needed",
    "enacted",
    "partner_needed",
    "accepted",
    "divided_gov",
    "conditions",
    "conditions_enacted",
)
DATE_COLUMNS = (
    "as_of",
    "request_date",
    "enacted_date",
    "us_end_date",
    "accepted_date",
    "next_election",
    "partner_poll_date",
)
NUMBER_COLUMNS = ("size_musd", "size_year", "partner_opposition")
TEXT_COLUMNS = ("episode",)


def cohen_kappa(first: list[str], second: list[str]) -> float:
    """Cohen's kappa of two codings of the same items (any categories, compared as text).

    ``(p_o - p_e) / (1 - p_e)`` with ``p_o`` the share of items coded alike and ``p_e`` the
    share expected by chance from each coder's marginal shares. NaN when chance agreement is
    certain (both coders gave every item one and the same code: kappa is undefined there).
    """
    if len(first) != len(second) or not first:
        raise ValueError("two codings of the same, non-empty list of items are needed")
    a, b = pd.Series(first, dtype=str), pd.Series(second, dtype=str)
    observed = float((a.to_numpy() == b.to_numpy()).mean())
    pa, pb = a.value_counts(normalize=True), b.value_counts(normalize=True)
    chance = float(sum(pa.get(c, 0.0) * pb.get(c, 0.0) for c in set(pa.index) | set(pb.index)))
    if chance >= 1.0:
        return np.nan
    return (observed - chance) / (1.0 - chance)


def _text(value) -> str:
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    return text.strip()


def _days(a: str, b: str) -> float:
    return float(abs((date.fromisoformat(a) - date.fromisoformat(b)).days))


def agreement(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Agreement per column between two codings of the rows both coded (matched by ``id``).

    Parameters
    ----------
    first, second : pandas.DataFrame
        Case-file rows (text cells, as read with ``dtype=str``); the second may hold any subset
        of the columns.

    Returns
    -------
    pandas.DataFrame
        One row per compared column: ``column, kind, n, agree`` (cells coded alike),
        ``kappa`` (flags), ``mean_days`` and ``max_days`` (dates both coders gave),
        ``one_empty`` (dates or numbers only one coder gave), ``max_rel_diff`` (numbers), and
        ``differ`` (the ids coded differently, ``;``-separated).
    """
    ids = [i for i in second["id"].map(_text) if i in set(first["id"].map(_text))]
    a = first.assign(id=first["id"].map(_text)).set_index("id").loc[ids]
    b = second.assign(id=second["id"].map(_text)).set_index("id").loc[ids]
    rows = []
    for col in (*DATE_COLUMNS, *FLAG_COLUMNS, *NUMBER_COLUMNS, *TEXT_COLUMNS):
        if col not in a.columns or col not in b.columns:
            continue
        x, y = [_text(v) for v in a[col]], [_text(v) for v in b[col]]
        differ = [i for i, u, v in zip(ids, x, y, strict=True) if u != v]
        row = {"column": col, "n": len(ids), "agree": len(ids) - len(differ)}
        if col in FLAG_COLUMNS:
            row |= {"kind": "flag", "kappa": cohen_kappa(x, y)}
        elif col in DATE_COLUMNS:
            both = [_days(u, v) for u, v in zip(x, y, strict=True) if u and v]
            row |= {
                "kind": "date",
                "mean_days": float(np.mean(both)) if both else np.nan,
                "max_days": max(both) if both else np.nan,
                "one_empty": sum(bool(u) != bool(v) for u, v in zip(x, y, strict=True)),
            }
        elif col in NUMBER_COLUMNS:
            rel = [
                abs(float(u) - float(v)) / max(abs(float(u)), abs(float(v)), 1e-12)
                for u, v in zip(x, y, strict=True)
                if u and v
            ]
            row |= {
                "kind": "number",
                "max_rel_diff": max(rel) if rel else np.nan,
                "one_empty": sum(bool(u) != bool(v) for u, v in zip(x, y, strict=True)),
            }
        else:
            row |= {"kind": "text"}
        rows.append(row | {"differ": ";".join(differ)})
    columns = ["column", "kind", "n", "agree", "kappa", "mean_days", "max_days", "one_empty"]
    columns += ["max_rel_diff", "differ"]
    return pd.DataFrame(rows).reindex(columns=columns)


def agreement_markdown(table: pd.DataFrame) -> str:
    """The agreement table as Markdown (empty cells where a measure does not apply)."""
    counts = {"n", "agree", "max_days", "one_empty"}

    def cell(column: str, value) -> str:
        if isinstance(value, str):
            return value.replace(";", ", ") or "-"
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return ""
        return str(int(value)) if column in counts else f"{value:.2f}"

    head = list(table.columns)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for _, row in table.iterrows():
        lines.append("| " + " | ".join(cell(c, row[c]) for c in head) + " |")
    return "\n".join(lines)


AGREEMENT_START = (
    "<!-- agreement: generated by model.library.coding.agreement_block; do not edit -->"
)
AGREEMENT_END = "<!-- end of agreement -->"


def agreement_block(first: pd.DataFrame, second: pd.DataFrame) -> str:
    """The agreement table between its markers, as kept in ``data/cases.md``."""
    return "\n".join([AGREEMENT_START, agreement_markdown(agreement(first, second)), AGREEMENT_END])


BALANCE_START = "<!-- balance: generated by model.library.coding.balance_markdown; do not edit -->"
BALANCE_END = "<!-- end of balance -->"


def balance_table(cases: pd.DataFrame) -> pd.DataFrame:
    """Counts by domain (and in total): cases, episodes, each side's outcomes.

    US side: ``us_needed``, ``enacted``, ``failed`` (enacted = 0), ``censored`` (never decided:
    the partner ended it first), ``late`` (needed but not enacted before the next election:
    failures, censored cases and enactments after it). Partner side: ``partner_needed``,
    ``accepted``, ``refused``.
    """

    def counts(frame: pd.DataFrame) -> dict:
        us = frame[frame["us_needed"] == 1]
        done = us["enacted_date"]
        late = [d is None or d > e for d, e in zip(done, us["next_election"], strict=True)]
        partner = frame[frame["partner_needed"] == 1]
        return {
            "cases": len(frame),
            "episodes": frame["episode"].nunique(),
            "us_needed": len(us),
            "enacted": int((us["enacted"] == 1).sum()),
            "failed": int((us["enacted"] == 0).sum()),
            "censored": int(us["enacted"].isna().sum()),
            "late": int(sum(late)),
            "partner_needed": len(partner),
            "accepted": int((partner["accepted"] == 1).sum()),
            "refused": int((partner["accepted"] == 0).sum()),
        }

    rows = {d: counts(cases[cases["domain"] == d]) for d in DOMAINS}
    rows["all"] = counts(cases)
    return pd.DataFrame(rows).T.rename_axis("domain")


def balance_markdown(cases: pd.DataFrame) -> str:
    """The balance table as the Markdown block kept in ``data/cases.md`` (between markers)."""
    table = balance_table(cases)
    head = ["domain", *table.columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for domain, row in table.iterrows():
        lines.append("| " + " | ".join([str(domain), *map(str, row.tolist())]) + " |")
    return "\n".join([BALANCE_START, *lines, BALANCE_END])
