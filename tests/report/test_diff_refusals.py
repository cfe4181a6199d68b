"""`feasibility diff` refuses what is not a run, in one line naming the file and the key."""

import json

import pytest

from model.errors import InputError
from model.report.diff import load_run


def _error(path) -> InputError:
    with pytest.raises(InputError) as info:
        load_run(path)
    err = info.value
    assert str(path) in str(err.where) and err.fix and "\n" not in err.line()
    return err


def test_a_side_that_does_not_exist(tmp_path):
    err = _error(tmp_path / "old.json")
    assert err.problem == "not found" and "--json file" in err.fix


def test_provenance_that_is_not_a_table(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"provenance": "seed 1", "p_deal": {"mean": 0.1}}))
    err = _error(path)
    assert err.key == "provenance" and err.problem == "must be a table"


def test_a_report_folder_without_its_provenance(tmp_path):
    tables = tmp_path / "report" / "tables"
    tables.mkdir(parents=True)
    (tables / "summary.csv").write_text("quantity,mean,lo,hi\np_deal,0.1,0.01,0.3\n")
    err = _error(tmp_path / "report")
    assert err.where == str(tables) and err.key == "provenance.json" and err.problem == "missing"


def test_a_summary_without_its_columns_is_not_a_report(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    (tables / "provenance.json").write_text(json.dumps({"seed": 1}))
    (tables / "summary.csv").write_text("what,value\np_deal,0.1\n")
    err = _error(tables)
    assert err.key == "(contents)"
    assert err.problem.startswith("not a report or `run --json` output (KeyError: ")
