"""Several experts: the linear opinion pool, its weights, and where the experts disagree."""

import json
import shutil

import numpy as np
import pytest

from model.analysis.pool import Expert, disagreement, pool_weights, pooled, spread
from model.cli import main
from model.constants import PRIORS_FILE
from model.errors import InputError
from tests.conftest import SMALL

ARGS = [f"--{k}={v}" for k, v in SMALL.items()]


@pytest.fixture
def copy_of_baseline(tmp_path):
    text = PRIORS_FILE.read_text().replace(
        'dir = "../data"', f'dir = "{PRIORS_FILE.parent.parent / "data"}"'
    )
    path = tmp_path / "expert_b.toml"
    path.write_text(text)
    return path


def test_identical_experts_pool_to_the_single_answer(small_fit, copy_of_baseline, capsys):
    assert main(["run", "--json", *ARGS]) == 0
    single = json.loads(capsys.readouterr().out)
    assert (
        main(
            [
                "run",
                "--json",
                "--priors",
                str(PRIORS_FILE),
                "--priors",
                str(copy_of_baseline),
                *ARGS,
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert [e["weight"] for e in out["experts"]] == [0.5, 0.5]
    for key in ("p_framework", "p_enacted", "p_accepted", "p_deal"):
        assert out["pooled"][key]["mean"] == pytest.approx(single[key]["mean"], abs=1e-12)
        # two identical sets of draws: the same interval, up to interpolation between neighbouring
        # draws (a wide tail at 2 x 400 draws)
        assert out["pooled"][key]["lo"] == pytest.approx(single[key]["lo"], abs=1e-2)
        assert out["pooled"][key]["hi"] == pytest.approx(single[key]["hi"], abs=1e-2)
    assert out["disagreement"] == [] and out["spread"] == 0.0


def test_pool_is_the_weighted_mixture_and_names_the_disagreement(small_fit):
    from model.case.priors import overlay_priors
    from model.inference.fit import fit

    other = overlay_priors(small_fit.priors, {"params": {"opinion_shift": {"mu": 0.1}}})
    second = fit(other, settings=small_fit.settings)
    experts = [Expert("a", 0.25, small_fit), Expert("b", 0.75, second)]
    pool = pooled(experts)
    mean_a = small_fit.draws["p_agree"].mean()
    assert pool["p_framework"]["mean"] == pytest.approx(
        0.25 * mean_a + 0.75 * second.draws["p_agree"].mean()
    )
    rows = disagreement(experts)
    assert [r["param"] for r in rows] == ["opinion_shift"] and rows[0]["share"] == 1.0
    assert rows[0]["method"] == "recompute"  # judgment only: exact, no weights
    m = np.array(list(rows[0]["means"].values()))
    assert rows[0]["variance"] == pytest.approx(0.25 * 0.75 * (m[0] - m[1]) ** 2)
    assert spread(experts) > 0


@pytest.mark.parametrize(
    ("weights", "key"),
    [([1.0], "--weights"), ([1.0, -1.0], "--weights"), ([0.0, 1.0], "--weights")],
)
def test_bad_weights_are_refused(baseline_priors, weights, key):
    with pytest.raises(InputError) as err:
        pool_weights([baseline_priors, baseline_priors], weights)
    assert err.value.key == key or err.value.where == key


@pytest.mark.parametrize(
    "extra",
    [["--weights", "0.5,abc"], ["--weights", "1,2,3"], ["--priors", "missing_expert.toml"]],
)
def test_bad_expert_input_is_one_line_exit_2(extra, capsys):
    assert (
        main(["run", "--priors", str(PRIORS_FILE), "--priors", str(PRIORS_FILE), *extra, *ARGS])
        == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_a_bad_expert_file_names_the_file(tmp_path, capsys):
    bad = tmp_path / "expert_c.toml"
    shutil.copy(PRIORS_FILE, bad)
    bad.write_text(bad.read_text().replace("lower = 0.45", "lower = 0.95"))
    assert main(["run", "--priors", str(PRIORS_FILE), "--priors", str(bad), *ARGS]) == 2
    err = capsys.readouterr().err
    assert "expert_c.toml" in err and "params.p_agree" in err and err.count("\n") == 1


def test_weights_from_the_files(baseline_priors, copy_of_baseline):
    from model.case.priors import load_priors

    text = copy_of_baseline.read_text().replace("[case]\n", "[case]\nexpert_weight = 3.0\n", 1)
    copy_of_baseline.write_text(text)
    heavy = load_priors(copy_of_baseline)
    assert pool_weights([baseline_priors, heavy]).tolist() == [0.25, 0.75]
    assert pool_weights([baseline_priors, heavy], [1.0, 1.0]).tolist() == [0.5, 0.5]
