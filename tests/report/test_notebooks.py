"""The analysis notebooks: committed clean, free of model code, and executable top to bottom.

``make test`` runs each notebook's code in this process (``tests/notebook_runner.py``: every
cell in one namespace, the last expression displayed through IPython's formatters, figures
rendered to PNG), at the suite's sampler size (``SMALL``, the same seed) with the repository
root as working directory: notebooks 01-04 and 06 read the session's cached baseline fit (same
priors and settings give the same cache key) and notebook 02's scenario refits are the report
test's. Notebook 05 runs its backtest from ``QUICK_SINCE`` only (one training set; the
backtest's posteriors are exact grids, no sampling) and its two 2007 fits are the baseline's and
the report's ``judgment_priors`` refit, read from the cache. A real kernel costs a new Python
and a fresh import of PyMC and ArviZ per notebook, so the fast suite starts one only for a probe
notebook (``test_kernel_is_this_interpreter_in_the_repo_root``: this interpreter, the repository
root, the parameters and the cache reach the kernel, and HTML is written).

``make test-slow`` executes every notebook in a real Jupyter kernel
(``model.report.notebooks.execute``, as ``make reports`` does) at ``SMALL`` over its whole
backtest range with the default backtest settings, with the same checks.
"""

import base64
import re
import sys

import matplotlib.pyplot as plt
import nbformat
import pytest

from model.constants import ROOT
from model.report.notebooks import (
    PARAMETERS_TAG,
    execute,
    execute_all,
    inject_parameters,
    notebooks,
    parameters_cell,
)
from tests.conftest import SMALL
from tests.notebook_runner import MagicNotSupported, run_in_process

SMALL_PARAMS = {"DRAWS": SMALL["draws"], "TUNE": SMALL["tune"], "CHAINS": SMALL["chains"]}
QUICK_SINCE = 2016
"""Notebook 05's first forecast year in the fast suite: two cases, one training set."""
EXPECTED = [
    "01-baseline",
    "02-what-if",
    "03-sensitivity",
    "04-package-design",
    "05-backtest",
    "06-evidence-and-time",
]
FORBIDDEN = re.compile(
    r"^\s*(def|class)\s|pm\.Model|import pymc|from pymc|from model\.|import model\.", re.MULTILINE
)
"""Model code in a notebook, or an import from below the package's top level."""
PATHS = notebooks()


def _read(path):
    return nbformat.read(path, as_version=4)


def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_the_six_notebooks_exist():
    assert [p.stem for p in PATHS] == EXPECTED


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_committed_notebook_is_clean(path):
    nb = _read(path)
    nbformat.validate(nb)
    for i, cell in enumerate(_code(nb)):
        assert cell.outputs == [], f"{path.name}: code cell {i} has outputs; clear them"
        assert cell.execution_count is None, f"{path.name}: code cell {i} has an execution count"
    first = nb.cells[0]
    assert first.cell_type == "markdown" and "question" in first.source.lower(), (
        f"{path.name} must open with a markdown cell stating the question"
    )
    code = _code(nb)
    assert PARAMETERS_TAG in code[0].metadata.get("tags", []), "first code cell must be tagged"
    for name in ("DRAWS", "TUNE", "CHAINS", "SEED"):
        assert re.search(rf"^{name} = \d+$", code[0].source, re.MULTILINE), name
    assert nb.cells[-1].cell_type == "code" and "print(" in nb.cells[-1].source, (
        f"{path.name} must end with a cell that prints the answer in words"
    )


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_defines_no_model_code(path):
    nb = _read(path)
    for i, cell in enumerate(_code(nb)):
        found = FORBIDDEN.search(cell.source)
        assert found is None, f"{path.name}: code cell {i} defines model code ({found.group()!r})"
    sources = "\n".join(c.source for c in _code(nb))
    assert "from model" in sources


def test_inject_parameters_replaces_values_and_rejects_unknown_names():
    nb = _read(PATHS[0])
    inject_parameters(nb, SMALL_PARAMS)
    source = parameters_cell(nb).source
    assert f"DRAWS = {SMALL['draws']}" in source and f"CHAINS = {SMALL['chains']}" in source
    assert "SEED = 20070815" in source
    assert "DRAWS = 1000" not in source
    with pytest.raises(ValueError, match="DRAWZ"):
        inject_parameters(_read(PATHS[0]), {"DRAWZ": 10})


