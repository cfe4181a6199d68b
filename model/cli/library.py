"""The case-library commands behind ``feasibility``: ``backtest`` and ``pooled``.

Part of the command-line layer with `model.cli.main` and `model.cli.commands`: they import the
package's modules inside functions so that ``--help`` starts fast.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

from model.constants import MAX_SEED
from model.errors import InputError


def _seed(value: int) -> int:
    if not 0 <= value <= MAX_SEED:
        raise InputError("--seed", str(value), f"must be in [0, {MAX_SEED}]", "use e.g. 20070815")
    return value


def workers(value: int, *, jobs: int | None = None) -> int:
    """``--workers`` checked (>= 1) and capped at the cores (and at ``jobs``, when known)."""
    if value < 1:
        raise InputError("--workers", str(value), "must be >= 1", "use e.g. 2")
    cap = min(os.cpu_count() or 1, jobs or value)
    if value > cap:
        print(f"note: --workers {value} capped at {cap} (the cores here)", file=sys.stderr)
    return min(value, cap)


def _cases(path: Path | None, *, pending: bool = False, option: str = "--cases"):
    from model.constants import CASES_FILE
    from model.library.cases import load_cases

    library = load_cases(path or CASES_FILE, pending=pending)
    if not len(library.cases):
        raise InputError(library.path, option, "holds no case (a header only)", "add case rows")
    return library


def _out_json(path: Path) -> Path:
    """Refuse a ``pooled --out`` that cannot be written, before any fitting."""
    if path.is_dir():
        raise InputError("--out", str(path), "is a folder", "give a file name, e.g. pooled.json")
    if not path.parent.is_dir():
        raise InputError(
            "--out", str(path), f"no folder {path.parent}", "create it or fix the path"
        )
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError("--out", str(path), "not writable", "give a path you can write")
    return path


def _as_of(value: date, library) -> date:
    """A ``pooled --as-of`` on which enough cases were resolved, and not after today."""
    from model.case.dates import not_after_today
    from model.constants import MIN_TRAINING_OUTCOMES
    from model.library.cases import known_at

    not_after_today("--as-of", str(value), value, fix="give a date up to today")
    known = known_at(library.cases, value)
    resolved = (
        int(known["enacted"].notna().sum() + known["accepted"].notna().sum()) if len(known) else 0
    )
    if resolved < MIN_TRAINING_OUTCOMES:
        first = min(library.cases["as_of"])
        raise InputError(
            "--as-of",
            str(value),
            f"only {resolved} outcomes of {library.path.name} were known then "
            f"(at least {MIN_TRAINING_OUTCOMES} needed; the first case is dated {first})",
            "give a later date",
        )
    return value


def cmd_backtest(args) -> int:
    """``feasibility backtest``: prequential scores of the stack, the library model, baselines."""
    from model.library.backtest import run_backtest
    from model.library.views import backtest_payload, format_backtest
    from model.views.payloads import to_json

    seed = _seed(args.seed)
    library = _cases(args.cases)
    n_workers = workers(args.workers, jobs=len(library.cases))
    result = run_backtest(library, workers=n_workers, seed=seed, progress=True)
    for problem in result.problems:
        print(f"SAMPLER WARNING: {problem}", file=sys.stderr)
    print(to_json(backtest_payload(result)) if args.json else format_backtest(result))
    return 0


def cmd_pooled(args) -> int:
    """``feasibility pooled``: the target case's library-based priors, written whole."""
    from model.constants import AS_OF, POOLED_FILE, TARGET_CASE_FILE
    from model.files import write_text
    from model.library.prior import pooled_prior_blob
    from model.views.payloads import to_json

    out = _out_json(args.out or POOLED_FILE)
    seed = _seed(args.seed)
    library = _cases(args.cases)
    target = _cases(args.target or TARGET_CASE_FILE, pending=True, option="--target")
    blob = pooled_prior_blob(
        library,
        target,
        as_of=_as_of(args.as_of or AS_OF, library),
        seed=seed,
        folder=out.parent,
    )
    write_text(out, to_json(blob) + "\n")
    print(f"wrote {out} ({blob['n_training']} cases known on {blob['as_of']})")
    return 0
