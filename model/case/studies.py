"""Studies one could commission before choosing the design, as data (``priors/studies/*.toml``).

Three kinds, each read as a signal of the parameters it informs:

``poll``
    ``n`` respondents asked about one package ``component``; with a ``design_effect`` (>= 1)
    the sample counts as ``n / design_effect`` simple random draws. It informs the component's
    opposition share (today's: the share plus the drift since the old poll) and, through the
    model's ``poll_error``, reads it with the same error beyond sampling as the old poll.
``whip_count``
    ``n`` members of Congress sounded; with probability ``reliability`` the count reads
    Congress's willingness (each member says yes with that probability), otherwise it is
    noise (any count equally likely). Reliability 0 carries no information.
``soundings``
    ``n`` officials of the partner government sounded, read as a signal of its will to accept
    in the same way.

Each file is one ``[study]`` table; ``cost`` (optional, in the decision's value units) and
every assumption (``design_effect``, ``reliability``, ``cost``) needs a source in
``[study.sources]``. `load_study` checks everything and raises one `InputError` line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from model.case.inputs import is_number, read_toml, require_table, require_text, unknown_key
from model.case.schema import OPPOSE_PREFIX
from model.constants import STUDY_DIR, STUDY_MAX_N
from model.errors import InputError
from model.files import named_file

KINDS = ("poll", "whip_count", "soundings")
KEYS = {
    "poll": {"kind", "label", "n", "component", "design_effect", "cost", "sizes", "source"},
    "whip_count": {"kind", "label", "n", "reliability", "cost", "sizes", "source"},
    "soundings": {"kind", "label", "n", "reliability", "cost", "sizes", "source"},
}
SOURCED = ("design_effect", "reliability", "cost")
"""Assumptions that need their own entry in ``[study.sources]`` when given."""
TARGET = {"whip_count": "us_support", "soundings": "gov_will"}
"""The parameter a whip count or soundings read (the poll reads ``oppose_<component>``)."""


@dataclass(frozen=True)
class Study:
    """One checked study.

    Attributes
    ----------
    name : str
        The file's stem (or the name given).
    kind : str
        ``poll``, ``whip_count`` or ``soundings``.
    n : int
        Respondents, members or officials.
    label : str
        Words for tables.
    component : str or None
        The polled component (polls only).
    design_effect : float
        Variance inflation of the poll's sample (1 for the other kinds).
    reliability : float
        Chance the signal reads the parameter rather than noise (1 for polls).
    cost : float
        Cost in the decision's value units (0 when not given).
    sizes : tuple of int
        Sample sizes of the EVSI curve.
    sources : dict
        Assumption -> what it rests on; ``study`` -> the study's own source.
    path : str
        The file the study came from.
    """

    name: str
    kind: str
    n: int
    label: str
    component: str | None = None
    design_effect: float = 1.0
    reliability: float = 1.0
    cost: float = 0.0
    sizes: tuple[int, ...] = ()
    sources: dict = field(default_factory=dict)
    path: str = ""

    @property
    def informs(self) -> list[str]:
        """The parameters the study's result depends on (its EVPPI bound is theirs)."""
        if self.kind == "poll":
            assert self.component is not None, "a poll names its component"
            return [OPPOSE_PREFIX + self.component, "opinion_shift"]
        return [TARGET[self.kind]]

    def with_n(self, n: int) -> Study:
        """The same study with another sample size."""
        return Study(**{**self.__dict__, "n": int(n)})


DEFAULT_SIZES = {
    "poll": (100, 200, 350, 500, 1000, 2000, 3500, 5000),
    "whip_count": (10, 20, 35, 50, 100, 200, 300, 435),
    "soundings": (2, 3, 5, 8, 12, 20, 30, 50),
}
"""Eight sizes per kind: respondents (100 to 5,000), House members (10 to 435), officials."""


def _count(where, key: str, value, *, low: int) -> int:
    if not (is_number(value) and float(value).is_integer() and low <= value <= STUDY_MAX_N):
        raise InputError(
            where,
            f"{key} = {value!r}",
            f"must be a whole number in [{low}, {STUDY_MAX_N}]",
            "give a count, e.g. 500",
        )
    return int(value)


def _number(where, key: str, value, *, low: float, high: float, fix: str) -> float:
    if not (is_number(value) and low <= value <= high):
        raise InputError(where, f"{key} = {value!r}", f"must be a number in [{low}, {high}]", fix)
    return float(value)


