"""Events a page sent before it learnt that another page replaced it."""

from __future__ import annotations

import select
import threading

import pytest
from iframe.conftest import Recorder, Show

pytestmark = pytest.mark.iframe

OPEN = "document.documentElement.dataset.wryConnection === 'open'"


def test_events_sent_just_before_a_takeover_reach_python(show: Show) -> None:
    """Page 1 emits while page 2's socket waits to go live (another widget's callback holds
    the socket thread): page 2 went live first, and page 1's event, read after, was dropped
    without a word."""
    entered, release = threading.Event(), threading.Event()
    rec = Recorder()
    busy, busy_page = show()
    busy.on("app:slow", lambda d, t, lab: (entered.set(), release.wait(30)))
    handle, first = show()
    handle.on("app:n", rec)
    try:
        busy_page.evaluate("pywry.emit('app:slow', 0)")
        assert entered.wait(30)
        old = handle.server.connection(handle.label)  # type: ignore[attr-defined]
        second = first.context.browser.new_context().new_page()
        try:
            second.goto(handle.url)  # type: ignore[attr-defined]
            second.wait_for_function(OPEN)  # answered; its going live waits for the callback
            first.evaluate("pywry.emit('app:n', 1)")
            readable, _, _ = select.select([old.sock], [], [], 30)
            assert readable, "page 1's event never reached the server"
            release.set()
            assert rec.wait(1, timeout=10)[0][0] == 1
        finally:
            second.context.close()
    finally:
        release.set()
