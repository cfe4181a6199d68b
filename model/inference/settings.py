"""Sampler settings (seed, draws, tune, chains, acceptance, sampler), part of the cache key."""

from __future__ import annotations

from dataclasses import dataclass

from model.constants import CHAINS, DEFAULT_SEED, DRAWS, NUTS_SAMPLER, TARGET_ACCEPT, TUNE


@dataclass(frozen=True)
class Settings:
    """Sampler settings; part of the cache key."""

    seed: int = DEFAULT_SEED
    draws: int = DRAWS
    tune: int = TUNE
    chains: int = CHAINS
    target_accept: float = TARGET_ACCEPT
    sampler: str = NUTS_SAMPLER
