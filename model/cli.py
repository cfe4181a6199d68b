"""Command line: `feasibility run|whatif|design|timing|sensitivity|report|backtest|pooled`.

Bad input exits with code 2 and one line naming the file, the key and the fix.
``--strict`` exits with code 3 when the sampler diagnostics fail.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from model.constants import (
    CHAINS,
    DEFAULT_SEED,
    DRAWS,
    EXIT_BAD_INPUT,
    EXIT_DIAGNOSTICS,
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
        "--variant",
        action="append",
        default=None,
        metavar="NAME",
        help="structural variant option, e.g. hard_window or shared_factor (repeatable)",
    )


def parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per job."""
    top = argparse.ArgumentParser(prog="feasibility", description=__doc__.splitlines()[0])
    sub = top.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="fit the model; P(deal) and its parts with 90%% intervals")
    _common(run)
    whatif = sub.add_parser("whatif", help="compare scenarios with the baseline, fast")
    whatif.add_argument(
        "scenarios", nargs="*", help="scenario files or names in priors/scenarios, each a row"
    )
    whatif.add_argument("--refit", action="store_true", help="force a refit for every row")
    _common(whatif)
    design = sub.add_parser("design", help="rank every package design by P(deal)")
    design.add_argument("--top", type=int, default=5, help="rows to print")
    design.add_argument("--csv", type=Path, default=None, help="write the full grid here")
    _common(design)
    timing = sub.add_parser("timing", help="P(enacted by month t) per request timing")
    _common(timing)
    sens = sub.add_parser("sensitivity", help="prior sensitivity, tornado, indices, EVPI/EVPPI")
    _common(sens)
    report = sub.add_parser("report", help="write the HTML and Markdown report")
    report.add_argument("--out", type=Path, default=REPORTS_DIR, help="output folder")
    report.add_argument("--skip-notebooks", action="store_true", help="do not execute notebooks")
    _common(report)
    back = sub.add_parser("backtest", help="rolling-origin backtest of the case library")
    back.add_argument("--cases", type=Path, default=None, help="case file (library format)")
    back.add_argument(
        "--variant", action="append", default=None, metavar="NAME", help="variant to score"
    )
    back.add_argument("--workers", type=int, default=1, help="joblib worker processes")
    back.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    back.add_argument("--no-cache", action="store_true", help="refit every training set")
    back.add_argument("--json", action="store_true", help="print one JSON object")
    pooled = sub.add_parser("pooled", help="write the library-based priors of the target case")
    pooled.add_argument("--cases", type=Path, default=None, help="case file (library format)")
    pooled.add_argument("--target", type=Path, default=None, help="the case to forecast")
    pooled.add_argument("--variant", default="falling_hazard", help="variant label to fit")
    pooled.add_argument("--out", type=Path, default=None, help="output JSON file")
    pooled.add_argument("--as-of", type=_as_of, default=None, help="fit on cases known then")
    pooled.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    return top


def _load(args):
    from model.case.priors import load_priors

    scenarios = [_scenario_path(s) for s in args.scenario]
    over = {"variant": args.variant} if args.variant else None
    return load_priors(
        args.priors, scenarios=scenarios, sets=args.sets, as_of=args.as_of, overrides=over
    )


def _scenario_path(name: str) -> Path:
    from model.constants import SCENARIO_DIR

    path = Path(name)
    if path.exists():
        return path
    named = SCENARIO_DIR / f"{name.removesuffix('.toml')}.toml"
    if named.exists():
        return named
    known = ", ".join(sorted(p.stem for p in SCENARIO_DIR.glob("*.toml")))
    raise InputError(name, "(scenario)", "no such scenario file", f"use a path or one of: {known}")


def _settings(args):
    from model.inference.settings import Settings

    for name in ("draws", "tune", "chains"):
        if getattr(args, name) < 1:
            raise InputError(f"--{name}", str(getattr(args, name)), "must be >= 1", "use e.g. 1000")
    return Settings(seed=args.seed, draws=args.draws, tune=args.tune, chains=args.chains)


def _fit(args, priors=None):
    from model.inference.fit import evidence_for, fit

    priors = priors or _load(args)
    evidence = evidence_for(priors)
    settings = _settings(args)
    if not args.json:
        print("Fitting the model (NUTS) or reading the cached posterior...", file=sys.stderr)
    result = fit(priors, evidence=evidence, settings=settings, cache=not args.no_cache)
    for line in result.evidence.refused:
        print(f"refused evidence: {line}", file=sys.stderr)
    for note in result.notes:
        print(note, file=sys.stderr)
    return result


def _emit(args, payload: dict, text: str) -> None:
    print(json.dumps(payload, indent=1, default=str) if args.json else text)


