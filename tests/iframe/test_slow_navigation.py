"""A navigation whose new page takes seconds to arrive: the events after it wait for it.

The browser keeps the old page, its scripts running, until the new one's answer arrives,
and tells it nothing meanwhile. The old page used to take the events back 2 s after it
ran the navigation (its check for a page that stays), acknowledge them, and leave: the
page that followed never got them. A navigation the page started itself (a link, its own
``location``) gave it every event until the new page came: it applied them and left.
"""

from __future__ import annotations

import json
import threading

import pytest
from iframe.conftest import Recorder, Show
from local_site import follow_link, local_site

pytestmark = pytest.mark.iframe

PAGE = (
    "<script>pywry.on('app:data', (d) => {"
    " pywry.emit('app:seen', {d: d, old: window.__old === 1}); });</script>"
)
#: Longer than the 2 s the old page used to wait before it took the events back.
SLOW = 4.0


def redirect_to(url: str) -> bytes:
    """A page that sends the browser on to ``url`` (what a slow proxy or login hop does)."""
    return f"<script>location.replace({json.dumps(url)})</script>".encode()


@pytest.mark.parametrize("how", ["navigate", "link", "location"])
def test_events_after_a_slow_navigation_reach_the_new_page_in_order(show: Show, how: str) -> None:
    """Sent away by ``navigate()``, or by the page itself (a link, its own ``location``)."""
    handle, page = show(PAGE)
    ready, seen = Recorder(), Recorder()
    handle.on("pywry:ready", ready)
    handle.on("app:seen", seen)
    page.evaluate("window.__old = 1")
    asked = threading.Event()
    with local_site(redirect_to(handle.url), "text/html", SLOW, asked) as origin:
        if how == "navigate":
            handle.navigate(origin + "slow")  # type: ignore[attr-defined]
        elif how == "link":
            follow_link(page, origin + "slow", no_wait_after=True)
        else:
            page.evaluate("(href) => { location.href = href; }", origin + "slow")
        assert how == "navigate" or asked.wait(10), "the page did not start its navigation"
        for n in range(1, 4):
            handle.emit("app:data", n)
        ready.wait(timeout=30)  # the new page
        calls = seen.wait(3, timeout=30)
    assert [c[0] for c in calls] == [{"d": n, "old": False} for n in range(1, 4)]
    assert handle.wait_delivered(10)  # type: ignore[attr-defined]
    assert len(seen.calls) == 3
