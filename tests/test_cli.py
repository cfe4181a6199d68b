"""The command line: JSON keys, exit codes, and --strict on sampler problems."""

import json

import pytest

import model.inference.fit as fit_module
from model.cli import main

SMALL = ["--draws", "400", "--tune", "400", "--chains", "2"]
INTERVAL = {"mean", "lo", "hi"}


def _json(capsys, argv):
    assert main([*argv, *SMALL, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_run_json_keys(small_fit, capsys):
    out = _json(capsys, ["run"])
    for key in ("p_framework", "p_enacted", "p_accepted", "p_deal"):
        assert set(out[key]) == INTERVAL | {"mcse"}
        assert out[key]["lo"] <= out[key]["mean"] <= out[key]["hi"]
    assert out["timing"]["months"] == list(range(25))
    assert len(out["timing"]["p_enacted_by"]) == 25
    diagnostics = {"r_hat_max", "ess_bulk_min", "ess_tail_min", "divergences", "e_bfmi_min"}
    assert diagnostics <= set(out["diagnostics"])
    prov = out["provenance"]
    assert {"priors_hash", "evidence_hash", "seed", "as_of", "versions"} <= set(prov)
    assert prov["versions"]["pymc"].startswith("6.")


def test_design_and_timing_json_keys(small_fit, capsys):
    design = _json(capsys, ["design"])
    assert {"designs", "recommended", "baseline"} <= set(design)
    row = design["designs"][0]
    assert {"p_enacted", "p_accepted", "p_deal", "p_best", "regret"} <= set(row)
    timing = _json(capsys, ["timing"])
    assert {"months", "curves", "calendar", "provenance"} <= set(timing)


def test_whatif_json_rows_say_their_method(small_fit, capsys):
    out = _json(capsys, ["whatif", "certification", "--set", "params.opinion_shift.mu=0.1"])
    assert [r["method"] for r in out["rows"]] == ["baseline", "recompute", "recompute"]


def test_strict_exits_3_when_diagnostics_fail(small_fit, monkeypatch, capsys):
    real = fit_module.diagnose

    def failing(tree, names):
        out = real(tree, names)
        return out | {"problems": ["R-hat 1.2 > 1.01 for p_agree: chains disagree"], "ok": False}

    monkeypatch.setattr(fit_module, "diagnose", failing)
    assert main(["run", *SMALL]) == 0
    assert "SAMPLER WARNING" in capsys.readouterr().err
    assert main(["run", *SMALL, "--strict"]) == 3
    out = capsys.readouterr()
    assert "PROBLEMS" in out.out


@pytest.mark.parametrize("argv", [["run", "--draws", "0"], ["whatif"]])
def test_bad_options_exit_2(argv, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for command in ("run", "whatif", "design", "timing", "sensitivity", "report"):
        assert command in text
