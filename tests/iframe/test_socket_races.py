"""Races and edge cases of the page sockets, each pinned by a hook or seen from a raw client."""

from __future__ import annotations

import json
import socket
import struct
import threading
from typing import Any

import pytest
from iframe.conftest import Recorder
from iframe.test_sockets import masked, open_raw, read_handshake, writer_idle

from wry import PyWry

pytestmark = pytest.mark.iframe


def sockets_idle(server: Any) -> None:
    done = threading.Event()
    server.sockets.submit(done.set)
    assert done.wait(10)


def server_frames(data: bytes) -> list[tuple[int, bytes]]:
    """Split unmasked server frames (opcode, payload); a trailing partial frame is dropped."""
    frames = []
    i = 0
    while i + 2 <= len(data):
        b0, b1 = data[i], data[i + 1]
        size, j = b1 & 0x7F, i + 2
        if size == 126:
            if j + 2 > len(data):
                break
            (size,) = struct.unpack("!H", data[j : j + 2])
            j += 2
        elif size == 127:
            if j + 8 > len(data):
                break
            (size,) = struct.unpack("!Q", data[j : j + 8])
            j += 8
        if j + size > len(data):
            break
        frames.append((b0 & 0x0F, data[j : j + size]))
        i = j + size
    return frames


def read_available(s: socket.socket) -> bytes:
    """What the kernel holds for ``s`` right now (the server has already sent it)."""
    s.setblocking(False)
    data = b""
    try:
        while chunk := s.recv(1 << 20):
            data += chunk
    except BlockingIOError:
        pass
    s.setblocking(True)
    return data


def test_a_new_page_instance_is_never_sent_the_previous_instances_ack(app: PyWry) -> None:
    """Page A had 3 events dispatched; page B (a reload, another instance) replaces it.

    Any frame B gets acknowledges B's events, never A's: an acknowledgement of A's count would
    make B drop its own unacknowledged events. The hook pins the interleaving (a user
    thread's emit whose writer flush runs while B's socket is being taken into service).
    """
    rec = Recorder()
    handle = app.show("<p>x</p>", display=False)
    handle.on("app:x", rec)
    server = handle.server  # type: ignore[attr-defined]
    a = open_raw(handle, instance="a")
    read_handshake(a)
    events = [{"type": "app:x", "data": i} for i in range(3)]
    a.sendall(masked(1, json.dumps({"s": 1, "e": events}).encode()))
    rec.wait(3)

    original = handle.page_connected  # type: ignore[attr-defined]

    def page_connected(conn: Any) -> None:
        done = threading.Event()

        def job() -> None:
            server._flush(handle.label)
            done.set()

        server.writer.submit(job)
        assert done.wait(10)
        original(conn)

    handle.page_connected = page_connected  # type: ignore[attr-defined]
    b = open_raw(handle, instance="b", page_has=0)
    try:
        rest = read_handshake(b)
        sockets_idle(server)
        writer_idle(server)
        frames = server_frames(rest + read_available(b))
        acks = [json.loads(p).get("a") for op, p in frames if op == 1]
        assert all(not ack for ack in acks), (
            f"page B, which sent nothing yet, was told Python has its events up to {acks}"
        )
    finally:
        a.close()
        b.close()


def test_a_half_closed_socket_with_output_pending_does_not_spin(app: PyWry) -> None:
    """A client that stops sending (EOF) while a large emit waits for room.

    The socket closes once the output drains (or the page stops reading); until then the
    socket thread must not spin on a socket that, at its end, is always readable.
    """
    handle = app.show("<p>x</p>", display=False)
    server = handle.server  # type: ignore[attr-defined]
    s = open_raw(handle)
    read_handshake(s)
    assert handle.wait_connected(10)  # type: ignore[attr-defined]
    sockets_idle(server)
    conn = server.connection(handle.label)
    calls = [0]
    readable = conn.readable

    def counting() -> None:
        calls[0] += 1
        readable()

    conn.readable = counting
    gone = threading.Event()
    closed = server.socket_closed

    def socket_closed(c: Any) -> None:
        closed(c)
        if c is conn:
            gone.set()

    server.socket_closed = socket_closed
    handle.emit("app:big", "x" * (32 * 1024 * 1024))
    writer_idle(server)
    assert conn._out, "the kernel took it all: the test needs output left waiting"
    s.shutdown(socket.SHUT_WR)
    try:
        assert gone.wait(10)
    finally:
        s.close()
    assert calls[0] < 20, f"readable() ran {calls[0]} times for one EOF"
