"""Command line: `feasibility run|whatif|design|timing|sensitivity|report`, or `python -m model`.

Bad input exits with code 2 and one line naming the file, the key and the fix.
``--strict`` exits with code 3 when the sampler diagnostics fail (for ``report``: of the baseline
or of any refit). Any other failure is one line and exit code 1 (``FEASIBILITY_DEBUG=1`` shows
the traceback). Paths to write are checked before any fitting.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import date
from pathlib import Path

from model.constants import (
    CHAINS,
    CI_PCT,
    DEFAULT_SEED,
    DRAWS,
    EXIT_BAD_INPUT,
    EXIT_DIAGNOSTICS,
    EXIT_INTERNAL,
    MAX_CHAINS,
    MAX_DRAWS,
    MAX_SEED,
    MIN_CHAINS,
    MIN_DRAWS,
    PRIORS_FILE,
    REPORTS_DIR,
    TUNE,
)
from model.errors import InputError


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write YYYY-MM-DD") from None


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--priors", type=Path, default=PRIORS_FILE, help="priors file (TOML)")
    p.add_argument("--scenario", action="append", default=[], help="overlay file (repeatable)")
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


EXAMPLES = {
    "run": "feasibility run\n  feasibility run --scenario framework_slips --json",
    "whatif": "feasibility whatif framework_slips certification\n"
    "  feasibility whatif --set params.opinion_shift.mu=0.1",
    "design": "feasibility design --top 10\n  feasibility design --csv designs.csv",
    "timing": "feasibility timing\n  feasibility timing --set design.timing=early_2008",
    "sensitivity": "feasibility sensitivity\n  feasibility sensitivity --json > sens.json",
    "report": "feasibility report --out reports\n  feasibility report --skip-notebooks --strict",
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
    _common(whatif)
    design = _sub(sub, "design", "rank every package design by P(deal)")
    design.add_argument("--top", type=int, default=5, help="rows to print")
    design.add_argument("--csv", type=Path, default=None, help="write the full grid here")
    _common(design)
    timing = _sub(sub, "timing", "P(enacted by month t) per request timing")
    _common(timing)
    sens = _sub(sub, "sensitivity", "prior sensitivity, tornado, indices, EVPI/EVPPI")
    _common(sens)
    report = _sub(sub, "report", "write the HTML and Markdown report")
    report.add_argument("--out", type=Path, default=REPORTS_DIR, help="output folder")
    report.add_argument("--skip-notebooks", action="store_true", help="do not execute notebooks")
    _common(report)
    return top


def _load(args):
    from model.case.priors import load_priors

    scenarios = [_scenario_path(s) for s in args.scenario]
    return load_priors(
        args.priors,
        scenarios=scenarios,
        sets=args.sets,
        as_of=args.as_of,
        allow_outside_evidence=args.allow_outside_evidence,
    )


def _scenario_path(name: str) -> Path:
    from model.constants import SCENARIO_DIR

    path = Path(name)
    if path.is_dir():
        raise InputError(name, "(scenario)", "is a folder, not a scenario file", "give a .toml")
    if path.exists():
        return path
    named = SCENARIO_DIR / f"{name.removesuffix('.toml')}.toml"
    if named.exists():
        return named
    known = ", ".join(sorted(p.stem for p in SCENARIO_DIR.glob("*.toml")))
    raise InputError(name, "(scenario)", "no such scenario file", f"use a path or one of: {known}")


def _settings(args):
    from model.inference.settings import Settings

    limits = {
        "draws": (MIN_DRAWS, MAX_DRAWS, "too few for intervals and diagnostics", "use e.g. 1000"),
        "tune": (1, MAX_DRAWS, "out of range", "use e.g. 1000"),
        "chains": (MIN_CHAINS, MAX_CHAINS, "R-hat needs at least 2 chains", "use e.g. 4"),
        "seed": (0, MAX_SEED, "seeds are whole numbers from 0", "use e.g. 20070815"),
    }
    for name, (low, high, why, fix) in limits.items():
        value = getattr(args, name)
        if not low <= value <= high:
            problem = f"must be in [{low}, {high}]" + (f": {why}" if value < low else "")
            raise InputError(f"--{name}", str(value), problem, fix)
    return Settings(seed=args.seed, draws=args.draws, tune=args.tune, chains=args.chains)


def _check_csv(path: Path | None) -> None:
    """Refuse a ``--csv`` that cannot be written, before any fitting."""
    if path is None:
        return
    if path.is_dir():
        raise InputError("--csv", str(path), "is a folder", "give a file name, e.g. designs.csv")
    folder = path.parent
    if not folder.is_dir():
        raise InputError("--csv", str(path), f"no folder {folder}", "create it or fix the path")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError("--csv", str(path), "not writable", "give a path you can write")


def _fit(args, priors=None):
    from model.inference.fit import evidence_for, fit

    settings = _settings(args)
    priors = priors or _load(args)
    evidence = evidence_for(priors)
    if not args.json:
        print("posterior: reading the cache or fitting with NUTS...", file=sys.stderr)
    result = fit(priors, evidence=evidence, settings=settings, cache=not args.no_cache)
    if not args.json:
        how = "read from the cache" if result.cached else "fitted with NUTS"
        print(f"posterior: {how} in {result.seconds:.1f} s", file=sys.stderr)
    for line in result.evidence.refused:
        print(f"refused evidence: {line}", file=sys.stderr)
    for note in result.notes:
        print(note, file=sys.stderr)
    return result


def _emit(args, payload: dict, text: str) -> None:
    from model.views.payloads import to_json

    print(to_json(payload) if args.json else text)


def cmd_run(args) -> int:
    """``feasibility run``: P(deal) and its parts."""
    from model.analysis.baseline import run_summary
    from model.views.tables import format_table

    result = _fit(args)
    summary = run_summary(result)
    _emit(args, summary, format_table(summary))
    return _strict(args, result.diagnostics)


def cmd_whatif(args) -> int:
    """``feasibility whatif``: scenarios against the baseline."""
    from model.analysis.whatif import check_overlays, compare
    from model.case.priors import load_priors
    from model.views.tables import format_comparison

    _settings(args)
    base = load_priors(
        args.priors,
        scenarios=[_scenario_path(s) for s in args.scenario],
        as_of=args.as_of,
        allow_outside_evidence=args.allow_outside_evidence,
    )
    paths = [_scenario_path(n) for n in args.scenarios]
    if not paths and not args.sets:
        raise InputError("whatif", "(scenarios)", "nothing to compare", "name a scenario or --set")
    check_overlays(base, scenarios=paths, sets=args.sets)
    result = _fit(args, base)
    table = compare(result, scenarios=paths, sets=args.sets, force_refit=args.refit)
    payload = {"rows": table.to_dict(orient="records"), "provenance": result.provenance()}
    _emit(args, payload, format_comparison(table))
    problems = [  # the baseline's and every refit's sampler problems
        f"{r.scenario}: {problem}"
        for r in table.itertuples()
        if r.diagnostics_problems
        for problem in r.diagnostics_problems.split("; ")
    ]
    return _strict(args, {"problems": problems})


def cmd_design(args) -> int:
    """``feasibility design``: every design ranked."""
    from model.analysis.decision import rank_designs
    from model.views.payloads import design_payload
    from model.views.tables import format_ranking

    _check_csv(args.csv)
    result = _fit(args)
    ranking = rank_designs(result)
    if args.csv:
        ranking.to_csv(args.csv, index=False)
    _emit(args, design_payload(result, ranking), format_ranking(result, ranking, top=args.top))
    return _strict(args, result.diagnostics)


def cmd_timing(args) -> int:
    """``feasibility timing``: enactment against the calendar."""
    from model.analysis.timing import timing_payload
    from model.views.tables import format_timing

    result = _fit(args)
    payload = timing_payload(result) | {"provenance": result.provenance()}
    _emit(args, payload, format_timing(payload))
    return _strict(args, result.diagnostics)


def cmd_sensitivity(args) -> int:
    """``feasibility sensitivity``: sensitivity and value of information."""
    from model.analysis.sensitivity.summary import sensitivity
    from model.views.payloads import sensitivity_payload
    from model.views.tables import format_sensitivity

    result = _fit(args)
    payload = sensitivity(result)
    _emit(args, sensitivity_payload(payload), format_sensitivity(payload))
    return _strict(args, result.diagnostics)


def cmd_report(args) -> int:
    """``feasibility report``: the HTML and Markdown report."""
    from model.report.build import build_report
    from model.report.publish import check_out

    settings = _settings(args)
    check_out(args.out)
    priors = _load(args)
    problems: list[str] = []
    path = build_report(
        priors,
        settings=settings,
        out=args.out,
        notebooks=not args.skip_notebooks,
        problems=problems,
    )
    print(f"wrote {path}")
    return _strict(args, {"problems": problems}, show=False)


def _strict(args, diagnostics: dict, *, show: bool = True) -> int:
    if diagnostics["problems"]:
        for problem in diagnostics["problems"] if show else ():
            print(f"SAMPLER WARNING: {problem}", file=sys.stderr)
        if args.strict:
            return EXIT_DIAGNOSTICS
    return 0


COMMANDS = {
    "run": cmd_run,
    "whatif": cmd_whatif,
    "design": cmd_design,
    "timing": cmd_timing,
    "sensitivity": cmd_sensitivity,
    "report": cmd_report,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = parser().parse_args(argv)
    if not logging.root.handlers:  # PyMC then leaves its own logger to the root's level
        logging.basicConfig(format="%(message)s")
    logging.root.setLevel(logging.INFO if getattr(args, "verbose", False) else logging.WARNING)
    try:
        return COMMANDS[args.command](args)
    except InputError as exc:
        print("error: " + " ".join(exc.line().split()), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # one line, never a traceback, for what nobody listed yet
        if os.environ.get("FEASIBILITY_DEBUG"):
            raise
        text = " ".join(str(exc).split())[:300]
        print(
            f"internal error: {type(exc).__name__}: {text} (please report it; "
            "FEASIBILITY_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
