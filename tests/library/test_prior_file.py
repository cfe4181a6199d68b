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


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"dist": "Normal", "params": {"mu": 0.0, "sigma": 0.0}}, r"sigma: 0.0 outside \["),
        ({"dist": "Normal", "params": {"mu": 0.0, "sigma": -1.0}}, r"sigma: -1.0 outside \["),
        ({"dist": "Normal", "params": {"mu": 0.0, "sd": 1.0}}, r"must give \['mu', 'sigma'\]"),
        ({"dist": "Cauchy", "params": {"mu": 0.0, "sigma": 1.0}}, "dist: must be one of"),
        ({"dist": "Normal", "params": {"mu": "x", "sigma": 1.0}}, "'x' is not a number"),
    ],
)
def test_a_bad_pooled_file_is_refused_in_one_line(tmp_path, edit, message):
    priors, data = tmp_path / "priors", tmp_path / "data"
    shutil.copytree(PRIORS_FILE.parent, priors)
    shutil.copytree(POOLED_FILE.parent, data)
    blob = json.loads((data / "pooled_prior.json").read_text())
    blob["params"]["us_support"] |= edit
    (data / "pooled_prior.json").write_text(json.dumps(blob))
    text = (priors / "baseline.toml").read_text()
    text = text.replace(
        "reference = false", 'reference = false\npooled = "../data/pooled_prior.json"'
    )
    (priors / "baseline.toml").write_text(text)
    with pytest.raises(InputError, match=message) as err:
        load_priors(priors / "baseline.toml")
    assert "\n" not in str(err.value) and "feasibility pooled" in str(err.value)


def test_gov_will_carries_the_library_opposition_reference(baseline_priors):
    blob = json.loads(POOLED_FILE.read_text())
    ref = baseline_priors.params["gov_will"].pooled.reference
    assert ref == pytest.approx(blob["reference"]["opposition"])
    assert 0 < ref < 1


def test_the_forecast_case_is_refused_among_its_own_training_rows(tmp_path):
    import pandas as pd

    from model.constants import AS_OF, CASES_FILE, TARGET_CASE_FILE
    from model.library.cases import load_cases, sources_path
    from model.library.prior import pooled_prior_blob

    target = pd.read_csv(TARGET_CASE_FILE, dtype=str, keep_default_na=False)
    library = pd.read_csv(CASES_FILE, dtype=str, keep_default_na=False)
    row = target.iloc[:1].copy()
    row[["enacted", "enacted_src", "enacted_date", "enacted_date_src"]] = ["1", "isn_2007"] * 2
    row["enacted_date"] = "2008-06-30"
    row[["accepted", "accepted_src", "accepted_date", "accepted_date_src"]] = ["1", "isn_2007"] * 2
    row["accepted_date"] = "2008-07-01"
    both = pd.concat(
        [library, row.reindex(columns=library.columns, fill_value="")], ignore_index=True
    )
    both.to_csv(tmp_path / "cases.csv", index=False)
    sources = [
        pd.read_csv(sources_path(f), dtype=str, keep_default_na=False)
        for f in (CASES_FILE, TARGET_CASE_FILE)
    ]
    pd.concat(sources).drop_duplicates("key").to_csv(tmp_path / "case_sources.csv", index=False)
    with pytest.raises(InputError, match="among its own training cases"):
        pooled_prior_blob(
            load_cases(tmp_path / "cases.csv"),
            load_cases(TARGET_CASE_FILE, pending=True),
            as_of=AS_OF,
        )
