"""Command line: `feasibility run|whatif|design|timing|sensitivity|priors|report|app|...`.

Also ``list``, ``diff``, ``backtest`` and ``pooled``; and ``python -m model``.

Bad input exits with code 2 and one line naming the file, the key and the fix (also a closed
or full standard output); Ctrl-C prints one line and exits with code 130.
``--strict`` exits with code 3 when the sampler diagnostics fail (for ``report``: of the baseline
or of any refit). Any other failure is one line and exit code 1 (``FEASIBILITY_DEBUG=1`` shows
the traceback). Paths to write are checked before any fitting.
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import os
import signal
import sys
import threading
import warnings
from datetime import date
from pathlib import Path

from model.cli.commands import (
    cmd_app,
    cmd_design,
    cmd_diff,
    cmd_evsi,
    cmd_list,
    cmd_priors,
    cmd_report,
    cmd_run,
    cmd_sensitivity,
    cmd_timeline,
    cmd_timing,
    cmd_whatif,
)
from model.cli.library import cmd_backtest, cmd_pooled
from model.constants import (
    CHAINS,
    CI_PCT,
    DEFAULT_SEED,
    DRAWS,
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    REPORTS_DIR,
    TIMELINE_STEP_MONTHS,
    TUNE,
)
from model.errors import FitWarning, InputError


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write YYYY-MM-DD") from None


def _common(
    p: argparse.ArgumentParser, *, scenario_help: str = "overlay file (repeatable)"
) -> None:
    p.add_argument(
        "--priors",
        type=Path,
        action="append",
        default=None,
        help="priors file (TOML); `run` takes several, one per expert",
    )
    p.add_argument("--scenario", action="append", default=[], help=scenario_help)
    p.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override one key, e.g. params.p_agree.lower=0.3 (repeatable)",
    )
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    p.add_argument("--draws", type=int, default=DRAWS, help="draws per chain")
    p.add_argument("--tune", type=int, default=TUNE, help="tuning steps per chain")
    p.add_argument("--chains", type=int, default=CHAINS, help="number of chains")
    p.add_argument("--as-of", type=_as_of, default=None, help="analysis date (YYYY-MM-DD)")
    p.add_argument("--no-cache", action="store_true", help="refit, do not read or write the cache")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--strict", action="store_true", help="exit 3 when diagnostics fail")
    p.add_argument(
        "--allow-outside-evidence",
        action="store_true",
        help="let evidence.dir point outside the project",
    )
    p.add_argument(
        "--verbose", action="store_true", help="show PyMC's own messages (sampled variables, ...)"
    )
    p.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME",
        help="structural variant option, e.g. hard_window or shared_factor (repeatable)",
    )


EXAMPLES = {
    "run": "feasibility run\n  feasibility run --scenario framework_slips --json",
    "whatif": "feasibility whatif framework_slips certification\n"
    "  feasibility whatif --set params.opinion_shift.mu=0.1\n"
    "  feasibility whatif --poll funds=0.60,n=1000,date=2007-08-10",
    "design": "feasibility design --top 10\n  feasibility design --csv designs.csv",
    "timing": "feasibility timing\n  feasibility timing --set design.timing=early_2008",
    "sensitivity": "feasibility sensitivity\n  feasibility sensitivity --json > sens.json",
    "report": "feasibility report --out reports\n  feasibility report --skip-notebooks --strict",
    "priors": "feasibility priors\n  feasibility priors --set 'elicitation.tails=\"maxent\"'",
    "app": "feasibility app\n  feasibility app --port 0",
    "list": "feasibility list\n  feasibility list --json",
    "diff": "feasibility diff old-reports/ reports/\n  feasibility diff old.json new.json",
    "backtest": "feasibility backtest --workers 2\n"
    "  feasibility backtest --cases my_cases.csv --json",
    "pooled": "feasibility pooled\n  feasibility pooled --as-of 2007-06-01 --out /tmp/pooled.json",
    "evsi": "feasibility evsi\n  feasibility evsi --study poll_funds_500 --nested --json",
    "timeline": "feasibility timeline\n"
    "  feasibility timeline --from 2007-08-15 --to 2008-08-15 --step 1\n"
    "  feasibility timeline --case korus_fta_2007\n  feasibility timeline --library",
}
"""One or two example calls per command, shown at the end of its --help."""


def _sub(sub, name: str, help_text: str) -> argparse.ArgumentParser:
    return sub.add_parser(
        name,
        help=help_text,
        description=help_text,
        epilog="examples:\n  " + EXAMPLES[name],
        formatter_class=_Formatter,
    )


class _Formatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Help that shows each option's default and keeps the examples' line breaks."""


def parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per job."""
    top = argparse.ArgumentParser(prog="feasibility", description=__doc__.splitlines()[0])
    sub = top.add_subparsers(dest="command", required=True)
    run = _sub(
        sub,
        "run",
        f"fit the model; P(deal) and its parts with {CI_PCT.replace('%', '%%')} intervals",
    )
    _common(run)
    whatif = _sub(sub, "whatif", "compare scenarios with the baseline, fast")
    whatif.add_argument(
        "scenarios", nargs="*", help="scenario files or names in priors/scenarios, each a row"
    )
    whatif.add_argument("--refit", action="store_true", help="force a refit for every row")
    whatif.add_argument(
        "--poll",
        action="append",
        default=[],
        metavar="COMPONENT=SHARE,n=N[,date=YYYY-MM-DD]",
        help="a new poll, added in memory and answered by the cheapest adequate route "
        "(e.g. --poll funds=0.60,n=1000); docs/what-if.md says which route answers which question",
    )
    _common(whatif)
    design = _sub(sub, "design", "rank every package design by P(deal)")
    design.add_argument("--top", type=int, default=5, help="rows to print")
    design.add_argument("--csv", type=Path, default=None, help="write the full grid here")
    _common(design)
    timing = _sub(sub, "timing", "P(enacted by month t) per request timing")
    _common(timing)
    sens = _sub(sub, "sensitivity", "prior sensitivity, tornado, indices, EVPI/EVPPI")
    _common(sens)
    priors = _sub(sub, "priors", "each elicited prior's quantiles and tail masses")
    _common(priors)
    report = _sub(sub, "report", "write the HTML and Markdown report")
    report.add_argument("--out", type=Path, default=REPORTS_DIR, help="output folder")
    report.add_argument("--skip-notebooks", action="store_true", help="do not execute notebooks")
    report.add_argument(
        "--skip-backtest", action="store_true", help="leave out the backtest of the case library"
    )
    report.add_argument(
        "--user-scenarios",
        action="store_true",
        help="also run the scenarios saved from the panel in priors/user (left out by default)",
    )
    report.add_argument("--workers", type=int, default=2, help="joblib processes for the backtest")
    report.add_argument(
        "--scenario-dir", type=Path, default=None, help="scenario folder (default priors/scenarios)"
    )
    _common(report, scenario_help="your own scenario file, added to the report (repeatable)")
    for sub_parser, default in ((run, "none"), (report, "priors/experts/*.toml")):
        sub_parser.add_argument(
            "--expert",
            action="append",
            type=Path,
            default=None,
            metavar="FILE",
            help=f"an expert's overlay on --priors, pooled with the others (repeatable; "
            f"default {default})",
        )
    run.add_argument(
        "--weights",
        default=None,
        help="pool weights for several --priors, e.g. 0.6,0.4 (default: case.expert_weight or 1)",
    )
    app = _sub(sub, "app", "the live what-if panel in the browser (127.0.0.1)")
    app.add_argument("--port", type=int, default=5006, help="port (0: any free one)")
    app.add_argument(
        "--scenario-dir", type=Path, default=None, help="scenario picker and save folder"
    )
    _common(app)
    listing = _sub(sub, "list", "parameters, levers and scenarios you can change")
    _common(listing)
    diff = _sub(sub, "diff", "what changed between two reports or two run --json files")
    diff.add_argument("old", type=Path, help="report folder, its tables/ or a run --json file")
    diff.add_argument("new", type=Path, help="the same, for the newer run")
    diff.add_argument("--json", action="store_true", help="print one JSON object")
    back = _sub(
        sub,
        "backtest",
        "rolling-origin backtest of the case library: the stack against the base rate",
    )
    back.add_argument("--cases", type=Path, default=None, help="case file (library format)")
    back.add_argument("--workers", type=int, default=1, help="joblib worker processes")
    back.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    back.add_argument("--json", action="store_true", help="print one JSON object")
    pooled = _sub(sub, "pooled", "refit the library; write the target case's pooled priors")
    pooled.add_argument("--cases", type=Path, default=None, help="case file (library format)")
    pooled.add_argument("--target", type=Path, default=None, help="the case to forecast")
    pooled.add_argument("--out", type=Path, default=None, help="output JSON file")
    pooled.add_argument("--as-of", type=_as_of, default=None, help="fit on the cases known then")
    pooled.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    evsi = _sub(sub, "evsi", "what a poll, a whip count or soundings are worth (EVSI)")
    evsi.add_argument(
        "--study", action="append", default=None, help="study file or name in priors/studies"
    )
    evsi.add_argument("--nested", action="store_true", help="add the brute-force nested check")
    _common(evsi)
    line = _sub(sub, "timeline", "P(deal) as of each date, as time passes without news")
    line.add_argument("--from", dest="from_date", type=_as_of, default=None, help="first date")
    line.add_argument("--to", dest="to_date", type=_as_of, default=None, help="last date")
    line.add_argument("--step", type=float, default=TIMELINE_STEP_MONTHS, help="months per step")
    line.add_argument(
        "--case", default=None, help="case id: the priors file's (default) or a library case's"
    )
    line.add_argument(
        "--library", action="store_true", help="every library case's path, scored per horizon"
    )
    _common(line)
    return top


COMMANDS = {
    "run": cmd_run,
    "whatif": cmd_whatif,
    "design": cmd_design,
    "timing": cmd_timing,
    "sensitivity": cmd_sensitivity,
    "priors": cmd_priors,
    "report": cmd_report,
    "app": cmd_app,
    "list": cmd_list,
    "diff": cmd_diff,
    "backtest": cmd_backtest,
    "pooled": cmd_pooled,
    "evsi": cmd_evsi,
    "timeline": cmd_timeline,
}


STDOUT_ERRORS = {errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EBADF, errno.EDQUOT}
"""A write to standard output failing with one of these is the reader's or the disk's doing."""


def _check_sets(sets: list[str]) -> None:
    """Refuse a ``--set KEY`` given twice (the last would win silently)."""
    seen: dict[str, str] = {}
    for item in sets:
        key = item.split("=", 1)[0].strip()
        if key in seen:
            raise InputError(
                "--set",
                key,
                f"given twice ({seen[key]!r} and {item!r}): one would be ignored",
                "keep one",
            )
        seen[key] = item


def _writable_home() -> None:
    """Point PyTensor's and Matplotlib's caches into ours when the home folder is not writable."""
    home = Path(os.environ.get("HOME") or "~").expanduser()
    if home.is_dir() and os.access(home, os.W_OK):
        return
    from model.constants import CACHE_DIR

    if "base_compiledir" not in os.environ.get("PYTENSOR_FLAGS", ""):
        flags = os.environ.get("PYTENSOR_FLAGS", "")
        base = f"base_compiledir={CACHE_DIR / 'pytensor'}"
        os.environ["PYTENSOR_FLAGS"] = f"{flags},{base}" if flags else base
    if not os.environ.get("MPLCONFIGDIR"):
        os.environ["MPLCONFIGDIR"] = str(CACHE_DIR / "matplotlib")


def _stdout_failed(exc: BaseException) -> bool:
    return (
        isinstance(exc, OSError)
        and exc.errno in STDOUT_ERRORS
        and getattr(exc, "filename", None) is None
    )


def _quiet_stdout() -> None:
    """After a failed write to stdout, send what is left to /dev/null (no shutdown warning)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


