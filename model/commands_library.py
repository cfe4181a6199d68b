"""The case-library commands behind ``feasibility``: ``backtest`` and ``pooled``.

Part of the command-line layer with `model.cli` and `model.commands`: they import the
package's modules inside functions so that ``--help`` starts fast.
"""

from __future__ import annotations

import sys

from model.errors import InputError


def _labels(names: list[str]) -> list[str]:
    """Variant labels (``baseline`` or options joined by ``+``), checked."""
    from model.analysis.variants import from_label, label
    from model.case.schema import VARIANTS

    out = []
    for name in names:
        try:
            out.append(label(from_label(name)))
        except ValueError as exc:
            options = ", ".join(o for opts in VARIANTS.values() for o in opts)
            raise InputError(
                "--variant", str(exc), "unknown variant option", f"use baseline or one of {options}"
            ) from None
    return out


def cmd_backtest(args) -> int:
    """``feasibility backtest``: rolling-origin scores of each variant and two baselines."""
    from model.analysis.backtest import VARIANT_LABELS, backtest_settings, run_backtest
    from model.case.library import load_cases
    from model.constants import CASES_FILE
    from model.views.backtest import backtest_payload, format_backtest
    from model.views.payloads import to_json

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
    from model.inference.settings import Settings
    from model.views.payloads import to_json

    out = args.out or POOLED_FILE
    blob = pooled_prior_blob(
        load_cases(args.cases or CASES_FILE),
        load_cases(args.target or TARGET_CASE_FILE, pending=True),
        as_of=args.as_of or AS_OF,
        variant=_labels([args.variant])[0],
        settings=Settings(seed=args.seed),
        folder=out.parent,
    )
    write_text(out, to_json(blob) + "\n")
    print(f"wrote {out} ({blob['n_training']} cases known on {blob['as_of']})")
    return 0
