"""Shared fixtures: a temporary cache folder and one small baseline fit per test session."""

import os
import tempfile

os.environ.setdefault("FEASIBILITY_CACHE", tempfile.mkdtemp(prefix="feasibility-test-cache-"))
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest

SMALL = {"draws": 400, "tune": 400, "chains": 2}


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
