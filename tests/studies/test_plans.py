"""Study specs (priors/studies/*.toml): checked in one place, one line per mistake."""

import pytest

from model.errors import InputError
from model.studies.plans import DEFAULT_SIZES, load_studies, load_study

COMPONENTS = ["funds", "training", "troops"]
GOOD_POLL = """
[study]
kind = "poll"
component = "funds"
n = 500
design_effect = 1.5
source = "a poll"
[study.sources]
design_effect = "Kish"
"""


def write(tmp_path, text, name="s.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_the_shipped_studies_load():
    studies = load_studies(None, COMPONENTS)
    kinds = {s.kind for s in studies}
    assert kinds == {"poll", "whip_count", "soundings"}
    for s in studies:
        assert s.sources["study"]
        assert len(s.sizes) == 8 or s.sizes == DEFAULT_SIZES[s.kind]


def test_a_good_poll(tmp_path):
    s = load_study(write(tmp_path, GOOD_POLL), COMPONENTS)
    assert (s.kind, s.n, s.component, s.design_effect, s.cost) == ("poll", 500, "funds", 1.5, 0.0)
    assert s.informs == ["oppose_funds", "opinion_shift"]


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (("n = 500", "n = -5"), "study.n"),
        (("n = 500", "n = 2.5"), "study.n"),
        (('component = "funds"', 'component = "tanks"'), "study.component"),
        (('kind = "poll"', 'kind = "survey"'), "study.kind"),
        (("design_effect = 1.5", "design_effect = 0.5"), "study.design_effect"),
        (('design_effect = "Kish"', ""), "study.sources.design_effect"),
        (("n = 500", "n = 500\ncolour = 1"), "study.colour"),
        (('source = "a poll"', ""), "study.source"),
    ],
)
def test_bad_poll_specs_are_one_line(tmp_path, change, key):
    path = write(tmp_path, GOOD_POLL.replace(*change))
    with pytest.raises(InputError) as err:
        load_study(path, COMPONENTS)
    line = err.value.line()
    assert "\n" not in line and str(path) in line and key in line and "fix:" in line


@pytest.mark.parametrize("value", ["1.5", "-0.1"])
def test_reliability_outside_unit_interval(tmp_path, value):
    text = f"""
[study]
kind = "whip_count"
n = 50
reliability = {value}
source = "staff"
[study.sources]
reliability = "judgment"
"""
    with pytest.raises(InputError, match=r"study\.reliability"):
        load_study(write(tmp_path, text), COMPONENTS)


def test_unknown_study_name():
    with pytest.raises(InputError, match="no such study file"):
        load_study("no_such_study", COMPONENTS)
