"""Benchmarks (``make bench``): speed and memory as ratios measured in one run.

This machine is shared and noisy, so every target is a ratio of two timings taken in the
same run (never an absolute time asserted in a test). Prints ``name: value`` lines and keeps
them in ``reports/bench.txt``.

Without Chromium (looked up on ``PATH``, as the tests do) or Playwright the panel's browser
round trip is skipped with one line saying why; every other figure is still written.
``make bench-smoke`` (``FEASIBILITY_QUICK=1``) runs every benchmark once at tiny sampler
settings and a short backtest, into ``.cache/bench-smoke.txt``: a check that the benchmarks
still run (CI runs it), not figures to read.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

from model.constants import CACHE_DIR, REPORTS_DIR, SCENARIO_DIR
from model.inference.settings import quick as quick_mode

SMOKE_OUT = CACHE_DIR / "bench-smoke.txt"
"""Where the smoke run's lines go (never over ``reports/bench.txt``)."""
SMOKE_SINCE = date(2016, 1, 1)
"""The smoke run's backtest forecasts from here on only (one training set)."""


def find_chromium() -> str | None:
    """Chromium on ``PATH`` (Debian's ``chromium``), the way the browser tests find it."""
    return shutil.which("chromium")


def _median_seconds(fn, *, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _say(lines: list[str], name: str, value, note: str = "") -> None:
    text = f"{name}: {value:.4g}" if isinstance(value, float) else f"{name}: {value}"
    lines.append(text + (f"  # {note}" if note else ""))
    print(lines[-1], flush=True)


def run(*, out: Path | None = None, refits: int = 3, smoke: bool | None = None) -> list[str]:
    """Run every benchmark and write the lines to ``out``.

    Parameters
    ----------
    out : Path, optional
        Where the ``name: value`` lines are kept (default ``reports/bench.txt``, or
        ``SMOKE_OUT`` for a smoke run).
    refits : int
        Full fits timed for the refit median (1 in a smoke run).
    smoke : bool, optional
        One repeat of everything at tiny settings; default: ``FEASIBILITY_QUICK`` is set.
    """
    from model.case.priors import load_priors
    from model.inference.fit import fit
    from model.whatif.answers import answer

    smoke = quick_mode() if smoke is None else smoke
    out = out or (SMOKE_OUT if smoke else REPORTS_DIR / "bench.txt")
    refits = 1 if smoke else refits
    many = 1 if smoke else None
    lines: list[str] = []
    if smoke:
        _say(lines, "mode", "smoke", "FEASIBILITY_QUICK: tiny fits, one repeat; not figures")
    priors = load_priors()
    cold = [fit(priors, cache=False).seconds for _ in range(refits)]
    fit_cold = statistics.median(cold)
    base = fit(priors)
    fit(priors)
    fit_warm = _median_seconds(lambda: fit(priors), repeat=many or 5)
    _say(lines, "fit_seconds_cold", fit_cold, f"median of {refits} fits without cache")
    note = f"median of {many or 5} loads of the cached posterior"
    _say(lines, "fit_seconds_warm", fit_warm, note)
    _say(lines, "fit_cold_over_warm", fit_cold / fit_warm)

    scenario = SCENARIO_DIR / "slow_appropriations.toml"
    new = load_priors(scenarios=[scenario])
    answer(base, scenario=scenario)
    reweight = _median_seconds(lambda: answer(base, scenario=scenario), repeat=many or 21)
    refit = statistics.median(fit(new, cache=False).seconds for _ in range(refits))
    _say(lines, "whatif_reweight_seconds", reweight, f"slow_appropriations, median of {many or 21}")
    _say(lines, "whatif_refit_seconds", refit, f"same scenario, median of {refits} full refits")
    _say(lines, "whatif_speedup", refit / reweight, "target >= 50")

    errors, ks = {}, {}
    for path in sorted(SCENARIO_DIR.glob("*.toml")):
        quick = answer(base, scenario=path)
        if quick.method != "reweight":
            continue
        slow = answer(base, scenario=path, force_refit=True)
        errors[path.stem] = abs(quick.summary("p_deal")["mean"] - slow.summary("p_deal")["mean"])
        ks[path.stem] = quick.pareto_k
    for name in errors:
        _say(lines, f"whatif_error[{name}]", errors[name], f"Pareto k {ks[name]:.2f}")
    if errors:
        _say(lines, "whatif_max_abs_error", max(errors.values()), "P(deal) units, target <= 0.01")
    else:
        why = "no scenario was answered by reweighting"
        _say(lines, "whatif_max_abs_error", "not measured", why)

    tracemalloc.start()
    answer(base, scenario=scenario)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    _say(lines, "whatif_peak_mib", peak / 2**20, "tracemalloc peak of one reweighted answer")

    lines += panel_benchmarks(base, moves=2 if smoke else 11, repeat=many)
    lines += _sensitivity_and_report(base, fit_cold)
    lines += backtest_bench(workers=1, since=SMOKE_SINCE) if smoke else backtest_bench()
    lines += evidence_bench(base)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(out)
    print(f"wrote {out}", file=sys.stderr)
    return lines


def _sensitivity_and_report(base, fit_cold: float) -> list[str]:
    lines: list[str] = []
    try:
        from model.analysis.sensitivity.summary import sensitivity
    except ImportError:
        return lines
    seconds = _median_seconds(lambda: sensitivity(base), repeat=1)
    _say(lines, "sensitivity_seconds", seconds)
    _say(lines, "sensitivity_over_fit", seconds / fit_cold, "target <= 2")
    try:
        from model.report.build import build_report
    except ImportError:
        return lines
    import model.inference.fit as fit_module

    cache = fit_module.CACHE_DIR
    with tempfile.TemporaryDirectory() as folder:
        fit_module.CACHE_DIR = Path(folder) / "cache"  # a cold report: it fits its own posteriors
        try:
            start = time.perf_counter()
            build_report(base.priors, settings=base.settings, out=Path(folder), notebooks=False)
            seconds = time.perf_counter() - start
        finally:
            fit_module.CACHE_DIR = cache
    _say(lines, "report_seconds", seconds, "empty posterior cache, notebooks not executed")
    _say(lines, "report_over_fit", seconds / fit_cold, "target <= 4")
    return lines


CHANGED = """([old]) => {
  const find = (root) => {
    const el = root.querySelector('#headline');
    if (el) return el;
    for (const h of root.querySelectorAll('*')) if (h.shadowRoot) {
      const f = find(h.shadowRoot); if (f) return f;
    }
    return null;
  };
  const el = find(document);
  return el !== null && el.dataset.pDeal !== old;
}"""


def panel_benchmarks(base, *, moves: int = 11, repeat: int | None = None) -> list[str]:
    """The panel's in-memory recompute, and slider release to new number in headless Chromium.

    Without Chromium or Playwright, or when the browser cannot start, the round trip is one
    ``not measured`` line saying why; the in-memory figures are written either way.
    """
    from model.analysis.outcomes import evaluate
    from model.whatif.answers import answer
    from model.whatif.memory import answer_in_memory, live

    lines: list[str] = []
    base_out = evaluate(base.draws, base.priors, base.evidence)
    values = iter([0.02, 0.04] * 50)

    def recompute():
        overlay = {"params": {"opinion_shift": {"mu": next(values)}}}
        return live(base, answer_in_memory(base, overlay), base_out)

    recompute()
    ms = 1000 * _median_seconds(recompute, repeat=repeat or 51)
    by_file = 1000 * _median_seconds(
        lambda: answer(base, sets=["params.opinion_shift.mu=0.02"]), repeat=repeat or 21
    )
    note = f"recompute + row + decomposition, median of {repeat or 51}; <= 5"
    _say(lines, "whatif_inmemory_ms", ms, note)
    mu = base.priors.params["duration_mu"].params["mu"]
    timing_values = iter([mu - 0.05, mu + 0.05] * 50)

    def timing_slider():
        overlay = {"params": {"duration_mu": {"mu": next(timing_values)}}}
        return live(base, answer_in_memory(base, overlay), base_out)

    timing_slider()
    slow_ms = 1000 * _median_seconds(timing_slider, repeat=repeat or 51)
    note = "a Congress-timing slider (duration_mu): the falling-hazard integral is recomputed"
    _say(lines, "whatif_inmemory_timing_ms", slow_ms, note)
    _say(lines, "whatif_file_ms", by_file, "the same answer through files (answer --set)")
    try:
        from playwright.sync_api import sync_playwright

        from model.app.serve import serve
    except ImportError as exc:
        _say(lines, "panel_roundtrip_ms", "not measured", f"missing {exc.name}")
        return lines
    chromium = find_chromium()
    if chromium is None:
        why = "no chromium on PATH (apt-get install chromium); the browser round trip is skipped"
        _say(lines, "panel_roundtrip_ms", "not measured", why)
        print(f"bench: {why}", file=sys.stderr)
        return lines
    try:
        times, server = _roundtrips(base, sync_playwright, serve, chromium, moves)
    except Exception as exc:  # a browser that cannot start must not cost the other figures
        why = f"the browser round trip failed: {type(exc).__name__}: {' '.join(str(exc).split())}"
        _say(lines, "panel_roundtrip_ms", "not measured", why[:300])
        return lines
    roundtrip = 1000 * statistics.median(times[1:])
    note = f"slider release to new P(deal), headless Chromium, median of {moves}; <= 150"
    _say(lines, "panel_roundtrip_ms", roundtrip, note)
    _say(lines, "panel_server_ms", 1000 * server, "last update() in the server")
    return lines


def _roundtrips(base, sync_playwright, serve, chromium: str, moves: int):
    """Seconds from slider release to a new P(deal) in the page (``moves + 1`` times), and the
    seconds of the server's last ``update()``."""
    app = serve(base)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(app.url)
            page.wait_for_selector("#headline", timeout=120_000)
            handle = page.locator(".slider-opinion_shift-mu .noUi-handle")
            handle.scroll_into_view_if_needed()
            times = []
            for i in range(moves + 1):
                old = page.locator("#headline").get_attribute("data-p-deal")
                box = handle.bounding_box()
                x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
                page.mouse.move(x, y)
                page.mouse.down()
                page.mouse.move(x + (30 if i % 2 == 0 else -30), y, steps=4)
                start = time.perf_counter()
                page.mouse.up()
                page.wait_for_function(CHANGED, arg=[old], polling="raf", timeout=30_000)
                times.append(time.perf_counter() - start)
            browser.close()
    finally:
        app.stop()
    return times, app.panels[0].seconds


def backtest_bench(*, workers: int = 2, since: date | None = None) -> list[str]:
    """``backtest_seconds``: the whole library (or from ``since``), every origin refitted (exact
    grid posteriors); then the issue's targets as the backtest states them (MET / NOT MET)."""
    from model.library.backtest import run_backtest
    from model.library.cases import load_cases

    lines: list[str] = []
    start = time.perf_counter()
    result = run_backtest(load_cases(), workers=workers, since=since)
    cold = time.perf_counter() - start
    note = f"{result.fits} refits (exact grid posteriors), {workers} workers, target <= 240"
    _say(lines, "backtest_seconds", cold, note)
    lines += [f"backtest target: {t}" for t in result.targets]
    return lines


def evidence_bench(base) -> list[str]:
    """EVSI curve of one study over 8 sizes, and a 24-step 2007 timeline, from the cached fit.

    Targets (issue #25): the curve at most 30 s with a Monte Carlo SE at most 10% of the
    estimate where EVSI exceeds 0.5 points; the timeline at most 5 s.
    """
    import numpy as np
    from dateutil.relativedelta import relativedelta

    from model.analysis.decision import deal_matrix
    from model.studies.plans import load_study, priors_components
    from model.studies.value import evsi_curve
    from model.timeline.forecast import case_timeline

    lines: list[str] = []
    study = load_study("poll_funds_500", priors_components(base.priors))
    start, cpu = time.perf_counter(), time.process_time()
    curve = evsi_curve(base, study, matrix=deal_matrix(base))
    _say(lines, "evsi_curve_seconds", time.perf_counter() - start, "8 sizes + own n, target <= 30")
    _say(lines, "evsi_curve_cpu_seconds", time.process_time() - cpu, "the same, CPU time")
    big = [r for r in curve["rows"] if 100 * r["evsi_p_deal"] > 0.5]
    worst = max((r["se_p_deal"] / r["evsi_p_deal"] for r in big), default=float("nan"))
    note = f"sizes above 0.5 points: {len(big)}, target <= 0.10"
    _say(lines, "evsi_curve_max_relative_se", float(worst), note)
    top = 100 * float(np.max([r["evsi_p_deal"] for r in curve["rows"]]))
    _say(lines, "evsi_curve_max_points", top, "the curve's largest EVSI, P(deal) points")
    start, cpu = time.perf_counter(), time.process_time()
    end = base.evidence.as_of + relativedelta(months=11, days=16)  # 24 half-month steps
    line = case_timeline(base, step=0.5, end=end)
    seconds = time.perf_counter() - start
    _say(lines, "timeline_seconds", seconds, f"{len(line['rows'])} steps + crossings, target <= 5")
    _say(lines, "timeline_cpu_seconds", time.process_time() - cpu, "the same, CPU time")
    return lines


if __name__ == "__main__":
    run()
