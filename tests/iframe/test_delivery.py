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
