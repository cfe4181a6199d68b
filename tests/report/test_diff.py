"""`feasibility diff`: inputs that changed, outputs that moved, and which input moved them."""

import json

import pandas as pd
import pytest

from model.case.priors import load_priors
from model.cli.main import main
from model.report.diff import diff, load_run
from tests.conftest import SMALL

ARGS = [f"--{k}={v}" for k, v in SMALL.items()]


def _run(capsys, tmp_path, name, *extra):
    capsys.readouterr()
    assert main(["run", "--json", *ARGS, *extra]) == 0
    path = tmp_path / f"{name}.json"
    path.write_text(capsys.readouterr().out)
    return path


def test_diff_of_two_runs(small_fit, tmp_path, capsys):
    prior = load_priors().params["duration_mu"]  # the library's pooled prediction
    slower = round(prior.params["mu"] + 0.4, 2)  # about 50% longer than the library's median
    base = _run(capsys, tmp_path, "base")
    slow = _run(capsys, tmp_path, "slow", "--set", f"params.duration_mu.mu={slower}")
    assert main(["diff", str(base), str(slow), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["inputs"]) == {"priors"}
    sigma = f"sigma={prior.params['sigma']:.3g}"
    assert out["params"] == {
        "duration_mu": {"old": prior.describe(), "new": f"Normal(mu={slower:.3g}, {sigma})"}
    }
    old, new = json.loads(base.read_text()), json.loads(slow.read_text())
    row = out["outputs"]["p_enacted"]
    assert row["change"] == pytest.approx(new["p_enacted"]["mean"] - old["p_enacted"]["mean"])
    assert row["change"] < 0  # slower appropriations, fewer enactments in time
    assert row["moved_by"] == "prior of duration_mu"
    assert main(["diff", str(base), str(base)]) == 0
    assert "Inputs: none changed" in capsys.readouterr().out


def test_seed_only_is_noise(small_fit, tmp_path, capsys):
    a = _run(capsys, tmp_path, "a")
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


def test_each_output_is_attributed_by_replaying_each_prior(small_fit, tmp_path, capsys):
    prior = load_priors().params["duration_mu"]
    slower = f"params.duration_mu.mu={round(prior.params['mu'] + 0.4, 2)}"
    base = _run(capsys, tmp_path, "base")
    both = _run(capsys, tmp_path, "both", "--set", slower, "--set", "params.opinion_shift.mu=0.08")
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


def test_without_recorded_priors_the_attribution_says_it_is_a_rule(small_fit, tmp_path, capsys):
    base = _run(capsys, tmp_path, "base")
    slow = _run(capsys, tmp_path, "slow", "--set", "params.opinion_shift.mu=0.08")
    for path in (base, slow):
        data = json.loads(path.read_text())
        del data["prior_specs"]
        path.write_text(json.dumps(data))
    out = diff(load_run(base), load_run(slow))
    row = out["outputs"]["p_accepted"]
    assert row["attribution"].startswith("rule") and "did not record" in row["attribution"]
    assert row["moved_by"] == "prior of opinion_shift"
