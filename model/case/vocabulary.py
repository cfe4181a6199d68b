"""One vocabulary: what a case calls its arenas, parameters, outcomes and evidence.

The model code is generic; the words belong to the case. A priors file's optional
``[vocabulary]`` table gives the arena names (``words``), a plain label for each parameter
(``labels``) and, by parameter-name prefix, the evidence that would resolve it
(``resolved_by``). ``case.arenas`` names the two arenas' parameter prefixes (``us``, ``mx``
for the first case). Anything left out falls back to the generic words below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from model.case.inputs import require_table, unknown_key
from model.case.schema import CORE_PARAMS, OPPOSE_PREFIX
from model.errors import InputError

ROLES = ("donor", "partner")
"""The two arenas: the donor's legislature must fund; the partner must accept."""

DEFAULT_ARENAS = {"donor": "us", "partner": "mx"}
"""Parameter prefixes of the arenas (``us_*``, ``mx_*``) when ``case.arenas`` is not given."""

DEFAULT_WORDS = {
    "donor": "the donor's legislature",
    "donor_short": "the legislature",
    "partner": "the partner",
    "partner_public": "the partner's public",
    "framework": "the two governments agreeing a framework",
    "poll": "the poll",
    "reference_class": "the reference class of past packages",
}
"""Arena and evidence names used in sentences, labels and figure titles."""

VOCABULARY_KEYS = {"words", "labels", "resolved_by"}
FALLBACK_EVIDENCE = "expert elicitation"


@dataclass(frozen=True)
class Vocabulary:
    """The words of one case (see the module docstring)."""

    arenas: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ARENAS))
    words: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_WORDS))
    labels: dict[str, str] = field(default_factory=dict)
    resolved_by: dict[str, str] = field(default_factory=dict)

    def prefix(self, role: str) -> str:
        """Parameter-name prefix of an arena, e.g. ``us_``."""
        return self.arenas[role] + "_"

    def role_of(self, name: str) -> str | None:
        """The arena whose design effect ``name`` is, or None for other parameters."""
        if name in CORE_PARAMS:
            return None
        return next((r for r in ROLES if name.startswith(self.prefix(r))), None)

    def outcome_labels(self) -> dict[str, str]:
        """Labels of the four outcome probabilities, for tables and figures."""
        w = self.words
        return {
            "p_framework": "Framework agreed (Level I)",
            "p_enacted": f"{_capital(w['donor'])} enacts in time",
            "p_accepted": f"{_capital(w['partner'])} accepts",
            "p_deal": "Deal: all three",
        }

    def hurdles(self) -> dict[str, str]:
        """The three hurdles as noun phrases for sentences."""
        w = self.words
        return {
            "p_framework": w["framework"],
            "p_enacted": f"{w['donor']} funding it in time, before its window closes",
            "p_accepted": f"{w['partner']} accepting it",
        }

    def label(self, name: str, *, levers: dict | None = None) -> str:
        """Plain label of a parameter (the name itself when nothing better is known).

        Parameters
        ----------
        name : str
            Parameter name, e.g. ``gov_will`` or ``mx_conditions_certification``.
        levers : dict, optional
            The priors file's levers: a design effect is named by the one level that uses it.

        Returns
        -------
        str
        """
        if name in self.labels:
            return self.labels[name]
        if name.startswith(OPPOSE_PREFIX):
            component = name[len(OPPOSE_PREFIX) :].replace("_", " ")
            return f"{self.words['partner_public']}'s opposition to the {component} component"
        role = self.role_of(name)
        if role is None:
            return name
        rest = name[len(self.prefix(role)) :]
        what = "the " + rest.replace("_", " ")
        if rest.endswith("_per_100m"):
            what = f"each extra USD 100M of package {rest.removesuffix('_per_100m')}"
        used = [
            spec["label"]
            for table in (levers or {}).values()
            for spec in table.get("levels", {}).values()
            if name in spec.get(self.arenas[role], {}) and "label" in spec
        ]
        if len(used) == 1:
            what = in_sentence(used[0])
        side = self.words["donor_short"] if role == "donor" else self.words["partner"]
        return f"{_capital(side)}'s reaction to {what}"

    def evidence_for(self, name: str) -> str:
        """The evidence that would resolve a parameter (longest matching prefix wins)."""
        hits = [p for p in self.resolved_by if name.startswith(p)]
        return self.resolved_by[max(hits, key=len)] if hits else FALLBACK_EVIDENCE

    def data_source(self, name: str, *, likelihood_params=()) -> str:
        """Which data a data-touched parameter meets, in words."""
        if name.startswith(OPPOSE_PREFIX):
            return self.words["poll"]
        if name in likelihood_params:
            return self.words["reference_class"]
        return "the data"


def in_sentence(text: str) -> str:
    """A label as it reads mid-sentence: first letter lower-cased unless an acronym."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def read_vocabulary(where, raw: dict[str, Any]) -> Vocabulary:
    """Validate ``case.arenas`` and the optional ``[vocabulary]`` table of a priors file."""
    arenas = dict(DEFAULT_ARENAS)
    given = raw.get("case", {}).get("arenas")
    if given is not None:
        require_table(where, "case.arenas", given)
        for role, key in given.items():
            if role not in ROLES:
                raise unknown_key(where, f"case.arenas.{role}", ROLES)
            if not isinstance(key, str) or not key.isidentifier() or not key.islower():
                raise InputError(
                    where, f"case.arenas.{role}", f"must be a short lower-case name, got {key!r}",
                    'write e.g. donor = "us"',
                )  # fmt: skip
            arenas[role] = key
        if arenas["donor"] == arenas["partner"]:
            raise InputError(where, "case.arenas", "both arenas share one prefix", "rename one")
    table = require_table(where, "vocabulary", raw.get("vocabulary", {}))
    for key in table:
        if key not in VOCABULARY_KEYS:
            raise unknown_key(where, f"vocabulary.{key}", VOCABULARY_KEYS)
    parts = {k: require_table(where, f"vocabulary.{k}", table.get(k, {})) for k in VOCABULARY_KEYS}
    for key in parts["words"]:
        if key not in DEFAULT_WORDS:
            raise unknown_key(where, f"vocabulary.words.{key}", DEFAULT_WORDS)
    for part in VOCABULARY_KEYS:
        for key, text in parts[part].items():
            if not isinstance(text, str) or not text.strip():
                raise InputError(
                    where, f"vocabulary.{part}.{key}", "must be non-empty text", 'write "..."'
                )
    params = raw.get("params", {})
    for name in parts["labels"]:
        if name not in params:
            raise unknown_key(where, f"vocabulary.labels.{name}", params)
    return Vocabulary(
        arenas=arenas,
        words=DEFAULT_WORDS | parts["words"],
        labels=dict(parts["labels"]),
        resolved_by=dict(parts["resolved_by"]),
    )
