"""Stopping the server (destroy(), interpreter exit) while a page callback still runs."""

from __future__ import annotations

import textwrap
import threading
import time
from typing import Any

import pytest
from iframe.conftest import Show, child_with_page, tell_child_to_exit

from wry import PyWry

pytestmark = pytest.mark.iframe

CLOSED = "document.documentElement.dataset.wryConnection === 'closed'"


def socket_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "wry-iframe-sockets"]


def assert_socket_thread_ends() -> None:
    """The socket thread, left running by the stop, ends once the callback has returned."""
    deadline = time.monotonic() + 10
    while socket_threads() and time.monotonic() < deadline:
        socket_threads()[0].join(0.1)
    assert not socket_threads(), "the socket thread outlived the callback"


def test_destroy_does_not_wait_for_a_running_callback(app: PyWry, show: Show) -> None:
    """destroy() used to wait 5 s for the socket thread, busy with the callback."""
    entered, release = threading.Event(), threading.Event()
    handle, page = show()
    handle.on("app:slow", lambda d, t, lab: (entered.set(), release.wait(60)))
    page.evaluate("pywry.emit('app:slow', {})")
    assert entered.wait(30)
    started = time.monotonic()
    try:
        app.destroy()
        took = time.monotonic() - started
        assert took < 3.0, f"destroy() took {took:.1f} s while a callback ran"
        assert handle.closed
        page.wait_for_function(CLOSED)  # told at once: it stops reconnecting
    finally:
        release.set()
    assert_socket_thread_ends()


def test_interpreter_exit_does_not_wait_for_a_running_callback(browser: Any) -> None:
    script = textwrap.dedent(
        """
        import sys, threading
        from wry import PyWry
        app = PyWry(transport="iframe")
        handle = app.show("<p>x</p>")
        def slow(data, event_type, label):
            print("in callback", flush=True)
            threading.Event().wait()  # never returns
        handle.on("app:slow", slow)
        sys.stdin.readline()  # then exit, the callback still running
        """
    )
    with child_with_page(browser, script) as (child, page):
        assert child.stdout is not None and child.stdin is not None
        page.evaluate("pywry.emit('app:slow', {})")
        assert child.stdout.readline().strip() == "in callback"
        took = tell_child_to_exit(child)
        page.wait_for_function(CLOSED, timeout=10_000)  # told, not cut: it stops reconnecting
    assert child.returncode == 0
    assert took < 3.0, f"the process took {took:.1f} s to exit while a callback ran"


def test_a_close_frame_behind_a_large_emit_still_reaches_the_page(app: PyWry, show: Show) -> None:
    """The close frame sent while a callback runs can wait behind a large emit.

    stop() then stopped the writer thread, so what the kernel had no room for, the close
    frame with it, was never sent: the page, busy when the emit came, read what the kernel
    held and then nothing, and was cut without a close code once the callback returned.
    """
    entered, release = threading.Event(), threading.Event()
    handle, page = show()
    big = "x" * (32 * 1024 * 1024)  # far more than the kernel holds for a page not reading

    def slow(data: Any, event_type: str, label: str) -> None:
        handle.emit("app:big", {"text": big})
        entered.set()
        release.wait(60)

    handle.on("app:slow", slow)
    # the page's script is busy for 2 s: Chromium stops reading the socket meanwhile
    page.evaluate(
        "pywry.emit('app:slow', {});"
        "setTimeout(() => { const t = Date.now(); while (Date.now() - t < 2000); }, 0)"
    )
    assert entered.wait(30)
    try:
        app.destroy()
        page.wait_for_function(CLOSED, timeout=20_000)
    finally:
        release.set()
    assert_socket_thread_ends()
