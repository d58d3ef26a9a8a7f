"""A burst split into frames, one of which the page's queue refuses: no unmarked gap."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from iframe.conftest import open_page

from wry import PyWry, PyWrySettings

pytestmark = pytest.mark.iframe

#: Five events of this size fill a frame of max_message_bytes=1024: 14 leave in 5 + 5 + 4.
PAYLOAD = "x" * 140


def test_no_event_after_a_refused_frame_arrives_before_the_notice_of_it(browser: Any) -> None:
    """With queue_limit=10 and one event waiting, frame 2 (5 events) is refused while frame
    3 (4 events) fits: it went out without the notice, which came after it, so Python saw
    events 1-5 then 11-14 with nothing in between to say that 6-10 were lost."""
    app = PyWry(
        PyWrySettings(open_browser=False, queue_limit=10, max_message_bytes=1024),
        transport="iframe",
    )
    release, last = threading.Event(), threading.Event()
    seen: list[tuple[int, int]] = []  # (event, events Python had heard were dropped by then)
    contexts: list[Any] = []
    try:
        handle = app.show("<p>burst</p>", display=False)

        def record(data: Any, event_type: str, label: str) -> None:
            seen.append((data["i"], handle.dropped_events))  # type: ignore[attr-defined]
            if data["i"] == 15:
                last.set()

        handle.on("app:n", record)
        handle.on("app:slow", lambda d, t, lab: release.wait(30))
        page = open_page(browser, handle.url, contexts)  # type: ignore[attr-defined]
        page.wait_for_function("document.documentElement.dataset.wryConnection === 'open'")
        page.evaluate(
            """(payload) => new Promise((resolve) => {
                pywry.emit('app:slow', 0);  // Python's socket thread waits in its callback
                setTimeout(() => {  // one burst, one batch: 14 events in 3 frames
                    for (let i = 1; i <= 14; i++) pywry.emit('app:n', {i: i, pad: payload});
                }, 0);
                setTimeout(resolve, 0);  // after the burst's batch was sent (or refused)
            })""",
            PAYLOAD,
        )
        release.set()
        page.wait_for_function("__wryIframe.stats().unacked === 0")  # Python caught up
        page.evaluate("pywry.emit('app:n', {i: 15})")
        assert last.wait(30), f"event 15 never arrived: {seen}"
        for n, reported in seen:  # every event missing before n was reported before n
            missing = n - 1 - sum(1 for m, _ in seen if m < n)
            assert reported == missing, f"event {n} arrived with {missing} unreported: {seen}"
        assert handle.dropped_events == 15 - len(seen)  # type: ignore[attr-defined]
    finally:
        release.set()
        for context in contexts:
            context.close()
        app.destroy()
