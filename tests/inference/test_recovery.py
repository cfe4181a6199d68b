"""Slow: the model recovers known parameters from data simulated by the model itself."""

import numpy as np
import pytest

from model.inference.fit import evidence_for, fit
from model.inference.settings import Settings

TRUE = {"duration_mu": 2.0, "duration_sigma": 0.35, "oppose_funds": 0.62, "oppose_troops": 0.81}


@pytest.mark.slow
def test_recovers_known_parameters_from_simulated_data(baseline_priors):
    rng = np.random.default_rng(42)
    evidence = evidence_for(baseline_priors)
    n_packages, cutoff = 40, 9.0
    months = rng.lognormal(TRUE["duration_mu"], TRUE["duration_sigma"], size=n_packages)
    censored = months > cutoff
    ref = evidence.reference.iloc[[0] * n_packages].reset_index(drop=True)
    evidence.reference = ref.assign(months=np.where(censored, cutoff, months), censored=censored)
    poll = evidence.poll.copy()
    poll["n"] = 2000
    poll["opposed"] = [rng.binomial(2000, TRUE[f"oppose_{c}"]) for c in poll["component"]]
    evidence.poll = poll
    result = fit(baseline_priors, evidence=evidence, settings=Settings(seed=3), cache=False)
    assert result.diagnostics["ok"], result.diagnostics["problems"]
    for name, truth in TRUE.items():
        draws = result.draws[name]
        lo, hi = np.quantile(draws, [0.005, 0.995])
        assert lo < truth < hi, (name, truth, lo, hi)
        assert abs(draws.mean() - truth) < 3 * draws.std(), name
