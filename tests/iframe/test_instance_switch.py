"""A page instance that takes its widget back goes on counting its events where it was."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from iframe.conftest import Recorder
from iframe.test_replaced_ack import opened_event
from iframe.test_sockets import masked, open_raw, read_handshake

from wry import PyWry

pytestmark = pytest.mark.iframe


def test_a_page_that_takes_its_widget_back_is_still_heard(app: PyWry) -> None:
    """Page A sent events 1-3 (dispatched, acknowledged). A's socket dropped (a network
    failure, not a 4001) and, while A waited to reconnect, page B opened the same widget.
    A then reconnects and replaces B (B gets 4001 and stays closed).

    ``page_connected`` counts events per *current* instance only: switching to B reset
    ``in_seq`` to 0, and switching back to A resets it to 0 again, so A's next event (seq 4)
    is refused as a "gap" -- and so is every later one: A's page is deaf for good.
    """
    rec = Recorder()
    handle = app.show("<p>x</p>", display=False)
    handle.on("app:x", rec)
    server = handle.server  # type: ignore[attr-defined]
    socks = []
    try:
        opened = opened_event(server)
        a = open_raw(handle, instance="a")
        socks.append(a)
        read_handshake(a)
        assert opened.wait(10)
        events = [{"type": "app:x", "data": i} for i in range(3)]
        a.sendall(masked(1, json.dumps({"s": 1, "e": events}).encode()))
        rec.wait(3)
        a.close()  # the network drops A's socket

        opened = opened_event(server)
        b = open_raw(handle, instance="b")
        socks.append(b)
        read_handshake(b)
        assert opened.wait(10)

        opened = opened_event(server)
        a2 = open_raw(handle, instance="a", page_has=0)
        socks.append(a2)
        read_handshake(a2)
        assert opened.wait(10)
        frames_done = threading.Semaphore(0)
        receive_frame = handle.receive_frame  # type: ignore[attr-defined]

        def counting(conn: Any, data: Any) -> None:
            receive_frame(conn, data)
            frames_done.release()

        handle.receive_frame = counting  # type: ignore[attr-defined]
        a2.sendall(masked(1, b'{"s":4,"e":[{"type":"app:x","data":3}]}'))
        a2.sendall(masked(1, b'{"s":5,"e":[{"type":"app:x","data":4}]}'))
        assert frames_done.acquire(timeout=10) and frames_done.acquire(timeout=10)
    finally:
        for s in socks:
            s.close()
    assert rec.data == [0, 1, 2, 3, 4], (
        f"page A's events after it took the widget back were refused: got {rec.data}, "
        f"rejected={handle.rejected}"  # type: ignore[attr-defined]
    )


def test_a_page_forgotten_after_many_others_is_heard_when_it_comes_back(app: PyWry) -> None:
    """More pages than the widget remembers took it over while page A was away; A's first
    frame back (its unacknowledged events, from seq 4) says where its count goes on."""
    from wry_iframe.handle import MAX_REMEMBERED_PAGES

    rec = Recorder()
    handle = app.show("<p>x</p>", display=False)
    handle.on("app:x", rec)
    server = handle.server  # type: ignore[attr-defined]
    socks = []

    def take_over(instance: str) -> Any:
        opened = opened_event(server)
        s = open_raw(handle, instance=instance)
        socks.append(s)
        read_handshake(s)
        assert opened.wait(10)
        return s

    try:
        a = take_over("a")
        a.sendall(masked(1, json.dumps({"s": 1, "e": [{"type": "app:x", "data": 0}] * 3}).encode()))
        rec.wait(3)
        a.close()
        for n in range(MAX_REMEMBERED_PAGES + 1):
            take_over(f"other{n}")
        a2 = take_over("a")
        a2.sendall(masked(1, b'{"s":4,"e":[{"type":"app:x","data":3}]}'))
        rec.wait(4)
    finally:
        for s in socks:
            s.close()
    assert rec.data == [0, 0, 0, 3]
    assert handle.rejected == 0  # type: ignore[attr-defined]
