"""Nothing stale: each scenario's stated change against the baseline has the stated direction.

The baseline's priors now come partly from the case library, so a scenario written against
an older prior can silently point the wrong way ("slower" but faster than the library). Every
scenario in priors/scenarios is listed here with what its question says it does.
"""

from __future__ import annotations

import pytest

from model.case.distributions import ppf
from model.case.priors import load_priors
from model.constants import ROOT, SCENARIO_DIR

BASELINE = ROOT / "priors" / "baseline.toml"

LATER, EARLIER, MORE, LESS = ">", "<", ">", "<"
STATED = {
    "slow_appropriations": [("duration_mu", LATER, "slower")],
    "congress_hostile": [("duration_mu", LATER, "slower"), ("us_support", LESS, "hostile")],
    "framework_slips": [("announce_months", LATER, "slips")],
    "window_super_tuesday": [("window_months", EARLIER, "Super Tuesday")],
    "opposition_hardens": [("opinion_shift", MORE, "hardens")],
    "opposition_softens": [("opinion_shift", LESS, "softens")],
    "sceptical_poll": [("oppose_funds", MORE, "nearer 60%")],
}
"""Scenario -> (parameter, direction of its prior median against the baseline's, the word in
the question that says so)."""
DESIGN = {"certification", "military_advisers", "us_commitments", "usd400m_withheld"}
EVIDENCE = {"poll_item_level", "judgment_priors"}


def _median(prior) -> float:
    return float(ppf(prior.dist, prior.params, 0.5))


def test_every_scenario_is_covered():
    names = {p.stem for p in SCENARIO_DIR.glob("*.toml")}
    assert names == set(STATED) | DESIGN | EVIDENCE


@pytest.mark.parametrize("name", sorted(STATED))
def test_a_scenario_moves_its_prior_the_way_its_question_says(name):
    base = load_priors(BASELINE)
    new = load_priors(BASELINE, scenarios=[SCENARIO_DIR / f"{name}.toml"])
    question = new.questions[-1]
    for param, direction, word in STATED[name]:
        assert word in question, (name, word)
        old, now = _median(base.params[param]), _median(new.params[param])
        assert (now > old) if direction == ">" else (now < old), (name, param, old, now)


def test_slow_appropriations_is_slower_than_the_library_median():
    base = load_priors(BASELINE)
    assert base.params["duration_mu"].pooled is not None  # the baseline's comes from the library
    slow = load_priors(BASELINE, scenarios=[SCENARIO_DIR / "slow_appropriations.toml"])
    assert slow.params["duration_mu"].params["mu"] > base.params["duration_mu"].params["mu"]


@pytest.mark.parametrize("name", sorted(DESIGN))
def test_a_design_scenario_changes_the_design(name):
    base = load_priors(BASELINE)
    new = load_priors(BASELINE, scenarios=[SCENARIO_DIR / f"{name}.toml"])
    assert new.design != base.design


def test_no_scenario_cites_what_was_known_only_after_the_as_of_date():
    for path in [*SCENARIO_DIR.glob("*.toml"), BASELINE]:
        text = path.read_text(encoding="utf-8").lower()
        assert "merida" not in text and "mérida" not in text, path.name


def test_the_panel_saves_into_a_git_ignored_folder_a_report_reads_only_when_asked(
    tmp_path, monkeypatch
):
    import subprocess

    import model.cli.commands as commands
    import model.constants as constants
    import model.report.build as build
    from model.cli.main import main

    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "priors/user/mine.toml"], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0
    user = tmp_path / "user"
    user.mkdir()
    (user / "mine.toml").write_text((SCENARIO_DIR / "certification.toml").read_text())
    monkeypatch.setattr(constants, "USER_SCENARIO_DIR", user)
    seen = []

    def fake_build(priors, *, scenarios, **kwargs):
        seen.append([p.name for p in scenarios])
        return tmp_path / "out" / "feasibility.html"

    monkeypatch.setattr(build, "build_report", fake_build)
    assert commands is not None
    out = ["report", "--out", str(tmp_path / "out"), "--skip-notebooks", "--skip-backtest"]
    assert main(out) == 0
    assert main([*out, "--user-scenarios"]) == 0
    assert "mine.toml" not in seen[0] and "mine.toml" in seen[1]
