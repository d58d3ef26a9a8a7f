"""Registers the iframe transport with wry's plugin manager."""

from __future__ import annotations

from collections.abc import Sequence

from wry.plugins import hookimpl
from wry.transport import Transport
from wry_iframe.transport import IframeTransport

#: One transport object per process: it owns the one server.
TRANSPORT = IframeTransport()


@hookimpl
def wry_transports() -> Sequence[Transport]:
    """The iframe transport."""
    return [TRANSPORT]
