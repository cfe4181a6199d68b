"""Bayesian decision analysis of a two-level international deal's political feasibility.

The notebook API, one object per question (`model.api`)::

    from model import Case

    result = Case.load().fit()            # priors/baseline.toml; NUTS, cached
    result.summary()                      # P(deal) and its parts, 90% intervals (a DataFrame)
    result.whatif(sets=["params.opinion_shift.mu=0.1"]).summary()

The functions below stay available for finer work.

The package is layered (see ARCHITECTURE.md): ``case`` < ``inference`` < ``analysis`` <
``views`` < ``report`` < ``cli``. This module is the facade on top: each name loads its module
only when first used, so ``import model`` stays fast and heavy libraries (PyMC, ArviZ, PreliZ)
load only when a function needs them.
"""

from importlib import import_module

from model.errors import InputError

EXPORTS = {
    "Case": "model.api",
    "Result": "model.api",
    "WhatIfResult": "model.api",
    "FitWarning": "model.api",
    "load_priors": "model.case.priors",
    "level_label": "model.case.levers",
    "describe": "model.case.levers",
    "evidence_for": "model.inference.fit",
    "fit": "model.inference.fit",
    "Settings": "model.inference.settings",
    "prior_draws": "model.inference.prior_draws",
    "data_params": "model.inference.pymc_model",
    "interval": "model.analysis.intervals",
    "evaluate": "model.analysis.outcomes",
    "run_summary": "model.analysis.baseline",
    "decomposition_table": "model.analysis.baseline",
    "answer": "model.analysis.whatif",
    "compare": "model.analysis.whatif",
    "rank_designs": "model.analysis.decision",
    "elicitation_table": "model.analysis.elicitation",
    "predictive_checks": "model.analysis.checks",
    "predictive_figure": "model.views.checks",
    "timing_payload": "model.analysis.timing",
    "sensitivity": "model.analysis.sensitivity.summary",
    "format_table": "model.views.tables",
    "format_comparison": "model.views.tables",
    "format_timing": "model.views.tables",
    "recommendation": "model.views.words",
    "recommend": "model.views.words",
    "change_words": "model.views.words",
    "NewPoll": "model.analysis.inmemory",
    "parse_poll": "model.analysis.inmemory",
    "poll_answer": "model.analysis.inmemory",
    "ROUTES": "model.analysis.inmemory",
    "baseline_case": "model.analysis.whatif",
    "row": "model.analysis.whatif",
    "WhatIfPanel": "model.app.whatif_panel",
    "expert_files": "model.analysis.pool",
    "experts_payload": "model.analysis.pool",
    "load_experts": "model.analysis.pool",
    "disagreement_table": "model.views.experts",
    "disagreement_words": "model.views.experts",
    "experts_table": "model.views.experts",
    "SCENARIO_DIR": "model.constants",
    "timing_figure": "model.views.charts",
    "sensitivity_figures": "model.views.sensitivity",
    "sensitivity_tables": "model.views.sensitivity",
    "plots": "model.views.figures",
    "scenario_changes": "model.views.changes",
    "build_report": "model.report.build",
    "load_cases": "model.case.library",
    "run_backtest": "model.analysis.backtest",
    "reliability": "model.analysis.backtest",
    "pit_histogram": "model.analysis.backtest",
    "adjustment_effect": "model.analysis.library_prior",
    "backtest_table": "model.views.backtest",
    "format_backtest": "model.views.backtest",
    "hurdle_table": "model.views.backtest",
    "paired_table": "model.views.backtest",
    "library_timelines": "model.analysis.survival",
    "format_library_timelines": "model.views.evidence_value",
    "calibration_words": "model.views.backtest",
    "reliability_figure": "model.views.backtest",
    "load_study": "model.case.studies",
    "load_studies": "model.case.studies",
    "evsi_curve": "model.analysis.evsi",
    "evsi_payload": "model.analysis.evsi",
    "case_timeline": "model.analysis.timeline",
    "cure_path": "model.analysis.survival",
    "format_evsi": "model.views.evidence_value",
    "format_timeline": "model.views.evidence_value",
    "evsi_figure": "model.views.evidence_value",
    "timeline_figure": "model.views.evidence_value",
}
"""Public name -> the module that defines it (``plots`` is the figures module itself)."""

__all__ = ["InputError", *EXPORTS]


def __getattr__(name: str):
    if name not in EXPORTS:
        raise AttributeError(f"module 'model' has no attribute {name!r}")
    module = import_module(EXPORTS[name])
    value = module if name == "plots" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
