"""Small outputs with one job each: strict JSON values, bounded reading, provenance stamps."""

import subprocess
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import model.inference.stamps as stamps
from model.errors import InputError
from model.files import read_input, read_text
from model.views.payloads import strict, to_json


def test_strict_json_writes_dates_as_iso_and_missing_as_null():
    value = {
        "as_of": date(2007, 8, 15),
        "when": pd.Timestamp("2008-06-30"),
        "missing": pd.NA,
        "where": Path("data/cases.csv"),
        "n": np.int64(3),
        "ok": np.bool_(True),
        "p": [np.float64("nan"), 0.5],
    }
    assert strict(value) == {
        "as_of": "2007-08-15",
        "when": "2008-06-30T00:00:00",
        "missing": None,
        "where": "data/cases.csv",
        "n": 3,
        "ok": True,
        "p": [None, 0.5],
    }
    assert "NaN" not in to_json(value)


def test_a_missing_timestamp_is_null_in_strict_json():
    assert strict({"enacted": pd.NaT}) == {"enacted": None}


def test_a_path_through_a_file_is_refused_naming_why(tmp_path):
    afile = tmp_path / "notes.txt"
    afile.write_text("x")
    with pytest.raises(InputError) as info:
        read_input(afile / "priors.toml", what="priors file")
    assert info.value.key == "(file)" and info.value.problem == "cannot read it (Not a directory)"


def test_a_file_larger_than_its_stated_size_is_still_capped():
    """Files of /proc report size 0 but hold more: the read itself stops at the limit."""
    path = Path("/proc/self/maps")
    if not path.exists():
        pytest.skip("no /proc here")
    with pytest.raises(InputError) as info:
        read_input(path, limit=1024)
    assert info.value.problem == "larger than 1 KiB" and info.value.fix == "give the right file"


def test_text_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes("id,name\nmx,Méxíco\n".encode("latin-1"))
    with pytest.raises(InputError) as info:
        read_text(path)
    assert info.value.problem.startswith("not UTF-8 text (") and "UTF-8" in info.value.fix
    path.write_bytes("\ufeffid,name\n".encode())
    assert read_text(path) == "id,name\n"  # a byte-order mark is dropped, not refused


def test_versions_say_not_installed_for_a_missing_package(monkeypatch):
    monkeypatch.setattr(stamps, "PACKAGES", ("numpy", "no_such_package_for_this_test"))
    got = stamps.versions()
    assert got["no_such_package_for_this_test"] == "not installed"
    assert got["numpy"] == np.__version__


def test_the_commit_is_unknown_without_git(monkeypatch):
    def no_git(*args, **kwargs):
        raise FileNotFoundError("git")

    monkeypatch.setattr(stamps.subprocess, "run", no_git)
    assert stamps.git_commit() == "unknown"

    def hangs(*args, **kwargs):
        raise subprocess.TimeoutExpired("git", 5)

    monkeypatch.setattr(stamps.subprocess, "run", hangs)
    assert stamps.git_commit() == "unknown"
