"""The case library: validation errors name file, row, column and fix; months come from dates."""

from datetime import date

import pandas as pd
import pytest

from model.cli.main import main
from model.constants import CASES_FILE, DAYS_PER_MONTH, TARGET_CASE_FILE
from model.errors import InputError
from model.library.cases import known_at, load_cases, resolved_on
from model.library.simulate import simulate_cases, write_case_file


@pytest.fixture
def frame():
    return simulate_cases(12, seed=3)


def _write(tmp_path, frame):
    return write_case_file(frame, tmp_path / "cases.csv")


def test_the_library_and_the_target_load():
    lib = load_cases(CASES_FILE)
    assert len(lib.cases) >= 24
    assert set(lib.cases["domain"]) <= {"aid", "security", "trade", "basing"}
    target = load_cases(TARGET_CASE_FILE, pending=True)
    assert target.cases["id"].tolist() == ["us_mexico_2007"]
    assert "us_mexico_2007" not in set(lib.cases["id"])


def test_months_are_computed_from_the_dates(tmp_path, frame):
    lib = load_cases(_write(tmp_path, frame))
    row = lib.cases[lib.cases["enacted"] == 1].iloc[0]
    want = (row["enacted_date"] - row["request_date"]).days / DAYS_PER_MONTH
    assert row["months_to_enactment"] == pytest.approx(want)
    want = (row["next_election"] - row["as_of"]).days / DAYS_PER_MONTH
    assert row["months_to_election"] == pytest.approx(want)


def _error(tmp_path, frame) -> InputError:
    with pytest.raises(InputError) as info:
        load_cases(_write(tmp_path, frame))
    return info.value


def test_missing_source(tmp_path, frame):
    frame.loc[2, "size_musd_src"] = ""
    frame.loc[2, "size_musd"] = "120"
    err = _error(tmp_path, frame)
    assert "cases.csv" in err.where and "sim002" in err.key and "line 4" in err.key
    assert "size_musd_src" in err.key and "missing source" in err.problem and err.fix


def test_unknown_source_key(tmp_path, frame):
    frame.loc[1, "as_of_src"] = "nowhere"
    err = _error(tmp_path, frame)
    assert "nowhere" in err.problem and "as_of_src" in err.key


def test_outcome_date_before_the_request(tmp_path, frame):
    i = frame.index[frame["accepted_date"] != ""][0]
    frame.loc[i, "accepted_date"] = "1900-01-01"
    err = _error(tmp_path, frame)
    assert "accepted_date" in err.key and "before the request" in err.problem


def test_unknown_column(tmp_path, frame):
    err = _error(tmp_path, frame.rename(columns={"size_musd": "size_usd"}))
    assert "size_usd" in err.key and "unknown column" in err.problem
    assert "size_musd" in err.fix


def test_non_numeric_and_out_of_range_values(tmp_path, frame):
    bad = frame.copy()
    bad.loc[0, "size_musd"] = "lots"
    bad.loc[0, "size_musd_src"] = "sim"
    err = _error(tmp_path, bad)
    assert "size_musd" in err.key and "not a number" in err.problem
    bad = frame.copy()
    bad.loc[0, "partner_opposition"], bad.loc[0, "partner_opposition_src"] = "1.7", "sim"
    err = _error(tmp_path, bad)
    assert "outside" in err.problem


def test_bad_date_and_bad_flag(tmp_path, frame):
    bad = frame.copy()
    bad.loc[0, "request_date"] = "12/03/1999"
    assert "not a date" in _error(tmp_path, bad).problem
    bad = frame.copy()
    bad.loc[0, "divided_gov"] = "yes"
    assert "not 0 or 1" in _error(tmp_path, bad).problem


def test_cli_reports_one_line_and_exit_2(tmp_path, frame, capsys):
    frame.loc[0, "request_date"] = "soon"
    path = _write(tmp_path, frame)
    assert main(["backtest", "--cases", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "request_date" in err[0] and "fix:" in err[0]


def test_known_at_hides_later_cases_and_later_outcomes(tmp_path, frame):
    lib = load_cases(_write(tmp_path, frame))
    cases = lib.cases
    origin = cases["as_of"].iloc[6]
    train = known_at(cases, origin)
    assert set(train["id"]) <= set(cases.loc[cases["as_of"] < origin, "id"])
    for row in train.itertuples():
        case = cases.set_index("id").loc[row.id]
        if not pd.isna(row.enacted):
            done = case["enacted_date"] if row.enacted == 1 else case["us_end_date"]
            assert done < origin
        if not pd.isna(row.accepted):
            assert case["accepted_date"] < origin
        if row.censored and pd.isna(row.enacted):
            want = (origin - case["request_date"]).days / DAYS_PER_MONTH
            assert row.months == pytest.approx(want)
    assert known_at(cases, date(1900, 1, 1)).empty
    assert all(resolved_on(c) is not None for c in cases.to_dict(orient="records"))
