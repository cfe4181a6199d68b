"""The report: sections in order, self-contained HTML, CSV tables, reproducibility and safety."""

from __future__ import annotations

import base64
import copy
import re
import shutil
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from model.constants import ROOT
from tests.conftest import csv_relative_rounding, csv_rounding, spawn_driver
from tests.report.stand_in_run import complete

BAD = ROOT / "tests" / "fixtures" / "bad"
TITLES = (
    "Headline",
    "How far to trust this number",
    "Decomposition",
    "Timing",
    "Win-set map and design ranking",
    "Scenarios",
    "Where the experts disagree",
    "Sensitivity and value of information",
    "What evidence is worth buying",
    "Prior-sensitivity",
    "Priors",
    "Evidence",
    "Provenance",
    "Notebooks",
    "Glossary",
    "Appendix",
)
TABLES = {
    "summary",
    "timing",
    "timing_events",
    "designs",
    "scenarios",
    "tornado",
    "first_order",
    "evppi",
    "flip_points",
    "psense",
    "priors",
    "evidence_poll",
    "evidence_calendar",
    "provenance",
    "backtest",
    "experts",
    "disagreement",
}
FIGURES_BY_SECTION = {
    "trust": ["reliability"],
    "decomposition": ["decomposition"],
    "timing": ["timing"],
    "designs": ["winset"],
    "scenarios": ["scenarios"],
    "sensitivity": ["tornado", "first_order", "evppi"],
    "evidence-value": ["evsi", "timeline"],
    "priors": ["prior_posterior"],
}


def _build(priors, settings, out: Path, **kwargs) -> tuple[Path, list[str]]:
    from model.report.build import build_report

    lines: list[str] = []
    path = build_report(
        priors, settings=settings, out=out, notebooks=False, progress=lines.append, **kwargs
    )
    return path, lines


@pytest.fixture
def built(small_report):
    """The session's report, plus the Results it was written from (``small_report``)."""
    return small_report


class _Page(HTMLParser):
    """Collect section ids, images (with their enclosing figure) and every src/href."""

    def __init__(self):
        super().__init__()
        self.sections, self.images, self.refs, self.stack = [], [], [], []
        self.first_ids = []
        self.captions = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.first_ids.append(a["id"])
        if tag == "section":
            self.sections.append(a.get("id"))
        if tag in ("figure", "section"):
            self.stack.append((tag, a.get("id")))
        if tag == "figcaption":
            self.captions += 1
        if tag == "img":
            figure = next((i for t, i in reversed(self.stack) if t == "figure"), None)
            self.images.append(a | {"figure": figure, "section": self.sections[-1]})
        for key in ("src", "href"):
            if key in a:
                self.refs.append(a[key])

    def handle_endtag(self, tag):
        if tag in ("figure", "section") and self.stack:
            self.stack.pop()


def _page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_sections_in_order_in_html_and_markdown(built):
    from model.report.sections import SECTION_IDS

    assert _page(built["path"]).sections == list(SECTION_IDS)
    md = (built["out"] / "feasibility.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", md, flags=re.M)
    assert len(headings) == len(TITLES)
    for heading, title in zip(headings, TITLES, strict=True):
        assert heading.startswith(title), (heading, title)


def test_html_is_self_contained(built):
    page = _page(built["path"])
    text = built["path"].read_text(encoding="utf-8")
    external = [r for r in page.refs if re.match(r"\s*(https?:)?//", r)]
    assert external == []
    assert "<script" not in text
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", text)


def test_every_figure_is_an_embedded_png_with_alt_and_caption(built):
    page = _page(built["path"])
    assert len(page.images) == sum(len(v) for v in FIGURES_BY_SECTION.values())
    assert page.captions == len(page.images)
    for img in page.images:
        prefix = "data:image/png;base64,"
        assert img["src"].startswith(prefix)
        png = base64.b64decode(img["src"][len(prefix) :], validate=True)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert img.get("alt", "").strip()
        assert img["figure"] is not None
    where = {img["figure"].removeprefix("fig-"): img["section"] for img in page.images}
    for section, names in FIGURES_BY_SECTION.items():
        for name in names:
            assert where[name] == section
            assert (built["out"] / "figures" / f"{name}.png").stat().st_size > 0


