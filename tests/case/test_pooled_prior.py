"""Library-based priors: the pooled prediction plus sourced adjustments, refused when stale."""

import json
import math
import shutil
from datetime import date

import pytest

from model.case.priors import load_priors
from model.constants import POOLED_FILE, PRIORS_FILE
from model.errors import InputError


def test_adjustments_add_means_and_variances(baseline_priors):
    blob = json.loads(POOLED_FILE.read_text())
    base = blob["params"]["us_support"]["params"]
    prior = baseline_priors.params["us_support"]
    adj = prior.pooled.adjustments
    assert adj and all(a[3] for a in adj)  # every adjustment has a source
    assert prior.params["mu"] == pytest.approx(base["mu"] + sum(a[1] for a in adj))
    assert prior.params["sigma"] == pytest.approx(
        math.sqrt(base["sigma"] ** 2 + sum(a[2] ** 2 for a in adj))
    )
    bare = load_priors(overrides={"params": {"us_support": {"adjust": {}}}})
    assert bare.params["us_support"].params == pytest.approx(base)


def test_judgment_scenario_restores_the_first_version():
    old = load_priors(scenarios=["priors/scenarios/judgment_priors.toml"])
    assert old.params["us_support"].pooled is None
    assert old.evidence["reference"] is True and old.variant["window"] == "hard_window"


def test_stale_pooled_file_is_refused(tmp_path):
    priors = tmp_path / "priors"
    data = tmp_path / "data"
    shutil.copytree(PRIORS_FILE.parent, priors)
    shutil.copytree(POOLED_FILE.parent, data)
    text = (priors / "baseline.toml").read_text()
    text = text.replace(
        "reference = false", 'reference = false\npooled = "../data/pooled_prior.json"'
    )
    (priors / "baseline.toml").write_text(text)
    load_priors(priors / "baseline.toml")
    with pytest.raises(InputError, match="feasibility pooled"):
        load_priors(priors / "baseline.toml", as_of=date(2012, 1, 1))
    (data / "pooled_prior.json").unlink()
    with pytest.raises(InputError, match="not found"):
        load_priors(priors / "baseline.toml")


def test_adjustment_needs_a_source():
    with pytest.raises(InputError, match="mu, sigma and source"):
        load_priors(overrides={"params": {"gov_will": {"adjust": {"x": {"mu": 1.0, "sigma": 1}}}}})
