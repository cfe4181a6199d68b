"""Shared fixtures: one small baseline fit, kept in a persistent test cache, and private caches.

How a new fast test gets a posterior
------------------------------------
- ``small_fit``: the baseline posterior (``priors/baseline.toml``) at the suite's sampler size
  ``SMALL`` (2 chains x 400 draws, default seed), fitted once per session. Use it for anything
  that needs a real posterior: numbers, payloads, tables, figures, the report, the panel, the
  CLI in process (``main([..., *SMALL_ARGS])`` reads the same cached fit). ``small_settings``
  is ``Settings(**SMALL)``; ``baseline_priors`` the loaded baseline priors.
- Another case or scenario: ``fit(priors, settings=small_settings)``. Every fit goes through the
  posterior cache, whose key hashes the priors, the evidence, the model's code and the sampler
  settings, so a changed input or a code change refits and nothing stale is ever read.
- The test cache is persistent: ``FEASIBILITY_CACHE`` defaults to ``.cache/tests`` (ignored by
  git; ``make clean`` removes it), so the second ``make test`` reads every fit of the first.
  Subprocesses (CLI, notebook kernels) inherit it; pass ``SMALL_ARGS`` / ``SMALL`` to share fits.
- A slow shared result that is not a fit (the small report, the sensitivity payload and
  power-scaling table, the simulated backtest, the pooled-prior content) goes through
  ``tests.memo.memo``: built once, stored under ``$FEASIBILITY_CACHE/memo`` with a key hashing
  the package, priors, data, fixtures and lock file, and read back by later runs; any change to
  the code or inputs builds it again. ``small_report`` is the one full report of the fast suite,
  shared by the report and browser tests.
- ``make test`` runs on every core (pytest-xdist). ``small_fit`` and every memo are made under a
  file lock, so with an empty cache one worker builds and the other waits and reads. (``--dist
  loadgroup`` would put one fixture's tests on one worker, but with pytest 9.2 and pytest-xdist
  3.8.0 it silently groups nothing: pytest-xdist issue #1386.)
- A test that writes, corrupts or must miss the cache takes ``private_cache`` (its own folder,
  seeded with a copy of the small fit): never write into ``small_fit.cache_file``.
- Fast tests never sample more than ``SMALL``; a check of statistics (recovery, calibration,
  reweight against refit, several seeds) is ``@pytest.mark.slow`` (``make test-slow``).
- Notebooks run at ``SMALL`` and read the same cached fits (``tests/report/test_notebooks.py``):
  the fast suite runs each notebook's code in the test's own process
  (``tests/notebook_runner.py``: no new Python, PyMC and ArviZ imported once) and starts one
  real kernel only for a probe notebook; the slow suite executes every notebook in a real kernel.
  In the fast suite notebook 05 runs a short backtest (from ``QUICK_SINCE``). ``make
  bench-smoke`` runs under ``FEASIBILITY_QUICK=1`` (read by ``model.inference.settings``: every
  fit capped at 2 chains x 100 draws).
- ``pymc.testing.mock_sample`` was measured and not used: it compiles a prior-predictive
  function, which costs about as much CPU as a tiny NUTS fit of this model; the persistent
  cache is what saves the time.
"""

import os
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_CACHE = ROOT / ".cache" / "tests"
"""The persistent test cache (``FEASIBILITY_CACHE`` overrides it)."""

os.environ.setdefault("FEASIBILITY_CACHE", str(TEST_CACHE))
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402

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
    """The baseline posterior with few draws, shared by every test that needs one (cached).

    Fitted under a file lock in the cache folder: with an empty cache, one xdist worker fits
    (on both cores) while the others wait and then read its cache file, instead of every
    worker fitting the same posterior at once.
    """
    import fcntl

    from model.inference.fit import CACHE_DIR, fit

    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR / "small_fit.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return fit(baseline_priors, settings=small_settings)


@pytest.fixture
def private_cache(tmp_path, monkeypatch, small_fit):
    """A posterior cache folder of this test's own, holding a copy of the small fit's file.

    Fits and pooled fits read and write here, and so do subprocesses (``FEASIBILITY_CACHE``);
    the shared test cache is left alone, so one test's corruption cannot force refits on others.
    """
    import model.inference.fit as fit_module
    import model.library.model as pooled_module

    folder = tmp_path / "cache"
    (folder / "fits").mkdir(parents=True)
    if small_fit.cache_file is not None:
        shutil.copy2(small_fit.cache_file, folder / "fits" / small_fit.cache_file.name)
    for module in (fit_module, pooled_module):
        monkeypatch.setattr(module, "CACHE_DIR", folder)
    monkeypatch.setenv("FEASIBILITY_CACHE", str(folder))
    return folder


@pytest.fixture(scope="session")
def sensitivity_payload(small_fit):
    """The sensitivity payload of the small fit, with an extra input the model does not use.

    Kept between runs (``tests.memo``): computed again only when the code or inputs change.
    """
    import numpy as np

    from model.analysis.sensitivity.summary import sensitivity
    from tests.memo import memo

    def build(_folder):
        dummy = np.random.default_rng(7).normal(size=small_fit.draws["p_agree"].size)
        return sensitivity(small_fit, rng_seed=1, extra_draws={"unused_input": dummy})

    return memo("sensitivity_payload", build, inputs=(SMALL,))[1]