def test_markdown_links_existing_figures_and_tables(built):
    md = (built["out"] / "feasibility.md").read_text(encoding="utf-8")
    figures = re.findall(r"\]\((figures/[^)]+\.png)\)", md)
    tables = re.findall(r"\]\((tables/[^)]+\.csv)\)", md)
    assert len(figures) == 11 and tables
    for rel in figures + tables:
        assert (built["out"] / rel).is_file(), rel
    assert "data:image" not in md


def test_every_table_written_as_csv(built):
    names = {p.stem for p in (built["out"] / "tables").glob("*.csv")}
    assert names >= TABLES
    assert (built["out"] / "tables" / "provenance.json").is_file()


def test_workbook_holds_every_table_with_the_csv_numbers(built):
    import pandas as pd

    tables = built["out"] / "tables"
    sheets = pd.read_excel(tables / "feasibility.xlsx", sheet_name=None)
    assert set(sheets) == {p.stem[:31] for p in tables.glob("*.csv")}
    summary = pd.read_csv(tables / "summary.csv")
    pd.testing.assert_series_equal(
        sheets["summary"]["mean"], summary["mean"], rtol=csv_relative_rounding()
    )


def test_headline_number_matches_the_run_summary(built, small_fit):
    from model.analysis.baseline import run_summary

    text = built["path"].read_text(encoding="utf-8")
    match = re.search(r'id="headline" data-p-deal="([^"]+)"', text)
    assert match
    mean = run_summary(small_fit)["p_deal"]["mean"]
    assert float(match.group(1)) == mean
    assert f"P(deal) = {mean:.1%}" in text


def test_headline_is_four_bullets_built_from_the_numbers(built):
    from model.report.headline import headline_bullets, headline_text

    res = built["res"]
    bullets = headline_bullets(res)
    assert len(bullets) == 4
    answer, why, ask, change = bullets
    deal, s = res.summary["p_deal"], res.summary
    assert f"{deal['mean']:.0%}" in answer and f"{deal['lo']:.1%}" in answer
    weakest = min(("p_framework", "p_enacted", "p_accepted"), key=lambda k: s[k]["mean"])
    assert f"{s[weakest]['mean']:.0%}" in why
    if weakest == "p_enacted":
        assert f"willing with {s['p_willing']['mean']:.0%}" in why
        assert f"in time with {s['p_in_time']['mean']:.0%}" in why
    assert res.label(res.sensitivity["tornado"][0]["input"]) in why
    from model.views.words import recommend

    rec = recommend(res.fit, res.ranking)
    assert ask.startswith("Ask for: ") and f"{rec.p_best:.0%} of posterior draws" in ask
    rows = res.scenarios[res.scenarios["method"] != "baseline"]
    top = rows.loc[rows["delta_p_deal_mean"].abs().idxmax()]
    assert top["question"] in change
    assert headline_text(res) == " ".join(bullets)
    html = built["path"].read_text(encoding="utf-8")
    start = html.index('<ul class="headline">')
    assert html.count("<li>", start, html.index("</ul>", start)) == 4
    markdown = (built["out"] / "feasibility.md").read_text(encoding="utf-8")
    assert headline_text(res) in markdown


def test_a_fragile_recommendation_says_many_designs_tie(built):
    from model.report.headline import headline_bullets, is_fragile, near_ties

    res = built["res"]
    best = res.ranking[res.ranking["is_best"]].iloc[0]
    ask = headline_bullets(res)[2]
    assert is_fragile(best, by_value=True) == ("is fragile" in ask)
    fragile = res.ranking.copy()
    fragile.loc[fragile["is_best"], ["p_best_value", "value_gain_lo"]] = [0.05, -0.01]
    res_fragile = copy.copy(res)
    res_fragile.ranking = fragile
    ask = headline_bullets(res_fragile)[2]
    ties = len(near_ties(fragile, by_value=True))
    assert "is fragile" in ask and f"{ties} of the" in ask and "only 5% of posterior draws" in ask
    assert "edge of the range" in ask  # the smallest package is the edge of the size lever


