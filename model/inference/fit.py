"""Fit the model with NUTS, check the sampler, and reuse the posterior cache.

A repeat run with the same inputs reads the cached posterior. A corrupt or foreign cache file, or
one of the right key with a missing variable or the wrong shape, is reported in one line (in
``Fit.notes``, and issued as a `~model.errors.FitWarning` naming the file) and refitted. A cache
folder that cannot be written is reported the same way and the fit goes on without it.
"""

from __future__ import annotations

import contextlib
import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from model.case.evidence import Evidence, load_evidence
from model.case.priors import Priors
from model.constants import CACHE_DIR
from model.errors import FitWarning
from model.inference.cache import cache_key, read_posterior, write_posterior
from model.inference.diagnostics import diagnose
from model.inference.pymc_model import build_model
from model.inference.settings import Settings
from model.inference.stamps import versions


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


def flatten(tree, names, *, size: int | None = None) -> dict[str, np.ndarray]:
    """Posterior draws of ``names`` as flat arrays, chain-major.

    Raises ``KeyError`` for a missing variable and ``ValueError`` when a variable does not hold
    ``size`` finite draws (a cache file of the right key but the wrong content).
    """
    post = tree["posterior"]
    out = {}
    for n in names:
        if n not in post:
            raise KeyError(f"the posterior lacks {n}")
        values = np.asarray(post[n].values, dtype=float).reshape(-1)
        if size is not None and values.size != size:
            raise ValueError(f"{n} holds {values.size} draws, not {size}")
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{n} holds non-finite draws")
        out[n] = values
    return out


def sample(priors: Priors, evidence: Evidence, settings: Settings, *, progress: bool = False):
    """Run NUTS on the model and return the posterior DataTree (no cache)."""
    import pymc as pm

    model = build_model(priors, evidence)
    with model:
        tree = pm.sample(
            **settings.nuts_kwargs(),
            cores=min(settings.chains, os.cpu_count() or 1),
            progressbar=progress,
        )
    got = dict(tree.posterior.sizes)
    if got.get("draw") != settings.draws or got.get("chain") != settings.chains:
        raise KeyboardInterrupt("sampling stopped early (Ctrl-C): the partial trace is not used")
    return tree


def _note(notes: list[str], note: str) -> None:
    """Keep a cache note on the fit and issue it as a `FitWarning` at the caller of `fit`."""
    notes.append(note)
    warnings.warn(note, FitWarning, stacklevel=3)


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

    Warns
    -----
    FitWarning
        A cache file that could not be read (refitted), or a cache folder that cannot be
        written (the fit goes on without it); the same text is kept in ``Fit.notes``.
    """
    evidence = evidence or evidence_for(priors)
    settings = settings or Settings()
    key = cache_key(priors, evidence, settings)
    path = CACHE_DIR / "fits" / f"{key}.nc"
    writable = True
    notes: list[str] = []
    start = time.perf_counter()
    tree, cached = None, False
    draws: dict[str, np.ndarray] = {}
    diagnostics: dict[str, Any] = {}
    names = list(priors.params)
    expected = settings.chains * settings.draws
    if cache and path.exists():
        try:
            tree, diagnostics = read_posterior(path, key)
            draws = flatten(tree, names, size=expected)
            cached = True
        except Exception as exc:  # any unreadable cache file means: refit
            note = f"{path}: cache file unreadable ({type(exc).__name__}: {exc}); refitting"
            _note(notes, note.replace("\n", " "))
            tree = None
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
    if tree is None:
        tree = sample(priors, evidence, settings, progress=progress)
        diagnostics = diagnose(tree, names)
        draws = flatten(tree, names, size=expected)
        if cache:
            try:
                write_posterior(tree, path, key, diagnostics)
            except Exception as exc:  # a full disk, a read-only or file-typed cache folder
                why = " ".join(str(getattr(exc, "strerror", None) or exc).split())
                _note(
                    notes,
                    f"{path.parent}: cannot write the cache ({type(exc).__name__}: {why}); "
                    "going on without it",
                )
                writable = False
    return Fit(
        priors=priors,
        evidence=evidence,
        tree=tree,
        draws=draws,
        settings=settings,
        diagnostics=diagnostics,
        cached=cached,
        seconds=time.perf_counter() - start,
        cache_file=path if cache and writable and path.exists() else None,
        notes=notes,
    )
