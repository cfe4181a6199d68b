"""The diff's replay: rebuilt priors must match their record; sampler settings parse both ways."""

import pytest

from model.whatif.attribution import _sampler, replay


def test_sampler_settings_from_json_or_a_reports_provenance():
    record = {"name": "nuts", "draws": 400, "tune": 400, "chains": 2, "target_accept": 0.9}
    assert _sampler(record) == record
    text = "name=nuts, draws=400, tune=400, chains=2, target_accept=0.9"
    assert _sampler(text) == record
    assert _sampler(None) == {}


def test_a_run_whose_priors_cannot_be_rebuilt_is_not_replayed(tmp_path, baseline_priors):
    specs = {n: {"dist": p.dist, "params": p.params} for n, p in baseline_priors.params.items()}
    newer = {"priors_file": str(tmp_path / "gone.toml"), "seed": 1, "specs": specs}
    with pytest.raises(ValueError, match="is not here"):
        replay(newer, specs, ["opinion_shift"])
    newer |= {"priors_file": str(baseline_priors.path), "priors_hash": "not its hash"}
    with pytest.raises(ValueError, match="priors hash"):
        replay(newer, specs, ["opinion_shift"])
