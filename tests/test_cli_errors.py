"""How `feasibility` fails, in process: one line and its exit code, never a traceback.

A stand-in command (``COMMANDS`` patched) raises each kind of failure, so these run in
milliseconds and need no fit.
"""

import contextlib
import errno
import logging
import runpy
import sys
import warnings

import pytest

import model.cli.main as cli
from model.cli.main import main
from model.constants import CACHE_DIR, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED
from model.errors import FitWarning, InputError


def _command(monkeypatch, action):
    """Make ``feasibility list`` run ``action(args)`` instead of listing."""
    monkeypatch.setitem(cli.COMMANDS, "list", action)


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--as-of", "2007-13-45"],
        ["pooled", "--as-of", "June 2007"],
        ["timeline", "--from", "yesterday"],
    ],
)
def test_a_date_that_is_not_a_date_is_refused_by_the_parser(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert f"{argv[-1]!r} is not a date: write YYYY-MM-DD" in err


def test_an_unexpected_error_is_one_line_exit_1_and_asks_for_a_report(monkeypatch, capsys):
    def boom(args):
        raise RuntimeError("the grid\nhas   a hole")

    _command(monkeypatch, boom)
    monkeypatch.delenv("FEASIBILITY_DEBUG", raising=False)
    assert main(["list"]) == EXIT_INTERNAL
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("internal error: RuntimeError: the grid has a hole")
    assert "please report it" in line and "FEASIBILITY_DEBUG=1" in line


def test_feasibility_debug_shows_the_real_exception(monkeypatch):
    def boom(args):
        raise ZeroDivisionError("division by zero in the stand-in")

    _command(monkeypatch, boom)
    monkeypatch.setenv("FEASIBILITY_DEBUG", "1")
    with pytest.raises(ZeroDivisionError, match="stand-in"):
        main(["list"])


def test_an_input_error_is_one_line_exit_2_naming_file_key_and_fix(monkeypatch, capsys):
    def refuse(args):
        raise InputError("priors/x.toml", "params.gamma", "not a\n number", "give a number")

    _command(monkeypatch, refuse)
    assert main(["list"]) == EXIT_BAD_INPUT
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("error: ")
    assert "priors/x.toml" in line and "params.gamma" in line and "give a number" in line


def test_a_control_character_in_a_key_is_shown_escaped_on_one_line():
    err = InputError("dir é/p.toml", "case.\n\t", "unknown key", "use one of name")
    assert err.line() == "dir é/p.toml: case.\\n\\t: unknown key; fix: use one of name"
    assert str(err) == err.line()


@pytest.mark.parametrize("code", [errno.EPIPE, errno.ENOSPC])
def test_a_reader_that_went_away_or_a_full_disk_is_exit_2(code, monkeypatch, capsys):
    def write_fails(args):
        raise OSError(code, "cannot write")

    _command(monkeypatch, write_fails)
    assert main(["list"]) == EXIT_BAD_INPUT
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("error: stdout: cannot write the output (cannot write)")
    assert "fix:" in line


def test_a_file_that_cannot_be_written_is_not_blamed_on_stdout(monkeypatch, capsys):
    def file_fails(args):
        raise OSError(errno.ENOSPC, "No space left on device", "/some/table.csv")

    _command(monkeypatch, file_fails)
    monkeypatch.delenv("FEASIBILITY_DEBUG", raising=False)
    assert main(["list"]) == EXIT_INTERNAL
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("internal error: OSError:") and "stdout" not in line


def test_a_closed_stdout_is_refused_before_the_command_runs(capsys, monkeypatch):
    ran = []
    _command(monkeypatch, lambda args: ran.append(args) or 0)
    monkeypatch.setattr(sys, "stdout", None)
    assert main(["list"]) == EXIT_BAD_INPUT
    assert ran == []
    line = _one_line(capsys.readouterr().err)
    assert "standard output is closed" in line and "stdout" in line


def test_ctrl_c_is_one_line_and_exit_130(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    _command(monkeypatch, interrupted)
    assert main(["list"]) == EXIT_INTERRUPTED
    line = _one_line(capsys.readouterr().err)
    assert line == "interrupted (Ctrl-C): stopped, nothing half-written kept"


def test_ctrl_c_swallowed_by_a_library_still_gives_exit_130(monkeypatch, capsys):
    def swallows(args):
        with contextlib.suppress(KeyboardInterrupt):  # a library catching Ctrl-C
            cli._on_sigint(2, None)  # what the SIGINT handler does on Ctrl-C
        print("a finished-looking answer")
        return 0

    _command(monkeypatch, swallows)
    assert main(["list"]) == EXIT_INTERRUPTED
    captured = capsys.readouterr()
    assert "interrupted (Ctrl-C)" in _one_line(captured.err)


def test_a_fit_warning_is_a_plain_note_and_other_warnings_stay_python_s(monkeypatch, capsys):
    def warns(args):
        warnings.simplefilter("always")
        warnings.warn("fit: sampler problem: 3 divergences", FitWarning, stacklevel=1)
        warnings.warn("something else entirely", UserWarning, stacklevel=1)
        return 0

    _command(monkeypatch, warns)
    with pytest.warns(UserWarning, match="something else entirely") as shown:
        assert main(["list"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert "fit: sampler problem: 3 divergences" in err  # the note alone, as written
    assert not any("FitWarning" in line or "something else" in line for line in err)
    assert [w.category for w in shown] == [UserWarning]  # handed to Python's own display


@pytest.mark.parametrize("flags", ["", "floatX=float64"])
def test_an_unwritable_home_moves_the_compiler_caches_into_ours(
    flags, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("HOME", str(tmp_path / "no_such_home"))
    monkeypatch.setenv("PYTENSOR_FLAGS", flags)
    monkeypatch.setenv("MPLCONFIGDIR", "")
    seen = {}

    def record(args):
        seen["flags"] = cli.os.environ["PYTENSOR_FLAGS"]
        seen["mpl"] = cli.os.environ["MPLCONFIGDIR"]
        return 0

    _command(monkeypatch, record)
    assert main(["list"]) == 0
    base = f"base_compiledir={CACHE_DIR / 'pytensor'}"
    assert seen["flags"] == (f"{flags},{base}" if flags else base)
    assert seen["mpl"] == str(CACHE_DIR / "matplotlib")


def test_a_writable_home_leaves_the_compiler_caches_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PYTENSOR_FLAGS", "floatX=float64")
    _command(monkeypatch, lambda args: 0)
    assert main(["list"]) == 0
    assert cli.os.environ["PYTENSOR_FLAGS"] == "floatX=float64"


def test_verbose_lets_info_lines_through_and_quiet_hides_them(monkeypatch):
    levels = []
    _command(monkeypatch, lambda args: levels.append(logging.root.level) or 0)
    before = logging.root.level
    try:
        assert main(["list", "--verbose"]) == 0
        assert main(["list"]) == 0
    finally:
        logging.root.setLevel(before)
    assert levels == [logging.INFO, logging.WARNING]


@pytest.mark.filterwarnings("ignore:'model.cli.main' found in sys.modules")
@pytest.mark.parametrize("module", ["model", "model.cli.main"])
def test_python_dash_m_is_the_same_command(module, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["feasibility", "--help"])
    with pytest.raises(SystemExit) as info:
        runpy.run_module(module, run_name="__main__", alter_sys=False)
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "whatif" in out and "backtest" in out and "timeline" in out
