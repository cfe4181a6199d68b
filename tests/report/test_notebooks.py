"""The analysis notebooks: committed clean, free of model code, and executable top to bottom.

The execution tests run each notebook small (``SMALL_PARAMS``) in a kernel of this interpreter;
the kernel inherits ``FEASIBILITY_CACHE`` from conftest, so the four notebooks share one cached
baseline fit (same priors and settings give the same cache key).
"""

import re
import sys

import nbformat
import pytest

from model.constants import ROOT
from model.report.notebooks import (
    NOTEBOOK_DIR,
    PARAMETERS_TAG,
    execute,
    execute_all,
    inject_parameters,
    notebooks,
    parameters_cell,
)

SMALL_PARAMS = {"DRAWS": 200, "TUNE": 200, "CHAINS": 2}
EXPECTED = [
    "01-baseline",
    "02-what-if",
    "03-sensitivity",
    "04-package-design",
    "05-backtest",
    "06-evidence-and-time",
]
FORBIDDEN = re.compile(r"^\s*(def|class)\s|pm\.Model|import pymc|from pymc", re.MULTILINE)
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
    assert "DRAWS = 200" in source and "CHAINS = 2" in source and "SEED = 20070815" in source
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


@pytest.mark.timeout(900)
@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_executes(path):
    nb = execute(path, params=SMALL_PARAMS, timeout=600)
    errors = [o for c in _code(nb) for o in c.outputs if o.output_type == "error"]
    assert not errors
    answer = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    assert len(answer.split()) > 20, f"{path.name}: the last cell printed no answer"
    images = [o for c in _code(nb) for o in c.outputs if "image/png" in o.get("data", {})]
    assert images, f"{path.name}: no figure rendered"


def test_notebook_dir_is_the_repo_folder():
    assert NOTEBOOK_DIR == ROOT / "notebooks"
