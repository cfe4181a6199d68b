"""The one place for the project's constants: defaults, thresholds and paths."""

from __future__ import annotations

import math
import os
from datetime import date
from pathlib import Path

from model.errors import InputError

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
USER_SCENARIO_DIR = ROOT / "priors" / "user"
"""Scenarios saved from the panel (git-ignored): a report reads them only when asked
(``feasibility report --user-scenarios``)."""
EXPERT_DIR = ROOT / "priors" / "experts"
"""Expert overlays on the baseline priors: the report and the panel pool and compare them."""
STUDY_DIR = ROOT / "priors" / "studies"
"""Studies one could commission (`feasibility evsi`): one TOML file each."""
DATA_DIR = ROOT / "data"
REPORTS_DIR = ROOT / "reports"
CACHE_DIR = Path(os.environ.get("FEASIBILITY_CACHE", "").strip() or ROOT / ".cache")
"""Posterior and elicitation cache; tests point it elsewhere with ``FEASIBILITY_CACHE`` (an empty
value means unset: never the current folder)."""

EXIT_BAD_INPUT = 2
EXIT_DIAGNOSTICS = 3

NEAR_TIE_POINTS = 1.0
"""Designs within this many percentage points of the best expected P(deal) are near ties."""
P_BEST_FIRM = 0.5
"""A recommended design best in fewer posterior draws than this is called fragile."""
VOI_WORTH_POINTS = 1.0
"""An input whose EVPPI is below this many percentage points is not called worth resolving."""
EXIT_INTERRUPTED = 130
"""Ctrl-C: one line, the shell's code for SIGINT."""
EXIT_INTERNAL = 1
"""An unexpected failure: one line, no traceback (``FEASIBILITY_DEBUG=1`` shows it)."""

MAX_INPUT_BYTES = 1 << 20
"""Largest priors or scenario file read (1 MiB): a device or a wrong file is refused, not read."""
MAX_NESTING = 32
"""Deepest nesting of tables and arrays accepted in a priors, scenario or ``--set`` value."""

PARAM_BOUNDS = {
    "mu": (-100.0, 100.0),
    "sigma": (1e-4, 100.0),
    "alpha": (1e-2, 1e5),
    "beta": (1e-2, 1e5),
}
"""Distribution parameters in which the sampler works (a prior outside is refused): locations on
the log-odds or log-months scale, and scales and shapes neither degenerate nor unbounded."""
INTERVAL_MIN_WIDTH = 1e-4
"""Narrowest elicited interval (upper - lower, relative to max(1, |bound|)) the sampler can use."""

MIN_CHAINS = 2
"""R-hat compares chains: with one chain it is undefined, so fewer are refused."""
MIN_DRAWS = 100
"""Fewest draws per chain for the diagnostics and 90% intervals to mean anything."""
MAX_DRAWS = 100_000
MAX_CHAINS = 64
MAX_POOL_WEIGHT = 1e6
"""Largest ``--weights`` entry: weights are rescaled to sum to 1, so only ratios matter, and
ratios beyond a million are a typo (1e308 would overflow the sum)."""
MAX_SEED = 2**32 - 1
"""Seeds are 0 .. 2**32 - 1 (what NumPy and PyMC accept)."""

OUT_FOLDER_SENTINELS = (".current", "feasibility.html", "feasibility.md")
"""A non-empty ``report --out`` folder is used only when it already holds a report."""
LOCK_WAIT_SECONDS = 10.0
"""How long a report run waits for another one writing the same folder before giving up
(``FEASIBILITY_LOCK_WAIT`` overrides it, read when a run takes the lock: `lock_wait_seconds`)."""
MAX_LOCK_WAIT_SECONDS = 3600.0
"""Longest lock wait ``FEASIBILITY_LOCK_WAIT`` may ask for: a wait is always finite."""


