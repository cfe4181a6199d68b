"""Load the priors file of a case with its overlays, checked through the typed spec, resolved.

A priors file is TOML with the tables ``case``, ``evidence``, ``params``, ``levers`` and
``design``. Scenario files overlay it and change only the keys they name (`model.whatif.overlay`);
the merged tables are checked whole by `model.case.spec.PriorsFile`, and each prior is then
elicited or taken from the library (`resolve_prior`). Every problem is reported as one
:class:`~model.errors.InputError` line naming the file, the key and the fix.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from model.case.distributions import FAMILIES, SUPPORT_FITS
from model.case.elicitation import cached_elicit
from model.case.inputs import check_values, read_toml
from model.case.schema import DEFAULT_TAILS, OPPOSE_PREFIX
from model.case.source_dates import check_source_dates
from model.case.spec import (
    PriorsFile,
    PriorSpec,
    Scenario,
    check_bounds,
    check_top,
    parameter_support,
)
from model.case.vocabulary import Vocabulary
from model.constants import PRIORS_FILE, ROOT
from model.errors import InputError
from model.library.prior_file import PooledPart, materialize, pooled_prior
from model.whatif.overlay import apply_overlay, parse_sets


@dataclass(frozen=True)
class Prior:
    """One resolved prior: distribution, its parameters, and what it rests on."""

    name: str
    dist: str
    params: dict[str, float]
    source: str
    interval: tuple[float, float, float] | None = None
    tails: str | None = None
    """The elicitation convention (``equal`` or ``maxent``) of an elicited prior."""
    pooled: PooledPart | None = None
    """Set when the prior is the library's pooled prediction plus sourced adjustments."""

    def describe(self) -> str:
        """Short text such as ``Beta(alpha=7.1, beta=4.32)``."""
        args = ", ".join(f"{k}={v:.3g}" for k, v in self.params.items())
        return f"{self.dist}({args})"


def resolve_prior(
    where,
    spec: PriorSpec,
    *,
    tails: str = DEFAULT_TAILS,
    pooled: tuple[Path, dict[str, Any], date] | None = None,
) -> Prior:
    """Turn one checked ``[params.NAME]`` table into a :class:`Prior`.

    ``tails`` is the file's elicitation convention; the table's own ``tails`` overrides it.
    ``pooled`` is ``(folder, evidence table, as_of)``, used by ``from = "library"`` tables.
    """
    name, key = spec.name, f"params.{spec.name}"
    if spec.library:
        if pooled is None:
            raise InputError(where, f"{key}.from", "needs the case library", "give the priors")
        dist, params, part = pooled_prior(where, spec, *pooled)
        support = parameter_support(name)
        if FAMILIES[dist].support not in SUPPORT_FITS[support]:
            raise InputError(where, key, f"pooled {dist} does not fit {support}", "refit it")
        check_bounds(where, key, params)
        return Prior(name, dist, params, spec.source.strip(), pooled=part)
    assert spec.dist is not None, "a table without from = 'library' names its family"
    if spec.interval is None:
        return Prior(name, spec.dist, dict(spec.values), spec.source.strip())
    tails = spec.tails or tails
    lower, upper, mass = spec.interval
    try:
        params = cached_elicit(spec.dist, lower, upper, mass, tails=tails)
    except InputError as exc:
        raise InputError(where, key, exc.problem, exc.fix) from None
    check_bounds(where, key, params, elicited=True)
    return Prior(name, spec.dist, params, spec.source.strip(), spec.interval, tails)


