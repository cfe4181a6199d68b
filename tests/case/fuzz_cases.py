"""Adversarial inputs and faults run through the real ``feasibility`` command, classified.

Each case builds its inputs in a fresh folder (with the standard library only, so the same
cases run against any checkout of the project), runs one command in a subprocess with a
timeout and classifies what happened:

``refused``     exit 2 with one ``error:`` line naming the file or option (what a bad input gets)
``accepted``    exit 0, as expected for a good input, with nothing the user owns disturbed
``traceback``   a Python traceback, or an exit code other than 0, 2, 3 and 130
``silent``      exit 0 (or still fitting at the timeout) where a refusal was due
``hang``        still running at the timeout where the input should be refused at once
``data_loss``   a user's file changed, moved or deleted, or a half-written leftover
``unclear``     exit 1 ``internal error``, a refusal of more than one line or not naming the
                culprit, or a refusal where an answer was due

Run it (counts by outcome and by class of input; ``--root`` picks the checkout)::

    python -m tests.case.fuzz_cases [--root DIR] [--only CLASS] [--timeout S] [--json]

The fast test suite runs a few cases per class (tests/case/test_fuzz.py), the slow one all.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["--draws", "100", "--tune", "100", "--chains", "2"]
BAD_OUTCOMES = ("traceback", "silent", "hang", "data_loss", "unclear")


@dataclass
class Case:
    """One adversarial input: how to build it, the command, what must happen."""

    name: str
    kind: str
    """The class of input: case_file, calendar, poll, pooled_json, diff, report_folder,
    special_file, bounds, options, environment, stdout."""
    argv: Callable[[Path, Path], list[str]]
    """``argv(tmp, root)``: the command line after ``feasibility``."""
    expect: str = "refuse"
    """``refuse`` (exit 2, one line) or ``accept`` (exit 0)."""
    mentions: tuple[str, ...] = ()
    """Text the refusal must hold (the file, key or option at fault)."""
    setup: Callable[[Path, Path], None] | None = None
    keep: Callable[[Path], dict[str, str]] | None = None
    """Files the user owns: relative path -> text they must still hold after the run."""
    env: dict[str, str] = field(default_factory=dict)
    stdout: str = "pipe"
    """``pipe``, ``closed``, ``full`` (/dev/full) or ``head`` (a reader that leaves at once)."""
    interrupt_after: float | None = None
    """Send SIGINT after this many seconds (Ctrl-C): one line, exit 130."""
    timeout: float = 60.0
    late: str = "silent"
    """What still running at the timeout means: ``silent`` (it accepted the input and is fitting)
    or ``hang`` (it blocks: a pipe, a device, a lock, memory)."""
    fast: bool = False
    """Also run in the fast test suite (a few per class)."""


# ---- building inputs (standard library only) --------------------------------------------------


def _copy_data(tmp: Path, root: Path) -> Path:
    data = tmp / "data"
    if not data.exists():
        shutil.copytree(root / "data", data)
    return data


def _priors(tmp: Path, root: Path, *, extra: str = "", replace: dict | None = None) -> Path:
    """A copy of the baseline priors reading evidence from ``tmp/data``."""
    data = _copy_data(tmp, root)
    text = (root / "priors" / "baseline.toml").read_text(encoding="utf-8")
    text = text.replace('dir = "../data"', f'dir = "{data}"')
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp / "priors.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def _edit_csv(path: Path, edit: Callable[[list[list[str]]], list[list[str]]]) -> None:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(edit(rows))
    path.write_text(out.getvalue(), encoding="utf-8")


def _set_cell(path: Path, column: str, value: str, *, row: int = 1, match=None) -> None:
    def edit(rows):
        col = rows[0].index(column)
        targets = [i for i, r in enumerate(rows[1:], 1) if match is None or match(rows[0], r)]
        rows[targets[row - 1] if match else row][col] = value
        return rows

    _edit_csv(path, edit)


def _cases_file(tmp: Path, root: Path) -> Path:
    data = _copy_data(tmp, root)
    return data / "cases.csv"


def _resolved_row(header, row) -> bool:
    return row[header.index("enacted")] == "1" and row[header.index("us_needed")] == "1"


def _calendar(tmp: Path, root: Path, edit) -> None:
    _priors(tmp, root)
    _edit_csv(_copy_data(tmp, root) / "calendar.csv", edit)


def _calendar_row(rows, role):
    return next(r for r in rows if r[3] == role)


def _pooled(tmp: Path, root: Path, change: Callable[[dict], None]) -> None:
    blob = json.loads((root / "data" / "pooled_prior.json").read_text(encoding="utf-8"))
    blob["cases_file"] = str(root / "data" / "cases.csv")
    change(blob)
    (tmp / "pooled.json").write_text(json.dumps(blob), encoding="utf-8")
    _priors(
        tmp, root, replace={"reference = false": f'reference = false\npooled = "{tmp}/pooled.json"'}
    )


def _fifo(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


def _report_layout(out: Path, *, tag: str = "earlier") -> Path:
    """An earlier report as the tool lays it out (a version, the pointer, the links)."""
    version = out / ".versions" / "20070101T000000000000-1"
    (version / "tables").mkdir(parents=True)
    (version / "figures").mkdir()
    for rel in ("feasibility.html", "feasibility.md", "tables/t.csv", "figures/f.png"):
        (version / rel).write_text(tag)
    files = ["feasibility.html", "feasibility.md", "figures/f.png", "tables/t.csv"]
    (version / ".manifest").write_text(json.dumps(files))
    (out / ".current").symlink_to(".versions/20070101T000000000000-1")
    for name in ("feasibility.html", "feasibility.md", "figures", "tables"):
        (out / name).symlink_to(f".current/{name}")
    return version


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _scenario(tmp: Path, body: str) -> Path:
    path = tmp / "scenario.toml"
    _write(path, 'question = "fuzz"\nsource = "fuzz"\n' + body)
    return path


def _run_record(tmp: Path, name: str, p_deal) -> Path:
    record = {
        "p_deal": {"mean": p_deal, "lo": 0.1, "hi": 0.5},
        "provenance": {"seed": 1, "draws": 100},
    }
    path = tmp / name
    path.write_text(json.dumps(record).replace('"NAN"', "NaN"), encoding="utf-8")
    return path


def _busy_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    _HELD.append(sock)
    return sock.getsockname()[1]


_HELD: list = []
"""Sockets and lock files held open by the runner while a case runs (released after it)."""


def _held_lock(tmp: Path, root: Path) -> None:
    """Another run writing ``out``: its lock held (by this process) while the case runs."""
    import fcntl

    out = tmp / "out"
    out.mkdir()
    handle = open(out / ".report.lock", "w")  # noqa: SIM115
    handle.write("1\n")
    handle.flush()
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
    _HELD.append(handle)


def _levers(n: int, levels: int) -> str:
    parts = ["[design]", *(f'fuzz{i} = "l0"' for i in range(n))]
    for i in range(n):
        parts.append(f'[levers.fuzz{i}]\nquestion = "fuzz {i}?"\n[levers.fuzz{i}.levels]')
        parts += [f"l{j} = {{}}" for j in range(levels)]
    return "\n".join(parts) + "\n"


# ---- the cases ------------------------------------------------------------------------------


def _cases() -> list[Case]:
    out: list[Case] = []
    add = out.append
    back = lambda tmp, root: ["backtest", "--cases", str(tmp / "data" / "cases.csv")]  # noqa: E731

    # case files: dates, consistency, empty and odd files
    def case_cell(column, value, match=_resolved_row):
        return lambda tmp, root: _set_cell(_cases_file(tmp, root), column, value, match=match)

    def future_case(tmp, root):
        def edit(rows):
            h = rows[0]
            r = next(r for r in rows[1:] if _resolved_row(h, r))
            for col, value in (
                ("as_of", "2030-01-02"),
                ("request_date", "2030-01-03"),
                ("enacted_date", "2030-06-01"),
                ("next_election", "2030-11-05"),
            ):
                r[h.index(col)] = value
            return rows

        _edit_csv(_cases_file(tmp, root), edit)

    add(
        Case(
            "case dated 2030",
            "case_file",
            back,
            setup=future_case,
            mentions=("cases.csv",),
            fast=True,
        )
    )
    add(
        Case(
            "enactment dated 2031",
            "case_file",
            back,
            setup=case_cell("enacted_date", "2031-05-01"),
            mentions=("cases.csv", "enacted_date"),
        )
    )

    def outcome_before_as_of(tmp, root):
        path = _cases_file(tmp, root)

        def edit(rows):
            h = rows[0]
            for r in rows[1:]:
                if _resolved_row(h, r) and r[h.index("enacted_date")] > r[h.index("request_date")]:
                    r[h.index("as_of")] = r[h.index("enacted_date")][:4] + "-12-31"
                    r[h.index("next_election")] = "2099-11-03"
                    break
            return rows

        _edit_csv(path, edit)

    add(
        Case(
            "outcome before the case's as_of",
            "case_file",
            back,
            setup=outcome_before_as_of,
            mentions=("cases.csv", "as_of"),
            fast=True,
        )
    )
    add(
        Case(
            "header-only case file",
            "case_file",
            back,
            setup=lambda tmp, root: _edit_csv(_cases_file(tmp, root), lambda rows: rows[:1]),
            mentions=("cases.csv",),
            fast=True,
        )
    )
    add(
        Case(
            "a folder as --cases",
            "case_file",
            lambda tmp, root: ["backtest", "--cases", str(tmp)],
            mentions=("is a folder",),
        )
    )
    add(
        Case(
            "a missing --cases",
            "case_file",
            lambda tmp, root: [
                "pooled",
                "--cases",
                str(tmp / "nope.csv"),
                "--out",
                str(tmp / "p.json"),
            ],
            mentions=("nope.csv",),
            fast=True,
        )
    )
    add(
        Case(
            "two options of one choice in --variant",
            "options",
            lambda tmp, root: ["run", "--variant", "hard_window+falling_hazard"],
            mentions=("variant",),
            fast=True,
        )
    )
    add(
        Case(
            "run --variant twice for one choice",
            "options",
            lambda tmp, root: ["run", "--variant", "hard_window", "--variant", "falling_hazard"],
            mentions=("variant",),
        )
    )
    add(
        Case(
            "backtest --seed -1",
            "options",
            lambda tmp, root: ["backtest", "--seed", "-1"],
            mentions=("--seed",),
            fast=True,
        )
    )
    add(
        Case(
            "pooled --seed -1",
            "options",
            lambda tmp, root: ["pooled", "--seed", "-1", "--out", str(tmp / "p.json")],
            mentions=("--seed",),
        )
    )
    add(
        Case(
            "backtest --workers 0",
            "options",
            lambda tmp, root: ["backtest", "--workers", "0"],
            mentions=("--workers",),
        )
    )
    add(
        Case(
            "pooled --as-of 1980",
            "options",
            lambda tmp, root: ["pooled", "--as-of", "1980-01-01", "--out", str(tmp / "p.json")],
            mentions=("--as-of",),
            fast=True,
        )
    )
    add(
        Case(
            "pooled --as-of in the future",
            "options",
            lambda tmp, root: ["pooled", "--as-of", "2031-06-01", "--out", str(tmp / "p.json")],
            mentions=("--as-of",),
        )
    )
    add(
        Case(
            "pooled --out a folder",
            "options",
            lambda tmp, root: ["pooled", "--out", str(tmp)],
            mentions=("--out",),
            fast=True,
        )
    )
    add(
        Case(
            "pooled --out in a missing folder",
            "options",
            lambda tmp, root: ["pooled", "--out", str(tmp / "no" / "p.json")],
            mentions=("--out",),
        )
    )

    # calendar and poll
    def election_before_as_of(rows):
        _calendar_row(rows, "election")[2] = "2007-06-01"
        return rows

    def two_elections(rows):
        extra = list(_calendar_row(rows, "election"))
        extra[1], extra[2] = "Second election", "2008-12-01"
        return [*rows, extra]

    def lame_duck_before_election(rows):
        _calendar_row(rows, "lame_duck_end")[2] = "2008-10-01"
        return rows

    def run_priors(tmp, root):
        return ["run", "--priors", str(tmp / "priors.toml"), "--allow-outside-evidence", *SMALL]

    add(
        Case(
            "election before the as-of date",
            "calendar",
            run_priors,
            setup=lambda t, r: _calendar(t, r, election_before_as_of),
            mentions=("calendar.csv",),
            fast=True,
        )
    )
    add(
        Case(
            "two election rows",
            "calendar",
            run_priors,
            setup=lambda t, r: _calendar(t, r, two_elections),
            mentions=("calendar.csv",),
        )
    )
    add(
        Case(
            "lame-duck end before the election",
            "calendar",
            run_priors,
            setup=lambda t, r: _calendar(t, r, lame_duck_before_election),
            mentions=("calendar.csv",),
        )
    )

    def poll_typo(tmp, root):
        _priors(tmp, root)
        _set_cell(_copy_data(tmp, root) / "poll.csv", "reading", "artcle", row=1)

    add(
        Case(
            "poll reading typo",
            "poll",
            run_priors,
            setup=poll_typo,
            mentions=("poll.csv", "reading"),
            fast=True,
        )
    )

    def poll_future(tmp, root):
        _priors(tmp, root)
        _set_cell(_copy_data(tmp, root) / "poll.csv", "date", "2031-01-01", row=1)

    add(
        Case(
            "a poll row dated after today",
            "poll",
            run_priors,
            setup=poll_future,
            mentions=("poll.csv",),
        )
    )

    # pooled JSON
    def pooled_set(fn):
        return lambda tmp, root: _pooled(tmp, root, fn)

    def sigma_negative(blob):
        blob["params"]["us_support"]["params"]["sigma"] = -1.0

    def extra_param(blob):
        blob["params"]["made_up"] = {"dist": "Normal", "params": {"mu": 0.0, "sigma": 1.0}}

    def unknown_key(blob):
        blob["params"]["us_support"]["params"]["scale"] = 1.0

    add(
        Case(
            "pooled sigma = -1",
            "pooled_json",
            run_priors,
            setup=pooled_set(sigma_negative),
            mentions=("sigma",),
            fast=True,
        )
    )
    add(
        Case(
            "pooled extra parameter",
            "pooled_json",
            run_priors,
            setup=pooled_set(extra_param),
            mentions=("made_up",),
        )
    )
    add(
        Case(
            "pooled unknown distribution key",
            "pooled_json",
            run_priors,
            setup=pooled_set(unknown_key),
            mentions=("pooled",),
        )
    )

    def pooled_text(text):
        def setup(tmp, root):
            _pooled(tmp, root, lambda b: None)
            (tmp / "pooled.json").write_text(text, encoding="utf-8")

        return setup

    add(
        Case(
            "pooled not JSON",
            "pooled_json",
            run_priors,
            setup=pooled_text("{not json"),
            mentions=("pooled",),
        )
    )
    add(
        Case(
            "pooled holding NaN",
            "pooled_json",
            run_priors,
            setup=pooled_text(
                '{"params": {"us_support": {"dist": "Normal", "params": {"mu": NaN, "sigma": 1}}}}'
            ),
            mentions=("pooled",),
        )
    )
    add(
        Case(
            "pooled a list",
            "pooled_json",
            run_priors,
            setup=pooled_text("[1, 2]"),
            mentions=("pooled",),
        )
    )

    # diff inputs
    def diff_of(old_text, new_text):
        def setup(tmp, root):
            _write(tmp / "old.json", old_text)
            _write(tmp / "new.json", new_text)

        return setup

    good = json.dumps(
        {
            "p_deal": {"mean": 0.3, "lo": 0.1, "hi": 0.5},
            "p_enacted": {"mean": 0.4, "lo": 0.2, "hi": 0.6},
            "provenance": {"seed": 1, "priors_hash": "a", "evidence_hash": "b"},
        }
    )
    diff_argv = lambda tmp, root: ["diff", str(tmp / "old.json"), str(tmp / "new.json")]  # noqa: E731
    add(
        Case(
            "diff of garbage",
            "diff",
            diff_argv,
            setup=diff_of("{oops", good),
            mentions=("old.json",),
            fast=True,
        )
    )
    add(
        Case(
            "diff of a record holding NaN",
            "diff",
            diff_argv,
            setup=diff_of(good.replace("0.3", "NaN"), good),
            mentions=("old.json",),
            fast=True,
        )
    )
    add(
        Case("diff of a list", "diff", diff_argv, setup=diff_of("[]", good), mentions=("old.json",))
    )
    add(
        Case(
            "diff of numbers as text",
            "diff",
            diff_argv,
            setup=diff_of(good.replace("0.3", '"0.3"'), good),
            mentions=("old.json",),
        )
    )
    add(
        Case(
            "diff of an empty folder",
            "diff",
            lambda tmp, root: ["diff", str(tmp / "a"), str(tmp / "b")],
            setup=lambda tmp, root: ((tmp / "a").mkdir(), (tmp / "b").mkdir()),
            mentions=("a",),
        )
    )
    add(
        Case(
            "diff of a named pipe",
            "special_file",
            lambda tmp, root: ["diff", str(tmp / "fifo.json"), str(tmp / "fifo.json")],
            setup=lambda tmp, root: _fifo(tmp / "fifo.json"),
            mentions=("fifo.json",),
            timeout=20,
            late="hang",
        )
    )

    # report folders with the user's own files
    def report(tmp, root):
        return [
            "report",
            "--out",
            str(tmp / "out"),
            "--skip-notebooks",
            "--skip-backtest",
            *SMALL,
        ]

    def user_files(files: dict[str, str], earlier: bool = False):
        def setup(tmp, root):
            out = tmp / "out"
            out.mkdir()
            if earlier:
                _report_layout(out)
            for rel, text in files.items():
                _write(out / rel, text)

        return setup

    mine_md = {"feasibility.md": "my notes"}
    add(
        Case(
            "user's own feasibility.md",
            "report_folder",
            report,
            setup=user_files(mine_md),
            keep=lambda out: mine_md,
            mentions=("feasibility.md",),
            fast=True,
            timeout=120,
        )
    )
    mine_fig = {"figures/my_plot.svg": "<svg/>", "feasibility.html": "<p>mine</p>"}
    add(
        Case(
            "user's figures/ and feasibility.html",
            "report_folder",
            report,
            setup=user_files(mine_fig),
            keep=lambda out: mine_fig,
            mentions=("feasibility.html",),
            timeout=120,
        )
    )
    mine_tab = {"tables/my_analysis.csv": "a,b\n1,2\n"}
    add(
        Case(
            "user's file in an earlier report's tables/",
            "report_folder",
            report,
            setup=user_files(mine_tab, earlier=True),
            keep=lambda out: mine_tab,
            mentions=("my_analysis.csv",),
            fast=True,
            timeout=120,
        )
    )
    mine_hidden = {".current.bak": "backup", ".tmp-draft.md": "draft"}
    add(
        Case(
            "user's .current.bak and .tmp-draft.md",
            "report_folder",
            report,
            setup=user_files(mine_hidden, earlier=True),
            keep=lambda out: mine_hidden,
            expect="accept",
            timeout=600,
        )
    )

    def real_current(tmp, root):
        (tmp / "out" / ".current").mkdir(parents=True)
        _write(tmp / "out" / ".current" / "mine.txt", "mine")

    add(
        Case(
            "a real folder named .current",
            "report_folder",
            report,
            setup=real_current,
            keep=lambda out: {".current/mine.txt": "mine"},
            mentions=(".current",),
        )
    )
    add(
        Case(
            "--out is a file",
            "report_folder",
            lambda tmp, root: ["report", "--out", str(tmp / "f.txt")],
            setup=lambda tmp, root: _write(tmp / "f.txt", "x"),
            keep=lambda out: {},
            mentions=("--out",),
        )
    )

    # special files: pipes and devices, before any open
    for option in ("--priors", "--scenario"):
        add(
            Case(
                f"{option} a named pipe",
                "special_file",
                lambda tmp, root, o=option: ["run", o, str(tmp / "fifo.toml"), *SMALL],
                setup=lambda tmp, root: _fifo(tmp / "fifo.toml"),
                mentions=("fifo.toml",),
                timeout=20,
                late="hang",
                fast=option == "--priors",
            )
        )
    add(
        Case(
            "--priors /dev/zero",
            "special_file",
            lambda tmp, root: ["run", "--priors", "/dev/zero", *SMALL],
            mentions=("/dev/zero",),
            timeout=20,
            late="hang",
        )
    )
    add(
        Case(
            "pooled = /dev/zero",
            "special_file",
            run_priors,
            setup=lambda tmp, root: _priors(
                tmp, root, replace={"reference = false": 'reference = false\npooled = "/dev/zero"'}
            ),
            mentions=("/dev/zero",),
            timeout=20,
            late="hang",
            fast=True,
        )
    )

    def fifo_pooled(tmp, root):
        _fifo(tmp / "pooled.fifo")
        _priors(
            tmp,
            root,
            replace={"reference = false": f'reference = false\npooled = "{tmp}/pooled.fifo"'},
        )

    add(
        Case(
            "pooled = a named pipe",
            "special_file",
            run_priors,
            setup=fifo_pooled,
            mentions=("pooled.fifo",),
            timeout=20,
            late="hang",
        )
    )

    def fifo_calendar(tmp, root):
        _priors(tmp, root)
        (tmp / "data" / "calendar.csv").unlink()
        _fifo(tmp / "data" / "calendar.csv")

    add(
        Case(
            "calendar.csv a named pipe",
            "special_file",
            run_priors,
            setup=fifo_calendar,
            mentions=("calendar.csv",),
            timeout=20,
            late="hang",
        )
    )
    add(
        Case(
            "--cases a named pipe",
            "special_file",
            lambda tmp, root: ["backtest", "--cases", str(tmp / "cases.csv")],
            setup=lambda tmp, root: _fifo(tmp / "cases.csv"),
            mentions=("cases.csv",),
            timeout=20,
            late="hang",
        )
    )

    # bounds on the design and the decision
    def scen(body):
        return lambda tmp, root: _scenario(tmp, body)

    scen_run = lambda tmp, root: ["run", "--scenario", str(tmp / "scenario.toml"), *SMALL]  # noqa: E731
    add(
        Case(
            "lever scale 1e300",
            "bounds",
            scen_run,
            setup=scen(
                "[levers.military.levels.advisers]\nus = { us_military_advisers = 1e300 }\n"
            ),
            mentions=("levers.military",),
            fast=True,
        )
    )
    add(
        Case(
            "decision worth 1e308",
            "bounds",
            scen_run,
            setup=scen("[decision.value.us.military]\nadvisers = 1e308\n"),
            mentions=("decision.value",),
        )
    )
    add(
        Case(
            "decision weights all zero",
            "bounds",
            scen_run,
            setup=scen("[decision.weights]\nus = 0\nmx = 0\n"),
            mentions=("decision.weights",),
            fast=True,
        )
    )
    add(
        Case(
            "decision weights 1e308",
            "bounds",
            scen_run,
            setup=scen("[decision.weights]\nus = 1e308\nmx = 1e308\n"),
            mentions=("decision.weights",),
        )
    )
    add(
        Case(
            "three levers of 40 levels",
            "bounds",
            lambda tmp, root: ["design", "--scenario", str(tmp / "scenario.toml"), *SMALL],
            setup=scen(_levers(3, 40)),
            mentions=("design",),
            timeout=60,
            late="hang",
        )
    )
    add(
        Case(
            "design --top -5",
            "options",
            lambda tmp, root: ["design", "--top", "-5", *SMALL],
            mentions=("--top",),
            fast=True,
        )
    )
    add(
        Case(
            "design --top 0",
            "options",
            lambda tmp, root: ["design", "--top", "0", *SMALL],
            mentions=("--top",),
        )
    )
    add(
        Case(
            "a repeated --set KEY",
            "options",
            lambda tmp, root: [
                "run",
                "--set",
                "params.p_agree.lower=0.3",
                "--set",
                "params.p_agree.lower=0.4",
                *SMALL,
            ],
            mentions=("params.p_agree.lower",),
            fast=True,
        )
    )
    add(
        Case(
            "a scenario given as --priors",
            "options",
            lambda tmp, root: [
                "run",
                "--priors",
                str(
                    root
                    / "priors"
                    / "scenarios"
                    / next(p.name for p in sorted((root / "priors" / "scenarios").glob("*.toml")))
                ),
                *SMALL,
            ],
            mentions=("scenario",),
            fast=True,
        )
    )
    add(
        Case(
            "--weights of 1e308",
            "bounds",
            lambda tmp, root: [
                "run",
                "--priors",
                str(root / "priors" / "baseline.toml"),
                "--priors",
                str(root / "priors" / "baseline.toml"),
                "--weights",
                "1e308,1e308",
                *SMALL,
            ],
            mentions=("--weights",),
        )
    )

    # the app's port
    add(
        Case(
            "app --port 99999",
            "options",
            lambda tmp, root: ["app", "--port", "99999", *SMALL],
            mentions=("--port",),
            fast=True,
            timeout=60,
        )
    )
    add(
        Case(
            "app --port -1",
            "options",
            lambda tmp, root: ["app", "--port", "-1", *SMALL],
            mentions=("--port",),
            timeout=60,
        )
    )
    add(
        Case(
            "app on a busy port",
            "options",
            lambda tmp, root: ["app", "--port", str(_busy_port()), *SMALL],
            mentions=("--port",),
            timeout=120,
        )
    )

    # the environment
    add(
        Case(
            "FEASIBILITY_LOCK_WAIT=soon",
            "environment",
            lambda tmp, root: ["list"],
            env={"FEASIBILITY_LOCK_WAIT": "soon"},
            expect="accept",
            fast=True,
        )
    )
    add(
        Case(
            "FEASIBILITY_LOCK_WAIT=nan on report",
            "environment",
            report,
            env={"FEASIBILITY_LOCK_WAIT": "nan"},
            setup=_held_lock,
            mentions=("FEASIBILITY_LOCK_WAIT",),
            late="hang",
            timeout=120,
        )
    )
    add(
        Case(
            "FEASIBILITY_CACHE empty",
            "environment",
            lambda tmp, root: ["priors"],
            env={"FEASIBILITY_CACHE": ""},
            expect="accept",
            keep=lambda out: {},
        )
    )
    add(
        Case(
            "HOME not writable",
            "environment",
            lambda tmp, root: ["run", "--no-cache", *SMALL],
            env={"HOME": "/proc/nonexistent", "PYTENSOR_FLAGS": "", "MPLCONFIGDIR": ""},
            expect="accept",
            timeout=400,
        )
    )

    # stdout
    add(
        Case(
            "list --json with stdout closed",
            "stdout",
            lambda tmp, root: ["list", "--json"],
            stdout="closed",
            mentions=("stdout",),
            fast=True,
        )
    )
    add(
        Case(
            "list on a full stdout",
            "stdout",
            lambda tmp, root: ["list"],
            stdout="full",
            mentions=("stdout",),
        )
    )
    add(
        Case(
            "list into a closed pipe",
            "stdout",
            lambda tmp, root: ["list"],
            stdout="head",
            mentions=("stdout",),
        )
    )
    add(
        Case(
            "Ctrl-C during a fit",
            "stdout",
            lambda tmp, root: ["run", "--no-cache", "--draws", "3000", "--tune", "3000"],
            interrupt_after=12,
            expect="interrupt",
            timeout=120,
        )
    )
    return out


CASES = _cases()
KINDS = sorted({c.kind for c in CASES})


# ---- running and classifying ----------------------------------------------------------------


@dataclass
class Outcome:
    case: str
    kind: str
    outcome: str
    code: int | None
    detail: str


def _snapshot(out: Path) -> dict[str, str]:
    return {
        str(p.relative_to(out)): p.read_text(errors="replace")
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".versions" not in p.parts
    }


def run_case(case: Case, root: Path, *, timeout: float | None = None, cache: str | None = None):
    """Run ``case`` against the checkout ``root``; return its :class:`Outcome`."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as name:
        tmp = Path(name)
        work = tmp / "work"
        work.mkdir()
        if case.setup:
            case.setup(tmp, root)
        argv = case.argv(tmp, root)
        env = dict(os.environ, PYTHONPATH=str(root), MPLBACKEND="Agg")
        env["FEASIBILITY_CACHE"] = cache or str(tmp / "cache")
        env.pop("FEASIBILITY_DEBUG", None)
        env.update(case.env)
        out_dir = tmp / "out"
        before = case.keep(out_dir) if case.keep else None
        listing_before = sorted(os.listdir(work))
        cmd = [sys.executable, "-m", "model", *argv]
        code, err, hung = _execute(cmd, env, work, case, timeout or case.timeout)
        for held in _HELD:
            held.close()
        _HELD.clear()
        detail = err.strip().splitlines()[-1][:200] if err.strip() else ""
        outcome = _classify(case, code, err, hung)
        if before is not None:
            lost = [rel for rel, text in before.items() if _read(out_dir / rel) != text]
            if lost:
                outcome, detail = "data_loss", f"lost {lost}"
        if sorted(os.listdir(work)) != listing_before:  # the current folder is the user's
            outcome, detail = "silent", f"wrote {sorted(os.listdir(work))} into the current folder"
        return Outcome(case.name, case.kind, outcome, code, detail)


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None


