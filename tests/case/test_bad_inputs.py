"""Each malformed priors, scenario or evidence fixture: one line, exit code 2, no traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

from model.cli.main import main

BAD = Path(__file__).parents[1] / "fixtures" / "bad"
TOML_FIXTURES = sorted(BAD.glob("*.toml"))
EVIDENCE_FIXTURES = sorted(p for p in BAD.glob("evidence_*") if p.is_dir())


def _header(path: Path) -> dict:
    out = {}
    for line in path.read_text().splitlines():
        if line.startswith("# ") and ":" in line:
            key, value = line[2:].split(":", 1)
            out[key.strip()] = value.strip()
    return out


def test_there_are_at_least_twelve_fixtures():
    assert len(TOML_FIXTURES) + len(EVIDENCE_FIXTURES) >= 12


@pytest.mark.parametrize("path", TOML_FIXTURES, ids=lambda p: p.stem)
def test_toml_fixture_gives_one_line_and_exit_2(path, capsys):
    head = _header(path)
    flag = "--priors" if head["use"] == "priors" else "--scenario"
    code = main(["run", flag, str(path)])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert head["expect"] in err
    assert str(path) in err
    assert "fix:" in err


@pytest.mark.parametrize("folder", EVIDENCE_FIXTURES, ids=lambda p: p.name)
def test_evidence_fixture_gives_one_line_and_exit_2(folder, capsys):
    expect = (folder / "EXPECT").read_text().split(":", 1)[1].strip()
    code = main(["run", "--set", f"evidence.dir='{folder}'"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert expect in err
    assert str(folder) in err


def test_real_process_exit_code_and_single_line():
    proc = subprocess.run(
        [sys.executable, "-m", "model", "run", "--scenario", str(BAD / "misspelled_param.toml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_unknown_scenario_name(capsys):
    assert main(["run", "--scenario", "no_such_scenario"]) == 2
    assert "no such scenario file" in capsys.readouterr().err


def test_bad_set_key(capsys):
    assert main(["run", "--set", "design.militery=none"]) == 2
    assert "did you mean 'military'" in capsys.readouterr().err


# ---- issue 11: each input that once gave a traceback or a silent wrong answer ---------------

import tomllib  # noqa: E402

import tomli_w  # noqa: E402

from model.constants import DATA_DIR, PRIORS_FILE  # noqa: E402

BASE_TEXT = PRIORS_FILE.read_text(encoding="utf-8")


def _priors(tmp_path, change) -> Path:
    raw = tomllib.loads(BASE_TEXT)
    raw["evidence"]["dir"] = str(DATA_DIR)
    change(raw)
    path = tmp_path / "priors.toml"
    path.write_text(tomli_w.dumps(raw), encoding="utf-8")
    return path


def _one_line(capsys, argv) -> str:
    code = main(argv)
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: ") and "Traceback" not in err
    assert "RuntimeWarning" not in captured.err
    return err


def _setp(*path, value):
    def change(raw):
        node = raw
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value

    return change


def _delp(*path):
    def change(raw):
        node = raw
        for k in path[:-1]:
            node = node[k]
        del node[path[-1]]

    return change


PRIORS_CASES = {
    "components_string": (_setp("case", "components", value="funds"), "must be a list of names"),
    "components_unknown": (
        _setp("case", "components", value=["funds", "tanks"]),
        "no prior [params.oppose_tanks]",
    ),
    "components_missing": (_delp("case", "components"), "case.components: missing"),
    "components_empty": (_setp("case", "components", value=[]), "case.components: empty"),
    "evidence_dir_number": (_setp("evidence", "dir", value=5), "evidence.dir: must be a non-empty"),
    "lever_label_number": (
        _setp("levers", "military", "levels", "none", "label", value=5),
        "levels.none.label: must be a non-empty string",
    ),
    "as_of_datetime": (
        _setp("case", "as_of", value=__import__("datetime").datetime(2007, 8, 15, 12, 0)),
        "case.as_of: a date with a time",
    ),
    "mixture_weight_nan": (
        _setp("design", "conditions", value={"none": float("nan"), "reporting": 1.0}),
        "must be a finite number, got nan",
    ),
    "request_not_before_nan": (
        _setp(
            "levers", "timing", "levels", "after_summit", "request_not_before", value=float("nan")
        ),
        "must be a finite number, got nan",
    ),
    "mu_nan": (
        _setp("params", "opinion_shift", "mu", value=float("nan")),
        "finite number, got nan",
    ),
    "sigma_inf": (_setp("params", "opinion_shift", "sigma", value=float("inf")), "got inf"),
    "mu_sigma_huge": (
        lambda raw: raw["params"]["opinion_shift"].update(mu=1e308, sigma=1e308),
        "params.opinion_shift.mu: mu = 1e+308 lies outside [-100, 100]",
    ),
    "degenerate_interval": (
        lambda raw: raw["params"]["p_agree"].update(lower=0.45, upper=0.45000000001),
        "is too narrow to elicit",
    ),
    "lower_nan_not_swap": (_setp("params", "p_agree", "lower", value=float("nan")), "got nan"),
    "upper_inf_no_warnings": (_setp("params", "p_agree", "upper", value=float("inf")), "got inf"),
    "evidence_outside_project": (_setp("evidence", "dir", value="/etc"), "outside the project"),
}


@pytest.mark.parametrize("name", PRIORS_CASES)
def test_bad_priors_value_one_line(name, tmp_path, capsys):
    change, expect = PRIORS_CASES[name]
    path = _priors(tmp_path, change)
    err = _one_line(capsys, ["run", "--priors", str(path)])
    assert expect in err
    assert "swap them" not in err


def test_scenario_params_not_a_table(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text('question = "q"\nsource = "s"\nparams = "x"\n')
    assert "params: must be a table" in _one_line(capsys, ["run", "--scenario", str(path)])


def test_scenario_that_is_a_folder(tmp_path, capsys):
    err = _one_line(capsys, ["run", "--scenario", str(tmp_path)])
    assert "is a folder" in err and "UTF-8" not in err


def test_bom_is_accepted(tmp_path):
    from model.case.priors import load_priors

    path = _priors(tmp_path, lambda raw: None)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_priors(path).params["p_agree"].dist == "Beta"


def test_deep_array_and_dev_zero(tmp_path, capsys):
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested too deeply" in _one_line(capsys, ["run", "--priors", str(path)])
    assert "not a regular file" in _one_line(capsys, ["run", "--priors", "/dev/zero"])
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * (1 << 21) + "\n")
    assert "larger than" in _one_line(capsys, ["run", "--priors", str(big)])
    deep = "params.p_agree.lower=" + "[" * 5000 + "]" * 5000
    assert "nested too deeply" in _one_line(capsys, ["run", "--set", deep])


@pytest.mark.parametrize(
    ("item", "expect"),
    [
        ("params.opinion_shift.mu=nan", "must be a finite number, got nan"),
        ("params.opinion_shift.sigma=inf", "must be a finite number, got inf"),
        ("case.as_of=2099-01-01", "after the calendar's lame-duck end"),
    ],
)
def test_bad_set_values(item, expect, capsys):
    # judgment priors: the library-based ones would first refuse a pooled fit of another date
    argv = ["run", "--scenario", "judgment_priors", "--set", item]
    assert expect in _one_line(capsys, argv)


@pytest.mark.parametrize(
    ("argv", "expect"),
    [
        (["--seed", "-1"], "--seed: -1: must be in [0, 4294967295]"),
        (["--chains", "1"], "R-hat needs at least 2 chains"),
        (["--draws", "1"], "too few for intervals"),
        (
            ["--as-of", "2099-01-01", "--scenario", "judgment_priors"],
            "after the calendar's lame-duck end (2009-01-03",
        ),
    ],
)
def test_bad_options_one_line(argv, expect, capsys):
    assert expect in _one_line(capsys, ["run", *argv])


def test_outside_evidence_allowed_with_the_flag(tmp_path):
    import shutil

    from model.case.priors import load_priors
    from model.errors import InputError
    from model.inference.fit import evidence_for

    shutil.copytree(DATA_DIR, tmp_path / "data")
    path = _priors(tmp_path, _setp("evidence", "dir", value=str(tmp_path / "data")))
    with pytest.raises(InputError, match="outside the project"):
        evidence_for(load_priors(path))
    allowed = load_priors(path, allow_outside_evidence=True)
    assert evidence_for(allowed).directory == tmp_path / "data"
    redo = load_priors(path, layers=allowed.layers, sets=["params.opinion_shift.mu=0.1"])
    assert redo.allow_outside_evidence, "what-ifs inherit the flag through the layers"
