"""A replaced page's late acknowledgement never applies to its successor's events."""

from __future__ import annotations

import json
import socket
import threading
from typing import Any

import pytest
from iframe.test_socket_races import read_available, server_frames
from iframe.test_sockets import masked, open_raw, read_handshake, writer_idle

from wry import PyWry

pytestmark = pytest.mark.iframe


def opened_event(server: Any) -> threading.Event:
    """Set once the next socket has been taken into service (socket_opened returned)."""
    done = threading.Event()
    original = server.socket_opened

    def socket_opened(*args: Any) -> None:
        original(*args)
        server.socket_opened = original
        done.set()

    server.socket_opened = socket_opened
    return done


def test_an_ack_from_the_replaced_page_does_not_acknowledge_for_the_new_one(
    app: PyWry,
) -> None:
    """Tab A received events 1-3; tab B (another page instance, holding nothing) takes over.

    A's acknowledgement, sent before A read its 4001 close, arrives on A's closing socket.
    ``receive_frame`` applies the ``"a"`` of a frame before it checks the page instance,
    so the outbox forgets 1-3 although B has not acknowledged them: ``wait_delivered()``
    returns True, and if B's socket drops before B read them, B reconnects with r=0 and
    is never sent them.
    """
    handle = app.show("<p>x</p>", display=False)
    server = handle.server  # type: ignore[attr-defined]
    a = open_raw(handle, instance="a")
    rest = read_handshake(a)
    assert handle.wait_connected(10)  # type: ignore[attr-defined]
    for i in range(3):
        handle.emit("app:n", i)
    data = rest
    a.settimeout(10)
    while len([e for _, p in server_frames(data) for e in json.loads(p).get("e", [])]) < 3:
        chunk = a.recv(1 << 16)
        assert chunk
        data += chunk
    conn_a = server.connection(handle.label)
    a_read = threading.Event()
    readable = conn_a.readable

    def readable_then_tell() -> None:
        readable()
        a_read.set()

    conn_a.readable = readable_then_tell

    opened = opened_event(server)
    b = open_raw(handle, instance="b", page_has=0)
    read_handshake(b)
    assert opened.wait(10)  # B is the widget's socket now; 1-3 are on their way to it
    assert server.connection(handle.label).instance == "b"
    a.sendall(masked(1, b'{"a":3}'))  # A's ack timer fired before A read the close
    assert a_read.wait(10)
    pending = handle.pending  # type: ignore[attr-defined]

    b.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
    b.close()  # B's connection drops (RST) before B read anything
    opened = opened_event(server)
    b2 = open_raw(handle, instance="b", page_has=0)
    try:
        rest = read_handshake(b2)
        assert opened.wait(10)
        writer_idle(server)
        frames = server_frames(rest + read_available(b2))
        got = [e["data"] for op, p in frames if op == 1 for e in json.loads(p).get("e", [])]
    finally:
        a.close()
        b2.close()
    assert got == [0, 1, 2], (
        f"page B was sent {got} after reconnecting with r=0 (pending after A's late ack: "
        f"{pending}, expected 3)"
    )