def _execute(cmd, env, cwd, case: Case, timeout: float):
    stdout: int | object = subprocess.DEVNULL
    pass_fds: tuple = ()
    pre = None
    if case.stdout == "full":
        stdout = open("/dev/full", "w")  # noqa: SIM115
    elif case.stdout == "closed":
        pre = lambda: os.close(1)  # noqa: E731
    elif case.stdout == "head":
        read, write = os.pipe()
        os.close(read)
        stdout = write
    try:
        proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=cwd,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=pre,
            pass_fds=pass_fds,
            start_new_session=True,
        )
    finally:
        if case.stdout == "full":
            stdout.close()
        elif case.stdout == "head":
            os.close(stdout)
    try:
        if case.interrupt_after is not None:
            time.sleep(case.interrupt_after)
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=timeout)
        return proc.returncode, err, False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
        return None, err, True


def _classify(case: Case, code, err: str, hung: bool) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    if hung:
        return case.late if case.expect == "refuse" else "hang"
    if "Traceback (most recent call last)" in err:
        return "traceback"
    if case.expect == "interrupt":
        ok = code == 130 and sum("Traceback" in x or "KeyboardInterrupt" in x for x in lines) == 0
        if ok:
            return "refused"
        return "silent" if code == 0 else ("unclear" if code == 130 else "traceback")
    if code == 1 and any(x.startswith("internal error") for x in lines):
        return "unclear"
    if code not in (0, 2, 3):
        return "traceback"
    if case.expect == "accept":
        return "accepted" if code in (0, 3) else "unclear"
    if code in (0, 3):
        return "silent"
    errors = [x for x in lines if x.startswith("error: ")]
    if len(errors) != 1 or not all(m in errors[0] for m in case.mentions):
        return "unclear"
    return "refused"


