"""The command line: JSON keys, exit codes, and --strict on sampler problems."""

import json

import pytest

import model.inference.fit as fit_module
from model.cli.main import main
from tests.conftest import SMALL_ARGS as SMALL

INTERVAL = {"mean", "lo", "hi"}


def _json(capsys, argv):
    assert main([*argv, *SMALL, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_run_json_keys(small_fit, capsys):
    out = _json(capsys, ["run"])
    for key in ("p_framework", "p_enacted", "p_accepted", "p_deal"):
        assert set(out[key]) == {*INTERVAL, "mcse"}
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


def _strict_json(text: str):
    def refuse(name):
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    "argv",
    [
        ["run"],
        ["whatif", "sceptical_poll", "certification"],
        ["design"],
        ["timing"],
        ["sensitivity"],
    ],
    ids=lambda a: a[0],
)
def test_every_json_output_is_strict_json(argv, small_fit, capsys):
    assert main([*argv, *SMALL, "--json"]) == 0
    out = capsys.readouterr().out
    assert "NaN" not in out and "Infinity" not in out
    payload = _strict_json(out)
    assert payload


def test_whatif_reweight_row_makes_pareto_k_null_elsewhere(small_fit, capsys):
    out = _strict_json(_run_json(capsys, ["whatif", "sceptical_poll", "certification"]))
    ks = {r["scenario"]: r["pareto_k"] for r in out["rows"]}
    assert ks["baseline"] is None and ks["certification"] is None


def _run_json(capsys, argv) -> str:
    assert main([*argv, *SMALL, "--json"]) == 0
    return capsys.readouterr().out


def test_strict_helper_turns_nan_and_inf_into_null():
    import numpy as np

    from model.views.payloads import to_json

    text = to_json({"a": float("nan"), "b": [np.float64("inf"), np.int64(3)], "c": np.nan})
    assert _strict_json(text) == {"a": None, "b": [None, 3], "c": None}


def _no_fit(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("fitted before checking the output path")

    monkeypatch.setattr(fit_module, "sample", boom)
    monkeypatch.setattr(fit_module, "read_posterior", boom)


def test_design_csv_into_a_missing_folder_is_refused_before_fitting(tmp_path, monkeypatch, capsys):
    _no_fit(monkeypatch)
    code = main(["design", "--csv", str(tmp_path / "nope" / "d.csv"), *SMALL])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert "no folder" in err


@pytest.mark.parametrize("kind", ["file", "unwritable", "root", "foreign"])
def test_report_out_is_checked_before_fitting(kind, tmp_path, monkeypatch, capsys):
    import os

    _no_fit(monkeypatch)
    out = tmp_path / "out"
    expect = {
        "file": "is a file",
        "unwritable": "not writable",
        "root": "holds files no report wrote",
        "foreign": "holds files no report wrote",
    }[kind]
    if kind == "file":
        out.write_text("x")
    elif kind == "unwritable":
        out.mkdir(mode=0o500)
        if os.access(out, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
    elif kind == "root":
        out = tmp_path.anchor and type(tmp_path)("/")
    else:
        out.mkdir()
        (out / "thesis.tex").write_text("precious")
    code = main(["report", "--out", str(out), "--skip-notebooks", "--skip-backtest", *SMALL])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1, err
    assert expect in err


def test_report_strict_exits_3_when_a_refit_fails_diagnostics(
    small_fit, monkeypatch, tmp_path, capsys
):
    import model.report.build as build

    problems_seen = []

    def fake_build(priors, *, settings, out, notebooks, problems, scenarios=None, **kwargs):
        problems.append("refit slow_appropriations: R-hat 1.2 > 1.01 for p_agree")
        problems_seen.append(problems)
        return out / "feasibility.html"

    monkeypatch.setattr(build, "build_report", fake_build)
    out = tmp_path / "r"
    assert main(["report", "--out", str(out), "--skip-backtest", *SMALL]) == 0
    assert main(["report", "--out", str(out), "--skip-backtest", *SMALL, "--strict"]) == 3
    assert len(problems_seen) == 2


def test_help_shows_defaults_and_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["design", "--help"])
    text = capsys.readouterr().out
    assert "(default: 5)" in text and "examples:" in text and "feasibility design --top" in text


def test_run_prints_a_cache_note_once(small_fit, private_cache, monkeypatch, capsys):
    import copy

    # the refit returns the small fit's own posterior: this test is about the note, not NUTS
    monkeypatch.setattr(fit_module, "sample", lambda *a, **k: copy.deepcopy(small_fit.tree))
    path = private_cache / "fits" / small_fit.cache_file.name
    path.write_bytes(b"this is not netCDF")
    assert main(["run", *SMALL]) in (0, 3)
    err = capsys.readouterr().err
    notes = [line for line in err.splitlines() if "cache file unreadable" in line]
    assert len(notes) == 1 and notes[0].startswith(f"{path}: "), err
    assert "FitWarning" not in err


def test_text_output_is_in_percent_says_where_the_posterior_came_from_and_hides_pymc(
    small_fit, capsys
):
    assert main(["run", *SMALL]) in (0, 3)
    captured = capsys.readouterr()
    assert "posterior: read from the cache" in captured.err
    assert "NUTS: [" not in captured.err  # PyMC's variable list only with --verbose
    summary_line = next(x for x in captured.out.splitlines() if x.startswith("Deal: all three"))
    assert summary_line.split()[3].endswith("%") and summary_line.split()[4].startswith("[")


def test_priors_command_shows_elicitation_back(capsys):
    assert main(["priors"]) == 0
    text = capsys.readouterr().out
    assert "announce_months  equal" in text
    assert main(["priors", "--set", 'elicitation.tails="maxent"', "--json"]) == 0
    rows = {r["parameter"]: r for r in json.loads(capsys.readouterr().out)["elicited"]}
    assert rows["announce_months"]["above"] == pytest.approx(0.096, abs=0.002)
    assert main(["priors", "--set", 'elicitation.tails="odd"']) == 2


@pytest.mark.parametrize(
    ("expert", "expect"),
    [("no_such_expert", "no such expert file"), ("BAD", "params.nope")],
)
def test_a_bad_report_expert_is_one_line_and_writes_nothing(tmp_path, capsys, expert, expect):
    if expert == "BAD":
        expert = str(tmp_path / "bad.toml")
        (tmp_path / "bad.toml").write_text('question = "q"\nsource = "s"\n[params.nope]\nmu = 1\n')
    out = tmp_path / "reports"
    argv = ["report", "--out", str(out), "--expert", expert, "--skip-notebooks", "--skip-backtest"]
    assert main([*argv, *SMALL]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and expect in err, err
    assert not out.exists()
