"""The keepalive keeps pages that are alive but silent (reading a large frame, or busy)."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import pytest
from iframe.test_sockets import masked, open_raw, read_handshake

from wry import PyWry

pytestmark = pytest.mark.iframe


def test_a_page_still_reading_a_large_emit_is_not_dropped_as_silent(
    app: PyWry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page downloading one big frame sends nothing until it has all of it.

    The socket shows steady progress (the page keeps reading), but the keepalive counts
    only what the page sends: its ping waits behind the frame, so after 2 x PING_INTERVAL
    the socket is cut mid-frame. The page reconnects and is sent the whole frame again,
    and is cut again: on a slow link (or with a busy tab) a large emit never arrives.
    """
    from wry_iframe import connection

    monkeypatch.setattr(connection, "PING_INTERVAL", 0.2)
    handle = app.show("<p>x</p>", display=False)
    size = 8 * 1024 * 1024
    s = open_raw(handle)
    got = len(read_handshake(s))
    assert handle.wait_connected(10)  # type: ignore[attr-defined]
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    handle.emit("app:image", "x" * size)
    s.settimeout(10)
    pace = threading.Event()
    start = time.monotonic()
    try:
        while got < size:  # a steady 4 MB/s reader: about 2 s for the frame
            chunk = s.recv(64 * 1024)
            if not chunk:
                break
            got += len(chunk)
            pace.wait(1 / 64)  # paces the reader (a slow link); it synchronises nothing
    finally:
        s.close()
    elapsed = time.monotonic() - start
    assert got >= size, (
        f"the socket was closed after {got} of {size} bytes ({elapsed:.2f} s) "
        "although the page read steadily all along"
    )


def _busy(page: Any, seconds: float) -> None:
    page.evaluate(
        "ms => setTimeout(() => { const end = Date.now() + ms; while (Date.now() < end) {} }, 0)",
        int(seconds * 1000),
    )


def test_a_busy_page_that_is_sent_a_large_emit_keeps_its_socket(
    show: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Chromium page whose main thread is busy (a long synchronous loop) while Python emits
    32 MB to it. With nothing to read, Chromium's network process answers pings for a busy
    page (checked: the socket stays up). With a large emit in flight it stops reading once
    its buffers are full, the ping waits behind the frame, and after 2 x PING_INTERVAL the
    socket is cut: the page reconnects and is sent all 32 MB again."""
    from wry_iframe import connection

    monkeypatch.setattr(connection, "PING_INTERVAL", 0.2)
    handle, page = show()
    page.evaluate("window.__n = 0; pywry.on('app:big', d => { window.__n = d.length; }); true")
    _busy(page, 2.0)
    handle.emit("app:big", "x" * (32 * 1024 * 1024))
    page.wait_for_function("window.__n > 0", timeout=60_000)
    stats = page.evaluate("window.__wryIframe.stats()")
    assert stats["opens"] == 1, f"the busy page's socket was dropped: {stats}"


def test_a_page_whose_pong_came_during_another_pages_long_callback_is_kept(
    app: PyWry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Page Y is idle and gets its keepalive ping; it answers at once, but the socket thread
    is by then inside a long callback of page X (one callback, or one read's worth of them,
    lasting longer than PING_INTERVAL). When the callback returns, the loop finishes the
    select batch it was in and runs the due timers before it selects again: Y's check finds
    nothing "heard" (the pong waits unread in the kernel) and closes a live page.
    """
    from wry_iframe import connection

    monkeypatch.setattr(connection, "PING_INTERVAL", 0.2)
    hx = app.show("<p>x</p>", display=False)
    hy = app.show("<p>y</p>", display=False)
    x = open_raw(hx)
    read_handshake(x)
    y = open_raw(hy)
    rest_y = read_handshake(y)
    assert hx.wait_connected(10) and hy.wait_connected(10)  # type: ignore[attr-defined]
    started = threading.Event()
    pinged_at: list[float] = []

    def slow(d: Any, t: str, lab: str) -> None:  # a long computation in a callback
        started.set()
        deadline = pinged_at[0] + 3 * connection.PING_INTERVAL
        while time.monotonic() < deadline:
            threading.Event().wait(0.01)

    hx.on("app:slow", slow)
    gone = threading.Event()
    closed = hy.server.socket_closed  # type: ignore[attr-defined]

    def socket_closed(c: Any) -> None:
        closed(c)
        if c.widget is hy:
            gone.set()

    hy.server.socket_closed = socket_closed  # type: ignore[attr-defined]
    try:
        y.settimeout(10)
        data = rest_y or y.recv(64)  # Y's ping (Y has said nothing since the handshake)
        assert data[0] & 0x0F == 0x9, data
        pinged_at.append(time.monotonic())
        x.sendall(masked(1, b'{"s":1,"e":[{"type":"app:slow","data":null}]}'))
        assert started.wait(10)
        y.sendall(masked_control(0xA, data[2 : 2 + (data[1] & 0x7F)]))  # Y's pong
        done = threading.Event()
        hy.server.sockets.submit(done.set)  # type: ignore[attr-defined]
        assert done.wait(10)  # the callback has returned; the pong has been read, or not
    finally:
        x.close()
    try:
        assert not gone.is_set(), "page Y answered its ping at once, and was closed as gone"
    finally:
        y.close()


def masked_control(opcode: int, payload: bytes) -> bytes:
    import os

    mask = os.urandom(4)
    return (
        bytes((0x80 | opcode, 0x80 | len(payload)))
        + mask
        + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    )
