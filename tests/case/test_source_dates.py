"""The as-of audit: every judgment carries a date; none after the as-of date, except hindsight."""

import re
import shutil
import tomllib
from datetime import date
from pathlib import Path

import pytest

import model.case.source_dates as dating
from model.case.priors import load_priors
from model.case.source_dates import iter_sources, source_date
from model.constants import PRIORS_FILE, ROOT
from model.errors import InputError

SECOND = ROOT / "tests" / "fixtures" / "second_case"
HINDSIGHT_WORDS = re.compile(r"m[eé]rida|as enacted|later did|in hindsight", re.I)


def _files():
    return sorted(PRIORS_FILE.parent.rglob("*.toml"))


def test_every_source_in_priors_is_dated_on_or_before_the_as_of_date():
    as_of = tomllib.loads(PRIORS_FILE.read_text())["case"]["as_of"]
    for path in _files():
        table = tomllib.loads(path.read_text())
        assert table.get("hindsight", False) is False, f"{path.name} is marked hindsight"
        found = list(iter_sources(table))
        assert found or path.parent.name == "experts", path
        for key, text in found:
            when = source_date(path, key, text)
            assert when is not None, f"{path.name}: {key} carries no date"
            assert when <= as_of, f"{path.name}: {key} dated {when}"


def test_no_hindsight_words_in_priors():
    for path in _files():
        assert not HINDSIGHT_WORDS.search(path.read_text()), path.name


def test_partial_dates_count_at_the_end_of_their_period():
    assert source_date("f", "k", "[2007-06] Pew") == date(2007, 6, 30)
    assert source_date("f", "k", "[1988] Putnam") == date(1988, 12, 31)
    assert source_date("f", "k", "Judgment") is None
    with pytest.raises(InputError, match="bad source date"):
        source_date("f", "k", "[2007-13-01] x")


def test_a_later_source_in_the_baseline_fails_with_one_line(tmp_path):
    folder = tmp_path / "priors"
    folder.mkdir()
    text = PRIORS_FILE.read_text()
    old = 'source = "[2007-08-15] Article (ISN, 15 Aug 2007): talks since March'
    assert old in text
    later = text.replace(old, old.replace("2007-08-15", "2008-06-30"))
    (folder / "baseline.toml").write_text(later)
    with pytest.raises(InputError) as info:
        load_priors(folder / "baseline.toml")
    line = str(info.value)
    assert "\n" not in line and "baseline.toml" in line and "params.p_agree.source" in line
    assert "2008-06-30" in line and "after the as-of date 2007-08-15" in line


def test_an_undated_source_in_the_baseline_is_refused(tmp_path):
    folder = tmp_path / "priors"
    folder.mkdir()
    text = PRIORS_FILE.read_text().replace('source = "[1988] Putnam', 'source = "Putnam')
    (folder / "baseline.toml").write_text(text)
    where = r"params\.hurdle_correlation\.source: source carries no date"
    with pytest.raises(InputError, match=where):
        load_priors(folder / "baseline.toml")


def _second_case(tmp_path) -> Path:
    shutil.copytree(SECOND, tmp_path / "case")
    return tmp_path / "case" / "priors.toml"


SCENARIO = """question = "What if we knew what came next?"
source = "[2012-01-01] A report published after the as-of date."
{flag}
[params.p_agree]
lower = 0.5
upper = 0.9
mass = 0.9
source = "[2012-01-01] The later report."
"""


def test_a_later_source_in_a_hindsight_scenario_is_accepted_and_labelled(tmp_path):
    base = _second_case(tmp_path)
    plain = tmp_path / "plain.toml"
    plain.write_text(SCENARIO.format(flag=""))
    with pytest.raises(InputError, match=r"plain\.toml: source: source dated 2012-01-01 is after"):
        load_priors(base, scenarios=[plain])
    marked = tmp_path / "marked.toml"
    marked.write_text(SCENARIO.format(flag="hindsight = true"))
    priors = load_priors(base, scenarios=[marked])
    assert len(priors.hindsight) == 2 and all("2012-01-01" in h for h in priors.hindsight)
    assert priors.questions[-1].startswith("[hindsight] ")
    assert load_priors(base).hindsight == []


def test_an_expert_may_not_use_hindsight(tmp_path, monkeypatch):
    base = _second_case(tmp_path)
    experts = tmp_path / "experts"
    experts.mkdir()
    (experts / "seer.toml").write_text(SCENARIO.format(flag="hindsight = true"))
    monkeypatch.setattr(dating, "EXPERT_DIR", experts)
    with pytest.raises(InputError, match="an expert may not use hindsight"):
        load_priors(base, scenarios=[experts / "seer.toml"])