def test_one_recommendation_in_the_same_words_in_headline_and_design_section(built):
    """One computation (`recommend`) feeds the headline, the design section and notebook 04."""
    from model.report.headline import headline_bullets
    from model.views.words import recommend

    res = built["res"]
    rec = recommend(res.fit, res.ranking)
    ask = headline_bullets(res)[2]
    html = built["path"].read_text(encoding="utf-8")
    designs = html[html.index('<section id="designs"') : html.index('<section id="scenarios"')]
    for sentence in rec.sentences:
        if sentence.startswith(("Ask for:", "The recommendation is")):
            assert sentence in ask
        assert escape(sentence) in designs or sentence in designs, sentence
    assert "no change to the design on the table" not in rec.text  # the garbled sentence
    assert "conditions as Congress chooses" not in rec.sentences[0]  # the mixture is no change
    assert "none 30% / reporting 50%" not in designs.split("</table>")[0].split("<table>")[-1]
    assert ("is fragile" in ask) == rec.fragile and ("is firm" in ask) == (not rec.fragile)
    notebook = (ROOT / "notebooks" / "04-package-design.ipynb").read_text(encoding="utf-8")
    assert "recommend(" in notebook and ".sentences" in notebook


def test_no_judgment_input_is_promoted_when_information_is_worth_little(built):
    from model.report.headline import headline_bullets

    res = copy.copy(built["res"])
    sens = res.sensitivity
    res.sensitivity = type(sens)(**{**sens.__dict__, "evppi": dict.fromkeys(sens.evppi, 0.2)})
    change = headline_bullets(res)[3]
    assert "No single input is worth learning" in change and "0.2 points" in change
    assert "whip count" in change and "most worth resolving" not in change


def test_decomposition_splits_congress_into_willing_and_in_time(built):
    res = built["res"]
    html = built["path"].read_text(encoding="utf-8")
    assert "of which: willing" in html and "in time, if willing" in html
    s = res.summary
    assert s["p_willing"]["mean"] >= s["p_enacted"]["mean"]


def test_timing_reconciles_the_two_p_deals(built):
    res = built["res"]
    window = res.timing["p_deal_in_window"]["baseline"]["mean"]
    gap = 100 * (res.summary["p_deal"]["mean"] - window)
    html = built["path"].read_text(encoding="utf-8")
    assert f"the {gap:.1f}-point difference is deals enacted in the lame-duck session" in html


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "script", "title")

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "script", "title")

    def handle_data(self, data):
        if not self.skip:
            self.text.append(data)


def test_no_raw_parameter_name_in_the_visible_report_or_its_figures(built):
    from matplotlib.text import Text

    from model.report.results import figures

    res = built["res"]
    names = [n for n in res.fit.priors.params if "_" in n]
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    html = built["path"].read_text(encoding="utf-8")
    main = html[html.index("<main>") : html.index('<section id="provenance"')]
    if 'id="diagnostics-banner"' in main:  # sampler problems name the variable, for the modeller
        start = main.index('id="diagnostics-banner"')
        main = main[:start] + main[main.index("</div>", start) :]
    parser = _Visible()
    parser.feed(main)
    found = pattern.findall(" ".join(parser.text))
    assert not found, sorted(set(found))
    for stem, (fig, alt) in figures(res).items():
        texts = [t.get_text() for t in fig.findobj(Text)] + [alt]
        hits = [t for t in texts if pattern.search(t)]
        assert not hits, (stem, hits)
    assert 'title="name in the files: us_support"' in html  # the name is a hover


def test_generated_on_line_at_the_top(built):
    html = built["path"].read_text(encoding="utf-8")
    assert html.index('class="generated"') < html.index('id="headline"')
    assert f"seed {built['res'].fit.settings.seed}" in html


def test_progress_lines_are_numbered_and_plain(built):
    lines = built["lines"]
    steps = [m.group(1) for line in lines if (m := re.match(r"^\[(\d)/6\] ", line))]
    assert steps == sorted(steps) and set(steps) == {str(i) for i in range(1, 7)}
    n = len(sorted((ROOT / "priors" / "scenarios").glob("*.toml")))
    assert any(
        re.match(rf"^\[3/6\] scenarios {n}/{n}: \w+ \((recompute|reweight|refit)", s) for s in lines
    )
    assert not any("\r" in line for line in lines)
    assert lines[-1].startswith("report ready:")


