"""The coding manual's mechanical rules (data/cases.md), checked by the loader and here."""

import re
from datetime import date

import numpy as np
import pandas as pd
import pytest

from model.constants import CASES_FILE
from model.errors import InputError
from model.library.cases import case_rows, covariates, episode_weights, known_at, load_cases
from model.library.coding import BALANCE_END, BALANCE_START, balance_markdown, balance_table
from model.library.rules import next_general_election
from model.library.simulate import simulate_cases, write_case_file

MANUAL = CASES_FILE.with_name("cases.md")
SOURCES = CASES_FILE.with_name("case_sources.csv")


@pytest.fixture
def frame():
    return simulate_cases(12, seed=3)


def _load(tmp_path, frame):
    return load_cases(write_case_file(frame, tmp_path / "cases.csv"))


def _error(tmp_path, frame) -> InputError:
    with pytest.raises(InputError) as info:
        _load(tmp_path, frame)
    assert "\n" not in str(info.value)
    return info.value


def _row(frame, **where):
    mask = np.ones(len(frame), bool)
    for col, value in where.items():
        mask &= (frame[col] == value).to_numpy()
    return frame.index[mask][0]


def test_a_partner_decision_is_coded_only_where_partner_needed(tmp_path, frame):
    i = _row(frame, partner_needed="0")
    for col, value in (("accepted", "1"), ("accepted_date", frame.loc[i, "as_of"])):
        bad = frame.copy()
        bad.loc[i, col], bad.loc[i, f"{col}_src"] = value, "sim"
        err = _error(tmp_path, bad)
        assert col in err.key and "partner_needed = 0" in err.problem


def test_enacted_may_be_empty_only_as_censored_at_us_end_date(tmp_path, frame):
    i = _row(frame, us_needed="1", enacted="1")
    bad = frame.copy()
    bad.loc[i, ["enacted", "enacted_src", "enacted_date", "enacted_date_src"]] = ""
    err = _error(tmp_path, bad)
    assert "enacted" in err.key and "us_end_date" in err.fix
    end = (pd.Timestamp(frame.loc[i, "request_date"]) + pd.Timedelta(days=40)).date()
    bad.loc[i, ["us_end_date", "us_end_date_src"]] = [end.isoformat(), "sim"]
    lib = _load(tmp_path, bad)
    case = lib.cases.set_index("id").loc[frame.loc[i, "id"]]
    assert np.isnan(case["enacted"])
    train = known_at(lib.cases, date(2100, 1, 1)).set_index("id").loc[frame.loc[i, "id"]]
    assert np.isnan(train["enacted"]) and train["censored"]
    assert train["months"] == pytest.approx(case["months_to_us_end"])


def test_rows_of_one_episode_share_its_outcome(tmp_path, frame):
    i, j = frame.index[(frame["us_needed"] == "1") & (frame["enacted"] == "1")][:2]
    bad = frame.copy()
    first = min(bad.loc[i, "as_of"], bad.loc[j, "as_of"])  # put together, decided apart
    bad.loc[[i, j], ["as_of", "request_date"]] = first
    bad.loc[[i, j], "next_election"] = next_general_election(date.fromisoformat(first)).isoformat()
    bad.loc[[i, j], ["partner_opposition", "partner_poll_date"]] = ""
    bad.loc[[i, j], "episode"] = "one_deal"
    bad.loc[[i, j], "episode_src"] = "sim"
    assert "not the id of its earliest row" in _error(tmp_path, bad).problem
    bad.loc[[i, j], "episode"] = min(bad.loc[[i, j], "id"])  # both put on the same day
    err = _error(tmp_path, bad)
    assert frame.loc[i, "id"] in err.key and frame.loc[j, "id"] in err.key
    assert f"episode {min(bad.loc[[i, j], 'id'])}" in err.key and "enacted" in err.key
    later = max(bad.loc[i, "enacted_date"], bad.loc[j, "enacted_date"])
    bad.loc[[i, j], "enacted_date"] = later
    lib = _load(tmp_path, bad)
    weights = episode_weights(lib.cases)
    assert weights[lib.cases["episode"] == min(bad.loc[[i, j], "id"])].tolist() == [0.5, 0.5]
    assert weights.sum() == pytest.approx(lib.cases["episode"].nunique())


def test_the_library_episodes_are_the_named_decisions():
    cases = load_cases(CASES_FILE).cases.set_index("id")
    assert cases.loc["manas_transit_2009", "episode"] == cases.loc["manas_closure_2009", "episode"]
    fta = cases.loc[["colombia_tpa_2006", "panama_tpa_2007", "korus_fta_2007"], "episode"]
    assert len(set(fta)) == 1
    contra = cases.loc[["contra_aid_1985", "contra_aid_1986", "contra_aid_1988"], "episode"]
    assert len(set(contra)) == 3


