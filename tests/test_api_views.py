"""The notebook API's displays and hand-offs: what a notebook shows, and what it passes on."""

from dataclasses import replace
from types import SimpleNamespace

import pytest

import model.report.build as build
from model import Result
from model.constants import SCENARIO_DIR


@pytest.fixture(scope="module")
def quiet(small_fit):
    """The small fit with diagnostics that pass, so the display reads as a clean fit."""
    return replace(small_fit, diagnostics=dict(small_fit.diagnostics, ok=True, problems=[]))


@pytest.fixture(scope="module")
def result(quiet):
    """One `Result` for the module: its numbers are computed once."""
    return Result(quiet)


def test_the_diagnostics_are_a_copy_of_the_fits(quiet, result):
    shown = result.diagnostics
    assert shown == quiet.diagnostics
    shown["ok"] = False
    assert quiet.diagnostics["ok"] is True  # a notebook cannot edit the fit's record


def test_the_html_display_shows_the_case_the_numbers_and_the_sampler(quiet, result):
    html = result._repr_html_()
    s = quiet.settings
    assert html.startswith(f"<h4>{quiet.priors.label}</h4>")
    assert f"seed {s.seed}, {s.chains} chains x {s.draws} draws; sampler checks passed" in html
    p_deal = result.numbers["p_deal"]["mean"]
    assert f"{p_deal:.3f}" in html


def test_the_html_display_names_each_sampler_problem(quiet, result):
    noisy = replace(
        quiet, diagnostics=dict(quiet.diagnostics, ok=False, problems=["3 divergences", "R-hat"])
    )
    with pytest.warns(Warning):
        shown = Result(noisy)
    shown.numbers = result.numbers  # the same draws: the numbers computed once above
    html = shown._repr_html_()
    assert "3 divergences; R-hat</p>" in html and "sampler checks passed" not in html


def test_a_whatif_shows_its_route_and_why(result):
    answer = result.whatif(scenario=SCENARIO_DIR / "certification.toml")
    assert answer.method == "recompute" and answer.reason
    html = answer._repr_html_()
    assert f"answered by recompute ({answer.reason})" in html
    assert f"{answer.summary()['change'].iloc[-1]:.3f}" in html


def test_compare_has_the_baseline_and_each_scenario_with_its_route(result):
    files = [SCENARIO_DIR / "certification.toml", SCENARIO_DIR / "military_advisers.toml"]
    table = result.compare(files)
    text = table.to_string()
    for name in ("baseline", "certification", "military_advisers"):
        assert name in text
    assert "recompute" in text


def test_report_builds_with_the_results_own_settings(quiet, result, tmp_path, monkeypatch):
    got = {}

    def compute(priors, *, settings, **kwargs):
        got.update(priors=priors, settings=settings)
        return SimpleNamespace()

    def write(res, dest, steps, started=None):
        (dest / "feasibility.html").write_text("report")

    monkeypatch.setattr(build, "compute", compute)
    monkeypatch.setattr(build, "write", write)
    html = result.report(out=tmp_path / "out", scenarios=[], experts=[], progress=lambda line: None)
    assert html == tmp_path / "out" / "feasibility.html" and html.read_text() == "report"
    assert got["settings"] == quiet.settings and got["priors"] is quiet.priors
