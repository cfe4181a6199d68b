"""Sampler settings: FEASIBILITY_QUICK caps them, and the cap is part of the cache key."""

from model.case.priors import load_priors
from model.constants import CHAINS, DRAWS, QUICK_CHAINS, QUICK_DRAWS, QUICK_ENV, QUICK_TUNE
from model.inference.cache import cache_key
from model.inference.fit import evidence_for
from model.inference.settings import Settings, quick


def test_quick_caps_every_setting_and_changes_the_key(monkeypatch):
    monkeypatch.delenv(QUICK_ENV, raising=False)
    full = Settings()
    assert not quick() and (full.draws, full.chains) == (DRAWS, CHAINS)
    monkeypatch.setenv(QUICK_ENV, "1")
    capped = Settings()
    assert quick()
    assert (capped.draws, capped.tune, capped.chains) == (QUICK_DRAWS, QUICK_TUNE, QUICK_CHAINS)
    assert Settings(draws=50, chains=1).draws == 50  # already small: left alone
    priors = load_priors()
    evidence = evidence_for(priors)
    assert cache_key(priors, evidence, capped) != cache_key(priors, evidence, full)


def test_quick_off_values(monkeypatch):
    for value in ("", "0", "no", "false"):
        monkeypatch.setenv(QUICK_ENV, value)
        assert not quick() and Settings().draws == DRAWS