@pytest.mark.slow
def test_same_seed_writes_identical_csv_tables(
    built, baseline_priors, small_settings, tmp_path, fake_backtest
):
    """Every random step is seeded: building the report again writes the same CSV bytes.

    ``built`` usually comes from an earlier test run (``tests.memo``), so this also compares two
    processes.
    """
    _build(baseline_priors, small_settings, tmp_path / "again", backtest=fake_backtest)
    first = sorted((built["out"] / "tables").glob("*.csv"))
    second = sorted((tmp_path / "again" / "tables").glob("*.csv"))
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_failing_run_leaves_the_previous_report_intact(
    built, baseline_priors, small_settings, tmp_path, monkeypatch
):
    import model.report.build

    out = tmp_path / "reports"
    shutil.copytree(built["out"], out, symlinks=True)
    (out / "bench.txt").write_text("kept\n")
    before = _snapshot(out)

    def boom(*args, **kwargs):
        raise RuntimeError("the designs failed on purpose")

    monkeypatch.setattr(model.report.build, "rank_designs", boom)
    with pytest.raises(RuntimeError, match="on purpose"):
        _build(baseline_priors, small_settings, out)
    assert _snapshot(out) == before
    assert not list(out.glob(".tmp-*")) and not (out / ".report.lock").exists()
    assert len(list((out / ".versions").iterdir())) == 1


