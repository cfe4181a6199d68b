"""Layout that fits: the panel at a phone's 390 px and a desktop's 1400 px, by bounding boxes.

P(deal) on the first screen, no horizontal scroll, the timing chart's title inside the screen.
Screenshots of both first screens are kept in /tmp/feasibility-panel-<width>.png.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WIDTHS = {390: 844, 1400: 1000}


@pytest.fixture(scope="module")
def app(small_fit, tmp_path_factory):
    from model.app.serve import serve

    folder = tmp_path_factory.mktemp("layout")
    running = serve(small_fit, scenario_dir=folder, user_dir=folder / "user")
    yield running
    running.stop()


def _inside(box: dict, width: float, height: float | None = None) -> bool:
    fits = box["x"] >= -1 and box["x"] + box["width"] <= width + 1
    return fits and (height is None or box["y"] + box["height"] <= height + 1)


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_the_panel_fits_the_screen(app, browser, width):
    height = WIDTHS[width]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(app.url)
    page.wait_for_selector("#headline", timeout=60_000)
    page.wait_for_selector(".curve-title", timeout=60_000)
    page.screenshot(path=f"/tmp/feasibility-panel-{width}.png")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"horizontal scroll: {scroll} px on a {width} px screen"
    number = page.locator("#headline .big").bounding_box()
    assert _inside(number, width, height), ("P(deal) off the first screen", number)
    title = page.locator(".curve-title").bounding_box()
    assert _inside(title, width), ("timing chart title clipped", title)
    chart = page.locator("svg.curve").bounding_box()
    assert _inside(chart, width), ("timing chart wider than the screen", chart)
    for selector in (".picker", ".slider-opinion_shift-mu"):
        box = page.locator(selector).first.bounding_box()
        assert _inside(box, width), (selector, box)
    page.close()
