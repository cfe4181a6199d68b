"""The panel as a user drives it: headless Chromium (Playwright) against `feasibility app`.

Starts the app, moves a prior's slider with the mouse, checks that P(deal) changes and equals
``feasibility whatif --set`` for the same value, saves the scenario and reloads it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from model.cli.main import main
from tests.browser_helpers import drag, wait_changed
from tests.conftest import SMALL

pytestmark = pytest.mark.browser

SCREENSHOT_COPY = Path("/tmp/feasibility-panel-first-screen.png")


@pytest.fixture
def app(small_fit, tmp_path):
    from model.app.serve import serve

    running = serve(small_fit, scenario_dir=tmp_path, user_dir=tmp_path / "user")
    yield running
    running.stop()


def _whatif(capsys, sets: list[str]) -> dict:
    capsys.readouterr()
    argv = ["whatif", *(f"--set={s}" for s in sets), "--json"]
    assert main(argv + [f"--{k}={v}" for k, v in SMALL.items()]) == 0
    return json.loads(capsys.readouterr().out)["rows"][-1]


def test_slider_save_and_reload_in_the_browser(app, browser, capsys, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app.url)
    page.wait_for_selector("#headline", timeout=60_000)
    page.screenshot(path=str(tmp_path / "panel.png"))
    shutil.copyfile(tmp_path / "panel.png", SCREENSHOT_COPY)
    baseline = float(page.locator("#headline").get_attribute("data-p-deal"))

    drag(page, page.locator(".slider-opinion_shift-mu .noUi-handle"), 40)
    page.mouse.up()
    sets = wait_changed(page, "#changes", "data-sets", "").removeprefix("--set ").split(" --set ")
    shown = float(page.locator("#headline").get_attribute("data-p-deal"))
    assert len(sets) == 1 and sets[0].startswith("params.opinion_shift.mu=")
    assert shown < baseline  # more Mexican opposition, fewer deals
    assert shown == _whatif(capsys, sets)["p_deal_mean"]
    assert app.panels[-1].case.summary("p_deal")["mean"] == shown

    page.locator(".save-name input").fill("opposition_up")
    page.locator(".save-question input").fill("What if Mexican opposition rises a little?")
    page.locator(".save-name input").press("Tab")
    page.locator(".save-question input").press("Tab")
    page.locator(".save button").click()
    page.wait_for_selector(".saved", timeout=30_000)
    saved = tmp_path / "user" / "opposition_up.toml"  # git-ignored user folder
    assert saved.exists() and "[params.opinion_shift]" in saved.read_text()
    assert float(page.locator("#headline").get_attribute("data-p-deal")) == shown

    page.reload()  # a fresh session: pick the saved scenario from the list
    page.wait_for_selector("#headline", timeout=60_000)
    page.locator(".picker select").select_option(
        label="What if Mexican opposition rises a little? (yours)"
    )
    reloaded = wait_changed(page, "#headline", "data-p-deal", repr(baseline))
    assert float(reloaded) == shown
    assert errors == []
    page.close()
