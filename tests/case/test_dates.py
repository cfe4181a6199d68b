"""Dates and consistency rules (model/case/dates.py), the bounded reader and the finite waits."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta

import pytest

import model.case.dates as dates
from model.constants import ROOT, lock_wait_seconds
from model.errors import InputError
from model.files import create_text, read_input

TOMORROW = date.today() + timedelta(days=1)


def _fail(column, problem, fix):
    return InputError("cases.csv", f"row x column {column}", problem, fix)


def test_nothing_dated_after_today():
    dates.not_after_today("f", "k", date.today())
    with pytest.raises(InputError, match="is after today"):
        dates.not_after_today("f", "k", TOMORROW)


def test_a_case_dated_tomorrow_is_refused_but_its_next_election_may_be_ahead():
    case = {"as_of": date(2007, 1, 1), "request_date": date(2007, 1, 2)}
    dates.check_case(_fail, case | {"next_election": TOMORROW + timedelta(days=400)})
    with pytest.raises(InputError, match=r"column enacted_date: .* is after today"):
        dates.check_case(_fail, case | {"enacted_date": TOMORROW})


def test_an_outcome_before_the_cases_as_of_is_refused():
    case = {"as_of": date(2007, 6, 1), "request_date": date(2007, 1, 2)}
    dates.check_case(_fail, case | {"accepted_date": date(2007, 6, 1)})
    with pytest.raises(InputError, match="before the case's as_of"):
        dates.check_case(_fail, case | {"us_end_date": date(2007, 5, 31)})


AS_OF = date(2007, 8, 15)


def _calendar(*rows):
    roles, when = zip(*rows, strict=True)
    return list(roles), list(when), list(range(2, 2 + len(rows)))


def test_a_sound_calendar_passes():
    dates.check_calendar(
        "calendar.csv",
        *_calendar(
            ("mark", date(2008, 1, 1)),
            ("election", date(2008, 11, 4)),
            ("lame_duck_end", date(2009, 1, 3)),
            ("mark", date(2008, 2, 5)),
        ),
        AS_OF,
    )


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ((("election", date(2007, 6, 1)),), "not after the as-of date"),
        ((("election", date(2008, 11, 4)), ("election", date(2008, 12, 1))), "a second election"),
        ((("election", date(2008, 11, 4)), ("lame_duck_end", date(2008, 10, 1))), "not after the"),
        ((("lame_duck_end", date(2009, 1, 3)), ("lame_duck_end", date(2009, 1, 4))), "second"),
    ],
)
def test_calendar_rules_refuse_with_the_row(rows, problem):
    with pytest.raises(InputError, match=problem) as err:
        dates.check_calendar("calendar.csv", *_calendar(*rows), AS_OF)
    assert err.value.line().startswith("calendar.csv: row ")


def test_a_typo_in_the_poll_reading_is_refused():
    dates.check_readings("poll.csv", ["article", "item"], [2, 3])
    with pytest.raises(InputError, match="row 3 reading='artcle': unknown reading"):
        dates.check_readings("poll.csv", ["article", "artcle"], [2, 3])


def test_one_option_per_structural_choice():
    got = dates.variant_options("--variant", "", ["baseline", "falling_hazard", "shared_factor"])
    assert got == {"window": "falling_hazard", "hurdles": "shared_factor"}
    with pytest.raises(InputError, match=r"two options of one structural choice \(window\)"):
        dates.variant_options("--variant", "", ["hard_window", "falling_hazard"])
    with pytest.raises(InputError, match="unknown variant option"):
        dates.variant_options("--variant", "", ["hard_windw"])


def test_special_files_are_refused_before_they_are_opened(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is a named pipe, not a regular file"):
        read_input(fifo)  # would block forever in open()
    with pytest.raises(InputError, match="is a device or socket"):
        read_input("/dev/zero")  # would read until memory runs out
    with pytest.raises(InputError, match="is a folder"):
        read_input(tmp_path)
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(InputError, match="larger than 1 KiB"):
        read_input(big, limit=1024)
    assert read_input(big, limit=4096) == b"x" * 2048


def test_a_new_file_never_replaces_an_existing_one(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text("mine")
    with pytest.raises(InputError, match="already exists"):
        create_text(path, "theirs")
    assert path.read_text() == "mine"
    create_text(tmp_path / "new.toml", "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.toml", "new.toml"]


@pytest.mark.parametrize("value", ["nan", "inf", "soon", "-1", "1e9"])
def test_lock_waits_are_finite(value, monkeypatch):
    monkeypatch.setenv("FEASIBILITY_LOCK_WAIT", value)
    with pytest.raises(InputError, match="FEASIBILITY_LOCK_WAIT"):
        lock_wait_seconds()
    monkeypatch.setenv("FEASIBILITY_LOCK_WAIT", "2.5")
    assert lock_wait_seconds() == 2.5


def test_bad_environment_is_not_an_import_failure_and_an_empty_cache_means_unset(tmp_path):
    env = dict(os.environ, FEASIBILITY_LOCK_WAIT="soon", FEASIBILITY_CACHE="", PYTHONPATH=str(ROOT))
    probe = "from model.constants import CACHE_DIR, ROOT; print(CACHE_DIR == ROOT / '.cache')"
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


@pytest.mark.slow
def test_pooled_out_anywhere_is_written_and_read_back(tmp_path):
    """The README's example: ``pooled --out`` in a folder far from the case file."""
    from model.cli.main import main
    from model.library.prior_file import read_pooled

    out = tmp_path / "elsewhere" / "pooled.json"
    out.parent.mkdir()
    assert main(["pooled", "--as-of", "2007-06-01", "--out", str(out)]) == 0
    blob = read_pooled("test", tmp_path, {"pooled": str(out)}, date(2007, 6, 1))
    assert blob["as_of"] == "2007-06-01" and set(blob["params"]) >= {"us_support", "gov_will"}
