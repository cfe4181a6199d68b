"""Shared fixtures: a temporary cache folder and one small baseline fit per test session."""

import os
import tempfile

os.environ.setdefault("FEASIBILITY_CACHE", tempfile.mkdtemp(prefix="feasibility-test-cache-"))
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest

SMALL = {"draws": 400, "tune": 400, "chains": 2}
"""The test suite's sampler size: the one place it is set."""
SMALL_ARGS = [arg for k, v in SMALL.items() for arg in (f"--{k}", str(v))]
"""The same size as command-line options."""


@pytest.fixture(scope="session")
def baseline_priors():
    from model.case.priors import load_priors

    return load_priors()


@pytest.fixture(scope="session")
def small_settings():
    from model.inference.settings import Settings

    return Settings(**SMALL)


@pytest.fixture(scope="session")
def small_fit(baseline_priors, small_settings):
    """The baseline posterior with few draws, shared by every test that needs one."""
    from model.inference.fit import fit

    return fit(baseline_priors, settings=small_settings)


@pytest.fixture(scope="session")
def sensitivity_payload(small_fit):
    """The sensitivity payload of the small fit, with an extra input the model does not use."""
    import numpy as np

    from model.analysis.sensitivity.summary import sensitivity

    dummy = np.random.default_rng(7).normal(size=small_fit.draws["p_agree"].size)
    return sensitivity(small_fit, rng_seed=1, extra_draws={"unused_input": dummy})


FUZZ_COUNTS: dict[str, int] = {}
"""Counts of the input fuzz (tests/case/test_fuzz.py), shown at the end of every test run."""


@pytest.fixture(scope="session")
def fuzz_counts():
    """The session's fuzz counters, printed by ``pytest_terminal_summary``."""
    return FUZZ_COUNTS


def pytest_terminal_summary(terminalreporter):
    """Show the fuzz counts in the test output (``make test``), when the fuzz ran."""
    if not FUZZ_COUNTS:
        return
    c = FUZZ_COUNTS
    terminalreporter.section("input fuzz (priors, scenario and --set grammar)")
    terminalreporter.write_line(
        f"cases tried: {c.get('tried', 0)}; exit 0 with finite numbers: {c.get('ok', 0)}; "
        f"exit 2 with one line: {c.get('refused', 0)}; tracebacks: {c.get('tracebacks', 0)}; "
        f"finite-or-refused: {c.get('ok', 0) + c.get('refused', 0)}/{c.get('tried', 0)}"
    )


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (nothing downloaded: ``executable_path``).

    Missing Chromium or Playwright fails the test under CI (``CI=true``) and skips it locally.
    """
    import shutil

    path = shutil.which(CHROMIUM) or shutil.which("chromium")
    problem = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "playwright is not installed (pip install -e '.[app]')"
    if path is None:
        problem = "headless Chromium not found: apt-get install chromium (.ci/run does)"
    if problem:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(problem)
        pytest.skip(problem)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=path, headless=True)
        yield chromium
        chromium.close()
