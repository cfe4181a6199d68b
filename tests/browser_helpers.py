"""Helpers for the Playwright browser tests: find elements inside Bokeh's shadow roots."""

from __future__ import annotations

DEEP_FIND = """
(selector) => {
  const find = (root) => {
    const el = root.querySelector(selector);
    if (el) return el;
    for (const host of root.querySelectorAll('*')) {
      if (host.shadowRoot) { const found = find(host.shadowRoot); if (found) return found; }
    }
    return null;
  };
  return find(document);
}
"""

CHANGED = (
    "([selector, attr, old]) => { const el = (" + DEEP_FIND + ")(selector);"
    " return el !== null && el.getAttribute(attr) !== old; }"
)
"""True once the element's attribute differs from ``old`` (polled every animation frame)."""


def wait_changed(page, selector: str, attr: str, old: str | None, *, timeout: float = 30_000):
    """Wait until ``selector``'s ``attr`` (searched through shadow roots) is no longer ``old``."""
    page.wait_for_function(CHANGED, arg=[selector, attr, old], polling="raf", timeout=timeout)
    return page.locator(selector).get_attribute(attr)


def drag(page, handle, dx: float) -> None:
    """Press a slider's handle, drag it ``dx`` pixels and hold it there (release: mouse.up)."""
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y, steps=4)
