"""Private input checks shared by the case loaders: TOML reading, unknown keys, types, numbers.

Every number is checked where it is read: ``read_toml`` and ``parse_sets`` refuse NaN and
infinity (which pass every comparison-based check), nesting deeper than ``MAX_NESTING`` and files
larger than ``MAX_INPUT_BYTES``, each as one :class:`InputError` line.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from datetime import datetime, time
from pathlib import Path
from typing import Any

from model.constants import MAX_NESTING
from model.errors import InputError
from model.files import read_text


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into an :class:`InputError`.

    A UTF-8 byte-order mark is accepted; what is not a regular file (a pipe, a device), files
    above ``MAX_INPUT_BYTES``, non-finite numbers and nesting deeper than ``MAX_NESTING`` are
    refused (`model.files.read_text`).
    """
    path = Path(path)
    text = read_text(path, what="priors or scenario file (TOML)")
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            path, "(syntax)", f"not valid TOML: {exc}", "fix the TOML syntax"
        ) from None
    except RecursionError:
        raise InputError(
            path, "(syntax)", "nested too deeply to read", "flatten the arrays or tables"
        ) from None
    check_values(path, parsed)
    return parsed


def check_values(where, value, key: str = "", depth: int = 0) -> None:
    """Refuse non-finite numbers, times of day and nesting deeper than ``MAX_NESTING``."""
    if depth > MAX_NESTING:
        raise InputError(where, key or "(top)", "nested too deeply", "flatten the arrays or tables")
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(where, key, f"must be a finite number, got {value}", "give a real number")
    if isinstance(value, time | datetime):
        raise InputError(
            where, key, f"a date with a time ({value}) is not allowed", "write a date: 2007-08-15"
        )
    if isinstance(value, dict):
        for k, v in value.items():
            check_values(where, v, f"{key}.{k}" if key else str(k), depth + 1)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            check_values(where, v, f"{key}[{i}]", depth + 1)


def unknown_key(where: Path | str, key: str, allowed, *, value=None) -> InputError:
    """Error for an unknown key (or, given ``value``, value), suggesting the closest allowed."""
    leaf = str(value) if value is not None else key.rsplit(".", 1)[-1]
    close = difflib.get_close_matches(leaf, sorted(map(str, allowed)), n=1)
    fix = f"did you mean '{close[0]}'?" if close else f"use one of {', '.join(sorted(allowed))}"
    if value is not None:
        return InputError(where, f"{key} = {value!r}", "unknown value", fix)
    return InputError(where, key, "unknown key", fix)


def require_table(where, key: str, value) -> dict:
    """Return ``value`` when it is a table; otherwise raise an :class:`InputError`."""
    if not isinstance(value, dict):
        raise InputError(where, key, f"must be a table, got {type(value).__name__}", "see README")
    return value


def require_text(where, key: str, value, *, fix: str = "write it as a quoted string") -> str:
    """Return ``value`` when it is a non-empty string; otherwise raise an :class:`InputError`."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(where, key, f"must be a non-empty string, got {value!r}", fix)
    return value


def is_number(value) -> bool:
    """True for a finite int or float that is not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
