"""Fit the model with NUTS, check the sampler, and cache the posterior as netCDF.

The cache key hashes the resolved priors, the evidence rows, the model version and the
sampler settings, so a repeat run with the same inputs reuses the posterior. A corrupt or
foreign cache file is reported in one line and refitted; nothing is ever unpickled.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from model.constants import (
    CACHE_DIR,
    CHAINS,
    DEFAULT_SEED,
    DRAWS,
    ESS_MIN,
    MODEL_VERSION,
    NUTS_SAMPLER,
    RHAT_MAX,
    TARGET_ACCEPT,
    TUNE,
)
from model.evidence import Evidence, load_evidence
from model.priors import Priors
from model.summary import versions


@dataclass(frozen=True)
class Settings:
    """Sampler settings; part of the cache key."""

    seed: int = DEFAULT_SEED
    draws: int = DRAWS
    tune: int = TUNE
    chains: int = CHAINS
    target_accept: float = TARGET_ACCEPT
    sampler: str = NUTS_SAMPLER


@dataclass
class Fit:
    """A fitted posterior with its inputs, diagnostics and provenance."""

    priors: Priors
    evidence: Evidence
    tree: object
    draws: dict[str, np.ndarray]
    settings: Settings
    diagnostics: dict
    cached: bool
    seconds: float
    cache_file: Path | None = None
    notes: list[str] = field(default_factory=list)

    def provenance(self) -> dict:
        """Where every number came from: files, hashes, seed, as-of date, versions."""
        return {
            "priors_file": str(self.priors.path),
            "overlays": list(self.priors.overlays),
            "priors_hash": self.priors.full_hash(),
            "posterior_priors_hash": self.priors.params_hash(),
            "evidence_dir": str(self.priors.evidence_dir()),
            "evidence_hash": self.evidence.digest(),
            "poll_reading": self.evidence.poll_reading,
            "evidence_refused": list(self.evidence.refused),
            "seed": self.settings.seed,
            "as_of": self.evidence.as_of.isoformat(),
            "sampler": {
                "name": self.settings.sampler,
                "draws": self.settings.draws,
                "tune": self.settings.tune,
                "chains": self.settings.chains,
                "target_accept": self.settings.target_accept,
            },
            "versions": versions(),
        }


def evidence_for(priors: Priors) -> Evidence:
    """Load the evidence the priors file points to, at its as-of date and poll reading."""
    return load_evidence(
        priors.evidence_dir(),
        as_of=priors.as_of,
        poll_reading=priors.evidence.get("poll_reading", "article"),
    )


MODEL_SOURCES = ("build.py", "distributions.py", "fit.py")
"""The code a posterior depends on; its text is part of the cache key, with MODEL_VERSION."""


def cache_key(priors: Priors, evidence: Evidence, settings: Settings) -> str:
    code = hashlib.sha256()
    for name in MODEL_SOURCES:
        code.update((Path(__file__).parent / name).read_bytes())
    blob = json.dumps(
        [
            priors.params_hash(),
            evidence.digest(),
            MODEL_VERSION,
            code.hexdigest(),
            settings.__dict__,
        ],
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def flatten(tree, names) -> dict[str, np.ndarray]:
    """Posterior draws of ``names`` as flat arrays, chain-major."""
    post = tree["posterior"]
    return {n: np.asarray(post[n].values, dtype=float).reshape(-1) for n in names}


def diagnose(tree, names) -> dict:
    """Max R-hat, min bulk and tail ESS and the divergence count, with plain-words problems."""
    import arviz as az

    table = az.summary(tree, var_names=list(names), kind="diagnostics")
    stats = tree["sample_stats"]
    divergences = int(np.asarray(stats["diverging"].values).sum())
    out = {
        "r_hat_max": float(table["r_hat"].max()),
        "ess_bulk_min": float(table["ess_bulk"].min()),
        "ess_tail_min": float(table["ess_tail"].min()),
        "divergences": divergences,
        "worst_r_hat": str(table["r_hat"].idxmax()),
        "worst_ess": str(table["ess_bulk"].idxmin()),
    }
    problems = []
    if out["r_hat_max"] > RHAT_MAX:
        problems.append(
            f"R-hat {out['r_hat_max']:.3f} > {RHAT_MAX} for {out['worst_r_hat']}: chains disagree"
        )
    if out["ess_bulk_min"] < ESS_MIN:
        problems.append(
            f"bulk ESS {out['ess_bulk_min']:.0f} < {ESS_MIN} for {out['worst_ess']}: too few "
            "effective draws"
        )
    if divergences:
        problems.append(f"{divergences} divergent transitions: the posterior may be biased")
    out["problems"] = problems
    out["ok"] = not problems
    return out


def _load_cached(path: Path, key: str):
    import xarray as xr

    tree = xr.open_datatree(path, engine="h5netcdf")
    try:
        tree = tree.load()
    finally:
        tree.close()
    if tree.attrs.get("cache_key") != key:
        raise ValueError("its key does not match the inputs (a foreign file)")
    if "posterior" not in tree.children or "sample_stats" not in tree.children:
        raise ValueError("it lacks the posterior or sample_stats group")
    diagnostics = json.loads(tree.attrs.get("diagnostics", "null"))
    if diagnostics is not None and not isinstance(diagnostics, dict):
        raise ValueError("its diagnostics attribute is not a JSON object")
    return tree


def _write_cache(tree, path: Path, key: str, diagnostics: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tree.attrs["cache_key"] = key
    tree.attrs["diagnostics"] = json.dumps(diagnostics)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tree.to_netcdf(tmp, engine="h5netcdf")
    tmp.replace(path)


def sample(priors: Priors, evidence: Evidence, settings: Settings, *, progress: bool = False):
    """Run NUTS on the model and return the posterior DataTree (no cache)."""
    import pymc as pm

    from model.build import build_model

    model = build_model(priors, evidence)
    with model:
        return pm.sample(
            draws=settings.draws,
            tune=settings.tune,
            chains=settings.chains,
            cores=min(settings.chains, os.cpu_count() or 1),
            random_seed=settings.seed,
            target_accept=settings.target_accept,
            nuts_sampler=settings.sampler,
            progressbar=progress,
            compute_convergence_checks=False,
        )


def fit(
    priors: Priors,
    *,
    evidence: Evidence | None = None,
    settings: Settings | None = None,
    cache: bool = True,
    progress: bool = False,
) -> Fit:
    """Fit (or load from the cache) the posterior of a case.

    Parameters
    ----------
    priors : Priors
        Resolved priors, with any scenario applied.
    evidence : Evidence, optional
        Defaults to the evidence the priors file points to.
    settings : Settings, optional
        Seed, draws, tune, chains, target_accept, sampler.
    cache : bool
        Reuse and store the posterior under ``.cache/fits``.
    progress : bool
        Show PyMC's progress bar.

    Returns
    -------
    Fit
    """
    evidence = evidence or evidence_for(priors)
    settings = settings or Settings()
    key = cache_key(priors, evidence, settings)
    path = CACHE_DIR / "fits" / f"{key}.nc"
    notes = []
    start = time.perf_counter()
    tree, cached = None, False
    if cache and path.exists():
        try:
            tree, cached = _load_cached(path, key), True
        except Exception as exc:  # any unreadable cache file means: refit
            note = f"{path}: cache file unreadable ({type(exc).__name__}: {exc}); refitting"
            print(note.replace("\n", " "), file=sys.stderr)
            notes.append(note)
            path.unlink(missing_ok=True)
    names = list(priors.params)
    if tree is None:
        tree = sample(priors, evidence, settings, progress=progress)
        diagnostics = diagnose(tree, names)
        if cache:
            _write_cache(tree, path, key, diagnostics)
    else:  # stored at fit time; older cache files lack it
        diagnostics = json.loads(tree.attrs.get("diagnostics", "null")) or diagnose(tree, names)
    return Fit(
        priors=priors,
        evidence=evidence,
        tree=tree,
        draws=flatten(tree, names),
        settings=settings,
        diagnostics=diagnostics,
        cached=cached,
        seconds=time.perf_counter() - start,
        cache_file=path if cache else None,
        notes=notes,
    )