def test_failing_run_into_a_new_folder_leaves_nothing(
    baseline_priors, small_settings, tmp_path, monkeypatch
):
    import model.report.build

    monkeypatch.setattr(model.report.build, "rank_designs", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        _build(baseline_priors, small_settings, tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_bad_priors_file_exits_2_and_writes_nothing(tmp_path, capsys):
    from model.cli.main import main

    out = tmp_path / "out"
    scenario = BAD / "misspelled_param.toml"
    code = main(
        [
            "report",
            "--out",
            str(out),
            "--scenario",
            str(scenario),
            "--skip-notebooks",
            "--skip-backtest",
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and err.startswith("error:")
    assert not out.exists()


def test_bad_evidence_exits_2_before_anything_is_written(tmp_path, capsys):
    from model.cli.main import main

    out = tmp_path / "out"
    folder = BAD / "evidence_poll_bad_share"
    code = main(["report", "--out", str(out), "--set", f"evidence.dir='{folder}'"])
    assert code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert not out.exists()


def _html_for(res) -> str:
    from model.report.render import to_html
    from model.report.sections import document

    return to_html(document(res, {}))


def test_diagnostics_banner_at_the_top_when_the_sampler_fails(built):
    res = copy.copy(built["res"])
    res.fit = copy.copy(res.fit)
    problems = ["R-hat 1.200 > 1.01 for gov_will: chains disagree", "3 divergent transitions"]
    res.fit.diagnostics = dict(res.fit.diagnostics, problems=problems, ok=False)
    text = _html_for(res)
    page = _Page()
    page.feed(text)
    assert page.first_ids[0] == "diagnostics-banner"
    assert 'role="alert"' in text
    plain = re.sub(r"<[^>]+>", "", text)  # glossary terms are links
    appendix = plain[plain.index("Appendix: sampler diagnostics") :]
    for problem in problems:
        assert problem.replace(">", "&gt;") in appendix  # the raw lines, in the appendix
    assert text.index("diagnostics-banner") < text.index('id="headline"')


def test_refit_problems_mark_their_rows_and_raise_no_banner(built):
    res = copy.copy(built["res"])
    res.fit = copy.copy(res.fit)
    res.fit.diagnostics = dict(res.fit.diagnostics, problems=[], ok=True)
    table = res.scenarios.copy()
    refits = table.index[table["method"] == "refit"]
    assert len(refits), "the scenarios include a refit (poll_item_level, judgment_priors)"
    table.loc[refits[0], "diagnostics_problems"] = "tail ESS 399 < 400 for x: too noisy"
    res.scenarios = table
    text = _html_for(res)
    assert 'id="diagnostics-banner"' not in text  # the headline's fit is clean
    scenarios = text[text.index('<section id="scenarios"') : text.index('<section id="experts"')]
    assert "sampler checks failed: see the appendix" in scenarios
    assert table.loc[refits[0], "question"].replace("'", "&#x27;") in scenarios
    plain = re.sub(r"<[^>]+>", "", text)
    assert "tail ESS 399 &lt; 400 for x" in plain[plain.index("Appendix: sampler diagnostics") :]


def test_no_banner_but_an_ok_line_when_diagnostics_pass(built):
    res = copy.copy(built["res"])
    res.fit = copy.copy(res.fit)
    res.fit.diagnostics = dict(res.fit.diagnostics, problems=[], ok=True)
    res.scenarios = res.scenarios.assign(diagnostics_problems="")  # no refit problem either
    res.backtest = None
    text = _html_for(res)
    assert 'id="diagnostics-banner"' not in text
    assert "Sampler diagnostics: OK (max R-hat" in re.sub(r"<[^>]+>", "", text)  # terms linked
    assert 'href="#glossary-rhat"' in text


def test_markdown_table_escapes_pipes_without_tabulate():
    import pandas as pd

    from model.report.render import md_table

    text = md_table(pd.DataFrame({"a|b": ["x|y", "line\nbreak"], "n": [1, 2]}))
    lines = text.splitlines()
    assert lines[0] == "| a\\|b | n |"
    assert lines[2] == "| x\\|y | 1 |"
    assert lines[3] == "| line<br>break | 2 |"


# ---- issue 11: lock, one-rename swap, kills at every step, escaping, --strict ----------------

import os  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402

DRIVER = """
import sys
from tests.report.stand_in_run import complete
complete(sys.argv[1], sys.argv[2])
"""
STEPS_TO_KILL = ("locked", "writing", "written", "linked", "pointed", "cleaned")
"""Every step of a report run at which a SIGKILL changes what is on disk."""
FAST_KILL_STEPS = ("writing", "pointed")
"""Killed in ``make test``: one step before the new report is published, one after; every step
is killed in ``make test-slow``."""


def _driver(tmp_path, out: Path, tag: str, *, pause_at: str | None = None, wait="10"):
    return spawn_driver(tmp_path, DRIVER, out, tag, pause_at=pause_at, wait=wait)


def _wait_for(marker: Path, proc) -> None:
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never reached its pause"
        time.sleep(0.05)


def _complete(tmp_path, out, tag):
    # a finished run needs no second process: only a killed run or a lock holder does
    complete(out, tag)


def _report_state(out: Path) -> dict:
    return {
        "html": (out / "feasibility.html").read_text(),
        "md": (out / "feasibility.md").read_text(),
        "table": (out / "tables" / "t.csv").read_text(),
    }


def _leftovers(out: Path) -> list[str]:
    allowed = {"feasibility.html", "feasibility.md", "tables", ".current", ".versions", "mine"}
    extra = [p.name for p in out.iterdir() if p.name not in allowed]
    versions = sorted(p.name for p in (out / ".versions").iterdir())
    current = os.readlink(out / ".current")
    return extra + [v for v in versions if f".versions/{v}" != current]


@pytest.mark.parametrize(
    "step",
    [
        pytest.param(step, marks=[] if step in FAST_KILL_STEPS else [pytest.mark.slow])
        for step in STEPS_TO_KILL
    ],
)
def test_sigkill_at_every_step_keeps_the_last_complete_report(step, tmp_path):
    out = tmp_path / "out"
    _complete(tmp_path, out, "first")
    (out / "mine").write_text("a file the report did not write")
    proc, marker = _driver(tmp_path, out, "killed", pause_at=step)
    _wait_for(marker, proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    state = _report_state(out)
    published = step in ("pointed", "cleaned")  # the pointer already names the new report
    tag = "killed" if published else "first"
    assert state == {"html": tag, "md": tag, "table": tag}
    assert (out / ".report.lock").exists(), "the killed run's lock file is left (stale)"
    _complete(tmp_path, out, "next")
    assert _report_state(out) == {"html": "next", "md": "next", "table": "next"}
    assert _leftovers(out) == []
    assert (out / "mine").read_text() == "a file the report did not write"


def test_a_second_run_on_the_same_folder_waits_then_exits_2_with_one_line(
    tmp_path, monkeypatch, capsys
):
    from model.cli.main import main

    out = tmp_path / "out"
    _complete(tmp_path, out, "first")
    holder, marker = _driver(tmp_path, out, "holder", pause_at="locked")
    _wait_for(marker, holder)
    monkeypatch.setenv("FEASIBILITY_LOCK_WAIT", "1")
    try:  # the second run is this process: the lock is another process's
        code = main(["report", "--out", str(out), "--skip-notebooks", "--skip-backtest"])
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"another report run (pid {holder.pid}) is writing this folder" in err
    assert _report_state(out)["html"] == "first"


def test_stale_lock_is_taken_over_and_named(tmp_path):
    from model.report.publish import locked

    (tmp_path / ".report.lock").write_text("999999\n")
    with locked(tmp_path, wait=0) as stale:
        assert stale == 999999
        assert (tmp_path / ".report.lock").read_text() == f"{os.getpid()}\n"
    assert not (tmp_path / ".report.lock").exists()


def test_clean_stale_removes_what_killed_runs_left(tmp_path):
    from model.report.publish import clean_stale, new_version, publish

    first = new_version(tmp_path)
    (first / "feasibility.html").write_text("one")
    publish(tmp_path, first)
    orphan = new_version(tmp_path)
    (orphan / "feasibility.html").write_text("half")
    (tmp_path / ".tmp-abc").mkdir()  # not a name the tool makes: a user's, kept
    (tmp_path / ".current.feasibility.html.123.tmp").symlink_to("nowhere")
    (tmp_path / "feasibility.html").unlink()  # a link lost: repaired
    removed = clean_stale(tmp_path)
    assert set(removed) == {f".versions/{orphan.name}", ".current.feasibility.html.123.tmp"}
    assert (tmp_path / "feasibility.html").read_text() == "one"
    assert (tmp_path / ".tmp-abc").is_dir()


def test_publish_over_real_files_where_links_go_is_refused(tmp_path):
    from model.errors import InputError
    from model.report.publish import new_version, publish

    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "a.png").write_text("old")
    (tmp_path / "feasibility.html").write_text("old")
    version = new_version(tmp_path)
    (version / "figures").mkdir()
    (version / "figures" / "a.png").write_text("new")
    (version / "feasibility.html").write_text("new")
    with pytest.raises(InputError, match="was not written by a report"):
        publish(tmp_path, version)
    assert (tmp_path / "figures" / "a.png").read_text() == "old"
    assert (tmp_path / "feasibility.html").read_text() == "old"
    assert not (tmp_path / ".current").exists()


def test_skipped_notebooks_are_carried_over(tmp_path):
    from model.report.publish import new_version, publish

    first = new_version(tmp_path)
    (first / "notebooks").mkdir()
    (first / "notebooks" / "n.html").write_text("nb")
    publish(tmp_path, first)
    second = new_version(tmp_path)
    (second / "feasibility.html").write_text("two")
    publish(tmp_path, second)
    assert (tmp_path / "notebooks" / "n.html").read_text() == "nb"
    assert not first.exists()


def test_markdown_escapes_raw_html_and_pipes_from_priors_and_csv(built):
    import dataclasses

    from model.report.render import to_markdown
    from model.report.sections import document

    res = copy.copy(built["res"])
    res.fit = copy.copy(res.fit)
    res.fit.priors = copy.copy(res.fit.priors)
    params = dict(res.fit.priors.params)
    evil = "<script>alert(1)</script> a|b <b>bold</b>"
    params["p_agree"] = dataclasses.replace(params["p_agree"], source=evil)
    res.fit.priors.params = params
    res.fit.evidence = copy.copy(res.fit.evidence)
    poll = res.fit.evidence.poll.copy()
    poll.loc[0, "item"] = "<img src=x onerror=alert(2)>|x"
    res.fit.evidence.poll = poll
    md = to_markdown(document(res, {}))
    assert "<script>" not in md and "<img" not in md and "<b>bold" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt; a\\|b" in md
    assert "&lt;img src=x onerror=alert(2)&gt;\\|x" in md


def test_refit_problems_reach_the_caller(monkeypatch):
    from types import SimpleNamespace

    import model.report.build as report

    def fake_compare(fit, *, scenarios, progress):
        bad = SimpleNamespace(diagnostics={"problems": ["R-hat 1.3 > 1.01 for p_agree"]})
        progress(1, 1, SimpleNamespace(name="slow", method="refit", refit=bad), 1.0)
        return "table"

    monkeypatch.setattr(report, "compare", fake_compare)
    problems, lines = [], []
    assert report._scenarios(None, [], report._Steps(lines.append), problems) == "table"
    assert problems == ["refit slow: R-hat 1.3 > 1.01 for p_agree"]
    assert any("SAMPLER WARNING: refit slow" in line for line in lines)


def test_elicited_priors_are_shown_back_in_the_report(built):
    from model.case.distributions import scipy_dist
    from model.report.results import prior_rows

    res = built["res"]
    html = built["path"].read_text(encoding="utf-8")
    rows = [r for r in prior_rows(res) if r["elicited_lower"] is not None]
    assert rows
    for r in rows:
        prior = res.fit.priors.params[r["name"]]
        dist = scipy_dist(prior.dist, prior.params)
        assert r["fitted_mass_below"] == dist.cdf(r["elicited_lower"])
        assert r["fitted_q50"] == dist.ppf(0.5)
        assert f"{r['fitted_mass_below']:.1%} below" in html


def test_trust_section_says_the_backtest_in_computed_numbers(built, fake_backtest):
    from model.library.trust import verdict

    md = (built["out"] / "feasibility.md").read_text(encoding="utf-8")
    section = md.split("## How far to trust this number", 1)[1].split("\n## ", 1)[0]
    best = fake_backtest.scores[fake_backtest.chosen_variant]
    base = fake_backtest.baselines["base_rate"]
    assert f"{best['log_score']:.3f}" in section and f"{base['log_score']:.3f}" in section
    beats = best["log_score"] > base["log_score"]
    assert ("does NOT beat" in verdict(fake_backtest)) is not beats
    assert "judgment_priors" in section  # the forecast before the library, refitted
    assert (built["out"] / "tables" / "backtest.csv").exists()


def test_trust_section_says_when_the_backtest_was_not_run(built):
    from model.library.trust import trust_section
    from model.report.render import Para

    res = copy.copy(built["res"])
    res.backtest = None
    section = trust_section(res, {})
    assert "not run" in section.blocks[0].text and isinstance(section.blocks[0], Para)


def test_scenario_refit_problems_are_shown_at_the_top(built):
    import pandas as pd

    from model.report.sections import _refit_problems

    table = pd.DataFrame(
        {"scenario": ["a", "b"], "diagnostics_problems": ["", "R-hat 1.2 > 1.01; 3 divergent"]}
    )
    assert _refit_problems(table) == ["refit b: R-hat 1.2 > 1.01", "refit b: 3 divergent"]
    page = (built["out"] / "feasibility.md").read_text(encoding="utf-8")
    for line in _refit_problems(built["res"].scenarios):
        assert line.split(":")[0] in page


def test_experts_section_shows_the_pool_and_the_largest_disagreement(built):
    import pandas as pd

    from model.views.words import pct

    res = built["res"]
    payload = res.experts
    names = [e["name"] for e in payload["experts"]]
    assert names == ["first_version", "library", "sovereignty_sceptic"]
    library = payload["experts"][names.index("library")]
    assert library["summary"]["p_deal"]["mean"] == pytest.approx(res.summary["p_deal"]["mean"])
    pooled = payload["pooled"]["p_deal"]["mean"]
    means = [e["summary"]["p_deal"]["mean"] for e in payload["experts"]]
    assert pooled == pytest.approx(sum(means) / 3)  # equal weights: the mixture's mean
    md = (built["out"] / "feasibility.md").read_text(encoding="utf-8")
    section = md.split("## Where the experts disagree", 1)[1].split("\n## ", 1)[0]
    top = payload["disagreement"][0]
    assert pct(pooled) in section and res.label(top["param"]) in section
    assert f"{top['share']:.0%}" in section
    table = pd.read_csv(built["out"] / "tables" / "experts.csv")
    assert table["name"].tolist() == [*names, "pooled"]
    assert table["p_deal_mean"].iloc[-1] == pytest.approx(pooled, abs=csv_rounding([pooled]))
    spread = pd.read_csv(built["out"] / "tables" / "disagreement.csv")
    assert spread["param"].iloc[0] == top["param"]
    # the shares sum to 1 before they are written; each written share is rounded
    assert spread["share"].sum() == pytest.approx(1.0, abs=csv_rounding(spread["share"]))


# ---- issue 26: one fit, one set of numbers on every route -----------------------------------

ROUTE_KEYS = ("p_framework", "p_enacted", "p_accepted", "p_deal", "months_to_enactment")
ENDS = ("mean", "lo", "hi")


def test_one_fit_gives_the_same_numbers_on_every_route(built, small_fit, tmp_path, capsys):
    """`run --json`, the report's summary table, `whatif`'s baseline row and the panel's payload
    give the same P(deal), parts, intervals and months to enactment from one small fit."""
    import json

    import pandas as pd

    from model.analysis.baseline import run_summary
    from model.app.whatif_panel import WhatIfPanel
    from model.cli.main import main
    from model.views.tables import format_table
    from model.whatif.memory import live
    from tests.conftest import SMALL_ARGS

    assert built["res"].fit.cache_file == small_fit.cache_file  # the report read the same fit
    assert main(["run", "--json", *SMALL_ARGS]) == 0
    run = json.loads(capsys.readouterr().out)
    want = {(k, e): run[k][e] for k in ROUTE_KEYS for e in ENDS}

    table = pd.read_csv(built["out"] / "tables" / "summary.csv").set_index("quantity")
    report = {(k, e): table.loc[k, e] for k in ROUTE_KEYS for e in ENDS}
    for key, value in want.items():
        assert report[key] == pytest.approx(value, abs=csv_rounding([value])), key

    assert main(["whatif", "certification", "--json", *SMALL_ARGS]) == 0
    baseline_row = json.loads(capsys.readouterr().out)["rows"][0]
    assert baseline_row["method"] == "baseline"
    panel = WhatIfPanel(small_fit, scenario_dir=tmp_path, expert_dir=tmp_path)
    payload = live(panel.base, panel.case, panel.base_outcomes)
    for k, e in want:
        if k != "p_framework":  # the comparison rows carry P(deal), its parts and the months
            assert baseline_row[f"{k}_{e}"] == pytest.approx(want[k, e], abs=1e-12), (k, e)
            assert payload.row[f"{k}_{e}"] == pytest.approx(want[k, e], abs=1e-12), (k, e)
    for k in ("p_framework", "p_accepted", "p_deal"):
        for e in ENDS:
            assert payload.parts[k][e] == pytest.approx(want[k, e], abs=1e-12), (k, e)

    months = run["months_to_enactment"]["mean"]
    assert f"{months:>8.1f}" in format_table(run_summary(small_fit))  # `run`'s text
    md = (built["out"] / "feasibility.md").read_text(encoding="utf-8")
    assert f"{months:.3g} [" in md  # the report's summary row: mean [90% interval]


def test_no_figure_title_or_legend_is_clipped(built):
    """Every title, suptitle and figure legend of every report figure lies inside its figure."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from model.report.results import figures

    for stem, (fig, _) in figures(built["res"]).items():
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        box = fig.bbox
        parts = [ax.title for ax in fig.axes if ax.get_title()]
        parts += [ax.xaxis.label for ax in fig.axes if ax.get_xlabel()]
        parts += [fig._suptitle] if fig._suptitle is not None else []
        parts += list(fig.legends)
        for part in parts:
            ext = part.get_window_extent(renderer)
            inside = ext.x0 >= box.x0 - 1 and ext.x1 <= box.x1 + 1
            inside &= ext.y0 >= box.y0 - 1 and ext.y1 <= box.y1 + 1
            assert inside, (stem, getattr(part, "get_text", lambda: "legend")(), ext, box)


def test_the_base_rate_and_the_backtest_error_sit_beside_p_deal(built):
    from model.report.headline import how_it_erred, reliability_of

    html = built["path"].read_text(encoding="utf-8")
    head = html[html.index('id="headline"') : html.index('<ul class="headline">')]
    assert 'id="base-rate"' in head
    table = reliability_of(built["res"].backtest)
    assert escape(how_it_erred(table)) in head or how_it_erred(table) in head


def test_library_priors_are_labelled_by_their_source_and_the_unused_reference_class_is_gone(built):
    from model.report.results import prior_rows

    res = built["res"]
    rows = {r["name"]: r for r in prior_rows(res)}
    for name, prior in res.fit.priors.params.items():
        if prior.pooled is not None:
            assert rows[name]["informed_by"].startswith("case library"), name
    assert any(p.pooled is not None for p in res.fit.priors.params.values())
    html = built["path"].read_text(encoding="utf-8")
    evidence = html[html.index('<section id="evidence"') : html.index('<section id="provenance"')]
    assert "Reference class" not in evidence  # evidence.reference = false: not used by the fit
    assert not (built["out"] / "tables" / "evidence_reference.csv").exists()
