"""Small pieces of words the panel and the CLI show: a refit's sampler checks, a typed poll."""

import pytest

from model.app.render import diagnostics_words
from model.errors import InputError
from model.library.views import base_rate_words
from model.whatif.memory import parse_poll

DIAG = {"r_hat_max": 1.0042, "ess_bulk_min": 812.4, "divergences": 0, "problems": []}


def test_a_refit_that_passed_its_checks_says_so_with_the_numbers():
    text = diagnostics_words(DIAG)
    assert text == (
        "<span class='diag ok'>Sampler checks passed "
        "(max R-hat 1.004, min ESS 812, divergences 0).</span>"
    )


def test_a_refit_that_failed_lists_each_problem_escaped():
    text = diagnostics_words(
        DIAG | {"divergences": 3, "problems": ["3 divergences <after tuning>"]}
    )
    assert text.startswith("<span class='diag bad'>The refit failed its sampler checks")
    assert "(max R-hat 1.004, min ESS 812, divergences 3)" in text
    assert text.endswith("<ul><li>3 divergences &lt;after tuning&gt;</li></ul>")


@pytest.mark.parametrize("diag", [None, {}])
def test_no_refit_no_words(diag):
    assert diagnostics_words(diag) == ""
    assert base_rate_words(diag) == ""


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        (" , ", " , ", "expected COMPONENT=SHARE,n=N"),
        ("funds", "funds", "expected COMPONENT=SHARE,n=N"),
        ("funds=most,n=500", "most", "the share is not a number"),
        ("funds=0.6,n=five hundred", "five hundred", "n must be a whole number"),
        ("funds=0.6,n=2.5", "2.5", "n must be a whole number"),
    ],
)
def test_a_typed_poll_that_cannot_be_read_names_the_part(text, key, problem):
    with pytest.raises(InputError) as info:
        parse_poll(text, components=["funds", "training"])
    err = info.value
    assert err.where == "--poll" and err.key == key and err.problem.startswith(problem)
    assert "funds=0.60,n=1000" in err.fix


def test_a_typed_poll_in_percent_reads_as_a_share():
    poll = parse_poll("funds=60%,n=1000", components=["funds"])
    assert poll.share == pytest.approx(0.6) and poll.n == 1000
