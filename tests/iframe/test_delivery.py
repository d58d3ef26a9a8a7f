"""Nothing lost, nothing twice: late pages, dropped sockets and reconnects."""

from __future__ import annotations

import pytest
from iframe.conftest import Recorder, Show

pytestmark = pytest.mark.iframe

CONNECTION = "document.documentElement.dataset.wryConnection"


def test_a_reconnecting_page_gets_what_it_missed_in_order(show: Show) -> None:
    handle, page = show()
    page.evaluate("window.__n = []; pywry.on('seq:n', d => window.__n.push(d)); true")
    for i in range(100):
        handle.emit("seq:n", i)
    page.wait_for_function("window.__n.length === 100")
    page.evaluate("__wryIframe.drop(true)")  # the socket goes down and stays down
    page.wait_for_function(f"{CONNECTION} === 'reconnecting'")
    for i in range(100, 300):
        handle.emit("seq:n", i)
    assert not handle.connected  # type: ignore[attr-defined]
    page.evaluate("__wryIframe.reconnect()")
    page.wait_for_function("window.__n.length >= 300")
    assert page.evaluate("window.__n") == list(range(300))


def test_events_in_flight_when_the_socket_drops_arrive_exactly_once(show: Show) -> None:
    handle, page = show()
    page.evaluate("window.__n = []; pywry.on('seq:n', d => window.__n.push(d)); true")
    for round_ in range(5):
        for i in range(round_ * 1000, (round_ + 1) * 1000):
            handle.emit("seq:n", i)
        page.evaluate("__wryIframe.drop(false)")  # drop with events unacknowledged, reconnect
    page.wait_for_function("window.__n.length >= 5000", timeout=60_000)
    assert handle.wait_delivered(30)  # type: ignore[attr-defined]
    assert page.evaluate("window.__n") == list(range(5000))


def test_page_events_sent_while_disconnected_reach_python_once_in_order(show: Show) -> None:
    rec = Recorder()
    handle, page = show()
    handle.on("seq:m", rec)
    page.evaluate("for (let i = 0; i < 50; i++) pywry.emit('seq:m', i)")
    page.evaluate("__wryIframe.drop(true)")
    page.wait_for_function(f"{CONNECTION} === 'reconnecting'")
    page.evaluate("for (let i = 50; i < 120; i++) pywry.emit('seq:m', i)")
    page.evaluate("__wryIframe.reconnect()")
    rec.wait(120)
    page.wait_for_function("__wryIframe.stats().unacked === 0")
    assert rec.data == list(range(120))


def test_server_side_disconnect_is_survived(show: Show) -> None:
    handle, page = show()
    page.evaluate("window.__n = []; pywry.on('seq:n', d => window.__n.push(d)); true")
    handle.server.connection(handle.label).close_soon(1012, "restart")  # type: ignore[attr-defined]
    page.wait_for_function("__wryIframe.stats().opens === 2")  # it reconnected by itself
    handle.emit("seq:n", 1)
    page.wait_for_function("window.__n.length === 1")
    assert page.evaluate(CONNECTION) == "open"


def test_a_second_page_takes_over_and_the_first_stops(show: Show, browser: object) -> None:
    from iframe.conftest import open_page

    handle, first = show()
    contexts: list[object] = []
    try:
        second = open_page(browser, handle.url, contexts)  # type: ignore[attr-defined]
        second.wait_for_function(f"{CONNECTION} === 'open'")
        first.wait_for_function(f"{CONNECTION} === 'closed'")
        second.evaluate("window.__n = []; pywry.on('seq:n', d => window.__n.push(d)); true")
        handle.emit("seq:n", 7)
        second.wait_for_function("window.__n.length === 1")
    finally:
        for context in contexts:
            context.close()  # type: ignore[attr-defined]


def test_a_long_callback_does_not_hold_back_its_own_or_other_threads_events(show: Show) -> None:
    """Progress from a running callback, and emits from another thread, reach the page live."""
    import threading

    handle, page = show()
    page.evaluate(
        "window.__n = []; pywry.on('work:progress', d => window.__n.push(d));"
        "pywry.on('work:other', d => window.__n.push(d)); true"
    )
    seen_by_page = threading.Event()
    finished = threading.Event()

    def long_job(data: object, event_type: str, label: str) -> None:
        handle.emit("work:progress", "started")
        handle.emit("work:progress", "second")
        # the callback goes on until the page has shown both events: if they waited for
        # the callback to return, this would time out
        seen_by_page.wait(20)
        finished.set()

    handle.on("work:start", long_job)
    page.evaluate("pywry.emit('work:start', {})")
    page.wait_for_function("window.__n.length === 2", timeout=10_000)
    threading.Thread(target=handle.emit, args=("work:other", "from a thread")).start()
    page.wait_for_function("window.__n.length === 3", timeout=10_000)
    assert not finished.is_set()
    seen_by_page.set()
    assert finished.wait(10)
    assert page.evaluate("window.__n") == ["started", "second", "from a thread"]