@pytest.fixture(scope="session")
def fake_backtest():
    """A backtest of a small simulated library (exact grid posteriors), kept between runs."""
    import model.library.backtest as bt
    from model.library.cases import load_cases
    from model.library.simulate import simulate_library, write_case_file
    from tests.memo import memo

    def build(folder):
        lib = load_cases(write_case_file(simulate_library(14, seed=8), folder / "cases.csv"))
        return bt.run_backtest(lib, workers=1)

    return memo("fake_backtest", build)[1]


@pytest.fixture(scope="session")
def small_report(baseline_priors, small_settings, fake_backtest):
    """One full report of the small fit, with ``fake_backtest``, kept between runs.

    ``{"out": folder, "path": HTML file, "lines": progress lines, "res": the Results it was
    written from}``. Built once per version of the code (``tests.memo``: with an empty cache one
    worker builds while the others wait). Tests read it and never write into it (copy it first).
    """
    import model.report.build as report
    from tests.memo import memo

    def build(folder):
        captured = {}
        original = report.compute

        def spy(*args, **kwargs):
            captured["res"] = original(*args, **kwargs)
            return captured["res"]

        lines: list[str] = []
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(report, "compute", spy)
            report.build_report(
                baseline_priors,
                settings=small_settings,
                out=folder / "reports",
                notebooks=False,
                progress=lines.append,
                backtest=fake_backtest,
            )
        return {"lines": lines, "res": captured["res"]}

    folder, value = memo("small_report", build, inputs=(SMALL,))
    out = folder / "reports"
    return {"out": out, "path": out / "feasibility.html"} | value


def csv_rounding(values) -> float:
    """The most that writing ``values`` to the report's CSVs can move their sum.

    Every float is written with ``FLOAT_FORMAT`` (``%.Ng``: N significant digits), so each value
    is off by at most half a unit in its last written digit; a test comparing numbers read back
    from a CSV takes its tolerance from here, not from a guess.
    """
    import numpy as np

    from model.report.results import FLOAT_FORMAT

    digits = int(re.fullmatch(r"%\.(\d+)g", FLOAT_FORMAT).group(1))
    v = np.abs(np.asarray(values, dtype=float).ravel())
    v = v[v > 0]
    return float(np.sum(0.5 * 10.0 ** (np.floor(np.log10(v)) - digits + 1)))


def csv_relative_rounding() -> float:
    """The largest relative error of one float written with the CSVs' ``FLOAT_FORMAT``."""
    from model.report.results import FLOAT_FORMAT

    digits = int(re.fullmatch(r"%\.(\d+)g", FLOAT_FORMAT).group(1))
    return 0.5 * 10.0 ** (1 - digits)


FUZZ_COUNTS: dict[str, int] = {}
"""Counts of the input fuzz (tests/case/test_fuzz.py), shown at the end of every test run."""


@pytest.fixture(scope="session")
def fuzz_counts():
    """The session's fuzz counters, printed by ``pytest_terminal_summary``."""
    return FUZZ_COUNTS


FIRST = ("test_build.py",)
"""Test files run first: they build the shared report (``small_report``)."""
LAST = ("test_browser.py",)
"""Test files run last: they read the shared report too, once it is built."""


def pytest_collection_modifyitems(items):
    """Run the report's tests first and the browser's last (the order within each kept).

    pytest-xdist hands each worker blocks of consecutive tests, so with an empty cache one worker
    builds the shared report (the longest fixture) from the start while the other runs the rest,
    and the browser test, which reads the same report, no longer waits for it.
    """
    items.sort(key=lambda item: (item.path.name not in FIRST) + (item.path.name in LAST))


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


def find_chromium() -> str | None:
    """The headless Chromium to drive: ``/usr/bin/chromium`` or ``chromium`` on PATH, or None."""
    return shutil.which(CHROMIUM) or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (nothing downloaded: ``executable_path``).

    Missing Chromium or Playwright fails the test under CI (``CI=true``) and skips it locally.
    """
    path = find_chromium()
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


def spawn_driver(
    folder: Path,
    script: str,
    out: Path,
    tag: str,
    *,
    pause_at: str | None = None,
    wait: str = "10",
    name: str = "driver.py",
):
    """Start ``script`` (a report-writing driver) in a subprocess: ``(process, pause marker)``.

    ``pause_at`` makes `model.report` pause at that step (``FEASIBILITY_PAUSE_AT``) and touch
    the marker, so a test can kill it there; ``wait`` is the lock wait in seconds.
    """
    import subprocess
    import sys

    path = folder / name
    path.write_text(script)
    marker = folder / f"paused-{tag}"
    env = dict(os.environ, PYTHONPATH=str(ROOT), FEASIBILITY_LOCK_WAIT=wait)
    if pause_at:
        env |= {"FEASIBILITY_PAUSE_AT": pause_at, "FEASIBILITY_PAUSE_FILE": str(marker)}
    proc = subprocess.Popen(
        [sys.executable, str(path), str(out), tag],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return proc, marker
