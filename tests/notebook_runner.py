"""Run a notebook's code in this process, the way an IPython kernel would, without a kernel.

The fast suite uses `run_in_process` instead of `model.report.notebooks.execute` so that each
notebook costs its own code only: no new Python and no second import of PyMC and ArviZ. What
the kernel does and the tests rely on is done here too:

- the cell is turned into Python by IPython's own input transformer, so ``%matplotlib inline``
  becomes a ``get_ipython().run_line_magic`` call; ``%matplotlib`` is accepted (figures are
  rendered below whatever the backend) and any other magic or shell escape (``!``) fails loudly;
- every statement runs in one namespace shared by the cells; when the last statement is an
  expression its value is displayed unless the cell ends with ``;``;
- ``display`` (``IPython.display.display``, which the notebooks import) and the displayed value go
  through IPython's formatter order: ``_repr_mimebundle_``, then each
  ``_repr_*_`` method, a matplotlib ``Figure`` rendered to PNG as the inline backend does, and
  ``repr`` as text/plain; a formatter that raises fails the cell (a kernel would only warn), and
  so does an object with ``_ipython_display_`` (it needs a live IPython shell);
- figures left open in pyplot at the end of a cell are rendered and closed, as the inline
  backend's ``flush_figures`` does.

Outputs are written into the notebook's cells in nbformat's shape (``stream``,
``display_data``, ``execute_result``), so the same checks read a kernel's notebook and this one.
"""

from __future__ import annotations

import ast
import base64
import builtins
import io
import linecache
from contextlib import ExitStack, redirect_stdout
from pathlib import Path
from typing import Any
from unittest import mock

import nbformat

from model.report.notebooks import inject_parameters

ALLOWED_MAGICS = frozenset({"matplotlib"})
"""Line magics a notebook may use in the fast suite; any other one is refused."""
REPR_METHODS = {
    "text/html": "_repr_html_",
    "text/markdown": "_repr_markdown_",
    "image/svg+xml": "_repr_svg_",
    "image/png": "_repr_png_",
    "image/jpeg": "_repr_jpeg_",
    "text/latex": "_repr_latex_",
    "application/json": "_repr_json_",
    "application/javascript": "_repr_javascript_",
}
"""IPython's formatters, by MIME type, and the method each one calls."""


class MagicNotSupported(RuntimeError):
    """A notebook uses a magic or shell escape the in-process runner does not emulate."""


class _Shell:
    """The part of ``get_ipython()`` that transformed cells call."""

    def __init__(self, where: str):
        self.where = where

    def run_line_magic(self, name: str, line: str) -> None:
        if name not in ALLOWED_MAGICS:
            raise MagicNotSupported(
                f"{self.where}: %{name} {line} is not run in process; use plain Python or run "
                "the notebook in a kernel (model.report.notebooks.execute)"
            )

    def run_cell_magic(self, name: str, line: str, cell: str) -> None:
        raise MagicNotSupported(f"{self.where}: %%{name} is not run in process")

    def system(self, command: str) -> None:
        raise MagicNotSupported(f"{self.where}: the shell escape !{command} is not run in process")

    getoutput = system


class _Outputs(io.TextIOBase):
    """One cell's outputs in order: printed text joins the last stream, displays append."""

    def __init__(self):
        self.items: list[Any] = []

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.items and self.items[-1].output_type == "stream":
            self.items[-1].text += text
        else:
            self.items.append(nbformat.v4.new_output("stream", name="stdout", text=text))
        return len(text)

    def show(self, data: dict[str, Any], kind: str = "display_data", count: int | None = None):
        data = {  # binary data travels base64-encoded, as a kernel sends it
            mime: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
            for mime, value in data.items()
        }
        if kind == "execute_result":
            self.items.append(nbformat.v4.new_output(kind, data=data, execution_count=count))
        else:
            self.items.append(nbformat.v4.new_output(kind, data=data))


