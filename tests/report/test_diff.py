"""`feasibility diff`: inputs that changed, outputs that moved, and which input moved them."""

import contextlib
import io
import json

import pandas as pd
import pytest

from model.case.priors import load_priors
from model.cli.main import main
from model.report.diff import diff, load_run
from tests.conftest import SMALL

ARGS = [f"--{k}={v}" for k, v in SMALL.items()]
SLOWER = round(load_priors().params["duration_mu"].params["mu"] + 0.4, 2)
"""About 50% longer than the library's median time to enactment."""
VARIANT = {"duration_mu": {"mu": SLOWER}, "opinion_shift": {"mu": 0.1}}
"""The one changed run of this module (a slower Congress, harder Mexican opinion): one fit for
every test here, and the second expert of tests/experts/test_pool.py (the same cache key)."""


def _run(folder, name, *extra):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["run", "--json", *ARGS, *extra]) == 0
    path = folder / f"{name}.json"
    path.write_text(out.getvalue())
    return path


@pytest.fixture(scope="module")
def runs(small_fit, tmp_path_factory):
    """``run --json`` of the baseline and of `VARIANT`; tests read them and never write them."""
    folder = tmp_path_factory.mktemp("runs")
    sets = [f"params.{n}.{k}={v}" for n, table in VARIANT.items() for k, v in table.items()]
    sets = [arg for s in sets for arg in ("--set", s)]
    return {"base": _run(folder, "base"), "both": _run(folder, "both", *sets)}


def _without_records(path, folder, **changes):
    """A copy of a run's JSON without its resolved priors (``prior_specs``), with ``changes``."""
    data = json.loads(path.read_text())
    del data["prior_specs"]
    for key, value in changes.items():
        data[key] = value
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / path.name
    out.write_text(json.dumps(data))
    return out


