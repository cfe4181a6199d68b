"""A case's dated news (events.csv): read, checked in one line each, known only from its date."""

from datetime import date

import pytest

from model.errors import InputError
from model.timeline.events import EVENTS_FILE, known_by, load_events


def _write(folder, text):
    (folder / EVENTS_FILE).write_text(text, encoding="utf-8")
    return folder


def test_no_file_means_no_events(tmp_path):
    assert load_events(tmp_path).empty and load_events(None).empty


def test_events_are_sorted_and_known_only_from_their_date(tmp_path):
    folder = _write(
        tmp_path,
        "date,event,source\n2007-10-22,request_sent,White House\n"
        "2007-09-01,framework_agreed,joint statement\n2007-11-01,request_sent,later copy\n",
    )
    events = load_events(folder)
    assert list(events["event"]) == ["framework_agreed", "request_sent", "request_sent"]
    assert known_by(events, date(2007, 8, 31)) == {}
    assert known_by(events, date(2007, 9, 30)) == {"framework_agreed": date(2007, 9, 1)}
    # the first report of an event counts
    assert known_by(events, date(2008, 1, 1))["request_sent"] == date(2007, 10, 22)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("date,event\n2007-09-01,request_sent\n", "source: missing column"),
        ("date,event,source\n2007-13-01,request_sent,x\n", "row 2 date='2007-13-01'"),
        ("date,event,source\n2007-09-01,signed,x\n", "row 2 event='signed'"),
        ("date,event,source\n2007-09-01,enacted, \n", "row 2 source: empty"),
        ("date,event,source\n2031-01-01,enacted,x\n", "row 2 date=2031-01-01: 2031-01-01 is after"),
        ("", "not a readable CSV"),
    ],
)
def test_a_bad_events_file_is_one_line_naming_the_row(tmp_path, text, where):
    folder = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_events(folder)
    line = str(info.value)
    assert "\n" not in line and EVENTS_FILE in line and where in line