def lock_wait_seconds() -> float:
    """``FEASIBILITY_LOCK_WAIT`` (seconds, ``0 .. MAX_LOCK_WAIT_SECONDS``), else the default.

    Raises
    ------
    model.errors.InputError
        A value that is not a finite number in range (``nan``, ``inf``, ``soon``, ``-1``).
    """
    text = os.environ.get("FEASIBILITY_LOCK_WAIT", "").strip()
    if not text:
        return LOCK_WAIT_SECONDS
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value <= MAX_LOCK_WAIT_SECONDS:  # NaN fails every comparison
        raise InputError(
            "FEASIBILITY_LOCK_WAIT",
            repr(text),
            f"must be seconds in [0, {MAX_LOCK_WAIT_SECONDS:g}]",
            "set it to e.g. 10, or unset it",
        )
    return value


MASS_TOLERANCE = 0.02
"""How far an elicited (or cached) prior's mass inside its interval may be from the one asked."""
MAX_LEVER_EFFECT = 20.0
"""Largest |log-odds| a lever level may add to one parameter: e^20 (about 5e8) to one odds
already makes the outcome certain, so a larger scale is a typo, and 1e300 overflows the sums."""
MAX_DECISION_VALUE = 1e6
"""Largest |worth| of one lever level in the ``[decision]`` table (and largest side weight):
only ratios matter, and larger ones overflow the expected values (1e308 gives inf)."""
MAX_DESIGNS = 20_000
"""Most pure designs the grid may hold (the product of every lever's levels): each design is a
column of draws in memory, and the baseline has a few hundred."""
MAX_DELAY_MONTHS = 120
"""Latest ``request_not_before`` a lever level may give, in months after the as-of date."""

CI_PCT = f"{CI_MASS:.0%}"
"""The interval mass as people read it (``90%``): the one label every interval carries."""
CASES_FILE = DATA_DIR / "cases.csv"
"""The case library: one past request or agreement a row, a source key per cell."""
TARGET_CASE_FILE = DATA_DIR / "case_2007.csv"
"""The case being forecast, in the library's format with its outcomes empty."""
POOLED_FILE = DATA_DIR / "pooled_prior.json"
"""Pooled posterior predictive for the target case, written by ``feasibility pooled``."""
FADE_MONTHS = 6.0
"""Variant ``falling_hazard``: Congress's enactment hazard starts falling this many months
before the election and decays with this time scale (a structural assumption, scored by the
backtest against ``hard_window``)."""
POST_ELECTION_FADES = 4
"""The falling hazard is integrated up to FADE_MONTHS x this after its start (e^-4 left)."""
QUAD_NODES = 12
"""Gauss-Hermite nodes for the shared hurdle factor; midpoint-rule nodes for the hazard."""
BACKTEST_DRAWS = 500
BACKTEST_TUNE = 500
BACKTEST_CHAINS = 2
"""Small sampler settings for backtest refits (2 chains x 500 draws, 500 tuning steps)."""
QUICK_ENV = "FEASIBILITY_QUICK"
"""``FEASIBILITY_QUICK=1``: every fit samples at most ``QUICK_DRAWS`` draws and ``QUICK_TUNE``
tuning steps on at most ``QUICK_CHAINS`` chains (``model.inference.settings``). For smoke runs
(the fast tests' notebooks, ``make bench-smoke``), never for numbers anyone reads."""
QUICK_DRAWS = 100
QUICK_TUNE = 100
QUICK_CHAINS = 2
MIN_TRAINING_OUTCOMES = 4
"""A rolling-origin forecast needs at least this many resolved outcomes in its training set."""
REFIT_EVERY = 3
"""Backtest refit schedule: refit once this many new outcomes have resolved since the last fit
(earlier forecasts reuse the latest fit, itself trained on the past only)."""
RELIABILITY_BINS = 5
MIN_BIN_CASES = 5
"""Reliability bins with fewer cases than this are flagged as too small to read."""
SIZE_REF_MUSD = 100.0
YEAR_REF = 2000
"""Centring of the pooled covariates (log nominal size around USD 100M; the year around 2000):
scalings, not data."""

STUDY_MAX_N = 100_000
"""Largest sample size of a study (respondents, members or officials)."""
EVSI_OUTER = 1000
"""Simulated study results of the brute-force (nested) EVSI estimate."""
TIMELINE_STEP_MONTHS = 1.0
"""Default step of `feasibility timeline`."""
TIMELINE_HORIZONS = (3.0, 6.0, 12.0)
"""Months after a library case's request at which its timeline forecast is scored."""
