"""A page whose widget closed while it was away is told so (4000) and stops reconnecting."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.iframe


def test_a_page_whose_widget_closed_while_it_was_away_stops_reconnecting(show: Any) -> None:
    """The page's socket is down (network, sleep) when Python closes the widget; when it comes
    back it is answered with close code 4000, not refused like a stranger, so it stops."""
    from wry_iframe.plugin import TRANSPORT

    handle, page = show()
    page.evaluate("window.__wryIframe.drop(true); true")
    page.wait_for_function("!window.__wryIframe.stats().connected")
    handle.close()
    before = TRANSPORT.rejections["bad-token"]
    page.evaluate("window.__wryIframe.reconnect(); true")
    try:
        page.wait_for_function(
            "document.documentElement.dataset.wryConnection === 'closed'", timeout=8_000
        )
    except Exception:
        state = page.evaluate("document.documentElement.dataset.wryConnection")
        refused = TRANSPORT.rejections["bad-token"] - before
        pytest.fail(f"the page is still {state!r} after {refused} refused reconnections")
