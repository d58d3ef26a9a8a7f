"""The widget's token never reaches the log, even with wry's own DEBUG logging on."""

from __future__ import annotations

import logging

import pytest
from iframe.test_sockets import open_raw, read_handshake

from wry import PyWry

pytestmark = pytest.mark.iframe


def test_debug_logging_of_wry_iframe_does_not_log_the_token(
    app: PyWry, caplog: pytest.LogCaptureFixture
) -> None:
    handle = app.show("<p>x</p>", display=False)
    with caplog.at_level(logging.DEBUG, logger="wry.iframe"):
        s = open_raw(handle)
        try:
            read_handshake(s)
            assert handle.wait_connected(10)  # type: ignore[attr-defined]
        finally:
            s.close()
    assert handle.token not in caplog.text  # type: ignore[attr-defined]
