"""The page sockets after the handshake, seen byte by byte from raw-socket clients."""

from __future__ import annotations

import base64
import contextlib
import os
import socket
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import pytest

from wry import PyWry

pytestmark = pytest.mark.iframe


def open_raw(handle: Any, instance: str = "t", page_has: int = 0) -> socket.socket:
    """Connect and send the upgrade request; the answer is left unread."""
    url = urlsplit(handle.url)
    s = socket.create_connection((url.hostname, url.port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /w/{handle.label}/ws?token={handle.token}&p={instance}&r={page_has} HTTP/1.1\r\n"
        f"Host: {url.netloc}\r\nOrigin: http://{url.netloc}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    s.sendall(request.encode())
    return s


def read_handshake(s: socket.socket) -> bytes:
    """The bytes up to the end of the HTTP answer; asserts they are a 101 answer."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        assert chunk, f"EOF during the handshake after {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 101"), f"first bytes are not a 101: {data[:80]!r}"
    return rest


def masked(opcode: int, payload: bytes) -> bytes:
    mask = os.urandom(4)
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    assert len(payload) < 126
    return bytes((0x80 | opcode, 0x80 | len(payload))) + mask + body


def writer_idle(server: Any) -> None:
    done = threading.Event()
    server.writer.submit(done.set)
    assert done.wait(10)


def test_an_emit_while_a_socket_opens_never_precedes_the_handshake_answer(app: PyWry) -> None:
    """An emit from another thread while a socket opens waits for the handshake's answer.

    The hook pins the interleaving: the emit (and the writer's flush) run exactly while the
    server is taking the new socket into service.
    """
    handle = app.show("<p>x</p>", display=False)
    server = handle.server  # type: ignore[attr-defined]
    outbox = handle.outbox  # type: ignore[attr-defined]
    original = outbox.rewind

    def rewind(page_has: int) -> None:
        emitter = threading.Thread(target=handle.emit, args=("app:race", 1))
        emitter.start()
        emitter.join(10)
        writer_idle(server)
        original(page_has)

    outbox.rewind = rewind
    s = open_raw(handle)
    try:
        read_handshake(s)
    finally:
        s.close()


def test_socket_thread_jobs_survive_two_submits_in_a_row_deterministic() -> None:
    """A submit that lands while the thread drains its wake-up bytes is never lost.

    The proxy pins the interleaving: a submit arrives between reading the wake-up socket and
    running the jobs; later submits must still wake the thread.
    """
    from wry_iframe.socket_thread import SocketThread

    thread = SocketThread()
    real = thread._wake_in

    class WakeIn:
        first = True

        def recv(self, size: int) -> bytes:
            if WakeIn.first:
                WakeIn.first = False
                other = threading.Thread(target=thread.submit, args=(lambda: None,))
                other.start()
                other.join(10)
            return real.recv(size)

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

    thread._wake_in = WakeIn()  # type: ignore[assignment]
    first = threading.Event()
    thread.submit(first.set)
    assert first.wait(10)
    later = threading.Event()
    thread.submit(later.set)
    try:
        assert later.wait(5), f"a submitted job never ran (_woken={thread._woken})"
    finally:
        thread._wake_in = real
        thread._jobs.append(None)
        thread._wake_out.send(b"\0")  # wakes it once more: it runs the jobs and stops


def test_socket_thread_jobs_survive_two_submits_in_a_row_naturally() -> None:
    """The same, unprovoked: one thread submitting two jobs at a time, many times."""
    from wry_iframe.socket_thread import SocketThread

    thread = SocketThread()
    try:
        for i in range(20_000):
            a, b = threading.Event(), threading.Event()
            thread.submit(a.set)
            thread.submit(b.set)
            assert a.wait(5) and b.wait(5), f"jobs never ran after {i} rounds"
    finally:
        thread._jobs.append(None)
        thread._wake_out.send(b"\0")


def test_pages_connecting_together_are_always_answered(app: PyWry) -> None:
    """End to end: handshakes to four widgets at once, 500 times; every one is answered."""
    handles = [app.show("<p>x</p>", display=False) for _ in range(4)]
    for i in range(500):
        socks = [open_raw(h, instance=f"i{i}") for h in handles]
        try:
            for s in socks:
                s.settimeout(5)
                try:
                    read_handshake(s)
                except TimeoutError:
                    pytest.fail(f"a handshake was never answered (round {i})")
        finally:
            for s in socks:
                s.close()


def test_a_callbacks_large_emit_reaches_the_page_while_the_callback_runs(app: PyWry) -> None:
    """A callback's 32 MB emit reaches the page while the callback still runs.

    The kernel takes part of it at once; the writer thread, not the busy socket thread,
    sends the rest as the page reads.
    """
    handle = app.show("<p>x</p>", display=False)
    size = 32 * 1024 * 1024
    s = open_raw(handle)
    buf = bytearray(read_handshake(s))
    assert handle.wait_connected(10)  # type: ignore[attr-defined]
    page_has_it = threading.Event()
    seen_in_callback: list[bool] = []

    def read_all() -> None:
        total = len(buf)
        s.settimeout(60)
        with contextlib.suppress(OSError):
            while total < size:
                chunk = s.recv(1 << 20)
                if not chunk:
                    return
                total += len(chunk)
        page_has_it.set()

    reader = threading.Thread(target=read_all, daemon=True)
    reader.start()

    callback_done = threading.Event()

    def work(data: Any, event_type: str, label: str) -> None:
        handle.emit("app:image", "x" * size)
        seen_in_callback.append(page_has_it.wait(60))
        callback_done.set()

    handle.on("app:go", work)
    s.sendall(masked(1, b'{"s":1,"e":[{"type":"app:go","data":null}]}'))
    assert callback_done.wait(90), "the callback never returned"
    reader.join(30)
    s.close()
    assert seen_in_callback == [True], "the page got the event only after the callback returned"


def test_a_handshake_with_two_origin_headers_is_refused_with_an_answer(app: PyWry) -> None:
    """A repeated Origin (or Host) header is refused with a 403 and counted, not crashed on."""
    from wry_iframe.plugin import TRANSPORT

    handle = app.show("<p>x</p>", display=False)
    url = urlsplit(handle.url)  # type: ignore[attr-defined]
    before = sum(TRANSPORT.rejections.values())
    request = (
        f"GET /w/{handle.label}/ws?token={handle.token} HTTP/1.1\r\n"  # type: ignore[attr-defined]
        f"Host: {url.netloc}\r\nOrigin: http://{url.netloc}\r\nOrigin: http://evil.example\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection((url.hostname, url.port), timeout=10) as s:
        s.sendall(request.encode())
        answer = s.recv(4096)
    assert answer.startswith(b"HTTP/1.1 403"), answer
    assert sum(TRANSPORT.rejections.values()) > before


def test_a_server_that_cannot_bind_leaves_no_thread_behind() -> None:
    """A port already taken raises, and leaves no thread of the server running."""
    from wry_iframe.server import IframeServer

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        before = {t for t in threading.enumerate()}
        with pytest.raises(OSError):
            IframeServer(port=busy.getsockname()[1])
        left = [t.name for t in threading.enumerate() if t not in before]
    assert left == []


def test_a_silent_peer_is_pinged_and_dropped_a_live_page_is_kept(
    show: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Browsers never ping: the server pings a silent socket and closes it without a pong."""
    from wry_iframe import connection

    monkeypatch.setattr(connection, "PING_INTERVAL", 0.5)
    live, page = show()  # Chromium answers pings by itself
    handle = live.app.show("<p>x</p>", display=False)
    s = open_raw(handle)
    try:
        rest = read_handshake(s)
        assert handle.wait_connected(10)  # type: ignore[attr-defined]
        s.settimeout(10)
        data = rest or s.recv(64)
        assert data[0] & 0x0F == 0x9, f"expected a ping, got {data[:16]!r}"
        while data:  # no pong from us: the server closes the socket
            data = s.recv(64)
    finally:
        s.close()
    deadline = time.monotonic() + 10
    while handle.connected and time.monotonic() < deadline:  # type: ignore[attr-defined]
        threading.Event().wait(0.02)
    assert not handle.connected  # type: ignore[attr-defined]
    assert live.connected  # type: ignore[attr-defined]
    page.evaluate("window.__n = []; pywry.on('app:n', d => window.__n.push(d)); true")
    live.emit("app:n", 1)
    page.wait_for_function("window.__n.length === 1")
