"""The report as a reader sees it: headless Chromium driven by Playwright.

Checks that every figure loads with a non-zero size, that the console stays free of errors,
that the page does not overflow a phone's width, and that the headline number equals
``feasibility run --json``'s ``p_deal.mean``. Keeps a screenshot of the first screen.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import SMALL_ARGS

pytestmark = pytest.mark.browser

SCREENSHOT_COPY = Path("/tmp/feasibility-first-screen.png")

PAGE_STATE = """
(async () => {
  await Promise.all([...document.images].map(i => i.decode().catch(() => null)));
  const h = document.getElementById("headline");
  return {
    images: [...document.images].map(i => {
      const r = i.getBoundingClientRect();
      return {alt: i.alt, natural: [i.naturalWidth, i.naturalHeight], shown: [r.width, r.height]};
    }),
    headline: h ? h.dataset.pDeal : null,
    headlineText: h ? h.innerText : "",
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  };
})()
"""


@pytest.fixture
def report(small_report):
    """The session's report (``small_report``, shared with tests/report/test_build.py)."""
    return small_report["path"]


def _run_json(capsys) -> dict:
    from model.cli.main import main

    capsys.readouterr()
    code = main(["run", "--json", *SMALL_ARGS])
    assert code == 0
    return json.loads(capsys.readouterr().out)


def test_report_reads_well_in_headless_chromium(report, browser, tmp_path, capsys):
    expected = _run_json(capsys)["p_deal"]["mean"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(report.resolve().as_uri())
    state = page.evaluate(PAGE_STATE)
    shot = page.screenshot()
    phone_page = browser.new_page(
        viewport={"width": 390, "height": 844}, is_mobile=True, device_scale_factor=3
    )
    phone_page.goto(report.resolve().as_uri())
    phone = phone_page.evaluate(PAGE_STATE)
    page.close()
    phone_page.close()

    screenshot = tmp_path / "first-screen.png"
    screenshot.write_bytes(shot)
    shutil.copyfile(screenshot, SCREENSHOT_COPY)
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"

    figures = report.read_text(encoding="utf-8").count('<figure id="fig-')
    assert len(state["images"]) == figures >= 8  # every figure the HTML holds, drawn
    for img in state["images"]:
        assert min(img["natural"]) > 0, img
        assert min(img["shown"]) > 0, img
        assert img["alt"].strip()
    assert errors == []
    assert float(state["headline"]) == expected
    assert f"{expected:.1%}" in state["headlineText"]
    assert phone["scrollWidth"] <= phone["innerWidth"], "the page overflows a phone's width"
    for img in phone["images"]:
        assert img["shown"][0] <= phone["innerWidth"]


def test_print_gives_a_clean_pdf(report, browser, tmp_path):
    """The browser's print (Chromium's printToPDF) gives a PDF with every page and figure."""
    page = browser.new_page()
    page.goto(report.resolve().as_uri())
    page.emulate_media(media="print")
    hidden = page.evaluate("getComputedStyle(document.querySelector('nav.toc')).display")
    pdf = page.pdf(format="A4", print_background=True)
    page.close()
    (tmp_path / "report.pdf").write_bytes(pdf)
    assert pdf[:5] == b"%PDF-"
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages >= 5, pages
    assert hidden == "none"  # the table of contents is not printed
    assert pdf.count(b"/Subtype /Image") >= 5  # the figures are in the PDF


LAYOUT = """
(() => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {x: r.x, y: r.y, width: r.width, height: r.height}; };
  const n = document.querySelector("#headline .number");
  return {
    scrollWidth: document.documentElement.scrollWidth,
    number: box(n),
    figures: [...document.querySelectorAll("figure img")].map(box),
    captions: [...document.querySelectorAll("figcaption")].map(box),
  };
})()
"""


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1400, 1000)])
def test_the_report_fits_a_phone_and_a_desktop(report, browser, width, height):
    """P(deal) on the first screen, no horizontal scroll, no figure or caption past the edge."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(report.as_uri())
    page.wait_for_selector("#headline")
    page.screenshot(path=f"/tmp/feasibility-report-{width}.png")
    state = page.evaluate(LAYOUT)
    assert state["scrollWidth"] <= width, state["scrollWidth"]
    n = state["number"]
    assert n["y"] + n["height"] <= height and n["x"] + n["width"] <= width + 1, n
    for box in state["figures"] + state["captions"]:
        assert box["x"] >= -1 and box["x"] + box["width"] <= width + 1, box
    page.close()
