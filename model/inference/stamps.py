"""Provenance stamps: package versions and the checkout's commit."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata

from model.constants import MODEL_VERSION, ROOT

PACKAGES = ("pymc", "pytensor", "arviz", "numpy", "pandas", "scipy", "preliz", "xarray")


def versions() -> dict[str, str]:
    """Versions of Python and the numerical stack, for provenance."""
    out = {"python": platform.python_version(), "model": MODEL_VERSION}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit() -> str:
    """The checkout's commit (with ``-dirty`` when it has uncommitted changes), or ``unknown``."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=5,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return sha + ("-dirty" if dirty else "")