def summarise(outcomes: list[Outcome]) -> dict:
    """Counts by outcome, and by class of input and outcome."""
    by_kind: dict[str, Counter] = {}
    for o in outcomes:
        by_kind.setdefault(o.kind, Counter())[o.outcome] += 1
    return {
        "tried": len(outcomes),
        "outcomes": dict(Counter(o.outcome for o in outcomes)),
        "by_kind": {k: dict(v) for k, v in sorted(by_kind.items())},
    }


def main(argv: list[str] | None = None) -> int:
    """Run the cases and print one line per case and the counts."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--root", type=Path, default=ROOT, help="the checkout to run")
    p.add_argument("--only", action="append", default=None, help="classes of input to run")
    p.add_argument("--fast", action="store_true", help="only the cases of the fast suite")
    p.add_argument("--name", action="append", default=None, help="only the cases named so")
    p.add_argument("--timeout", type=float, default=None, help="override every case's timeout")
    p.add_argument("--json", type=Path, default=None, help="also write the outcomes here")
    p.add_argument(
        "--summarise",
        type=Path,
        default=None,
        help="print the counts of an earlier --json run (timeouts classified by today's cases)",
    )
    args = p.parse_args(argv)
    if args.summarise:
        by_name = {c.name: c for c in CASES}
        outcomes = [Outcome(**o) for o in json.loads(args.summarise.read_text())]
        for o in outcomes:
            case = by_name.get(o.case)
            if case is not None and o.code is None and o.outcome in ("silent", "hang"):
                o.outcome = case.late if case.expect == "refuse" else "hang"
        print(json.dumps(summarise(outcomes), indent=1))
        return 0
    cache = tempfile.mkdtemp(prefix="fuzz-cache-")
    picked = [
        c
        for c in CASES
        if (not args.only or c.kind in args.only)
        and (c.fast or not args.fast)
        and (not args.name or c.name in args.name)
    ]
    outcomes = []
    for case in picked:
        start = time.monotonic()
        o = run_case(case, args.root.resolve(), timeout=args.timeout, cache=cache)
        outcomes.append(o)
        print(
            f"{o.outcome:10s} {o.kind:14s} {o.case:45s} exit {o.code} "
            f"({time.monotonic() - start:.0f} s) {o.detail[:110]}",
            flush=True,
        )
    summary = summarise(outcomes)
    print(json.dumps(summary, indent=1))
    if args.json:
        args.json.write_text(json.dumps([o.__dict__ for o in outcomes], indent=1) + "\n")
    return 0 if not any(summary["outcomes"].get(b) for b in BAD_OUTCOMES) else 1


if __name__ == "__main__":
    sys.exit(main())