_INTERRUPTED: list[int] = []
"""Set by the SIGINT handler: a library that swallows Ctrl-C cannot hide it from the exit code."""


def _on_sigint(signum, frame) -> None:
    _INTERRUPTED.append(signum)
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = parser().parse_args(argv)
    _INTERRUPTED.clear()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, _on_sigint)
    try:
        code = _dispatch(args)
        if _INTERRUPTED and not (args.command == "app" and code == 0):
            raise KeyboardInterrupt
        return code
    except KeyboardInterrupt:
        print("interrupted (Ctrl-C): stopped, nothing half-written kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _dispatch(args) -> int:
    with warnings.catch_warnings():
        python_show = warnings.showwarning

        def show(message, category, *where, **kw) -> None:
            """A `FitWarning` as its plain note on stderr; any other as Python shows it."""
            if issubclass(category, FitWarning):
                print(message, file=sys.stderr)
            else:
                python_show(message, category, *where, **kw)

        warnings.showwarning = show
        return _run(args)


def _run(args) -> int:
    if args.command not in ("backtest", "pooled") and getattr(args, "variant", None):
        args.sets = [*args.sets, f"variant={json.dumps(args.variant)}"]
    if not logging.root.handlers:  # PyMC then leaves its own logger to the root's level
        logging.basicConfig(format="%(message)s")
    logging.root.setLevel(logging.INFO if getattr(args, "verbose", False) else logging.WARNING)
    try:
        if sys.stdout is None:  # started with standard output closed: the answer would vanish
            raise InputError(
                "stdout", "(closed)", "standard output is closed", "run it with a stdout"
            )
        _check_sets(getattr(args, "sets", []))
        _writable_home()
        code = COMMANDS[args.command](args)
        sys.stdout.flush()
        return code
    except InputError as exc:
        print("error: " + " ".join(exc.line().split()), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (KeyboardInterrupt, SystemExit):
        raise
    except OSError as exc:
        if not _stdout_failed(exc):
            return _internal(exc)
        _quiet_stdout()
        print(
            f"error: stdout: cannot write the output ({exc.strerror}); fix: give it a reader "
            "that stays, or a disk with space",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    except BaseException as exc:
        return _internal(exc)


def _internal(exc: BaseException) -> int:
    """One line, never a traceback, for what nobody listed yet."""
    if os.environ.get("FEASIBILITY_DEBUG"):
        raise exc
    text = " ".join(str(exc).split())[:300]
    print(
        f"internal error: {type(exc).__name__}: {text} (please report it; "
        "FEASIBILITY_DEBUG=1 shows the traceback)",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
