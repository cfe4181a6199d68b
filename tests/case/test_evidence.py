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


def test_as_of_before_every_poll_row_names_the_real_cause():
    from model.errors import InputError

    with pytest.raises(InputError) as info:
        load_evidence(DATA_DIR, as_of=date(2007, 6, 1), poll_reading="article")
    line = info.value.line()
    assert "before every poll row" in line and "2007-06-16" in line
    assert str(DATA_DIR / "poll.csv") in line
    assert "poll_reading" not in line


def test_calendar_months_from_as_of():
    ev = load_evidence(DATA_DIR, as_of=date(2007, 8, 15), poll_reading="article")
    assert ev.months("election") == pytest.approx(
        months_between(date(2007, 8, 15), date(2008, 11, 4))
    )
    assert 14.5 < ev.months("election") < 14.9
    assert 16.5 < ev.months("lame_duck_end") < 16.7


def _copy(tmp_path):
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


def _error(folder, **kwargs):
    from model.errors import InputError

    with pytest.raises(InputError) as info:
        load_evidence(folder, as_of=kwargs.pop("as_of", date(2007, 8, 15)), **kwargs)
    return info.value.line()


def test_duplicate_poll_row_is_refused_not_counted_twice(tmp_path):
    folder = _copy(tmp_path)
    poll = folder / "poll.csv"
    lines = poll.read_text().splitlines()
    poll.write_text("\n".join([*lines, lines[1]]) + "\n")
    line = _error(folder)
    assert f"{poll}: row {len(lines) + 1}: repeats row 2" in line


def test_non_integer_count_is_refused(tmp_path):
    folder = _copy(tmp_path)
    poll = folder / "poll.csv"
    poll.write_text(poll.read_text().replace(",500,0.77,", ",500.7,0.77,", 1))
    assert "row 2 n=500.7: not a whole number" in _error(folder)


def test_ragged_row_names_its_own_line(tmp_path):
    folder = _copy(tmp_path)
    poll = folder / "poll.csv"
    lines = poll.read_text().splitlines()
    lines.insert(2, "")  # a blank line: pandas' row count would now be off by one
    lines[4] = lines[4] + ",extra"
    poll.write_text("\n".join(lines) + "\n")
    line = _error(folder)
    assert f"{poll}: row 5: has 8 fields, the header has 7" in line


def test_as_of_after_the_lame_duck_end_is_refused():
    line = _error(DATA_DIR, as_of=date(2099, 1, 1))
    assert "after the calendar's lame-duck end (2009-01-03" in line
    assert str(DATA_DIR / "calendar.csv") in line


def test_calendar_and_poll_errors_give_the_full_path():
    from model.errors import InputError

    ev = load_evidence(DATA_DIR, as_of=date(2007, 8, 15))
    with pytest.raises(InputError) as info:
        ev.months("no_such_role")
    assert info.value.where == str(DATA_DIR / "calendar.csv")
    line = _error(DATA_DIR, poll_reading="nope")
    assert line.startswith(str(DATA_DIR / "poll.csv"))


def _copy_data(tmp_path, edit):
    import shutil

    for name in ("poll.csv", "reference_class.csv", "calendar.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    path = tmp_path / "reference_class.csv"
    path.write_text(edit(path.read_text()))
    return tmp_path


def test_reference_months_come_from_the_dates():
    ev = load_evidence(DATA_DIR, as_of=date(2007, 8, 15))
    months = dict(zip(ev.reference["package"], ev.reference["months"], strict=True))
    andean = next(m for p, m in months.items() if p.startswith("Andean"))
    assert andean == pytest.approx(months_between(date(2001, 4, 9), date(2002, 1, 10)))
    assert andean == pytest.approx(9.07, abs=0.005)  # 276 days


def test_pending_row_runs_to_the_as_of_date():
    for as_of in (date(2007, 8, 15), date(2007, 12, 1)):
        ref = load_evidence(DATA_DIR, as_of=as_of).reference
        pending = ref[ref["censored"]]
        assert pending["months"].item() == pytest.approx(months_between(date(2007, 2, 5), as_of))


def test_a_typed_months_column_must_agree_with_the_dates(tmp_path):
    from model.errors import InputError

    def typed(text):
        lines = text.splitlines()
        lines[0] = lines[0].replace(",censored,", ",censored,months,")
        values = ["5.16", "8.5", "3.58", "6.3"]
        lines[1:] = [
            line.replace(",false,", f",false,{v},").replace(",true,", f",true,{v},")
            for line, v in zip(lines[1:], values, strict=True)
        ]
        return "\n".join(lines) + "\n"

    folder = _copy_data(tmp_path, typed)
    with pytest.raises(InputError, match=r"months=8.5.*the dates give 9.07"):
        load_evidence(folder, as_of=date(2007, 8, 15))


def test_a_censored_row_with_an_enactment_date_is_refused(tmp_path):
    from model.errors import InputError

    folder = _copy_data(
        tmp_path, lambda t: t.replace(",2007-02-05,,true,", ",2007-02-05,2007-08-01,true,")
    )
    with pytest.raises(InputError, match="censored row has no enactment date"):
        load_evidence(folder, as_of=date(2007, 8, 15))


def test_the_digest_is_kept_until_a_table_is_replaced():
    ev = load_evidence(DATA_DIR, as_of=date(2007, 8, 15))
    first = ev.digest()
    assert ev.digest() == first  # kept: the what-if path asks on every answer
    ev.reference = ev.reference.assign(months=ev.reference["months"] + 1.0)
    assert ev.digest() != first  # a replaced table is hashed again
