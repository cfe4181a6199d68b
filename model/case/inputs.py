"""Private input checks shared by the case loaders: TOML reading, unknown keys, types."""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import Any

from model.errors import InputError


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into an :class:`InputError`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "(file)", "file not found", "check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, "(file)", f"cannot read it ({exc})", "save it as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            path, "(syntax)", f"not valid TOML: {exc}", "fix the TOML syntax"
        ) from None


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


def is_number(value) -> bool:
    """True for an int or float that is not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)
