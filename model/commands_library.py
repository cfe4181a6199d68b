"""The case-library commands behind ``feasibility``: ``backtest`` and ``pooled``.

Part of the command-line layer with `model.cli` and `model.commands`: they import the
package's modules inside functions so that ``--help`` starts fast.
"""

from __future__ import annotations

import sys

from model.errors import InputError


def cmd_backtest(args) -> int:
    """``feasibility backtest``: prequential scores of the stack, the library model, baselines."""
    from model.analysis.backtest import run_backtest
    from model.case.library import load_cases
    from model.constants import CASES_FILE
    from model.views.backtest import backtest_payload, format_backtest
    from model.views.payloads import to_json

    if args.workers < 1:
        raise InputError("--workers", str(args.workers), "must be >= 1", "use e.g. 2")
    if args.variant:
        raise InputError(
            "--variant",
            ",".join(args.variant),
            "the backtest no longer scores variants: it scores the prequential stack",
            "drop --variant",
        )
    library = load_cases(args.cases or CASES_FILE)
    result = run_backtest(library, workers=args.workers, seed=args.seed, progress=True)
    for problem in result.problems:
        print(f"SAMPLER WARNING: {problem}", file=sys.stderr)
    print(to_json(backtest_payload(result)) if args.json else format_backtest(result))
    return 0


def cmd_pooled(args) -> int:
    """``feasibility pooled``: the target case's library-based priors, written whole."""
    from model.analysis.library_prior import pooled_prior_blob
    from model.case.library import load_cases
    from model.constants import AS_OF, CASES_FILE, POOLED_FILE, TARGET_CASE_FILE
    from model.files import write_text
    from model.views.payloads import to_json

    out = args.out or POOLED_FILE
    blob = pooled_prior_blob(
        load_cases(args.cases or CASES_FILE),
        load_cases(args.target or TARGET_CASE_FILE, pending=True),
        as_of=args.as_of or AS_OF,
        seed=args.seed,
        folder=out.parent,
    )
    write_text(out, to_json(blob) + "\n")
    print(f"wrote {out} ({blob['n_training']} cases known on {blob['as_of']})")
    return 0
