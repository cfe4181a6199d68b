"""A case file with a wrong row is refused in one line naming file, case, column and fix.

Each test breaks one thing in a small simulated library (`simulate_cases`) and loads it.
"""

from datetime import date

import pytest

from model.errors import InputError
from model.library.cases import load_cases, resolved_on
from model.library.simulate import simulate_cases, write_case_file


@pytest.fixture(scope="module")
def clean():
    return simulate_cases(12, seed=3)


@pytest.fixture
def frame(clean):
    return clean.copy()


def _error(tmp_path, frame) -> InputError:
    path = write_case_file(frame, tmp_path / "cases.csv")
    with pytest.raises(InputError) as info:
        load_cases(path)
    err = info.value
    assert "cases.csv" in str(err.where) and err.fix
    assert "\n" not in err.line()
    return err


def _row(frame, rule) -> int:
    """The index of the first row ``rule`` holds for (the simulated library has every kind)."""
    return frame.index[frame.apply(rule, axis=1)][0]


def test_an_episode_that_is_not_an_id(tmp_path, frame):
    frame["episode"] = ""
    frame.loc[3, "episode"] = "Plan Colombia"
    err = _error(tmp_path, frame)
    assert "sim003" in err.key and "episode" in err.key and "not a snake_case id" in err.problem


def test_a_required_flag_left_empty(tmp_path, frame):
    frame.loc[1, "divided_gov"] = ""
    err = _error(tmp_path, frame)
    assert "sim001" in err.key and "divided_gov" in err.key
    assert err.problem == "empty" and "its source" in err.fix


def test_a_size_without_its_year(tmp_path, frame):
    i = _row(frame, lambda r: r["size_musd"] != "")
    frame.loc[i, "size_year"] = ""
    err = _error(tmp_path, frame)
    assert "size_year" in err.key and "empty while size_musd is given" in err.problem


def test_a_poll_dated_after_the_as_of_date(tmp_path, frame):
    i = _row(frame, lambda r: r["partner_poll_date"] != "")
    frame.loc[i, "partner_poll_date"] = frame.loc[i, "request_date"]
    err = _error(tmp_path, frame)
    assert "partner_poll_date" in err.key and "is after as_of" in err.problem


def test_a_needed_acceptance_left_empty(tmp_path, frame):
    i = _row(frame, lambda r: r["partner_needed"] == "1")
    frame.loc[i, ["accepted", "accepted_date"]] = ""
    err = _error(tmp_path, frame)
    assert "accepted" in err.key and "empty while partner_needed = 1" in err.problem


def test_an_enactment_date_without_an_outcome(tmp_path, frame):
    i = _row(frame, lambda r: r["enacted"] == "0")
    frame.loc[i, "enacted"] = ""
    frame.loc[i, "enacted_date"] = frame.loc[i, "us_end_date"]
    frame.loc[i, "enacted_date_src"] = "sim"
    err = _error(tmp_path, frame)
    assert "enacted_date" in err.key and "given while enacted is empty" in err.problem
    assert "enacted = 1" in err.fix


def test_an_enactment_without_its_date(tmp_path, frame):
    i = _row(frame, lambda r: r["enacted"] == "1")
    frame.loc[i, "enacted_date"] = ""
    err = _error(tmp_path, frame)
    assert "enacted_date" in err.key and "empty while enacted = 1" in err.problem


def test_an_acceptance_without_its_date(tmp_path, frame):
    i = _row(frame, lambda r: r["accepted"] != "")
    frame.loc[i, "accepted_date"] = ""
    err = _error(tmp_path, frame)
    assert "accepted_date" in err.key and "empty while accepted is given" in err.problem


def test_a_duplicate_id(tmp_path, frame):
    frame.loc[5, "id"] = frame.loc[4, "id"]
    err = _error(tmp_path, frame)
    assert "sim004" in err.key and "duplicate or empty id" in err.problem


def test_a_missing_column(tmp_path, frame):
    err = _error(tmp_path, frame.drop(columns=["size_year", "size_year_src"]))
    assert err.key == "column 'size_year'" and err.problem == "missing"


def test_an_empty_file(tmp_path, frame):
    path = write_case_file(frame, tmp_path / "cases.csv")
    path.write_text("   \n")
    with pytest.raises(InputError) as info:
        load_cases(path)
    assert info.value.where == str(path) and info.value.problem == "empty file"


def test_a_file_that_is_not_csv(tmp_path, frame):
    path = write_case_file(frame, tmp_path / "cases.csv")
    path.write_text('id,name\n"sim000,"unclosed\nsim001,b,c,d\n')
    with pytest.raises(InputError) as info:
        load_cases(path)
    assert info.value.where == str(path) and info.value.problem.startswith("not a readable CSV (")
    assert "UTF-8 CSV" in info.value.fix


def test_a_sources_file_without_citations(tmp_path, frame):
    path = write_case_file(frame, tmp_path / "cases.csv")
    sources = tmp_path / "cases_sources.csv"
    sources.write_text("key,date,url\nsim,,\n")
    with pytest.raises(InputError) as info:
        load_cases(path)
    assert info.value.where == str(sources) and info.value.key == "column 'citation'"


def test_the_digest_follows_the_rows_not_the_file(tmp_path, frame):
    one = load_cases(write_case_file(frame, tmp_path / "a" / "cases.csv"))
    again = load_cases(write_case_file(frame, tmp_path / "b" / "cases.csv"))
    assert one.digest() == again.digest() and len(one.digest()) == 16
    frame.loc[0, "size_musd"], frame.loc[0, "size_musd_src"] = "120", "sim"
    frame.loc[0, "size_year"], frame.loc[0, "size_year_src"] = "1987", "sim"
    changed = load_cases(write_case_file(frame, tmp_path / "c" / "cases.csv"))
    assert changed.digest() != one.digest()


def test_a_case_is_resolved_when_its_last_needed_outcome_is_known():
    us = {"us_needed": 1, "enacted": 1, "enacted_date": date(2008, 6, 30), "partner_needed": 1}
    both = us | {"accepted": 1, "accepted_date": date(2008, 7, 15)}
    assert resolved_on(both) == date(2008, 7, 15)
    assert resolved_on(both | {"accepted_date": None}) is None  # still pending
    neither = {"us_needed": 0, "partner_needed": 0, "as_of": date(2007, 8, 15)}
    assert resolved_on(neither) == date(2007, 8, 15)
