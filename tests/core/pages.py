"""Pages as the core renders them (``wry.page.render_page``), loaded into headless Chromium.

The adapter records what the bridge sends in ``window.__sent``; the page is served from a
routed http origin, so that the bridge has the sessionStorage a real page has.
"""

from __future__ import annotations

from typing import Any

from wry.models import HtmlContent
from wry.page import bridge_bundle, render_page, script_tag

URL = "http://wry.test/page.html"

ADAPTER = """
window.__sent = [];
window.pywry = __wry.createBridge({
  root: document, label: "t", theme: "dark",
  send(batch) { window.__sent.push(...batch); },
});
"""


def core_page(content: HtmlContent) -> str:
    """The HTML a page-based transport would serve for ``content``."""
    bridge_html = script_tag(bridge_bundle()) + script_tag(ADAPTER)
    return render_page(content, label="t", theme="dark", bridge_html=bridge_html)


def load(page: Any, content: HtmlContent) -> Any:
    """Show ``content`` in ``page`` and wait until the bridge reported ``pywry:ready``."""
    html = core_page(content)
    page.route(URL, lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto(URL)
    page.wait_for_function("() => window.__sent.some((e) => e.type === 'pywry:ready')")
    return page
