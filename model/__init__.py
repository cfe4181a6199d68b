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
    "answer": "model.whatif.answers",
    "compare": "model.whatif.answers",
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
    "NewPoll": "model.whatif.memory",
    "parse_poll": "model.whatif.memory",
    "poll_answer": "model.whatif.memory",
    "ROUTES": "model.whatif.memory",
    "baseline_case": "model.whatif.answers",
    "row": "model.whatif.answers",
    "WhatIfPanel": "model.app.whatif_panel",
    "expert_files": "model.experts.pool",
    "experts_payload": "model.experts.pool",
    "load_experts": "model.experts.pool",
    "disagreement_table": "model.experts.views",
    "disagreement_words": "model.experts.views",
    "experts_table": "model.experts.views",
    "SCENARIO_DIR": "model.constants",
    "timing_figure": "model.views.charts",
    "sensitivity_figures": "model.views.sensitivity",
    "sensitivity_tables": "model.views.sensitivity",
    "plots": "model.views.figures",
    "scenario_changes": "model.whatif.figures",
    "build_report": "model.report.build",
    "load_cases": "model.library.cases",
    "run_backtest": "model.library.backtest",
    "reliability": "model.library.backtest",
    "pit_histogram": "model.library.backtest",
    "adjustment_effect": "model.library.prior",
    "backtest_table": "model.library.views",
    "format_backtest": "model.library.views",
    "hurdle_table": "model.library.views",
    "paired_table": "model.library.views",
    "library_timelines": "model.timeline.survival",
    "format_library_timelines": "model.studies.views",
    "calibration_words": "model.library.views",
    "reliability_figure": "model.library.views",
    "load_study": "model.studies.plans",
    "load_studies": "model.studies.plans",
    "evsi_curve": "model.studies.value",
    "evsi_payload": "model.studies.value",
    "case_timeline": "model.timeline.forecast",
    "cure_path": "model.timeline.survival",
    "format_evsi": "model.studies.views",
    "format_timeline": "model.studies.views",
    "evsi_figure": "model.studies.views",
    "timeline_figure": "model.studies.views",
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
