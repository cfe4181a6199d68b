"""`feasibility report --scenario FILE` adds the user's own scenarios to the report's table."""

from model.cli.main import main
from model.constants import SCENARIO_DIR


def test_report_scenario_adds_the_users_file(tmp_path, monkeypatch, capsys):
    import model.report.build as build

    mine = tmp_path / "my_question.toml"
    mine.write_text('question = "What if?"\nsource = "Me."\n[design]\nmilitary = "advisers"\n')
    seen = {}

    def fake_build(priors, *, scenarios, out, **kwargs):
        seen["files"] = scenarios
        seen["overlays"] = priors.overlays
        return out / "feasibility.html"

    monkeypatch.setattr(build, "build_report", fake_build)
    assert (
        main(["report", "--scenario", str(mine), "--out", str(tmp_path / "r"), "--skip-backtest"])
        == 0
    )
    assert seen["files"][-1] == mine
    assert set(seen["files"][:-1]) == set(SCENARIO_DIR.glob("*.toml"))
    assert seen["overlays"] == []  # the baseline itself is not changed