def test_kernel_is_this_interpreter_in_the_repo_root(tmp_path):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("X = 1")
    params.metadata["tags"] = [PARAMETERS_TAG]
    probe = "import os, sys\nprint(sys.executable, os.getcwd(), X, os.environ['FEASIBILITY_CACHE'])"
    nb.cells = [nbformat.v4.new_markdown_cell("# probe"), params, nbformat.v4.new_code_cell(probe)]
    nbformat.write(nb, tmp_path / "probe.ipynb")

    done = execute(tmp_path / "probe.ipynb", params={"X": 7}, timeout=120)
    executable, cwd, x, cache = done.cells[-1].outputs[0]["text"].split()
    assert (executable, cwd, x) == (sys.executable, str(ROOT), "7")
    assert cache  # the kernel inherits the test's cache folder

    written = execute_all(tmp_path / "html", directory=tmp_path, progress=lambda _: None)
    assert written == [tmp_path / "html" / "probe.html"]
    assert "<html" in written[0].read_text() and not list((tmp_path / "html").glob(".*"))


def _probe(tmp_path, *sources: str):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("X = 1")
    params.metadata["tags"] = [PARAMETERS_TAG]
    nb.cells = [params, *map(nbformat.v4.new_code_cell, sources)]
    nbformat.write(nb, tmp_path / "probe.ipynb")
    return tmp_path / "probe.ipynb"


def test_in_process_runner_displays_as_ipython_does_and_refuses_other_magics(tmp_path):
    probe = _probe(
        tmp_path,
        "%matplotlib inline\nimport pandas as pd\nfrom IPython.display import display\n"
        "display(pd.DataFrame({'a': [X]}))\nprint('shown')\nX + 1",
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([0, 1]);",
        "from matplotlib.figure import Figure\nFigure()\n",
        "X;",
    )
    nb = run_in_process(probe, {"X": 41})
    frame, printed, value = nb.cells[1].outputs
    assert "<table" in frame.data["text/html"] and "41" in frame.data["text/html"]
    assert printed.text == "shown\n" and value.data == {"text/plain": "42"}
    assert [o.output_type for o in nb.cells[2].outputs] == ["display_data"]  # pyplot, flushed
    assert [o.output_type for o in nb.cells[3].outputs] == ["execute_result"]  # a Figure value
    for cell in nb.cells[2:4]:
        assert base64.b64decode(cell.outputs[0].data["image/png"]).startswith(b"\x89PNG")
    assert nb.cells[4].outputs == [] and plt.get_fignums() == []  # `;` hides; all closed

    with pytest.raises(MagicNotSupported, match=re.escape("probe.ipynb code cell 1: %timeit")):
        run_in_process(_probe(tmp_path, "%timeit X"))
    with pytest.raises(MagicNotSupported, match="!ls"):
        run_in_process(_probe(tmp_path, "!ls"))
    shown = "class Shown:\n    def _ipython_display_(self):\n        pass\n\nShown()"
    with pytest.raises(TypeError, match="_ipython_display_"):
        run_in_process(_probe(tmp_path, shown))
    with pytest.raises(ZeroDivisionError) as raised:
        run_in_process(_probe(tmp_path, "X = 1", "X / 0"))
    assert "probe.ipynb code cell 2" in raised.value.__notes__[0]


def _check(path, nb, small_fit):
    """What every run of a notebook must show, in a kernel or in process."""
    errors = [o for c in _code(nb) for o in c.outputs if o.output_type == "error"]
    assert not errors
    answer = _printed(nb.cells[-1])
    assert len(answer.split()) > 20, f"{path.name}: the last cell printed no answer"
    images = [o for c in _code(nb) for o in c.outputs if "image/png" in o.get("data", {})]
    assert images, f"{path.name}: no figure rendered"
    if path.stem == "01-baseline":  # the notebook's answer is `run`'s, from the same fit
        from model.analysis.baseline import run_summary

        s = run_summary(small_fit)
        deal = s["p_deal"]
        assert f"{deal['mean']:.0%} chance (90% interval {deal['lo']:.0%} to" in answer
        assert f"to enactment is {s['months_to_enactment']['mean']:.1f} months" in answer


def _printed(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def _has(nb, name: str) -> bool:
    return re.search(rf"^{name} = ", parameters_cell(nb).source, re.MULTILINE) is not None


@pytest.mark.timeout(900)
@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_runs_in_process(path, small_fit, monkeypatch):
    params = dict(SMALL_PARAMS)
    if _has(_read(path), "SINCE"):
        params |= {"SINCE": QUICK_SINCE, "WORKERS": 1}
    monkeypatch.chdir(ROOT)
    _check(path, run_in_process(path, params), small_fit)


@pytest.mark.slow
@pytest.mark.timeout(3600)
@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_executes_in_full(path, small_fit):
    """In a real kernel, the whole backtest range and the default backtest settings."""
    _check(path, execute(path, params=SMALL_PARAMS, timeout=600), small_fit)
