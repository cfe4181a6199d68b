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
``[study.sources]``. `load_study` reads a file; `model.case.spec.Study` checks it and raises
one `InputError` line.
"""

from __future__ import annotations

from pathlib import Path

from model.case.inputs import read_toml, unknown_key
from model.case.schema import OPPOSE_PREFIX
from model.case.spec import DEFAULT_SIZES, KINDS, SOURCED, STUDY_KEYS, TARGET, Study
from model.constants import STUDY_DIR
from model.errors import InputError
from model.files import named_file

__all__ = [
    "DEFAULT_SIZES",
    "KINDS",
    "SOURCED",
    "STUDY_KEYS",
    "TARGET",
    "Study",
    "load_studies",
    "load_study",
    "priors_components",
    "study_path",
]


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
    return Study.parse(data["study"], where=str(path), name=path.stem, components=components)


def load_studies(specs=None, components=(), *, folder: Path | None = None) -> list[Study]:
    """Every study named (default: every file in the studies folder, sorted by name)."""
    folder = STUDY_DIR if folder is None else folder
    specs = specs or sorted(folder.glob("*.toml"))
    return [load_study(s, components, folder=folder) for s in specs]


def priors_components(priors) -> list[str]:
    """Components with an opposition prior in a priors object (what a poll can ask about)."""
    names = [n for n in priors.params if n.startswith(OPPOSE_PREFIX)]
    return sorted(n.removeprefix(OPPOSE_PREFIX) for n in names)