def _figure_png(fig) -> bytes:
    """PNG bytes of a matplotlib figure, as the inline backend renders it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def format_object(obj: Any) -> dict[str, Any]:
    """The MIME bundle IPython would display for ``obj``.

    Parameters
    ----------
    obj : object
        The value to display.

    Returns
    -------
    dict
        MIME type -> data, always with ``text/plain``.

    Raises
    ------
    TypeError
        If ``obj`` has ``_ipython_display_`` (it publishes through a live IPython shell).
    """
    from matplotlib.figure import Figure

    if hasattr(obj, "_ipython_display_"):  # it would publish through a live InteractiveShell
        raise TypeError(
            f"{type(obj).__name__} displays itself (_ipython_display_), which only a kernel runs; "
            "run this notebook in a kernel (model.report.notebooks.execute)"
        )
    data: dict[str, Any] = {}
    if hasattr(obj, "_repr_mimebundle_"):
        bundle = obj._repr_mimebundle_(include=None, exclude=None)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        data.update(bundle or {})
    for mime, method in REPR_METHODS.items():
        if mime not in data and hasattr(obj, method) and not isinstance(obj, type):
            value = getattr(obj, method)()
            if isinstance(value, tuple):
                value = value[0]
            if value is not None:
                data[mime] = value
    if isinstance(obj, Figure) and "image/png" not in data:
        data["image/png"] = _figure_png(obj)
    data.setdefault("text/plain", repr(obj))
    return data


def run_in_process(path: str | Path, params: dict[str, Any] | None = None):
    """Execute a notebook's code cells top to bottom in this process and return the notebook.

    Run it with the repository root as working directory (``monkeypatch.chdir(ROOT)``) and with
    the environment a kernel would inherit (``FEASIBILITY_CACHE``, ``FEASIBILITY_QUICK``).

    Parameters
    ----------
    path : str or Path
        The ``.ipynb`` file (read, never written).
    params : dict, optional
        New values for the parameters cell (`model.report.notebooks.inject_parameters`).

    Returns
    -------
    nbformat.NotebookNode
        The notebook with each code cell's outputs and execution count filled in.

    Raises
    ------
    Exception
        Whatever a cell raises, with a note naming the notebook and the cell.
    MagicNotSupported
        If a cell uses a magic other than ``%matplotlib`` or a shell escape.
    """
    import IPython.core.display_functions
    import IPython.display
    import matplotlib.pyplot as plt
    from IPython.core.displayhook import DisplayHook
    from IPython.core.inputtransformer2 import TransformerManager

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    if params:
        inject_parameters(nb, params)
    transform = TransformerManager().transform_cell
    open_before = set(plt.get_fignums())
    outputs = _Outputs()

    def display(*objs, **_):
        for obj in objs:
            outputs.show(format_object(obj))

    def flush_figures():
        for num in sorted(set(plt.get_fignums()) - open_before):
            outputs.show(format_object(plt.figure(num)))
            plt.close(num)

    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    with ExitStack() as stack:
        for module in (IPython.display, IPython.core.display_functions):
            stack.enter_context(mock.patch.object(module, "display", display))
        stack.enter_context(mock.patch.object(plt, "show", lambda *a, **k: flush_figures()))
        stack.callback(plt.close, "all")
        code_cells = [c for c in nb.cells if c.cell_type == "code"]
        for count, cell in enumerate(code_cells, start=1):
            where = f"{path.name} code cell {count - 1}"
            outputs.items = []
            namespace["get_ipython"] = lambda where=where: _Shell(where)
            source = transform(cell.source)
            filename = f"<{where}>"
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            try:
                with redirect_stdout(outputs):
                    _run_cell(source, filename, namespace, outputs, count, DisplayHook)
                    flush_figures()
            except BaseException as exc:
                exc.add_note(f"raised by {where}:\n{cell.source}")
                raise
            cell.outputs = outputs.items
            cell.execution_count = count
    return nb


def _run_cell(source: str, filename: str, namespace: dict, outputs: _Outputs, count: int, hook):
    """Run every statement; display the last one's value if it is an expression."""
    body = ast.parse(source, filename=filename).body
    last = body.pop() if body and isinstance(body[-1], ast.Expr) else None
    exec(compile(ast.Module(body=body, type_ignores=[]), filename, "exec"), namespace)
    if last is None:
        return
    value = eval(compile(ast.Expression(body=last.value), filename, "eval"), namespace)
    if value is not None and not hook.semicolon_at_end_of_expression(source):
        outputs.show(format_object(value), "execute_result", count)
