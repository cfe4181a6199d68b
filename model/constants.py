"""The one place for the project's constants: defaults, thresholds and paths."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

MODEL_VERSION = "1.0.0"
"""Bumped whenever the generative model changes; part of every cache key."""

DEFAULT_SEED = 20070815
CI_MASS = 0.90
"""Mass of every credible interval the tool reports (equal-tailed)."""

AS_OF = date(2007, 8, 15)
"""Analysis date: the ISN article the project starts from."""

DAYS_PER_MONTH = 365.25 / 12

DRAWS = 1000
TUNE = 1000
CHAINS = 4
TARGET_ACCEPT = 0.95
NUTS_SAMPLER = "pymc"
"""Chosen on purpose. Measured here (4 x 1000 draws, whole fit incl. compile and diagnostics):
PyMC NUTS 13.7 s / 11.1 s, nutpie 9.0 s / 5.1 s (first / second fit); equal at test sizes.
nutpie would add pyarrow, zarr and obstore to the lock for a gain only refits see, and what-if
answers rarely refit; ``Settings(sampler="nutpie")`` works once nutpie is installed."""

RHAT_MAX = 1.01
ESS_MIN = 400
"""Smallest bulk effective sample size accepted (any parameter)."""
ESS_TAIL_MIN = 400
"""Smallest tail ESS accepted: the outputs are 90% intervals, so their ends must be sampled."""
EBFMI_MIN = 0.3
"""Smallest energy Bayesian fraction of missing information accepted (any chain)."""
PARETO_K_MAX = 0.7
"""Cap of the Pareto k threshold; `whatif.k_threshold` lowers it for few draws."""
TIMING_MONTHS = 24
"""The timing curve runs from the as-of date over months 0..TIMING_MONTHS."""

ROOT = Path(__file__).resolve().parent.parent
PRIORS_FILE = ROOT / "priors" / "baseline.toml"
SCENARIO_DIR = ROOT / "priors" / "scenarios"
DATA_DIR = ROOT / "data"
REPORTS_DIR = ROOT / "reports"
CACHE_DIR = Path(os.environ.get("FEASIBILITY_CACHE", ROOT / ".cache"))
"""Posterior and elicitation cache; tests point it elsewhere with ``FEASIBILITY_CACHE``."""

EXIT_BAD_INPUT = 2
EXIT_DIAGNOSTICS = 3
