"""What the generic two-level model needs from a case's priors file.

The model code is the same for every case; a case supplies these parameters (by name), the
poll components its package may contain, and its design levers.
"""

from __future__ import annotations

CORE_PARAMS: dict[str, tuple[str, str]] = {
    "p_agree": ("unit", "Level I: probability the two executives agree a framework"),
    "announce_months": ("positive", "Level I: months from the as-of date to the request"),
    "us_support": ("real", "Washington: log-odds that Congress is willing (baseline design)"),
    "duration_mu": ("real", "Washington: log-scale mean of months from request to enactment"),
    "duration_sigma": ("positive", "Washington: log-scale sd of months to enactment"),
    "window_months": ("positive", "Washington: months until the election takes over"),
    "p_lame_duck": ("unit", "Washington: chance a lame-duck session still enacts it"),
    "gov_will": ("real", "Mexico: government's log-odds of accepting at 50% opposition"),
    "opinion_weight": ("positive", "Mexico: log-odds lost per unit of opposition above 50%"),
    "opinion_shift": ("real", "Mexico: change in opposition between the poll and the decision"),
}
"""Parameters every case must give: name -> (support, meaning)."""

OPPOSE_PREFIX = "oppose_"
"""``oppose_<component>``: share of the Mexican public opposed to that package component."""

LIKELIHOOD_PARAMS = {"duration_mu", "duration_sigma"}
"""Core parameters a likelihood touches (the reference class); oppose_* are touched by the poll
when the poll has a row for that component."""

LEVER_KEYS = {"label", "us", "mx", "components", "request_not_before"}
"""Keys a lever level may carry: effects on each arena, components it adds, timing."""

TOP_KEYS = {"case", "evidence", "params", "levers", "design", "variant"}
"""Top-level keys of a priors file (every one a table but ``variant``, which is optional)."""

SCENARIO_KEYS = TOP_KEYS | {"question", "source", "changes_evidence", "variant"}
"""Keys a scenario file may carry at the top."""

CASE_KEYS = {"name", "as_of", "components", "description", "design_label"}
EVIDENCE_KEYS = {"dir", "poll_reading", "reference", "pooled"}
INTERVAL_KEYS = ("lower", "upper", "mass")
"""Keys of an elicited prior: the expert's interval and the mass inside it."""

LEVER_TABLE_KEYS = {"question", "levels"}

OPTIONAL_PARAMS: dict[str, tuple[str, str]] = {
    "hurdle_correlation": (
        "unit",
        "Both arenas: correlation of the three hurdles' latent factor (variant shared_factor)",
    ),
}
"""Parameters a case may give; a variant that needs one refuses a file without it."""

OPTIONAL_TOP_KEYS = {"variant"}
"""Top-level keys a priors file may carry: ``variant = ["falling_hazard", ...]``."""

PARAM_EXTRA_KEYS = {"from", "adjust"}
"""Keys of a ``[params.NAME]`` table beyond its distribution: ``from = "library"`` takes the
prior from the pooled posterior predictive; ``adjust`` adds sourced Normal case adjustments."""

POOLED_FROM = "library"

VARIANTS: dict[str, tuple[str, ...]] = {
    "window": ("hard_window", "falling_hazard"),
    "acceptance": ("most_opposed", "weighted_opposition"),
    "hurdles": ("independent", "shared_factor"),
}
"""Structural choices and their named options; the first of each is the default."""
