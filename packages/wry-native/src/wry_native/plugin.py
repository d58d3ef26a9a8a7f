"""Registers the native transport with wry's plugin manager."""

from __future__ import annotations

from collections.abc import Sequence

from wry.plugins import hookimpl
from wry.transport import Transport
from wry_native.hot_reload_native import wry_hot_reload
from wry_native.menus import wry_set_menu
from wry_native.tray import wry_create_tray

__all__ = ["wry_create_tray", "wry_hot_reload", "wry_set_menu"]


@hookimpl
def wry_transports() -> Sequence[Transport]:
    """The native transport (imports nothing heavy: pytauri loads only in the child)."""
    from wry_native.transport import NativeTransport

    return [NativeTransport()]


@hookimpl
def wry_tray_capabilities() -> dict[str, bool]:
    """What a native tray icon can do on this platform (no click events on Linux)."""
    from wry_native.tray import capabilities

    return capabilities()
