"""Evidence files: dates, sources, the as-of filter and the poll readings."""

from datetime import date

import pytest

from model.case.evidence import load_evidence, months_between
from model.constants import DATA_DIR


def test_baseline_evidence_rows_and_readings():
    ev = load_evidence(DATA_DIR, as_of=date(2007, 8, 15), poll_reading="article")
    assert set(ev.poll["component"]) == {"funds", "troops"}
    assert list(ev.poll["opposed"]) == [385, 385]
    assert ev.reference["censored"].sum() == 1
    assert ev.refused == []
    item = load_evidence(DATA_DIR, as_of=date(2007, 8, 15), poll_reading="item")
    assert set(item.poll["component"]) == {"funds", "troops", "training"}
    assert item.digest() != ev.digest()
    both = load_evidence(DATA_DIR, as_of=date(2007, 8, 15), poll_reading="both")
    assert sorted(both.poll["reading"]) == ["article", "article", "item", "item", "item"]


def test_rows_after_the_as_of_date_are_refused_and_listed():
    ev = load_evidence(DATA_DIR, as_of=date(2007, 7, 1), poll_reading="article")
    assert any("reference_class.csv row 5 dated 2007-08-15" in r for r in ev.refused)
    assert any("calendar.csv row 2 dated 2007-08-01" in r for r in ev.refused)
    assert all(d <= date(2007, 7, 1) for d in ev.reference["date"])
    assert len(ev.reference) == 3


def test_poll_after_as_of_leaves_no_reading():
    from model.errors import InputError

    with pytest.raises(InputError, match="no poll rows"):
        load_evidence(DATA_DIR, as_of=date(2007, 6, 1), poll_reading="article")


def test_calendar_months_from_as_of():
    ev = load_evidence(DATA_DIR, as_of=date(2007, 8, 15), poll_reading="article")
    assert ev.months("election") == pytest.approx(
        months_between(date(2007, 8, 15), date(2008, 11, 4))
    )
    assert 14.5 < ev.months("election") < 14.9
    assert 16.5 < ev.months("lame_duck_end") < 16.7