def test_diff_of_two_runs(runs, capsys):
    priors = load_priors().params
    wanted = load_priors(overrides={"params": VARIANT}).params
    base, both = runs["base"], runs["both"]
    assert main(["diff", str(base), str(both), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["inputs"]) == {"priors"}
    sigma = f"sigma={priors['duration_mu'].params['sigma']:.3g}"
    assert out["params"] == {
        "duration_mu": {
            "old": priors["duration_mu"].describe(),
            "new": f"Normal(mu={SLOWER:.3g}, {sigma})",
        },
        "opinion_shift": {
            "old": priors["opinion_shift"].describe(),
            "new": wanted["opinion_shift"].describe(),
        },
    }
    assert "mu=0.1," in out["params"]["opinion_shift"]["new"]
    old, new = json.loads(base.read_text()), json.loads(both.read_text())
    # slower appropriations, fewer enactments in time; more opposition, less acceptance
    for key in ("p_enacted", "p_accepted"):
        row = out["outputs"][key]
        assert row["change"] == pytest.approx(new[key]["mean"] - old[key]["mean"])
        assert row["change"] < 0
    assert main(["diff", str(base), str(base)]) == 0
    assert "Inputs: none changed" in capsys.readouterr().out


def test_seed_only_is_noise(runs, tmp_path):
    a = runs["base"]
    b = json.loads(a.read_text())
    b["provenance"]["seed"] += 1
    b["p_deal"]["mean"] += 0.001
    (tmp_path / "b.json").write_text(json.dumps(b))
    out = diff(load_run(a), load_run(tmp_path / "b.json"))
    assert set(out["inputs"]) == {"seed"}
    assert out["outputs"]["p_deal"]["moved_by"] == "seed (Monte Carlo noise only)"
    assert out["outputs"]["p_accepted"]["moved_by"] == "-"


def _tables(folder, *, prior_mu, index, p_deal):
    folder.mkdir(parents=True)
    prov = {"priors_hash": f"h{prior_mu}", "evidence_hash": "e", "seed": 1, "git_commit": "abc"}
    (folder / "provenance.json").write_text(json.dumps(prov))
    pd.DataFrame(
        [{"quantity": "p_deal", "label": "Deal", "mean": p_deal, "lo": 0, "hi": 1}]
    ).to_csv(folder / "summary.csv", index=False)
    pd.DataFrame(
        [
            {"name": "duration_mu", "prior": f"Normal(mu={prior_mu}, sigma=0.5)"},
            {"name": "gov_will", "prior": f"Normal(mu={prior_mu}, sigma=1)"},
        ]
    ).to_csv(folder / "priors.csv", index=False)
    pd.DataFrame([{"input": k, "index": v} for k, v in index.items()]).to_csv(
        folder / "first_order.csv", index=False
    )


def test_report_tables_attribute_by_the_variance_index(tmp_path):
    _tables(
        tmp_path / "old" / "tables",
        prior_mu=1.8,
        index={"gov_will": 0.3, "duration_mu": 0.1},
        p_deal=0.1,
    )
    _tables(
        tmp_path / "new" / "tables",
        prior_mu=2.0,
        index={"gov_will": 0.3, "duration_mu": 0.1},
        p_deal=0.2,
    )
    out = diff(load_run(tmp_path / "old"), load_run(tmp_path / "new" / "tables"))
    assert set(out["params"]) == {"duration_mu", "gov_will"}
    assert out["outputs"]["p_deal"]["moved_by"] == "prior of gov_will"


def test_not_a_run_is_one_line_exit_2(tmp_path, capsys):
    (tmp_path / "x.json").write_text("[1, 2]")
    assert main(["diff", str(tmp_path / "x.json"), str(tmp_path / "x.json")]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_each_output_is_attributed_by_replaying_each_prior(runs, capsys):
    base, both = runs["base"], runs["both"]
    assert main(["diff", str(base), str(both), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["params"]) == {"duration_mu", "opinion_shift"}
    enacted, accepted = out["outputs"]["p_enacted"], out["outputs"]["p_accepted"]
    assert enacted["attribution"] == accepted["attribution"] == "replayed"
    assert enacted["moved_by"] == "prior of duration_mu"  # Congress's timing, not Mexico
    assert accepted["moved_by"] == "prior of opinion_shift"  # Mexico's opinion, not timing
    assert accepted["contributions"]["duration_mu"] == 0.0  # timing never reaches acceptance
    assert enacted["contributions"]["opinion_shift"] == 0.0
    # each prior put back alone accounts for the change, up to the Monte Carlo noise of two fits
    assert enacted["contributions"]["duration_mu"] == pytest.approx(enacted["change"], abs=0.03)
    assert out["replay"]["methods"] == {"duration_mu": "recompute", "opinion_shift": "recompute"}
    framework = out["outputs"]["p_framework"]  # no changed prior reaches it: two fits' noise
    assert framework["change"] == 0 or framework["moved_by"].startswith("Monte Carlo noise")
    capsys.readouterr()
    assert main(["diff", str(base), str(both)]) == 0
    assert "each prior put back alone" in capsys.readouterr().out


def test_without_recorded_priors_the_attribution_says_it_is_a_rule(runs, tmp_path):
    base = _without_records(runs["base"], tmp_path / "old")
    both = _without_records(runs["both"], tmp_path / "new")
    out = diff(load_run(base), load_run(both))
    row = out["outputs"]["p_accepted"]
    assert row["attribution"].startswith("rule") and "did not record" in row["attribution"]
    # two changed priors and no variance index to rank them: named together
    assert row["moved_by"] == "priors (duration_mu, opinion_shift)"
    # one changed prior (the base run with opinion_shift's record, a priors hash of its own
    # and acceptance moved): named alone
    old, new = (json.loads(runs[k].read_text()) for k in ("base", "both"))
    one = _without_records(
        runs["base"],
        tmp_path / "one",
        priors=old["priors"] | {"opinion_shift": new["priors"]["opinion_shift"]},
        provenance=old["provenance"] | {"priors_hash": new["provenance"]["priors_hash"]},
        p_accepted=old["p_accepted"] | {"mean": old["p_accepted"]["mean"] - 0.01},
    )
    out = diff(load_run(base), load_run(one))
    assert set(out["params"]) == {"opinion_shift"}
    row = out["outputs"]["p_accepted"]
    assert row["attribution"].startswith("rule") and "did not record" in row["attribution"]
    assert row["moved_by"] == "prior of opinion_shift"
    assert out["outputs"]["p_enacted"]["moved_by"] == "-"
