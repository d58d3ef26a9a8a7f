"""Registers the notebook transport with wry's plugin manager."""

from __future__ import annotations

from collections.abc import Sequence

from wry.plugins import hookimpl
from wry.transport import Transport


@hookimpl
def wry_transports() -> Sequence[Transport]:
    """The notebook transport (not implemented yet)."""
    return []
