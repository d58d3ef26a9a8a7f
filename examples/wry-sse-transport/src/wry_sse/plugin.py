"""Registers the ``sse`` transport with wry (entry point group ``wry``)."""

from __future__ import annotations

from collections.abc import Sequence

from wry import Transport, hookimpl
from wry_sse.transport import SseTransport


@hookimpl
def wry_transports() -> Sequence[Transport]:
    """Contribute the one transport of this package."""
    return [SseTransport()]