def study_from_table(table: dict, *, where: str, name: str, components) -> Study:
    """Check one ``[study]`` table (and its ``sources``) and return the `Study`.

    Parameters
    ----------
    table : dict
        The table's keys (``kind``, ``n``, ...) plus ``sources``.
    where : str
        The file name for messages.
    name : str
        The study's name.
    components : iterable of str
        Components the priors have an opposition prior for (``oppose_<c>``).

    Returns
    -------
    Study
    """
    table = dict(require_table(where, "study", table))
    sources = dict(require_table(where, "study.sources", table.pop("sources", {})))
    kind = table.get("kind")
    if kind not in KINDS:
        raise unknown_key(where, "study.kind", KINDS, value=kind)
    for key in table:
        if key not in KEYS[kind]:
            raise unknown_key(where, f"study.{key}", KEYS[kind])
    source = require_text(where, "study.source", table.get("source"), fix="say what it rests on")
    n = _count(where, "study.n", table.get("n"), low=1)
    label = require_text(where, "study.label", table.get("label", f"{kind} of {n}"))
    kwargs = {"name": name, "kind": kind, "n": n, "label": label, "path": where}
    if kind == "poll":
        comp = table.get("component")
        known = sorted(components)
        if comp not in known:
            raise InputError(
                where,
                f"study.component = {comp!r}",
                "unknown component (no opposition prior for it)",
                f"use one of {', '.join(known)}",
            )
        kwargs["component"] = comp
        kwargs["design_effect"] = _number(
            where,
            "study.design_effect",
            table.get("design_effect", 1.0),
            low=1.0,
            high=100.0,
            fix="1 for a simple random sample, about 1.5 for a telephone poll",
        )
    else:
        if "reliability" not in table:
            raise InputError(
                where, "study.reliability", "missing", "give a number in [0, 1] and its source"
            )
        kwargs["reliability"] = _number(
            where,
            "study.reliability",
            table["reliability"],
            low=0.0,
            high=1.0,
            fix="give the chance the signal is read right, in [0, 1]",
        )
    kwargs["cost"] = _number(
        where,
        "study.cost",
        table.get("cost", 0.0),
        low=0.0,
        high=1e6,
        fix="give the cost in the decision's value units, 0 or more",
    )
    sizes = table.get("sizes", DEFAULT_SIZES[kind])
    if not isinstance(sizes, list | tuple) or not sizes:
        raise InputError(where, "study.sizes", "must be a list of counts", "e.g. [100, 500]")
    kwargs["sizes"] = tuple(
        sorted({_count(where, f"study.sizes[{i}]", v, low=1) for i, v in enumerate(sizes)})
    )
    for key in SOURCED:
        if key in table:
            require_text(
                where,
                f"study.sources.{key}",
                sources.get(key),
                fix=f"say what the {key} rests on",
            )
    for key in sources:
        if key not in SOURCED:
            raise unknown_key(where, f"study.sources.{key}", SOURCED)
    kwargs["sources"] = {"study": source, **{k: str(v) for k, v in sources.items()}}
    return Study(**kwargs)


def study_path(spec: str | Path, *, folder: Path | None = None) -> Path:
    """The file of a ``--study`` argument: a path, or a name in ``priors/studies``."""
    return named_file(spec, STUDY_DIR if folder is None else folder, kind="study")


def load_study(spec: str | Path, components, *, folder: Path | None = None) -> Study:
    """Read and check one study file (a path or a name in ``priors/studies``).

    Parameters
    ----------
    spec : str or Path
        The file, or its name in the studies folder.
    components : iterable of str
        The components the priors know.
    folder : Path, optional
        The studies folder (default ``priors/studies``).

    Returns
    -------
    Study
    """
    path = study_path(spec, folder=folder)
    data = read_toml(path)
    for key in data:
        if key != "study":
            raise unknown_key(path, key, ["study"])
    if "study" not in data:
        raise InputError(path, "study", "missing", "add a [study] table")
    return study_from_table(data["study"], where=str(path), name=path.stem, components=components)


def load_studies(specs=None, components=(), *, folder: Path | None = None) -> list[Study]:
    """Every study named (default: every file in the studies folder, sorted by name)."""
    folder = STUDY_DIR if folder is None else folder
    specs = specs or sorted(folder.glob("*.toml"))
    return [load_study(s, components, folder=folder) for s in specs]


def priors_components(priors) -> list[str]:
    """Components with an opposition prior in a priors object (what a poll can ask about)."""
    names = [n for n in priors.params if n.startswith(OPPOSE_PREFIX)]
    return sorted(n.removeprefix(OPPOSE_PREFIX) for n in names)
