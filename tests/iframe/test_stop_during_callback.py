"""Stopping the server (destroy(), interpreter exit) while a page callback still runs."""

from __future__ import annotations

import textwrap
import threading
import time
from typing import Any

import pytest
from iframe.conftest import Show, child_with_page

from wry import PyWry

pytestmark = pytest.mark.iframe

CLOSED = "document.documentElement.dataset.wryConnection === 'closed'"


def socket_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "wry-iframe-sockets"]


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
    deadline = time.monotonic() + 10
    while socket_threads() and time.monotonic() < deadline:
        socket_threads()[0].join(0.1)
    assert not socket_threads(), "the socket thread outlived the callback"


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
        started = time.monotonic()
        child.stdin.write("\n")
        child.stdin.flush()
        child.wait(30)
        took = time.monotonic() - started
        page.wait_for_function(CLOSED, timeout=10_000)  # told, not cut: it stops reconnecting
    assert child.returncode == 0
    assert took < 3.0, f"the process took {took:.1f} s to exit while a callback ran"
