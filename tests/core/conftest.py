"""Fixtures for core unit tests: a recording transport registered as a plugin."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from recording import RecordingTransport

from wry.app import PyWry
from wry.plugins import get_plugin_manager, hookimpl
from wry.transport import Transport


class _Plugin:
    def __init__(self, transport: RecordingTransport) -> None:
        self.transport = transport

    @hookimpl
    def wry_transports(self) -> list[Transport]:
        return [self.transport]


@pytest.fixture
def recording() -> Iterator[RecordingTransport]:
    transport = RecordingTransport()
    plugin = _Plugin(transport)
    pm = get_plugin_manager()
    pm.register(plugin)
    try:
        yield transport
    finally:
        pm.unregister(plugin)


@pytest.fixture
def app(recording: RecordingTransport) -> Iterator[PyWry]:
    application = PyWry(transport="recording")
    try:
        yield application
    finally:
        application.destroy()
