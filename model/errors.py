"""The project's own error type: one line naming the file, the key and the fix."""

from __future__ import annotations

from pathlib import Path


class FitWarning(UserWarning):
    """A note about a fit: its cache, or a sampler problem (divergences, R-hat, ESS).

    Issued where the note arises (`model.inference.fit`), so a notebook shows it under the cell;
    the CLI prints each note once, as a plain line on standard error.
    """


class InputError(ValueError):
    """Bad input from a user-editable file or command-line option.

    A `ValueError`, as a notebook user expects of a bad argument.

    Parameters
    ----------
    where : str or Path
        The file (or option) the bad input came from.
    key : str
        The key, row or option at fault.
    problem : str
        What is wrong, in plain words.
    fix : str
        What the user should do about it.
    """

    def __init__(self, where: str | Path, key: str, problem: str, fix: str):
        self.where = str(where)
        self.key = key
        self.problem = problem
        self.fix = fix
        super().__init__(self.line())

    def line(self) -> str:
        """Return the one-line message shown to users (control characters shown escaped)."""
        where, key, problem, fix = (
            _printable(s) for s in (self.where, self.key, self.problem, self.fix)
        )
        return f"{where}: {key}: {problem}; fix: {fix}"


def _printable(text: str) -> str:
    """``text`` with each control character (a newline in a TOML key) written as its escape."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)
