"""A report run whose compute and write are stand-ins: what the kill and lock tests drive.

A subprocess runs it (``DRIVER`` in ``test_build.py``) when the run must be killed at a step or
hold the lock; a test calls `complete` in its own process when it only needs a finished run.
"""

from pathlib import Path


def write(res: str, dest: Path, steps, started=None) -> None:
    """Write the tag as the table, the Markdown and the HTML, pausing after the table."""
    from model.report.publish import pause

    (dest / "tables").mkdir(parents=True, exist_ok=True)
    (dest / "tables" / "t.csv").write_text(res)
    pause("writing")
    (dest / "feasibility.md").write_text(res)
    (dest / "feasibility.html").write_text(res)


def complete(out: Path, tag: str) -> None:
    """One whole report run into ``out`` whose every file says ``tag``."""
    import model.report.build as b
    from model.case.priors import load_priors

    saved = b.compute, b.write
    b.compute, b.write = (lambda priors, **k: tag), write
    try:
        b.build_report(
            load_priors(), out=Path(out), notebooks=False, scenarios=[], progress=lambda line: None
        )
    finally:
        b.compute, b.write = saved