def test_no_forecast_reads_the_enacted_conditions(tmp_path, frame):
    bad = frame.copy()
    bad["conditions_enacted"], bad["conditions_enacted_src"] = "1", "sim"
    lib = _load(tmp_path, bad)
    assert "conditions_enacted" not in lib.cases.columns
    assert lib.later["conditions_enacted"].eq(1).all()
    late = known_at(lib.cases, date(2100, 1, 1))
    for table in (covariates(lib.cases), case_rows(lib.cases), late):
        assert not any("enacted_cond" in c or c == "conditions_enacted" for c in table.columns)
    assert "episode" in known_at(lib.cases, date(2100, 1, 1)).columns


def test_the_balance_table_in_the_manual_is_the_files():
    cases = load_cases(CASES_FILE).cases
    text = MANUAL.read_text()
    block = text[text.index(BALANCE_START) : text.index(BALANCE_END) + len(BALANCE_END)]
    assert block == balance_markdown(cases), (
        "regenerate the block with model.library.coding.balance_markdown(load_cases().cases)"
    )
    table = balance_table(cases)
    assert table.loc["all", "cases"] == len(cases)
    assert (
        table.loc["all", "enacted"] + table.loc["all", "failed"] + table.loc["all", "censored"]
        == table.loc["all", "us_needed"]
    )


# The package being forecast and what descends from it, spelled in parts so that a search of
# the case files for its name finds only this test.
EXCLUDED = (
    "merida",
    "m\u00e9rida",
    "plan mexico",
    "carsi",
    "central america regional security",
    "alliance for prosperity",
    "us_mexico_2007",
)


def test_the_excluded_package_and_its_descendants_are_not_in_the_library():
    cases = load_cases(CASES_FILE).cases
    for path in (CASES_FILE, SOURCES):
        text = path.read_text(encoding="utf-8").lower()
        for term in EXCLUDED:
            assert not re.search(rf"\b{re.escape(term)}\b", text), f"{term!r} in {path.name}"
    aid = cases[cases["partner"].str.contains("Mexico") & cases["domain"].isin(["aid", "security"])]
    assert not aid["as_of"].between(date(2007, 1, 1), date(2010, 12, 31)).any()


def test_no_placeholder_dates_and_sources_for_every_checked_cell():
    frame = pd.read_csv(CASES_FILE, dtype=str, keep_default_na=False).set_index("id")
    checked = {
        ("contra_aid_1985", "request_date"): "1985-04-03",
        ("contra_aid_1986", "request_date"): "1986-02-25",
        ("el_salvador_military_aid_fy1991", "request_date"): "1990-01-29",
        ("andean_ci_2002", "request_date"): "2001-04-09",
        ("iraq_extension_2011", "accepted_date"): "2011-10-04",
        ("afghan_bsa_2013", "request_date"): "2013-11-20",
        ("mexico_loan_guarantees_1995", "request_date"): "1995-01-12",
    }
    for (row, col), value in checked.items():
        assert frame.loc[row, col] == value
        assert frame.loc[row, f"{col}_src"] and not frame.loc[row, f"{col}_src"].startswith("UNV")
    assert (frame["as_of"] == frame["request_date"]).all()


def test_a_source_cell_may_end_in_an_unverified_note(tmp_path, frame):
    plain = _load(tmp_path, frame).unverified
    noted = frame.copy()
    noted.loc[0, "as_of_src"] = "sim; UNVERIFIED: the day; inferred from a later report"
    assert _load(tmp_path, noted).unverified == plain + 1
    noted.loc[0, "as_of_src"] = "nowhere; UNVERIFIED: the day"
    assert "nowhere" in _error(tmp_path, noted).problem


def test_the_fy2008_supplemental_stays_pending_on_the_as_of_date():
    ref = pd.read_csv(CASES_FILE.with_name("reference_class.csv"), dtype=str, keep_default_na=False)
    row = ref[ref["package"].str.startswith("FY2008 war supplemental")].squeeze()
    assert row["enacted"] == "" and row["censored"] == "true" and row["date"] == "2007-08-15"


def test_next_election_is_computed_by_the_rule(tmp_path, frame):
    assert next_general_election(date(2007, 8, 15)) == date(2008, 11, 4)
    assert next_general_election(date(2008, 11, 4)) == date(2010, 11, 2)
    assert next_general_election(date(1991, 8, 27)) == date(1992, 11, 3)
    bad = frame.copy()
    bad.loc[0, "next_election"] = "2100-11-02"
    err = _error(tmp_path, bad)
    assert "next_election" in err.key and "not the next general election" in err.problem
