"""Several experts: the linear opinion pool, its weights, and where the experts disagree."""

import json
import shutil

import numpy as np
import pytest

from model.analysis.outcomes import evaluate
from model.cli.main import main
from model.constants import CI_MASS, PRIORS_FILE
from model.errors import InputError
from model.experts.pool import Expert, disagreement, pool_weights, pooled, spread
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
    draws = evaluate(small_fit.draws, small_fit.priors, small_fit.evidence)
    tail = (1 - CI_MASS) / 2
    for key in ("p_framework", "p_enacted", "p_accepted", "p_deal"):
        assert out["pooled"][key]["mean"] == pytest.approx(single[key]["mean"], abs=1e-12)
        # two identical sets of draws: the same interval, up to the weighted quantile's
        # interpolation, which stays between the draws around the quantile
        for end, q in (("lo", tail), ("hi", 1 - tail)):
            gap = _spread_around(draws[key], q)
            assert out["pooled"][key][end] == pytest.approx(single[key][end], abs=gap), end
    assert out["disagreement"] == [] and out["spread"] == 0.0


def _spread_around(x, q):
    """The distance between the draws two below and two above quantile ``q`` of ``x``."""
    xs = np.sort(np.asarray(x, dtype=float))
    k = int(np.floor(q * (len(xs) - 1)))
    return float(xs[min(k + 2, len(xs) - 1)] - xs[max(k - 2, 0)])


def test_pool_is_the_weighted_mixture_and_names_the_disagreement(small_fit):
    from model.case.priors import overlay_priors
    from model.inference.fit import fit
    from tests.report.test_diff import VARIANT

    other = overlay_priors(small_fit.priors, {"params": VARIANT})  # test_diff's cached fit
    second = fit(other, settings=small_fit.settings)
    experts = [Expert("a", 0.25, small_fit), Expert("b", 0.75, second)]
    pool = pooled(experts)
    mean_a = small_fit.draws["p_agree"].mean()
    assert pool["p_framework"]["mean"] == pytest.approx(
        0.25 * mean_a + 0.75 * second.draws["p_agree"].mean()
    )
    rows = disagreement(experts)
    assert {r["param"] for r in rows} == set(VARIANT)
    assert sum(r["share"] for r in rows) == pytest.approx(1.0)
    assert rows[0]["variance"] >= rows[1]["variance"] > 0  # the largest disagreement first
    for row in rows:
        assert row["method"] == "recompute"  # judgment only: exact, no weights
        m = np.array(list(row["means"].values()))
        assert row["variance"] == pytest.approx(0.25 * 0.75 * (m[0] - m[1]) ** 2)
        assert row["share"] == pytest.approx(row["variance"] / sum(r["variance"] for r in rows))
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


def test_an_in_memory_expert_answers_like_whatif(small_fit):
    from model.constants import EXPERT_DIR
    from model.experts.pool import load_experts
    from model.whatif.answers import compare

    path = EXPERT_DIR / "sovereignty_sceptic.toml"
    (expert,) = load_experts(small_fit, [path])
    row = compare(small_fit, scenarios=[path]).iloc[-1]
    assert expert.answer.method == row["method"] == "recompute"
    assert expert.summary("p_deal")["mean"] == pytest.approx(row["p_deal_mean"], abs=1e-12)


def test_a_reweighted_expert_pools_with_its_importance_weights(small_fit, tmp_path):
    from model.experts.pool import load_experts

    path = tmp_path / "poll_sceptic.toml"
    path.write_text(
        'question = "q"\nsource = "s"\n[case]\nexpert_weight = 3.0\n'
        '[params.oppose_funds]\nalpha = 6.0\nbeta = 4.0\nsource = "judgment"\n'
    )
    library = tmp_path / "library.toml"
    library.write_text('question = "q"\nsource = "s"\n')
    experts = load_experts(small_fit, [library, path])
    assert experts[1].answer.method == "reweight" and experts[1].draw_weights is not None
    assert [e.weight for e in experts] == [0.25, 0.75]
    got = pooled(experts)["p_deal"]["mean"]
    want = 0.25 * experts[0].summary("p_deal")["mean"] + 0.75 * experts[1].summary("p_deal")["mean"]
    assert got == pytest.approx(want, abs=1e-12)


def test_identical_expert_overlays_pool_to_the_single_answer(small_fit, capsys):
    assert main(["run", "--json", *ARGS]) == 0
    single = json.loads(capsys.readouterr().out)
    assert main(["run", "--json", "--expert", "library", "--expert", "library", *ARGS]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["pooled"]["p_deal"]["mean"] == pytest.approx(single["p_deal"]["mean"], abs=1e-12)
    assert out["disagreement"] == [] and out["spread"] == 0.0


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('question = "q"\nsource = "s"\n[params.opinion_weigth]\nmu = 1.0\n', "opinion_weigth"),
        ('question = "q"\nsource = "s"\n[case]\nexpert_weight = -1.0\n', "expert_weight"),
    ],
)
def test_a_bad_expert_overlay_is_one_line_exit_2(small_fit, tmp_path, capsys, text, key):
    bad = tmp_path / "bad_expert.toml"
    bad.write_text(text)
    assert main(["run", "--expert", "library", "--expert", str(bad), *ARGS]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "bad_expert.toml" in err and key in err