@dataclass
class Priors:
    """A checked, resolved priors file, possibly with scenario overlays applied.

    ``spec`` holds every table typed; ``case``, ``levers``, ``design``, ``decision`` and
    ``evidence`` read its canonical tables (``PriorsFile.tables``), shared: never change them.
    """

    path: Path
    spec: PriorsFile
    """Every table of the file (with its overlays), checked and typed."""
    params: dict[str, Prior]
    overlays: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    changes_evidence: bool = False
    layers: list[tuple[str, Any]] = field(default_factory=list)
    """Overlays in the order applied: ("scenario", path), ("overrides", dict), ("sets", list),
    ("as_of", date)."""
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    """The case's words: arena names, parameter labels, what evidence resolves each input."""
    hindsight: list[str] = field(default_factory=list)
    """Sources dated after the as-of date, each ``"FILE: KEY dated DATE"``: only from scenarios
    marked ``hindsight = true`` (empty for the baseline, the experts and the headline)."""

    def label(self, name: str) -> str:
        """Plain label of a parameter, from the case's vocabulary and lever labels."""
        return self.vocabulary.label(name, levers=self.levers)

    @property
    def case(self) -> dict[str, Any]:
        """The ``[case]`` table (``spec.tables``: read it, never change it)."""
        return self.spec.tables["case"]

    @property
    def levers(self) -> dict[str, Any]:
        """The ``[levers]`` table."""
        return self.spec.tables["levers"]

    @property
    def design(self) -> dict[str, Any]:
        """The design on the table (``[design]``)."""
        return self.spec.tables["design"]

    @property
    def decision(self) -> dict[str, Any]:
        """The ``[decision]`` table: what designs are worth (empty: worth is P(deal))."""
        return self.spec.tables.get("decision", {})

    @property
    def evidence(self) -> dict[str, Any]:
        """The ``[evidence]`` table."""
        return self.spec.tables["evidence"]

    @property
    def design_label(self) -> str:
        """How reports name the design on the table (``case.design_label``)."""
        return self.spec.case.design_label or "the baseline design"

    @property
    def variant(self) -> dict[str, str]:
        """The structural variant: each choice's option (``model.case.schema.VARIANTS``)."""
        return dict(self.spec.variant.choices)

    @property
    def as_of(self) -> date:
        """The analysis date."""
        return self.spec.case.as_of

    @property
    def components(self) -> list[str]:
        """The package components that have an opposition prior."""
        return sorted(n[len(OPPOSE_PREFIX) :] for n in self.params if n.startswith(OPPOSE_PREFIX))

    @property
    def allow_outside_evidence(self) -> bool:
        """True when a layer (``--allow-outside-evidence``) lets evidence live outside ROOT."""
        return any(kind == "allow_outside_evidence" and value for kind, value in self.layers)

    def evidence_dir(self) -> Path:
        """The evidence folder; outside the project only with ``allow_outside_evidence``."""
        given = self.spec.evidence.dir
        folder = (self.path.parent / (given or "../data")).resolve()
        if not self.allow_outside_evidence and not folder.is_relative_to(ROOT):
            raise InputError(
                self.path,
                f"evidence.dir = {given!r}",
                f"{folder} is outside the project {ROOT}",
                "keep the evidence inside the project, or pass --allow-outside-evidence",
            )
        return folder

    def params_hash(self) -> str:
        """Hash of the resolved priors only (what the posterior depends on)."""
        blob = {n: [p.dist, p.params] for n, p in sorted(self.params.items())}
        return _digest(blob)

    def full_hash(self) -> str:
        """Hash of everything: priors, levers, design, case and evidence settings.

        Of the spec's canonical tables (``PriorsFile.tables``), so equal specs hash alike.
        """
        tables = self.spec.tables
        blob = {k: tables[k] for k in sorted(tables) if k != "params"}
        return _digest({"params": self.params_hash(), "rest": _jsonable(blob)})


def _digest(obj: Any) -> str:
    text = json.dumps(_jsonable(obj), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, date):
        return obj.isoformat()
    return obj


