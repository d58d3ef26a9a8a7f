"""A page that does not read cannot make the server hold more than one pong for it."""

from __future__ import annotations

import os
import socket
import threading
import tracemalloc

import pytest
from iframe.test_sockets import masked, open_raw, read_handshake, writer_idle

from wry import PyWry

pytestmark = pytest.mark.iframe


def test_pings_from_a_page_that_does_not_read_cost_bounded_memory(app: PyWry) -> None:
    """100,000 pings while a large frame waits for room: at most one pong waits behind it."""
    handle = app.show("<p>x</p>", display=False)
    server = handle.server  # type: ignore[attr-defined]
    s = open_raw(handle)
    read_handshake(s)
    assert handle.wait_connected(10)  # type: ignore[attr-defined]
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    handle.emit("app:big", "x" * (16 * 1024 * 1024))
    writer_idle(server)
    conn = server.connection(handle.label)
    assert conn._out, "the kernel took the whole emit: the test needs output left waiting"
    count = 100_000
    ping = bytes((0x89, 0x80)) + os.urandom(4)  # an empty masked ping: 6 bytes
    marker = threading.Event()  # the frame after the pings: every ping before it was read
    receive_frame = handle.receive_frame  # type: ignore[attr-defined]

    def receive(c: object, data: object) -> None:
        receive_frame(c, data)
        marker.set()

    handle.receive_frame = receive  # type: ignore[attr-defined]
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        s.sendall(ping * count + masked(1, b'{"a":0}'))
        assert marker.wait(30) or conn.closed
        after, _ = tracemalloc.get_traced_memory()
        chunks = len(conn._out)
    finally:
        tracemalloc.stop()
        s.close()
    grown = after - before
    assert chunks <= 2, f"{chunks} chunks wait in _out: the pongs piled up"
    assert grown < 4 * 1024 * 1024, (
        f"{count} pings ({len(ping) * count / 2**20:.1f} MB) from a page that does not read "
        f"made the server hold {grown / 2**20:.1f} MB more ({chunks} chunks in _out)"
    )
