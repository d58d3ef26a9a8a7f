"""Helpers for the bridge tests: the built bundle in a real Chromium page behind a tiny adapter.

The adapter's ``send`` pushes each batch onto ``window.__sent`` (read back from Python);
``window.pywry`` is the bridge. Pages are served from a local HTTP route so that
sessionStorage, reload and downloads behave as on a real page.
"""

from __future__ import annotations

from typing import Any

from wry.models import HtmlContent
from wry.page import bridge_bundle, render_page, script_tag

ORIGIN = "http://wry.test"

#: Page-root adapter: one bridge over the whole document, as the iframe/native transports do.
PAGE_ADAPTER = """
window.__sent = [];
window.pywry = __wry.createBridge({
  root: document, label: "w-test", theme: "dark",
  send(batch) { window.__sent.push(batch); },
});
"""


def page_html(body: str = "", adapter: str = PAGE_ADAPTER, head: str = "") -> str:
    """A page with the bundle + ``adapter`` in its head and ``body`` as content."""
    return (
        f"<!doctype html><html><head>{script_tag(bridge_bundle())}<script>{adapter}</script>"
        f"{head}</head><body>{body}</body></html>"
    )


def rendered_page_html(content: HtmlContent) -> str:
    """What a page-based transport serves for ``content`` (``wry.page.render_page``)."""
    bridge_html = script_tag(bridge_bundle()) + script_tag(PAGE_ADAPTER)
    return render_page(content, label="w-test", theme="dark", bridge_html=bridge_html)


class Routes:
    """HTML documents and files served at ``http://wry.test/<path>`` by Playwright routing."""

    def __init__(self, page: Any) -> None:
        self.files: dict[str, tuple[str, str]] = {}
        page.route(f"{ORIGIN}/**", self._serve)

    def _serve(self, route: Any) -> None:
        path = route.request.url[len(ORIGIN) :].split("?")[0]
        if path not in self.files:
            route.fulfill(status=404, body="not found")
            return
        content_type, body = self.files[path]
        route.fulfill(status=200, content_type=content_type, body=body)

    def add(self, path: str, body: str, content_type: str = "text/html") -> str:
        self.files[path] = (content_type, body)
        return ORIGIN + path


def sent_events(page: Any) -> list[dict[str, Any]]:
    """Every event the bridge has handed to send(), flattened, in order."""
    return page.evaluate("() => window.__sent.flat()")  # type: ignore[no-any-return]


def wait_sent(page: Any, event_type: str, count: int = 1) -> list[Any]:
    """Wait until ``count`` events of ``event_type`` were sent; return their data."""
    page.wait_for_function(
        "([t, n]) => window.__sent.flat().filter(e => e.type === t).length >= n",
        arg=[event_type, count],
    )
    return [e["data"] for e in sent_events(page) if e["type"] == event_type]


def receive(page: Any, *events: tuple[str, Any]) -> None:
    """Deliver events from "Python" to the page's bridge as one batch."""
    page.evaluate("(b) => window.pywry._receive(b)", [{"type": t, "data": d} for t, d in events])
