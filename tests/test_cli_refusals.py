"""`feasibility` refuses bad options with one line and exit 2, before any fit, and wires the rest.

In process (``model.cli.main`` with capsys). Refusals run with the sampler and the cache
replaced by a failing stand-in, which proves nothing was fitted before the refusal.
"""

import csv
import socket
from types import SimpleNamespace

import pytest

import model.inference.fit as fit_module
from model.app.serve import check_port
from model.cli.main import main
from model.constants import PRIORS_FILE
from model.errors import InputError
from tests.conftest import SMALL_ARGS


@pytest.fixture
def no_fit(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("fitted before refusing the input")

    monkeypatch.setattr(fit_module, "sample", boom)
    monkeypatch.setattr(fit_module, "read_posterior", boom)


def _refused(capsys, argv) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1, captured.err
    assert lines[0].startswith("error: ") and "fix:" in lines[0]
    return lines[0]


@pytest.mark.parametrize("weights", ["0,0", "-1,2", "0.5,1e9"])
def test_pool_weights_out_of_range_are_refused(weights, no_fit, capsys):
    line = _refused(capsys, ["run", "--priors", str(PRIORS_FILE), f"--weights={weights}"])
    assert "--weights" in line and weights in line and "each weight must be in [0, " in line


def test_a_command_taking_one_priors_file_refuses_two(no_fit, capsys):
    argv = ["design", "--priors", str(PRIORS_FILE), "--priors", str(PRIORS_FILE)]
    line = _refused(capsys, argv)
    assert "`design` takes one priors file" in line and "use `run`" in line


def test_expert_overlays_and_several_priors_files_are_refused_together(no_fit, capsys):
    argv = ["run", "--priors", str(PRIORS_FILE), "--priors", str(PRIORS_FILE)]
    line = _refused(capsys, [*argv, "--expert", "sovereignty_sceptic"])
    assert "--expert" in line and "given with several --priors" in line


def test_a_design_csv_that_is_a_folder_is_refused(no_fit, tmp_path, capsys):
    line = _refused(capsys, ["design", "--csv", str(tmp_path)])
    assert "--csv" in line and str(tmp_path) in line
    assert "is a folder" in line and "designs.csv" in line


def test_design_csv_holds_the_ranking_the_text_shows(small_fit, tmp_path, capsys):
    path = tmp_path / "designs.csv"
    assert main(["design", "--csv", str(path), "--top", "3", *SMALL_ARGS]) == 0
    out = capsys.readouterr().out
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    designs = [r for r in rows if r["is_baseline"] == "False"]
    assert len(designs) > 3 and sum(r["is_baseline"] == "True" for r in rows) == 1
    value = [float(r["value_mean"]) for r in designs]
    assert value == sorted(value, reverse=True)  # ranked by expected value, as printed
    for r in designs[:3]:  # the rows the text shows, with the same numbers
        p = [float(r[f"p_deal_{k}"]) for k in ("mean", "lo", "hi")]
        assert p[1] <= p[0] <= p[2]
        assert f"{p[0]:.3f} [{p[1]:.3f}, {p[2]:.3f}]" in out
        assert r["label"] in out


def test_a_library_case_too_early_to_forecast_is_refused(capsys):
    line = _refused(capsys, ["timeline", "--case", "nz_buchanan_1985"])
    assert "--case" in line and "nz_buchanan_1985" in line
    assert "not forecast in the backtest" in line and "pick a later case" in line


def test_a_port_taken_or_out_of_range_is_refused_naming_it():
    with pytest.raises(InputError) as info:
        check_port(70000)
    assert info.value.key == "70000" and "must be in [0, 65535]" in info.value.problem
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(InputError) as info:
            check_port(port)
    assert info.value.key == str(port)
    assert f"cannot listen on 127.0.0.1:{port}" in info.value.problem
    assert "0 for any free one" in info.value.fix
    check_port(0)  # any free port: nothing to check


def test_app_prints_its_address_and_stops_cleanly_on_ctrl_c(small_fit, monkeypatch, capsys):
    import model.app.serve as serve_module

    stopped, got = [], {}

    class Thread:
        def join(self):
            raise KeyboardInterrupt  # Ctrl-C while the panel serves

    def serve(result, *, port, scenario_dir):
        got.update(p_agree=result.draws["p_agree"].mean(), port=port, dir=scenario_dir)
        return SimpleNamespace(
            url=f"http://127.0.0.1:{port}/", thread=Thread(), stop=lambda: stopped.append(1)
        )

    monkeypatch.setattr(serve_module, "serve", serve)
    monkeypatch.setattr(serve_module, "check_port", lambda port: got.setdefault("checked", port))
    code = main(["app", "--port", "5999", "--scenario-dir", "my_scenarios", *SMALL_ARGS])
    assert code == 0 and stopped == [1]
    assert got["checked"] == 5999 and got["port"] == 5999 and str(got["dir"]) == "my_scenarios"
    assert got["p_agree"] == pytest.approx(small_fit.draws["p_agree"].mean())
    out = capsys.readouterr().out
    assert out.strip() == "What-if panel: http://127.0.0.1:5999/  (Ctrl-C stops it)"
