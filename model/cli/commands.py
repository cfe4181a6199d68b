"""The commands behind ``feasibility``: each loads, fits or reads, computes and prints.

Part of the command-line layer with `model.cli.main` (which parses the arguments): the only
modules that print. They import the package's modules inside functions so that ``--help`` and
cached runs start fast.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

from model.constants import (
    EXIT_DIAGNOSTICS,
    EXPERT_DIR,
    MAX_CHAINS,
    MAX_DRAWS,
    MAX_POOL_WEIGHT,
    MAX_SEED,
    MIN_CHAINS,
    MIN_DRAWS,
    PRIORS_FILE,
)
from model.errors import FitWarning, InputError


def _weights(text: str | None) -> list[float] | None:
    if text is None:
        return None
    try:
        weights = [float(w) for w in text.split(",")]
    except ValueError:
        raise InputError("--weights", text, "not a list of numbers", "write e.g. 0.6,0.4") from None
    if not all(0 <= w <= MAX_POOL_WEIGHT for w in weights) or not sum(weights) > 0:
        raise InputError(
            "--weights",
            text,
            f"each weight must be in [0, {MAX_POOL_WEIGHT:g}] and one above 0 (they are "
            "rescaled to sum to 1)",
            "write e.g. 0.6,0.4",
        )
    return weights


def _check_priors_file(path: Path) -> Path:
    """Refuse a scenario (an overlay) given as a priors file, saying so."""
    from model.case.inputs import read_toml

    raw = read_toml(path)
    if "case" not in raw and "params" not in raw and {"question", "source"} & set(raw):
        raise InputError(
            path,
            "(file)",
            "is a scenario (an overlay on the priors), not a priors file",
            f"give it as --scenario {path}",
        )
    return path


def _priors_path(args) -> Path:
    paths = args.priors or [PRIORS_FILE]
    if len(paths) > 1:
        raise InputError(
            "--priors", str(paths[1]), f"`{args.command}` takes one priors file", "use `run`"
        )
    return _check_priors_file(paths[0])


def _load(args):
    from model.case.priors import load_priors

    scenarios = [_scenario_path(s) for s in args.scenario]
    return load_priors(
        _priors_path(args),
        scenarios=scenarios,
        sets=args.sets,
        as_of=args.as_of,
        allow_outside_evidence=args.allow_outside_evidence,
    )


def _scenario_path(name: str, *, folder: Path | None = None, kind: str = "scenario") -> Path:
    from model.constants import SCENARIO_DIR
    from model.files import named_file

    return named_file(name, SCENARIO_DIR if folder is None else folder, kind=kind)


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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitWarning)  # its notes are printed below, in order
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
    from model.api import Result
    from model.inference.stamps import git_commit
    from model.library.views import format_adjustments
    from model.views.tables import format_table

    if args.expert:
        return _run_expert_overlays(args)
    if (args.priors and len(args.priors) > 1) or args.weights is not None:
        return _run_experts(args)
    result = _fit(args)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitWarning)  # its problems are printed by _strict
        answer = Result(result)  # the object a notebook holds
    summary = dict(answer.numbers)
    summary["provenance"]["git_commit"] = git_commit()
    summary["priors"] = {n: p.describe() for n, p in result.priors.params.items()}
    summary["prior_specs"] = {
        n: {"dist": p.dist, "params": dict(p.params)} for n, p in result.priors.params.items()
    }
    text = format_table(summary)
    effect = answer.adjustments()
    if effect["adjustments"]:
        summary["library_adjustments"] = effect
        text += "\n" + format_adjustments(effect)
    _emit(args, summary, text)
    return _strict(args, result.diagnostics)


def _run_experts(args) -> int:
    from model.case.priors import load_priors
    from model.experts.pool import Expert, experts_payload, pool_weights

    paths = [_check_priors_file(p) for p in args.priors or [PRIORS_FILE]]
    scenarios = [_scenario_path(s) for s in args.scenario]
    experts = [load_priors(p, scenarios=scenarios, sets=args.sets, as_of=args.as_of) for p in paths]
    weights = pool_weights(experts, _weights(args.weights))
    names = [p.stem if [q.stem for q in paths].count(p.stem) == 1 else str(p) for p in paths]
    fits = [
        Expert(n, float(w), _fit(args, e), file=str(p))
        for n, w, e, p in zip(names, weights, experts, paths, strict=True)
    ]
    return _emit_experts(args, experts_payload(fits))


def _run_expert_overlays(args) -> int:
    """``run --expert FILE ...``: each file an overlay on the baseline, answered in memory."""
    from model.experts.pool import expert_priors, experts_payload, load_experts

    if args.priors and len(args.priors) > 1:
        raise InputError(
            "--expert", "--priors", "given with several --priors", "use one or the other"
        )
    priors = _load(args)
    paths = [_scenario_path(p, folder=EXPERT_DIR, kind="expert") for p in args.expert]
    expert_priors(priors, paths, weights=_weights(args.weights))  # refuse bad files before fitting
    base = _fit(args, priors)
    experts = load_experts(base, paths, weights=_weights(args.weights))
    return _emit_experts(
        args, experts_payload(experts), baseline_problems=base.diagnostics["problems"]
    )


def _emit_experts(args, payload: dict, *, baseline_problems=()) -> int:
    from model.experts.views import format_experts

    payload["problems"] = [f"baseline: {p}" for p in baseline_problems] + payload["problems"]
    _emit(args, payload, format_experts(payload))
    return _strict(args, {"problems": payload["problems"]})


def _polls(priors, items: list[str]) -> list:
    """Parse and check each ``--poll`` item before any fit (raises InputError)."""
    from model.case.schema import OPPOSE_PREFIX
    from model.inference.fit import evidence_for
    from model.whatif.memory import parse_poll, with_poll

    if not items:
        return []
    components = {
        n.removeprefix(OPPOSE_PREFIX) for n in priors.params if n.startswith(OPPOSE_PREFIX)
    }
    evidence = evidence_for(priors)
    polls = [parse_poll(item, components=components) for item in items]
    for poll in polls:
        with_poll(evidence, poll)
    return polls


def _with_polls(result, table, polls: list, *, force_refit: bool):
    """The comparison table with one row per new poll (`model.whatif.memory.poll_answer`)."""
    import pandas as pd

    from model.whatif.answers import baseline_case, row
    from model.whatif.memory import poll_answer

    base = baseline_case(result)
    rows = [row(poll_answer(result, p, force_refit=force_refit), base) for p in polls]
    return pd.concat([table, pd.DataFrame(rows)], ignore_index=True)


def cmd_whatif(args) -> int:
    """``feasibility whatif``: scenarios against the baseline."""
    from model.case.priors import load_priors
    from model.views.tables import format_comparison
    from model.whatif.answers import check_overlays, compare

    _settings(args)
    base = load_priors(
        _priors_path(args),
        scenarios=[_scenario_path(s) for s in args.scenario],
        as_of=args.as_of,
        allow_outside_evidence=args.allow_outside_evidence,
    )
    paths = [_scenario_path(n) for n in args.scenarios]
    polls = getattr(args, "poll", [])
    if not paths and not args.sets and not polls:
        raise InputError(
            "whatif", "(scenarios)", "nothing to compare", "name a scenario, --set or --poll"
        )
    check_overlays(base, scenarios=paths, sets=args.sets)
    new_polls = _polls(base, polls)
    result = _fit(args, base)
    table = compare(result, scenarios=paths, sets=args.sets, force_refit=args.refit)
    if new_polls:
        table = _with_polls(result, table, new_polls, force_refit=args.refit)
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

    if args.top < 1:
        raise InputError("--top", str(args.top), "must be at least 1", "use e.g. 5")
    _check_csv(args.csv)
    result = _fit(args)
    ranking = rank_designs(result)
    if args.csv:
        from model.files import write_with

        write_with(args.csv, lambda tmp: ranking.to_csv(tmp, index=False))
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


def cmd_priors(args) -> int:
    """``feasibility priors``: each elicited prior shown back."""
    from model.analysis.elicitation import elicitation_table
    from model.views.checks import format_elicitation

    table = elicitation_table(_load(args))
    _emit(args, {"elicited": table.to_dict(orient="records")}, format_elicitation(table))
    return 0


def cmd_report(args) -> int:
    """``feasibility report``: the HTML and Markdown report."""
    from model.case.priors import load_priors
    from model.cli.library import workers
    from model.report.build import build_report, scenario_files
    from model.report.publish import check_out

    settings = _settings(args)
    args.workers = workers(args.workers)
    check_out(args.out)
    priors = load_priors(
        _priors_path(args),
        sets=args.sets,
        as_of=args.as_of,
        allow_outside_evidence=args.allow_outside_evidence,
    )
    files = scenario_files(args.scenario_dir) if args.scenario_dir else scenario_files()
    files += [_scenario_path(s) for s in args.scenario if _scenario_path(s) not in files]
    if getattr(args, "user_scenarios", False):  # the panel's saved files, only when asked
        from model.constants import USER_SCENARIO_DIR

        files += [p for p in scenario_files(USER_SCENARIO_DIR) if p not in files]
    problems: list[str] = []
    path = build_report(
        priors,
        settings=settings,
        out=args.out,
        notebooks=not args.skip_notebooks,
        scenarios=files,
        problems=problems,
        backtest=None if args.skip_backtest else True,
        workers=args.workers,
        experts=None
        if args.expert is None
        else [_scenario_path(p, folder=EXPERT_DIR, kind="expert") for p in args.expert],
    )
    print(f"wrote {path}")
    return _strict(args, {"problems": problems}, show=False)


def cmd_app(args) -> int:
    """``feasibility app``: the live what-if panel."""
    if not 0 <= args.port <= 65535:
        raise InputError("--port", str(args.port), "must be in [0, 65535]", "use e.g. 5006, or 0")
    from model.app.serve import check_port, serve
    from model.constants import SCENARIO_DIR

    check_port(args.port)
    result = _fit(args)
    app = serve(result, port=args.port, scenario_dir=args.scenario_dir or SCENARIO_DIR)
    print(f"What-if panel: {app.url}  (Ctrl-C stops it)", flush=True)
    try:
        app.thread.join()
    except KeyboardInterrupt:
        app.stop()
    return 0


def cmd_list(args) -> int:
    """``feasibility list``: parameters, levers and scenarios."""
    from model.constants import SCENARIO_DIR
    from model.views.listing import format_listing, listing

    priors = _load(args)
    files = sorted(SCENARIO_DIR.glob("*.toml"))
    data = listing(priors, files, sorted(EXPERT_DIR.glob("*.toml")))
    _emit(args, data, format_listing(data))
    return 0


def cmd_diff(args) -> int:
    """``feasibility diff``: what changed between two runs."""
    from model.report.diff import diff, format_diff, load_run

    result = diff(load_run(args.old), load_run(args.new))
    _emit(args, result, format_diff(result))
    return 0


def _strict(args, diagnostics: dict, *, show: bool = True) -> int:
    if diagnostics["problems"]:
        for problem in diagnostics["problems"] if show else ():
            print(f"SAMPLER WARNING: {problem}", file=sys.stderr)
        if args.strict:
            return EXIT_DIAGNOSTICS
    return 0


def cmd_evsi(args) -> int:
    """``feasibility evsi``: what each study is worth before the design is chosen."""
    from model.studies.plans import load_studies, priors_components
    from model.studies.value import evsi_payload
    from model.studies.views import evsi_payload_json, format_evsi

    priors = _load(args)
    studies = load_studies(args.study, priors_components(priors))  # refused before any fit
    result = _fit(args, priors)
    payload = evsi_payload(result, studies, nested=args.nested, seed=args.seed)
    _emit(args, evsi_payload_json(payload), format_evsi(payload))
    return _strict(args, result.diagnostics)


def _library_timeline(args, *, own: str) -> int:
    """``timeline --case ID`` of a library case, or ``--library``: paths and horizon scores."""
    from model.library.cases import load_cases
    from model.studies.views import format_library_timelines
    from model.timeline.survival import library_timelines

    library = load_cases()
    known = set(library.cases["id"])
    if args.case is not None and args.case != own and args.case not in known:
        raise InputError(
            "--case",
            args.case,
            f"neither the priors file's case ({own}) nor a case of {library.path.name}",
            "use a case id from data/cases.csv (feasibility timeline --library lists the scores)",
        )
    ids = None if args.library and args.case in (None, own) else {args.case}
    payload = library_timelines(library, seed=args.seed, ids=ids, step=args.step)
    if ids and not payload["cases"]:
        raise InputError(
            "--case",
            args.case,
            "not forecast in the backtest (too few outcomes known before it, or Congress "
            "never decided)",
            "pick a later case",
        )
    _emit(args, payload, format_library_timelines(payload))
    return 0


def cmd_timeline(args) -> int:
    """``feasibility timeline``: the forecast as of each date, as time passes without news."""
    from model.studies.views import format_timeline
    from model.timeline.forecast import case_timeline

    priors = _load(args)
    case = priors.case.get("id", "us_mexico_2007")
    if args.step <= 0 or args.step > 24:
        raise InputError("--step", str(args.step), "must be in (0, 24] months", "use e.g. 1")
    if args.library or (args.case is not None and args.case != case):
        return _library_timeline(args, own=case)
    if args.from_date is not None and args.from_date < priors.as_of:
        raise InputError(
            "--from",
            str(args.from_date),
            f"before the as-of date {priors.as_of}: the fit knows evidence up to then",
            f"use {priors.as_of} or later (or --as-of an earlier date)",
        )
    if args.to_date is not None and args.to_date < (args.from_date or priors.as_of):
        raise InputError("--to", str(args.to_date), "before --from", "give a later date")
    result = _fit(args, priors)
    payload = case_timeline(result, start=args.from_date, end=args.to_date, step=args.step)
    _emit(args, payload, format_timeline(payload))
    return _strict(args, result.diagnostics)