def load_priors(
    path: str | Path = PRIORS_FILE,
    *,
    scenarios: list[str | Path] | None = None,
    overrides: dict[str, Any] | None = None,
    sets: list[str] | None = None,
    as_of: date | None = None,
    layers: list[tuple[str, Any]] | None = None,
    allow_outside_evidence: bool = False,
) -> Priors:
    """Load a priors file, apply scenario overlays and overrides, validate and elicit.

    Parameters
    ----------
    path : str or Path
        The base priors file.
    scenarios : list of path, optional
        Scenario overlay files, applied in order.
    overrides : dict, optional
        A nested overlay given in Python (same shape as a scenario file).
    sets : list of str, optional
        ``KEY=VALUE`` overrides with dotted keys, as given to ``--set``.
    as_of : date, optional
        Replaces ``case.as_of``.
    layers : list of (kind, value), optional
        Overlays applied first, as kept in ``Priors.layers`` of an earlier load (so a what-if
        applies on top of everything its baseline already had).
    allow_outside_evidence : bool
        Let ``evidence.dir`` point outside the project (kept as a layer, so what-ifs inherit it).

    Returns
    -------
    Priors

    Raises
    ------
    InputError
        On any malformed, unknown or impossible entry.
    """
    path = Path(path)
    raw = read_toml(path)
    check_top(path, raw)
    priors_raw = copy.deepcopy(raw)
    todo = list(layers or [])
    todo += [("scenario", Path(p)) for p in scenarios or []]
    todo += [("overrides", overrides)] if overrides else []
    todo += [("sets", list(sets))] if sets else []
    todo += [("as_of", as_of)] if as_of is not None else []
    todo += [("allow_outside_evidence", True)] if allow_outside_evidence else []
    overlays, questions, changes_evidence = [], [], False
    dated = raw["case"].get("dated_sources", False) is True
    to_date: list[tuple[Path | str, dict[str, Any], bool, bool]] = [(path, raw, False, dated)]
    for kind, value in todo:
        if kind == "scenario":
            over = read_toml(value)
            scenario = Scenario.parse(value, over, file=True)
            to_date.append((value, over, scenario.hindsight, False))  # dated where a date is given
            materialize(priors_raw, over, where=value, folder=path.parent)
            changes_evidence |= apply_overlay(priors_raw, scenario)
            overlays.append(str(value))
            question = scenario.question
            questions.append(f"[hindsight] {question}" if scenario.hindsight else question)
        elif kind == "as_of":
            if not isinstance(value, date) or isinstance(value, datetime):
                raise InputError("--as-of", repr(value), "must be a date", "write YYYY-MM-DD")
            priors_raw["case"]["as_of"] = value
        elif kind == "allow_outside_evidence":
            continue
        elif kind == "overrides":
            check_values("overrides", value)
            to_date.append(("overrides", value, False, False))
            overlay = Scenario.parse("overrides", value)
            materialize(priors_raw, value, where="overrides", folder=path.parent)
            changes_evidence |= apply_overlay(priors_raw, overlay)
            overlays.append("overrides")
        else:
            over = parse_sets(value)
            to_date.append(("--set", over, False, False))
            overlay = Scenario.parse("--set", over)
            materialize(priors_raw, over, where="--set", folder=path.parent)
            changes_evidence |= apply_overlay(priors_raw, overlay)
            overlays.append("--set " + " ".join(value))
    where = path if not overlays else f"{path} + {', '.join(overlays)}"
    spec = PriorsFile.parse(where, priors_raw)
    hindsight = [
        label
        for at, table, marked, required in to_date
        for label in check_source_dates(
            at, table, spec.case.as_of, hindsight=marked, required=required
        )
    ]
    pooled = (path.parent, spec.evidence.table(), spec.case.as_of)
    params = {
        name: resolve_prior(where, prior, tails=spec.file_tails, pooled=pooled)
        for name, prior in spec.params.items()
    }
    return Priors(
        path, spec, params, overlays, questions, changes_evidence, todo, spec.words, hindsight
    )


def overlay_priors(
    base: Priors, overlay: dict[str, Any], *, where: str = "overrides", question: str = ""
) -> Priors:
    """Apply a nested overlay to already loaded priors, in memory (no file is read).

    The same checks as :func:`load_priors` run on the result; priors the overlay leaves alone
    keep their resolved parameters (no new elicitation). Loading ``base.path`` with the
    returned ``layers`` gives the same priors.

    Parameters
    ----------
    base : Priors
        Loaded priors (with any overlays they already carry).
    overlay : dict
        Same shape as a scenario file's tables (``params``, ``design``, ``levers``, ...).
    where : str
        How errors name this overlay.
    question : str
        The question the overlay asks (kept in ``questions``).

    Returns
    -------
    Priors
    """
    base_tables = base.spec.tables
    raw = {
        k: dict(v) if k == "params" else copy.deepcopy(v) if k in overlay or k == "case" else v
        for k, v in base_tables.items()
    }
    over = Scenario.parse(where, overlay)
    materialize(raw, overlay, where=where, folder=base.path.parent)
    changes_evidence = apply_overlay(raw, over)
    spec = PriorsFile.parse(where, raw, base=base.spec)
    check_source_dates(where, overlay, spec.case.as_of)
    pooled = (base.path.parent, spec.evidence.table(), spec.case.as_of)
    same_tails = spec.file_tails == base.spec.file_tails
    params = {
        name: base.params[name]
        if name in base.params and same_tails and prior == base.spec.params.get(name)
        else resolve_prior(where, prior, tails=spec.file_tails, pooled=pooled)
        for name, prior in spec.params.items()
    }
    return Priors(
        base.path,
        spec,
        params,
        [*base.overlays, where],
        [*base.questions, question],
        base.changes_evidence or changes_evidence,
        [*base.layers, ("overrides", copy.deepcopy(overlay))],
        spec.words,
        base.hindsight,
    )
