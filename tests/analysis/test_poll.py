"""A new poll in one step: parsed, dated, added in memory, answered by the cheapest route."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest

from model.errors import InputError
from model.whatif.answers import baseline_case, k_threshold, row
from model.whatif.memory import (
    ROUTES,
    NewPoll,
    parse_poll,
    poll_answer,
    poll_loglik,
    with_poll,
)
from tests.conftest import SMALL

COMPONENTS = {"funds", "troops", "training"}


def test_a_poll_is_read_as_a_share_or_a_percentage_with_an_optional_date():
    assert parse_poll("funds=0.6,n=1000", components=COMPONENTS) == NewPoll("funds", 0.6, 1000)
    got = parse_poll("troops=60%, n=500, date=2007-08-01", components=COMPONENTS)
    assert got == NewPoll("troops", 0.6, 500, date(2007, 8, 1))


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("army=0.6,n=10", "army"),
        ("funds=1.6,n=10", "1.6"),
        ("funds=0.6", "funds=0.6"),
        ("funds=0.6,n=0", "0"),
        ("funds=0.6,n=10,date=Aug", "Aug"),
        ("funds=0.6,n=10,size=3", "size=3"),
    ],
)
def test_a_bad_poll_is_one_line_naming_what_is_wrong(text, key):
    with pytest.raises(InputError) as err:
        parse_poll(text, components=COMPONENTS)
    assert err.value.key == key and "\n" not in err.value.line()


def test_a_poll_after_the_as_of_date_is_refused(small_fit):
    ev = small_fit.evidence
    with pytest.raises(InputError, match="after the as-of date"):
        with_poll(ev, NewPoll("funds", 0.6, 100, date(2007, 9, 1)))
    added = with_poll(ev, NewPoll("funds", 0.6, 100))
    assert len(added.poll) == len(ev.poll) + 1 and added.digest() != ev.digest()
    assert len(small_fit.evidence.poll) == len(ev.poll)  # nothing changed in place


def test_the_new_poll_reweights_by_its_likelihood_and_moves_acceptance_its_way(small_fit):
    # polls either side of the posterior (oppose_funds about 74%) that the draws can carry:
    # the cheapest route, no refit, and acceptance moves the way the poll points
    base = baseline_case(small_fit)
    low = poll_answer(small_fit, NewPoll("funds", 0.55, 300))
    high = poll_answer(small_fit, NewPoll("funds", 0.85, 300))
    for case in (low, high):
        assert case.method == "reweight" and case.refit is None, case.reason
        assert case.pareto_k <= k_threshold(case.weights.size)
        assert np.isclose(case.weights.sum(), 1) and "likelihood" in case.reason
        assert case.reweighted == ["oppose_funds"]
    accept = {
        name: row(case, base)["p_accepted_mean"] for name, case in (("low", low), ("high", high))
    }
    assert accept["low"] > base.summary("p_accepted")["mean"] > accept["high"]
    funds = small_fit.draws["oppose_funds"]
    assert (
        np.average(funds, weights=low.weights)
        < funds.mean()
        < np.average(funds, weights=high.weights)
    )


@pytest.mark.parametrize(
    ("k", "force", "route"), [(0.1, False, "reweight"), (0.9, False, "refit"), (0.1, True, "refit")]
)
def test_a_poll_the_draws_cannot_carry_goes_to_a_refit_on_the_new_evidence(
    small_fit, monkeypatch, k, force, route
):
    # the route follows the Pareto k of the weights (mocked here) and force_refit; a refit
    # fits the baseline priors on the evidence with the poll added (the fit itself is mocked:
    # the slow test below refits for real)
    import model.whatif.memory as memory

    calls = []
    size = small_fit.draws["oppose_funds"].size
    monkeypatch.setattr(memory, "psis_row", lambda log_w, chains: (np.full(size, 1 / size), k))

    def fake_fit(priors, *, evidence, settings):
        calls.append((priors, evidence, settings))
        return small_fit

    monkeypatch.setattr(memory, "fit", fake_fit)
    poll = NewPoll("funds", 0.6, 300)
    case = poll_answer(small_fit, poll, force_refit=force)
    assert case.method == route
    if route == "reweight":
        assert calls == [] and case.pareto_k == k
        return
    ((priors, evidence, settings),) = calls
    assert priors is small_fit.priors and settings == small_fit.settings
    assert evidence.digest() == with_poll(small_fit.evidence, poll).digest()
    assert case.refit is small_fit and case.weights is None
    assert ("refit forced" if force else f"Pareto k {k:.2f} > ") in case.reason


@pytest.mark.slow
def test_an_extreme_poll_is_refitted_and_moves_acceptance_its_way(small_fit):
    base = baseline_case(small_fit)
    low = poll_answer(small_fit, NewPoll("funds", 0.30, 300))
    high = poll_answer(small_fit, NewPoll("funds", 0.95, 300))
    for case in (low, high):  # the draws cannot carry these polls: NUTS on the new evidence
        assert case.method == "refit" and "Pareto k" in case.reason
        assert len(case.refit.evidence.poll) == len(small_fit.evidence.poll) + 1
    funds = small_fit.draws["oppose_funds"].mean()
    assert low.draws["oppose_funds"].mean() < funds < high.draws["oppose_funds"].mean()
    accept = {
        name: row(case, base)["p_accepted_mean"] for name, case in (("low", low), ("high", high))
    }
    assert accept["low"] > base.summary("p_accepted")["mean"] > accept["high"]


def test_the_weights_are_the_ratio_of_the_new_to_the_old_poll_likelihood(small_fit):
    ev = small_fit.evidence
    new = with_poll(ev, NewPoll("training", 0.5, 200))
    ratio = poll_loglik(small_fit.draws, new) - poll_loglik(small_fit.draws, ev)
    assert np.all(np.isfinite(ratio)) and np.ptp(ratio) > 0
    assert set(ROUTES) == {"shift", "corrected", "additional"}


def test_whatif_poll_on_the_command_line(capsys):
    from model.cli.main import main

    argv = ["whatif", "--poll", "funds=0.60,n=1000", "--json"]
    assert main(argv + [f"--{k}={v}" for k, v in SMALL.items()]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert rows[-1]["scenario"] == "poll_funds" and rows[-1]["method"] in ("reweight", "refit")
    assert "new poll" in rows[-1]["reason"] and "delta_p_deal_mcse" in rows[-1]
    assert main(["whatif", "--poll", "funds=0.60,n=1000,date=2008-01-01"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "as-of" in err