def cmd_run(args) -> int:
    from model.analysis.baseline import run_summary
    from model.analysis.library_prior import adjustment_effect
    from model.views.tables import format_table

    result = _fit(args)
    summary = run_summary(result)
    text = format_table(summary)
    effect = adjustment_effect(result)
    if effect["adjustments"]:
        summary["library_adjustments"] = effect
        names = ", ".join(f"{a['param']}.{a['name']} ({a['mu']:+g})" for a in effect["adjustments"])
        text += (
            f"\nCase adjustments to the library's pooled prediction ({names}) moved P(deal) "
            f"from {effect['without']['mean']:.1%} to {effect['with']['mean']:.1%} "
            f"({effect['change']:+.1%})."
        )
    _emit(args, summary, text)
    return _strict(args, result.diagnostics)


def cmd_whatif(args) -> int:
    from model.analysis.whatif import check_overlays, compare
    from model.case.priors import load_priors
    from model.views.tables import format_comparison

    base = load_priors(
        args.priors,
        scenarios=[_scenario_path(s) for s in args.scenario],
        as_of=args.as_of,
        overrides={"variant": args.variant} if args.variant else None,
    )
    paths = [_scenario_path(n) for n in args.scenarios]
    if not paths and not args.sets:
        raise InputError("whatif", "(scenarios)", "nothing to compare", "name a scenario or --set")
    check_overlays(base, scenarios=paths, sets=args.sets)
    result = _fit(args, base)
    table = compare(result, scenarios=paths, sets=args.sets, force_refit=args.refit)
    payload = {"rows": table.to_dict(orient="records"), "provenance": result.provenance()}
    _emit(args, payload, format_comparison(table))
    return _strict(args, result.diagnostics)


def cmd_design(args) -> int:
    from model.analysis.decision import rank_designs
    from model.views.payloads import design_payload
    from model.views.tables import format_ranking

    result = _fit(args)
    ranking = rank_designs(result)
    if args.csv:
        ranking.to_csv(args.csv, index=False)
    _emit(args, design_payload(result, ranking), format_ranking(result, ranking, top=args.top))
    return _strict(args, result.diagnostics)


def cmd_timing(args) -> int:
    from model.analysis.timing import timing_payload
    from model.views.tables import format_timing

    result = _fit(args)
    payload = timing_payload(result) | {"provenance": result.provenance()}
    _emit(args, payload, format_timing(payload))
    return _strict(args, result.diagnostics)


def cmd_sensitivity(args) -> int:
    from model.analysis.sensitivity.summary import sensitivity
    from model.views.tables import format_sensitivity

    result = _fit(args)
    payload = sensitivity(result)
    _emit(args, payload, format_sensitivity(payload))
    return _strict(args, result.diagnostics)


def cmd_report(args) -> int:
    from model.report.build import build_report

    priors = _load(args)
    path = build_report(
        priors, settings=_settings(args), out=args.out, notebooks=not args.skip_notebooks
    )
    print(f"wrote {path}")
    return 0


def _labels(names):
    from model.analysis.variants import from_label, label

    out = []
    for name in names:
        try:
            out.append(label(from_label(name)))
        except ValueError as exc:
            raise InputError(
                "--variant", str(exc), "unknown variant option", "see README"
            ) from None
    return out


def cmd_backtest(args) -> int:
    from model.analysis.backtest import VARIANT_LABELS, backtest_settings, run_backtest
    from model.case.library import load_cases
    from model.constants import CASES_FILE
    from model.views.backtest import backtest_payload, format_backtest

    if args.workers < 1:
        raise InputError("--workers", str(args.workers), "must be >= 1", "use e.g. 2")
    library = load_cases(args.cases or CASES_FILE)
    variants = _labels(args.variant) if args.variant else list(VARIANT_LABELS)
    result = run_backtest(
        library,
        variants=variants,
        settings=backtest_settings(args.seed),
        workers=args.workers,
        cache=not args.no_cache,
    )
    _emit(args, backtest_payload(result), format_backtest(result))
    return 0


def cmd_pooled(args) -> int:
    from model.analysis.library_prior import pooled_prior_blob
    from model.case.library import load_cases
    from model.constants import AS_OF, CASES_FILE, POOLED_FILE, TARGET_CASE_FILE
    from model.inference.settings import Settings

    out = args.out or POOLED_FILE
    blob = pooled_prior_blob(
        load_cases(args.cases or CASES_FILE),
        load_cases(args.target or TARGET_CASE_FILE, pending=True),
        as_of=args.as_of or AS_OF,
        variant=_labels([args.variant])[0],
        settings=Settings(seed=args.seed),
        folder=out.parent,
    )
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(json.dumps(blob, indent=1) + "\n")
    tmp.replace(out)
    print(f"wrote {out} ({blob['n_training']} cases known on {blob['as_of']})")
    return 0


def _strict(args, diagnostics: dict) -> int:
    if diagnostics["problems"]:
        for problem in diagnostics["problems"]:
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
    "backtest": cmd_backtest,
    "pooled": cmd_pooled,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(f"error: {exc.line()}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
