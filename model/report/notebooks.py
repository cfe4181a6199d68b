"""Execute the analysis notebooks (``notebooks/*.ipynb``) and render them to HTML.

Every notebook opens with a code cell tagged ``parameters`` (the papermill convention) that
sets ``DRAWS``, ``TUNE``, ``CHAINS`` and ``SEED``. `execute` replaces those values (so the
test suite can run a notebook small), runs the notebook top to bottom in a fresh kernel of
*this* Python interpreter with the repository root as working directory, and returns the
executed notebook; `to_html` renders it with figures embedded; `execute_all` does both for
every notebook and writes ``<name>.html`` files atomically.

The kernel inherits the environment, so ``FEASIBILITY_CACHE`` reaches ``model.inference.fit`` and
notebooks run with the same cache as their caller (the test suite's temporary one, say).
Notebooks start with ``%matplotlib inline`` so that a ``Figure`` left as a cell's last
expression is rendered as an image whatever ``MPLBACKEND`` the caller set.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from model.constants import ROOT
from model.files import write_text

__all__ = [
    "NOTEBOOK_DIR",
    "PARAMETERS_TAG",
    "execute",
    "execute_all",
    "inject_parameters",
    "missing_requirements",
    "notebooks",
    "parameters_cell",
    "to_html",
]

REQUIREMENTS = ("nbclient", "nbformat", "nbconvert", "ipykernel")
"""What executing notebooks needs: the ``report`` extra of pyproject.toml."""

NOTEBOOK_DIR = ROOT / "notebooks"


def missing_requirements() -> list[str]:
    """The packages of the ``report`` extra that are not installed (empty when all are)."""
    return [name for name in REQUIREMENTS if importlib.util.find_spec(name) is None]


PARAMETERS_TAG = "parameters"
_ASSIGNMENT = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*=")


def notebooks(directory: str | Path = NOTEBOOK_DIR) -> list[Path]:
    """The notebooks of a folder, in name order (``01-...``, ``02-...``).

    Parameters
    ----------
    directory : str or Path
        Folder to list; default ``notebooks/`` of the repository.

    Returns
    -------
    list of Path
    """
    return sorted(p for p in Path(directory).glob("*.ipynb") if not p.name.startswith("."))


def parameters_cell(nb) -> Any:
    """The first code cell tagged ``parameters``.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A notebook.

    Returns
    -------
    nbformat.NotebookNode
        The cell.

    Raises
    ------
    ValueError
        If no code cell carries the tag.
    """
    for cell in nb.cells:
        if cell.cell_type == "code" and PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            return cell
    raise ValueError(f"no code cell is tagged {PARAMETERS_TAG!r}; tag the parameters cell")


def inject_parameters(nb, params: dict[str, Any]) -> None:
    """Replace the values assigned in the parameters cell, in place.

    Each line ``NAME = ...`` of the parameters cell whose ``NAME`` is a key of ``params`` is
    rewritten as ``NAME = repr(value)``; other lines are kept.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook to change.
    params : dict
        Name -> new value (a literal whose ``repr`` is valid Python).

    Raises
    ------
    ValueError
        If a name is not assigned in the parameters cell (a typo would otherwise be ignored).
    """
    cell = parameters_cell(nb)
    lines = cell.source.splitlines()
    seen = set()
    for i, line in enumerate(lines):
        match = _ASSIGNMENT.match(line)
        if match and match["name"] in params:
            name = match["name"]
            lines[i] = f"{name} = {params[name]!r}"
            seen.add(name)
    unknown = sorted(set(params) - seen)
    if unknown:
        raise ValueError(
            f"parameters {unknown} are not set in the parameters cell; it sets "
            f"{sorted(m['name'] for m in map(_ASSIGNMENT.match, lines) if m)}"
        )
    lines.append("# values replaced by model.notebooks.execute")
    cell.source = "\n".join(lines)


def _kernel_manager_class():
    """An nbclient kernel manager whose ``python3`` kernel is this interpreter (``sys.executable``).

    A user-level ``python3`` kernelspec may point to another Python; this one never does.
    """
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class ThisInterpreterSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            if kernel_name == "python3":
                return KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())
            return super().get_kernel_spec(kernel_name)

    class ThisInterpreterKernelManager(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _kernel_spec_manager_default(self):
            return ThisInterpreterSpecs(data_dir=self.data_dir)

    return ThisInterpreterKernelManager


def execute(path: str | Path, *, params: dict[str, Any] | None = None, timeout: int = 900):
    """Execute a notebook top to bottom and return the executed notebook.

    Parameters
    ----------
    path : str or Path
        The ``.ipynb`` file (it is read, never written).
    params : dict, optional
        New values for the parameters cell, e.g. ``{"DRAWS": 200, "TUNE": 200, "CHAINS": 2}``.
    timeout : int
        Seconds allowed per cell.

    Returns
    -------
    nbformat.NotebookNode
        The notebook with its outputs.

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        If a cell raises; the message carries the cell's traceback.
    ValueError
        If ``params`` names a value the parameters cell does not set.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(Path(path), as_version=4)
    if params:
        inject_parameters(nb, params)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        kernel_manager_class=_kernel_manager_class(),
        resources={"metadata": {"path": str(ROOT)}},
    )
    client.execute(cwd=str(ROOT))
    return nb


def to_html(nb) -> str:
    """Render an executed notebook as one self-contained HTML page (figures embedded).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    str
        The HTML text.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(embed_images=True)
    body, _ = exporter.from_notebook_node(nb)
    return body


def execute_all(
    out_dir: str | Path,
    *,
    params: dict[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
    directory: str | Path = NOTEBOOK_DIR,
    timeout: int = 900,
) -> list[Path]:
    """Execute every notebook in order and write ``<out_dir>/<name>.html`` for each.

    Each HTML file is written to a temporary file and moved into place, so a failed run never
    leaves a half-written page. A notebook that fails stops the run (its error is raised).

    Parameters
    ----------
    out_dir : str or Path
        Folder for the HTML files (created if missing).
    params : dict, optional
        New values for each notebook's parameters cell.
    progress : callable, optional
        Called with one line of text before and after each notebook.
    directory : str or Path
        Folder holding the notebooks; default ``notebooks/``.
    timeout : int
        Seconds allowed per cell.

    Returns
    -------
    list of Path
        The HTML files written, in notebook order.
    """
    import time

    out_dir = Path(out_dir)
    written = []
    for path in notebooks(directory):
        if progress:
            progress(f"executing {path.name}")
        start = time.perf_counter()
        nb = execute(path, params=params, timeout=timeout)
        target = out_dir / f"{path.stem}.html"
        write_text(target, to_html(nb))
        written.append(target)
        if progress:
            progress(f"wrote {target} ({time.perf_counter() - start:.0f} s)")
    return written


if __name__ == "__main__":  # pragma: no cover - manual use: python -m model.notebooks OUT
    for html in execute_all(sys.argv[1] if len(sys.argv) > 1 else "reports", progress=print):
        print(html)
