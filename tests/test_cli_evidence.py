"""`feasibility evsi` and `feasibility timeline`: bad input is one line and exit 2, before a fit."""

import pytest

from model.cli.main import main


def run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('kind = "poll"\ncomponent = "funds"\nn = -5\nsource = "x"', "study.n"),
        ('kind = "poll"\ncomponent = "tanks"\nn = 50\nsource = "x"', "study.component"),
        (
            'kind = "whip_count"\nn = 50\nreliability = 1.4\nsource = "x"\n'
            '[study.sources]\nreliability = "y"',
            "study.reliability",
        ),
    ],
)
def test_malformed_study_is_one_line_exit_2(tmp_path, capsys, text, key):
    spec = tmp_path / "bad.toml"
    spec.write_text("[study]\n" + text + "\n")
    code, out, err = run(capsys, ["evsi", "--study", str(spec)])
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and str(spec) in lines[0] and key in lines[0] and "fix:" in lines[0]


def test_unknown_study_name(capsys):
    code, _, err = run(capsys, ["evsi", "--study", "no_such_study"])
    assert code == 2 and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["timeline", "--step", "0"],
        ["timeline", "--from", "2007-01-01"],
        ["timeline", "--from", "2008-01-01", "--to", "2007-09-01"],
        ["timeline", "--library", "--step", "0"],
    ],
)
def test_bad_timeline_options(capsys, argv):
    code, out, err = run(capsys, argv)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1


def test_timeline_json_starts_at_runs_p_deal(capsys, small_fit):
    import json

    from tests.conftest import SMALL_ARGS

    code, out, _ = run(capsys, ["run", "--json", *SMALL_ARGS])
    assert code == 0
    p_deal = json.loads(out)["p_deal"]["mean"]
    argv = ["timeline", "--json", "--to", "2008-02-15", "--step", "3", *SMALL_ARGS]
    code, out, _ = run(capsys, argv)
    assert code == 0
    payload = json.loads(out)
    assert payload["rows"][0]["date"] == "2007-08-15"
    assert payload["rows"][0]["p_deal"]["mean"] == pytest.approx(p_deal, rel=1e-9)
    assert [r["date"] for r in payload["rows"]] == ["2007-08-15", "2007-11-15", "2008-02-15"]


def test_timeline_of_a_library_case_prints_its_path_and_scores(capsys):
    import json

    code, out, _ = run(capsys, ["timeline", "--case", "korus_fta_2007"])
    assert code == 0 and "korus_fta_2007 (trade)" in out and "Scores per horizon" in out
    code, out, _ = run(capsys, ["timeline", "--case", "korus_fta_2007", "--json"])
    case = json.loads(out)["cases"][0]
    assert case["id"] == "korus_fta_2007" and case["outcome"] == 0.0
    assert case["p"][0] >= case["p"][-1] and len(case["p"]) == len(case["months"])
