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

OPTIONAL_PARAMS: dict[str, tuple[str, str]] = {
    "poll_error": (
        "positive",
        "Partner: sd (logit scale) of a poll reading's error beyond sampling (source, wording)",
    ),
    "hurdle_correlation": (
        "unit",
        "Both arenas: correlation of the three hurdles' latent factor (variant shared_factor)",
    ),
}
"""Parameters a case may give: name -> (support, meaning). ``poll_error`` is required when
the poll has more than one reading of a component (``evidence.poll_reading = "both"``);
``hurdle_correlation`` when the variant is ``shared_factor``."""

OPPOSE_PREFIX = "oppose_"
"""``oppose_<component>``: share of the Mexican public opposed to that package component."""

LIKELIHOOD_PARAMS = {"duration_mu", "duration_sigma"}
"""Core parameters a likelihood touches (the reference class); oppose_* (and ``poll_error``)
are touched by the poll when the poll has a row for that component."""

ALL_READINGS = "both"
"""``evidence.poll_reading`` value that fits every reading of the poll together."""

LEVER_KEYS = {"label", "components", "request_not_before"}
"""Keys a lever level may carry besides the arenas' effects (keyed by ``case.arenas``):
components it adds, timing."""

TOP_KEYS = {
    "variant",
    "case",
    "evidence",
    "params",
    "levers",
    "design",
    "vocabulary",
    "elicitation",
    "decision",
}
"""Tables of a priors file."""

OPTIONAL_TOP_KEYS = {"vocabulary", "elicitation", "decision", "variant"}
"""Keys a priors file may leave out (generic words are used; ``variant`` is a list of names,
``variant = ["falling_hazard", ...]``, the others tables)."""

SCENARIO_KEYS = TOP_KEYS | {"question", "source", "changes_evidence", "hindsight"}
"""Keys a scenario file may carry at the top."""

CASE_KEYS = {
    "name",
    "as_of",
    "components",
    "description",
    "design_label",
    "arenas",
    "expert_weight",
    "dated_sources",
}
CASE_SETTABLE = {"as_of", "expert_weight"}
"""Case keys an overlay may set even where the base file leaves them to their default."""
EVIDENCE_KEYS = {"dir", "poll_reading", "reference", "pooled"}
INTERVAL_KEYS = ("lower", "upper", "mass")
"""Keys of an elicited prior: the expert's interval and the mass inside it."""

TAILS = ("equal", "maxent")
"""How an elicited interval becomes a distribution: ``equal`` puts ``(1 - mass) / 2`` below
``lower`` and as much above ``upper`` (the interval is the expert's central interval);
``maxent`` is PreliZ's maximum-entropy fit, which may split the missing mass unevenly."""

DEFAULT_TAILS = "equal"
"""The convention when neither ``[elicitation] tails`` nor the prior's own ``tails`` says."""

ELICITATION_KEYS = {"tails"}
"""Keys of the optional ``[elicitation]`` table: the file-wide convention."""

LEVER_TABLE_KEYS = {"question", "levels", "owner", "choice"}
"""Keys of ``[levers.NAME]``: ``owner`` says who sets the lever; a lever Congress sets carries
``choice``, the probability that Congress picks each level (a mixture summing to 1)."""

OWNERS = ("executive", "congress")
"""Who sets a lever: the two executives (optimised over) or the donor's legislature (averaged
over with its ``choice`` probabilities). Default ``executive``."""

DECISION_KEYS = {"unit", "source", "weights", "value", "flip_threshold"}
"""Keys of the optional ``[decision]`` table: what a design is worth to each side (``value``,
per arena, per lever level, in ``unit``), how the two sides' worth is weighed (``weights``),
and the flip-point threshold (``"best_alternative"`` or a probability)."""

BEST_ALTERNATIVE = "best_alternative"
"""``flip_threshold`` default: P(deal) of the baseline crossing that of the best alternative."""

PARAM_EXTRA_KEYS = {"from", "adjust"}
"""Keys of a ``[params.NAME]`` table beyond its distribution: ``from = "library"`` takes the
prior from the pooled posterior predictive; ``adjust`` adds sourced Normal case adjustments."""

POOLED_FROM = "library"

VARIANTS: dict[str, tuple[str, ...]] = {
    "window": ("hard_window", "falling_hazard", "congress_end"),
    "acceptance": ("most_opposed", "weighted_opposition"),
    "hurdles": ("independent", "shared_factor"),
}
"""Structural choices and their named options; the first of each is the default."""
