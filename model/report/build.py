"""Build the report: ``feasibility report --out DIR`` and ``make reports``.

One baseline posterior serves everything that needs no refit (designs, timing, recompute and
reweight scenarios, sensitivity, value of information). Under a lock on ``out``, the report is
written into a new version folder and published by one rename of a pointer
(`model.report.publish`), so an interrupted, killed or failing run leaves the previous report
intact, and the next run cleans up what it left. Each long step prints a progress line to
stderr (one line per update, no carriage returns, so CI logs read well).

Writes, under ``out``: ``feasibility.html`` (self-contained), ``feasibility.md``,
``figures/*.png``, ``tables/*.csv`` (plus ``tables/provenance.json`` with run times) and, when
the notebooks run, ``notebooks/*.html``. Other files in ``out`` are left alone.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from model.analysis.baseline import run_summary
from model.analysis.decision import deal_matrix, rank_designs
from model.analysis.sensitivity.summary import sensitivity
from model.analysis.timing import timing_payload
from model.case.priors import Priors
from model.constants import SCENARIO_DIR
from model.experts.pool import expert_files, experts_payload, load_experts
from model.files import write_text, write_with
from model.inference.fit import evidence_for, fit
from model.inference.prior_draws import prior_draws
from model.inference.settings import Settings
from model.library.backtest import run_backtest
from model.library.cases import load_cases
from model.library.prior import adjustment_effect
from model.library.trust import problems_line
from model.report.notebooks import execute_all, missing_requirements, notebooks
from model.report.publish import check_out, clean_stale, locked, new_version, pause
from model.report.publish import publish as publish_version
from model.report.render import to_html, to_markdown
from model.report.results import (
    Results,
    csv_tables,
    figures,
    provenance,
    write_csv,
    write_workbook,
)
from model.report.sections import document
from model.studies.section import compute_evidence_value
from model.views.figures import to_png_bytes
from model.views.words import recommendation
from model.whatif.answers import check_overlays, compare

STEPS = 6

Progress = Callable[[str], None]


def stderr_progress(line: str) -> None:
    """Print one progress line to stderr and flush it (readable on a terminal and in CI)."""
    print(line, file=sys.stderr, flush=True)


class _Steps:
    """Numbered progress lines ``[i/n] text`` and the seconds each step took."""

    def __init__(self, emit: Progress, total: int = STEPS):
        self.emit, self.total, self.seconds = emit, total, {}
        self._name, self._start, self.i = None, 0.0, 0

    def start(self, name: str, text: str) -> None:
        self.done()
        self.i += 1
        self._name, self._start = name, time.perf_counter()
        self.say(text)

    def say(self, text: str) -> None:
        self.emit(f"[{self.i}/{self.total}] {text}")

    def elapsed(self) -> float:
        """Seconds since the current step started."""
        return time.perf_counter() - self._start

    def done(self) -> None:
        if self._name is not None:
            self.seconds[self._name] = time.perf_counter() - self._start
            self._name = None


def scenario_files(directory: Path = SCENARIO_DIR) -> list[Path]:
    """Every scenario file the report runs, sorted by name."""
    return sorted(Path(directory).glob("*.toml"))


def _validate(priors: Priors, files: list[Path]):
    """Load the evidence and every scenario before anything is written (raises InputError)."""
    evidence = evidence_for(priors)
    check_overlays(priors, scenarios=files)
    return evidence


def _scenarios(fit, files: list[Path], steps: _Steps, problems: list[str]):

    def progress(i: int, n: int, case, seconds: float) -> None:
        steps.say(f"scenarios {i}/{n}: {case.name} ({case.method}, {seconds:.1f} s)")
        if case.refit is not None:
            for problem in case.refit.diagnostics["problems"]:
                problems.append(f"refit {case.name}: {problem}")
                steps.say(f"SAMPLER WARNING: refit {case.name}: {problem}")

    return compare(fit, scenarios=files, progress=progress)


def _notebooks(dest: Path, settings, steps: _Steps) -> list[Path]:
    missing = missing_requirements()
    if missing:
        steps.say(
            f"notebooks: skipped: {', '.join(missing)} not installed "
            "(pip install -e '.[report]', which `make reports` does)"
        )
        return []
    found = notebooks()
    if not found:
        steps.say("notebooks: none in notebooks/ yet, skipped")
        return []
    params = {
        "DRAWS": settings.draws,
        "TUNE": settings.tune,
        "CHAINS": settings.chains,
        "SEED": settings.seed,
    }
    count = [0]

    def progress(line: str) -> None:
        if line.startswith("executing"):
            count[0] += 1
        steps.say(f"notebooks {count[0]}/{len(found)}: {line}")

    written = [Path(p) for p in execute_all(dest, params=params, progress=progress)]
    for path in written:  # readable like the rest of the report (temporary files are 0600)
        path.chmod(0o644)
    return written


def compute(
    priors: Priors,
    *,
    settings,
    evidence=None,
    files=(),
    steps=None,
    problems=None,
    backtest=None,
    workers: int = 1,
    expert_paths=(),
):
    """Fit once and compute every number of the report (steps 1-4).

    Parameters
    ----------
    priors : Priors
        Resolved baseline priors.
    settings : model.inference.settings.Settings
        Sampler settings.
    evidence : model.evidence.Evidence, optional
        Already loaded evidence (default: the priors file's).
    files : sequence of Path
        Scenario files, answered against the one baseline posterior.
    steps : _Steps, optional
        Progress reporter.
    problems : list, optional
        Receives the sampler problems of the baseline fit and of every refit.
    backtest : bool or Backtest, optional
        ``True`` runs the rolling-origin backtest of the case library (refits cached under
        ``.cache/pooled``); a computed `Backtest` is used as given; ``None`` leaves it out.
    workers : int
        joblib processes for the backtest's refits.
    expert_paths : sequence of Path
        Expert overlays pooled in the section "Where the experts disagree" (none: left out).

    Returns
    -------
    model.report.results.Results
    """
    import numpy as np

    steps = steps or _Steps(stderr_progress)
    problems = [] if problems is None else problems
    started = datetime.now(UTC).isoformat(timespec="seconds")
    shape = f"{settings.chains} chains x {settings.draws} draws"
    steps.start("fit", f"fitting the baseline posterior ({shape}) or reading it from the cache...")
    base = fit(priors, evidence=evidence, settings=settings)
    how = "read from the cache" if base.cached else "fresh NUTS fit"
    steps.say(f"baseline posterior: {how} in {base.seconds:.1f} s")
    for problem in base.diagnostics["problems"]:
        problems.append(problem)
        steps.say(f"SAMPLER WARNING: {problem}")
    steps.start("designs", "ranking package designs and the timing curves...")
    summary = run_summary(base)
    matrix = deal_matrix(base)  # shared by the ranking and the value of information
    ranking = rank_designs(base, matrix=matrix)
    timing = timing_payload(base)
    steps.say(f"designs: {len(ranking) - 1} ranked; timing: {len(timing['curves'])} curves")
    steps.start("scenarios", f"scenarios: {len(files)} what-if files from priors/scenarios")
    table = _scenarios(base, list(files), steps, problems)
    steps.start("sensitivity", "sensitivity: power-scaling, tornado, indices, EVPI/EVPPI...")

    sens = sensitivity(base, matrix=matrix)
    steps.say(f"sensitivity: done in {steps.elapsed():.1f} s")
    if backtest is True:
        steps.say("backtest: rolling-origin refits of the case library (cached when seen)...")
        backtest = run_backtest(load_cases(), workers=workers)
        steps.say(f"backtest: {backtest.fits} refits ({backtest.cached_fits} from the cache)")
    if backtest:
        problems.extend(backtest.problems)
        for line in problems_line(backtest):
            steps.say(f"SAMPLER WARNING: {line}")
    experts = None
    if expert_paths:
        steps.say(f"experts: {len(expert_paths)} expert files, answered from the baseline...")
        experts = experts_payload(load_experts(base, list(expert_paths)))
        for line in experts["problems"]:
            problems.append(line)
            steps.say(f"SAMPLER WARNING: {line}")
    steps.say("evidence value: EVSI of each study in priors/studies and the timeline...")
    evidence_value = compute_evidence_value(base, seed=settings.seed)
    size = len(next(iter(base.draws.values())))
    prior = prior_draws(priors, size=size, rng=np.random.default_rng(settings.seed))
    res = Results(
        fit=base,
        summary=summary,
        ranking=ranking,
        recommendation=recommendation(base, ranking),
        timing=timing,
        scenarios=table,
        sensitivity=sens,
        prior=prior,
        scenario_files=list(files),
        seconds=steps.seconds,
        started=started,
        backtest=backtest or None,
        adjustments=adjustment_effect(base),
        experts=experts,
        evidence_value=evidence_value,
    )
    return res


def write(res, dest: Path, steps: _Steps, *, started: float | None = None) -> None:
    """Write figures, tables, Markdown and HTML of ``res`` into the folder ``dest``."""
    steps.start("write", "writing figures, tables, Markdown and HTML...")
    (dest / "figures").mkdir(parents=True, exist_ok=True)
    (dest / "tables").mkdir(exist_ok=True)
    tables = csv_tables(res)
    for name, frame in tables.items():
        write_csv(frame, dest / "tables" / f"{name}.csv")
    write_workbook(tables, dest / "tables" / "feasibility.xlsx")
    pngs = {}
    built = figures(res)
    for i, (name, (fig, alt)) in enumerate(built.items(), start=1):
        png = to_png_bytes(fig)
        write_with(dest / "figures" / f"{name}.png", lambda tmp, png=png: tmp.write_bytes(png))
        pngs[name] = (png, alt)
        steps.say(f"figures {i}/{len(built)}: {name}")
    steps.done()
    if started is not None:
        res.seconds["total"] = time.perf_counter() - started
    prov = provenance(res, with_times=True)
    write_text(dest / "tables" / "provenance.json", json.dumps(prov, indent=1) + "\n")
    doc = document(res, pngs)
    pause("writing")
    write_text(dest / "feasibility.md", to_markdown(doc))
    write_text(dest / "feasibility.html", to_html(doc))
    steps.say(f"wrote {len(tables)} tables and {len(pngs)} figures")


def build_report(
    priors: Priors,
    *,
    settings=None,
    out: Path,
    notebooks: bool = True,
    progress: Progress | None = None,
    scenarios: list[Path] | None = None,
    problems: list[str] | None = None,
    backtest=None,
    workers: int = 1,
    experts: list[Path] | None = None,
) -> Path:
    """Fit the baseline once, compute everything and write the report into ``out``.

    Parameters
    ----------
    priors : Priors
        Resolved baseline priors (loaded, and so validated, by the caller).
    settings : model.inference.settings.Settings, optional
        Sampler settings (seed, draws, tune, chains).
    out : Path
        Output folder; only the report's own artefacts in it are replaced.
    notebooks : bool
        Execute ``notebooks/*.ipynb`` into ``out/notebooks`` as HTML (when they exist).
    progress : callable, optional
        Receives one progress line at a time; default: print to stderr and flush.
    scenarios : list of Path, optional
        Scenario files; default every file in ``priors/scenarios``, sorted.
    problems : list, optional
        Receives the sampler problems of the baseline and of every refit (for ``--strict``).
    backtest : bool or Backtest, optional
        The section "How far to trust this number": ``True`` runs the backtest, a `Backtest`
        is used as given, ``None`` says it was not run.
    workers : int
        joblib processes for the backtest's refits.
    experts : list of Path, optional
        Expert overlays for the section "Where the experts disagree"; default every file in
        ``priors/experts``, sorted.

    Returns
    -------
    Path
        The HTML report, ``out / "feasibility.html"``.

    Raises
    ------
    model.errors.InputError
        Bad evidence or scenario files, or an ``out`` that cannot or must not be written, raised
        before anything is written; or another run holding the folder's lock.
    """
    start = time.perf_counter()
    settings = settings or Settings()
    out = Path(out)
    check_out(out)
    files = scenario_files() if scenarios is None else [Path(p) for p in scenarios]
    expert_paths = expert_files() if experts is None else [Path(p) for p in experts]
    evidence = _validate(priors, [*files, *expert_paths])
    emit = progress or stderr_progress
    steps = _Steps(emit)
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    try:
        with locked(out) as stale:
            if stale is not None:
                emit(f"a killed run (pid {stale}) left its lock: taken over")
            for entry in clean_stale(out):
                emit(f"removed a killed run's leftover: {out / entry}")
            pause("locked")
            version = new_version(out)
            try:
                res = compute(
                    priors,
                    settings=settings,
                    evidence=evidence,
                    files=files,
                    steps=steps,
                    problems=problems,
                    backtest=backtest,
                    workers=workers,
                    expert_paths=expert_paths,
                )
                if notebooks:
                    steps.start("notebooks", "notebooks: executing notebooks/*.ipynb into HTML...")
                    res.notebooks = _notebooks(version / "notebooks", settings, steps)
                else:
                    steps.start("notebooks", "notebooks: skipped (--skip-notebooks)")
                write(res, version, steps, started=start)
                publish_version(out, version)
            except BaseException:
                shutil.rmtree(version, ignore_errors=True)
                raise
    finally:
        versions = out / ".versions"
        if versions.is_dir() and not any(versions.iterdir()):
            versions.rmdir()
        if created and out.is_dir() and not any(out.iterdir()):
            out.rmdir()
    emit(f"report ready: {out / 'feasibility.html'} ({time.perf_counter() - start:.1f} s)")
    return out / "feasibility.html"
