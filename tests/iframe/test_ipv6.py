"""A server bound to IPv6 loopback, written with or without brackets."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from iframe.conftest import open_page

from wry import PyWry, PyWrySettings

pytestmark = pytest.mark.iframe


def test_a_bracketed_ipv6_server_host_works(browser: Any) -> None:
    """``server_host="[::1]"``: ``security._configured_name`` treats ``[::1]`` and ``::1`` as
    the same name (the Guard allows it as the bound host), but ``IframeServer`` passes the
    brackets to ``bind()``, which raises ``socket.gaierror`` from inside ``app.show()``.
    ``"::1"`` works."""
    app = PyWry(PyWrySettings(open_browser=False, server_host="[::1]"), transport="iframe")
    contexts: list[Any] = []
    try:
        ready = threading.Event()
        h = app.show("<p>x</p>", display=False, callbacks={"pywry:ready": lambda *a: ready.set()})
        open_page(browser, h.url, contexts)  # type: ignore[attr-defined]
        assert ready.wait(30), h.url  # type: ignore[attr-defined]
    finally:
        for c in contexts:
            c.close()
        app.destroy()
