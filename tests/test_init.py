"""The public facade: ``from model import ...`` gives the functions the README and notebooks use."""

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import model

ROOT = Path(__file__).resolve().parents[1]


def test_every_export_resolves_to_its_module():
    wrong = []
    for name in sorted(model.EXPORTS):
        module = importlib.import_module(model.EXPORTS[name])
        if getattr(model, name) is not (module if name == "plots" else getattr(module, name)):
            wrong.append(f"{name} (from {model.EXPORTS[name]})")
    assert wrong == []


def test_all_lists_exactly_the_exports():
    assert set(model.__all__) == {"InputError", *model.EXPORTS}
    assert sorted(dir(model)) == sorted(model.__all__)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'fitt'"):
        model.fitt  # noqa: B018


def test_import_model_loads_no_heavy_library():
    code = "import sys, model; print([m for m in ('pymc', 'arviz', 'preliz') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_notebooks_and_readme_import_only_the_facade_names():
    used = set()
    texts = [(ROOT / "README.md").read_text(encoding="utf-8")]
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts += ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    for text in texts:
        for block in re.findall(r"from model import \(?([^)\n]*(?:\n[^)]*)*?)\)?\n", text):
            used |= {n.strip() for n in block.replace("\n", ",").split(",") if n.strip()}
    assert used, "no `from model import` found"
    assert used <= set(model.__all__), sorted(used - set(model.__all__))
