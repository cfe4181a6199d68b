"""`feasibility list`: parameters with their implied intervals, levers, scenarios."""

import json

import pytest

from model.cli.main import main


def _list(capsys, *extra):
    assert main(["list", "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_list_gives_every_parameter_with_its_implied_interval(capsys, baseline_priors):
    out = _list(capsys)
    rows = {r["name"]: r for r in out["params"]}
    assert set(rows) == set(baseline_priors.params)
    mu = rows["duration_mu"]  # Normal(m, s) from the library: m -+ 1.6449 x s
    m, sd = baseline_priors.params["duration_mu"].params.values()
    assert (mu["lo"], mu["hi"]) == pytest.approx((m - 1.644854 * sd, m + 1.644854 * sd), abs=1e-5)
    # an elicited prior implies (close to) its own elicited 90% interval
    agree = rows["p_agree"]
    assert agree["elicited"][:2] == [0.45, 0.9]
    assert (agree["lo"], agree["hi"]) == pytest.approx((0.45, 0.9), abs=0.03)
    assert out["levers"]["size"]["levels"]["usd500m"] == "USD 500M a year"
    names = {s["name"]: s["question"] for s in out["scenarios"]}
    assert names["usd400m_withheld"].startswith("What if the package is USD 400M")
    experts = [e["name"] for e in out["experts"]]
    assert experts == ["first_version", "library", "sovereignty_sceptic"]


def test_list_shows_what_a_scenario_adds(capsys):
    out = _list(capsys, "--scenario", "usd400m_withheld")
    assert "usd400m" in out["levers"]["size"]["levels"]
    assert out["levers"]["conditions"]["design"] == "withheld_25"
    assert "us_withheld_per_10pct" in {r["name"] for r in out["params"]}


def test_list_text_names_the_set_grammar(capsys):
    assert main(["list"]) == 0
    text = capsys.readouterr().out
    assert "--set params.NAME.KEY=VALUE" in text and "--set design.LEVER=LEVEL" in text
    assert "feasibility run --expert NAME" in text
