"""Benchmarks (``make bench``): speed and memory as ratios measured in one run.

This machine is shared and noisy, so every target is a ratio of two timings taken in the
same run (never an absolute time asserted in a test). Prints ``name: value`` lines and keeps
them in ``reports/bench.txt``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from model.constants import REPORTS_DIR, SCENARIO_DIR


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


def run(*, out: Path = REPORTS_DIR / "bench.txt", refits: int = 3) -> list[str]:
    """Run every benchmark and write the lines to ``out``.

    Parameters
    ----------
    out : Path
        Where the ``name: value`` lines are kept.
    refits : int
        Full fits timed for the refit median.
    """
    from model.analysis.whatif import answer
    from model.case.priors import load_priors
    from model.inference.fit import fit

    lines: list[str] = []
    priors = load_priors()
    cold = [fit(priors, cache=False).seconds for _ in range(refits)]
    fit_cold = statistics.median(cold)
    base = fit(priors)
    fit(priors)
    fit_warm = _median_seconds(lambda: fit(priors), repeat=5)
    _say(lines, "fit_seconds_cold", fit_cold, f"median of {refits} fits without cache")
    _say(lines, "fit_seconds_warm", fit_warm, "median of 5 loads of the cached posterior")
    _say(lines, "fit_cold_over_warm", fit_cold / fit_warm)

    scenario = SCENARIO_DIR / "slow_appropriations.toml"
    new = load_priors(scenarios=[scenario])
    answer(base, scenario=scenario)
    reweight = _median_seconds(lambda: answer(base, scenario=scenario), repeat=21)
    refit = statistics.median(fit(new, cache=False).seconds for _ in range(refits))
    _say(lines, "whatif_reweight_seconds", reweight, "slow_appropriations, median of 21")
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
    _say(lines, "whatif_max_abs_error", max(errors.values()), "P(deal) units, target <= 0.01")

    tracemalloc.start()
    answer(base, scenario=scenario)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    _say(lines, "whatif_peak_mib", peak / 2**20, "tracemalloc peak of one reweighted answer")

    lines += panel_benchmarks(base)
    lines += _sensitivity_and_report(base, fit_cold)
    lines += backtest_bench()
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


def panel_benchmarks(base, *, moves: int = 11) -> list[str]:
    """The panel's in-memory recompute, and slider release to new number in headless Chromium."""
    from model.analysis.inmemory import answer_in_memory, live
    from model.analysis.outcomes import evaluate
    from model.analysis.whatif import answer

    lines: list[str] = []
    base_out = evaluate(base.draws, base.priors, base.evidence)
    values = iter([0.02, 0.04] * 50)

    def recompute():
        overlay = {"params": {"opinion_shift": {"mu": next(values)}}}
        return live(base, answer_in_memory(base, overlay), base_out)

    recompute()
    ms = 1000 * _median_seconds(recompute, repeat=51)
    by_file = 1000 * _median_seconds(
        lambda: answer(base, sets=["params.opinion_shift.mu=0.02"]), repeat=21
    )
    _say(lines, "whatif_inmemory_ms", ms, "recompute + row + decomposition, median of 51; <= 5")
    mu = base.priors.params["duration_mu"].params["mu"]
    timing_values = iter([mu - 0.05, mu + 0.05] * 50)

    def timing_slider():
        overlay = {"params": {"duration_mu": {"mu": next(timing_values)}}}
        return live(base, answer_in_memory(base, overlay), base_out)

    timing_slider()
    slow_ms = 1000 * _median_seconds(timing_slider, repeat=51)
    note = "a Congress-timing slider (duration_mu): the falling-hazard integral is recomputed"
    _say(lines, "whatif_inmemory_timing_ms", slow_ms, note)
    _say(lines, "whatif_file_ms", by_file, "the same answer through files (answer --set)")
    try:
        from playwright.sync_api import sync_playwright

        from model.app.serve import serve
    except ImportError as exc:
        _say(lines, "panel_roundtrip_ms", "not measured", f"missing {exc.name}")
        return lines
    app = serve(base)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
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
    roundtrip = 1000 * statistics.median(times[1:])
    note = f"slider release to new P(deal), headless Chromium, median of {moves}; <= 150"
    _say(lines, "panel_roundtrip_ms", roundtrip, note)
    _say(lines, "panel_server_ms", 1000 * app.panels[0].seconds, "last update() in the server")
    return lines


def backtest_bench(*, workers: int = 2) -> list[str]:
    """``backtest_seconds``: the whole library, every origin refitted (exact grid posteriors);
    then the issue's targets as the backtest states them (MET / NOT MET, by how much)."""
    from model.analysis.backtest import run_backtest
    from model.case.library import load_cases

    lines: list[str] = []
    start = time.perf_counter()
    result = run_backtest(load_cases(), workers=workers)
    cold = time.perf_counter() - start
    note = f"{result.fits} refits (exact grid posteriors), {workers} workers, target <= 240"
    _say(lines, "backtest_seconds", cold, note)
    lines += [f"backtest target: {t}" for t in result.targets]
    return lines


if __name__ == "__main__":
    run()
