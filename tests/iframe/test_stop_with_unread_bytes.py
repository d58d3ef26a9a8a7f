"""Stopping the server while an emit waits unsent for a page that is not reading.

The close frame waits behind such an emit; the writer thread sends both before it ends, as
long as the page reads, and gives up on a page that does not: it never holds the process.
"""

from __future__ import annotations

import logging
import socket
import textwrap
import threading
import time
from typing import Any

import pytest
from iframe.conftest import Show, child_with_page, tell_child_to_exit
from iframe.test_sockets import masked, open_raw, read_handshake

from wry import PyWry

pytestmark = pytest.mark.iframe

CLOSED = "document.documentElement.dataset.wryConnection === 'closed'"
#: Keeps the page's script busy for the given milliseconds: Chromium stops reading meanwhile.
BUSY = "setTimeout(() => { const t = Date.now(); while (Date.now() - t < %d); }, 0)"
BIG = 32 * 1024 * 1024  # far more than the kernel holds for a page not reading


def writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "wry-iframe-writer"]


def test_a_close_frame_behind_a_large_emit_reaches_a_page_busy_for_a_moment(
    app: PyWry, show: Show
) -> None:
    """No callback runs: the socket thread used to abort every socket as it stopped.

    That dropped what the kernel had no room for, the close frame behind it: the page
    read the rest of what the kernel held and was cut without its close code.
    """
    handle, page = show()
    page.evaluate(BUSY % 2000)
    handle.emit("app:big", {"text": "x" * BIG})
    app.destroy()
    page.wait_for_function(CLOSED, timeout=20_000)


def test_a_page_that_never_reads_again_does_not_hold_destroy(app: PyWry, show: Show) -> None:
    """The writer gives up on a page that takes nothing: destroy() ends in a few seconds."""
    handle, page = show()
    page.evaluate(BUSY % 12_000)  # longer than destroy() may take: it never reads again
    handle.emit("app:big", {"text": "x" * BIG})
    started = time.monotonic()
    app.destroy()
    took = time.monotonic() - started
    assert took < 5.0, f"destroy() took {took:.1f} s for a page that does not read"
    assert not [t for t in writer_threads() if t.is_alive()], "the writer outlived destroy()"


def test_events_behind_a_large_emit_a_page_never_reads_are_dropped_with_the_widget(
    app: PyWry, show: Show
) -> None:
    """close() waits for them to leave; the server stopping meanwhile hands that wait to the
    writer, which gives up on the page: they are dropped (and logged) all the same."""
    handle, page = show()
    page.evaluate(BUSY % 12_000)  # longer than destroy() may take: it never reads again
    handle.emit("app:big", {"text": "x" * BIG})
    handle.emit("app:small", 1)  # still in the outbox when close() starts
    started = time.monotonic()
    app.destroy()
    assert time.monotonic() - started < 5.0
    assert handle.pending == 0  # type: ignore[attr-defined]
    assert handle.wait_delivered(0) is False  # type: ignore[attr-defined]


def test_a_page_that_never_reads_again_does_not_hold_interpreter_exit(browser: Any) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from wry import PyWry
        app = PyWry(transport="iframe")
        handle = app.show("<p>x</p>")
        def big(data, event_type, label):
            handle.emit("app:big", {{"text": "x" * {BIG}}})  # sent from here, at once
            print("emitted", flush=True)
        handle.on("app:go", big)
        sys.stdin.readline()  # then exit, the page not reading the emit
        """
    )
    with child_with_page(browser, script) as (child, page):
        assert child.stdout is not None and child.stdin is not None
        page.evaluate("pywry.emit('app:go', {});" + BUSY % 12_000)
        assert child.stdout.readline().strip() == "emitted"
        took = tell_child_to_exit(child)
    assert child.returncode == 0
    assert took < 5.0, f"the process took {took:.1f} s to exit for a page that does not read"


def read_until_close_frame(s: socket.socket) -> None:
    """Read the server's (unmasked) frames until its close frame."""
    data = b""

    def take(n: int) -> bytes:
        nonlocal data
        while len(data) < n:
            chunk = s.recv(65536)
            assert chunk, "EOF before the close frame"
            data += chunk
        part, data = data[:n], data[n:]
        return part

    while True:
        first, second = take(2)
        size = second & 0x7F
        if size == 126:
            size = int.from_bytes(take(2), "big")
        elif size == 127:
            size = int.from_bytes(take(8), "big")
        take(size)
        if first & 0x0F == 0x8:
            return


def test_what_a_page_sends_after_the_server_stopped_is_logged_not_dropped_silently(
    app: PyWry, caplog: pytest.LogCaptureFixture
) -> None:
    """The server stopping at exit reads the page until it answers the close frame (an unread byte
    would reset the connection); what the page sent meanwhile reaches no callback: it is
    logged, not dropped without a word."""
    handle = app.show("<p>x</p>", display=False)
    s = open_raw(handle)
    read_handshake(s)
    assert handle.wait_connected(10)  # type: ignore[attr-defined]
    with caplog.at_level(logging.INFO, logger="wry.iframe"):
        stopping = threading.Thread(target=handle.server.stop)  # as at exit: widgets open
        stopping.start()
        read_until_close_frame(s)
        for thread in threading.enumerate():  # gone: the writer alone reads the page now
            if thread.name == "wry-iframe-sockets":
                thread.join(10)
        late = [b'{"s":%d,"e":[{"type":"app:late","data":%d}]}' % (n, n) for n in (1, 2)]
        s.sendall(masked(1, late[0]) + masked(1, late[1]) + masked(8, (1000).to_bytes(2, "big")))
        stopping.join(10)
    s.close()
    assert not stopping.is_alive()
    assert "2 message(s) the page sent after the server stopped reach no callback" in caplog.text
