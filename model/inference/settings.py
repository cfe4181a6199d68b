"""Sampler settings (seed, draws, tune, chains, acceptance, sampler), part of the cache key.

With ``FEASIBILITY_QUICK=1`` in the environment (``model.constants.QUICK_ENV``) every
``Settings`` is capped at ``QUICK_DRAWS`` draws, ``QUICK_TUNE`` tuning steps and
``QUICK_CHAINS`` chains: a smoke run of the notebooks or the benchmarks in seconds. The cap is
part of the settings, so it shows in the provenance and the cache key, and a quick posterior is
never read as a full one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from model.constants import (
    CHAINS,
    DEFAULT_SEED,
    DRAWS,
    NUTS_SAMPLER,
    QUICK_CHAINS,
    QUICK_DRAWS,
    QUICK_ENV,
    QUICK_TUNE,
    TARGET_ACCEPT,
    TUNE,
)


def quick() -> bool:
    """True when ``FEASIBILITY_QUICK`` asks for tiny sampler settings (any value but 0/no)."""
    return os.environ.get(QUICK_ENV, "").strip().lower() not in ("", "0", "false", "no")


@dataclass(frozen=True)
class Settings:
    """Sampler settings; part of the cache key (capped under ``FEASIBILITY_QUICK``)."""

    seed: int = DEFAULT_SEED
    draws: int = DRAWS
    tune: int = TUNE
    chains: int = CHAINS
    target_accept: float = TARGET_ACCEPT
    sampler: str = NUTS_SAMPLER

    def __post_init__(self) -> None:
        if quick():
            object.__setattr__(self, "draws", min(self.draws, QUICK_DRAWS))
            object.__setattr__(self, "tune", min(self.tune, QUICK_TUNE))
            object.__setattr__(self, "chains", min(self.chains, QUICK_CHAINS))

    def nuts_kwargs(self) -> dict:
        """The settings as ``pymc.sample`` keywords (the case's and the library's fits use them)."""
        return {
            "draws": self.draws,
            "tune": self.tune,
            "chains": self.chains,
            "random_seed": self.seed,
            "target_accept": self.target_accept,
            "nuts_sampler": self.sampler,
            "compute_convergence_checks": False,
        }
