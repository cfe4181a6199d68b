"""The posterior cache: its key, and reading and writing netCDF files whole.

The key hashes the resolved priors, the evidence rows, the model version, the text of the code
a posterior depends on, and the sampler settings. Nothing is ever unpickled.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from model.case.evidence import Evidence
from model.case.priors import Priors
from model.constants import MODEL_VERSION
from model.files import atomic_path
from model.inference.settings import Settings

MODEL_SOURCES = (
    "case/distributions.py",
    "inference/pymc_model.py",
    "inference/fit.py",
    "inference/diagnostics.py",
)
"""The code a posterior (and the diagnostics stored with it) depends on; its text is part of
the cache key, with MODEL_VERSION."""


def cache_key(priors: Priors, evidence: Evidence, settings: Settings) -> str:
    """The key of a posterior: priors, evidence, model version and code, sampler settings."""
    code = hashlib.sha256()
    for name in MODEL_SOURCES:
        code.update((Path(__file__).parent.parent / name).read_bytes())
    blob = json.dumps(
        [
            priors.params_hash(),
            evidence.digest(),
            priors.evidence.get("reference", True),
            MODEL_VERSION,
            code.hexdigest(),
            settings.__dict__,
        ],
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def read_posterior(path: Path, key: str) -> tuple[Any, dict[str, Any]]:
    """Read a cached posterior and its diagnostics; ValueError when foreign or incomplete."""
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
    if not isinstance(diagnostics, dict) or "ok" not in diagnostics:
        raise ValueError("its diagnostics attribute is missing or not a JSON object")
    return tree, diagnostics


def write_posterior(tree, path: Path, key: str, diagnostics: dict) -> None:
    """Write a posterior with its key and diagnostics through a temporary file, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tree.attrs["cache_key"] = key
    tree.attrs["diagnostics"] = json.dumps(diagnostics)
    with atomic_path(path) as tmp:
        tree.to_netcdf(tmp, engine="h5netcdf")
