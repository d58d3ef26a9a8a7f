"""Every hook a wry plugin may implement.

Built-in transports (wry_native, wry_notebook, wry_iframe) implement these exactly as a
third party's plugin would. Each hook has a one-line docstring; DESIGN §3 explains the families.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from wry.app import PyWry
    from wry.models import MenuConfig, PageAsset, TrayConfig
    from wry.transport import Transport
    from wry.widget import BaseWidget

hookspec = pluggy.HookspecMarker("wry")


# -- transport --------------------------------------------------------------------------------


@hookspec
def wry_transports() -> Sequence[Transport]:
    """Return the transports this plugin contributes."""


# -- menus and tray ---------------------------------------------------------------------------


@hookspec(firstresult=True)
def wry_set_menu(app: PyWry, menu: MenuConfig, widget: BaseWidget | None) -> bool | None:
    """Realise ``menu`` on ``widget`` (or app-wide when None); return True if handled."""


@hookspec(firstresult=True)
def wry_create_tray(app: PyWry, tray: TrayConfig) -> Any:
    """Create a system-tray icon and return the object that controls it."""


@hookspec(firstresult=True)
def wry_tray_capabilities() -> dict[str, bool] | None:
    """Report what the tray can do here, e.g. ``{"menu": True, "click_events": False}``."""


# -- hot reload -------------------------------------------------------------------------------


@hookspec(firstresult=True)
def wry_hot_reload(widget: BaseWidget, path: str, kind: str, text: str) -> bool | None:
    """Deliver a changed ``css`` or ``script`` file to ``widget``; return True if handled."""


# -- Tauri plugins ----------------------------------------------------------------------------


@hookspec
def wry_tauri_plugins() -> Sequence[str]:
    """Return Tauri plugin names (e.g. ``"dialog"``) the native transport must enable."""


@hookspec
def wry_tauri_permissions() -> Sequence[str]:
    """Return capability permissions (e.g. ``"fs:allow-read-file"``) to grant every window."""


# -- page assets ------------------------------------------------------------------------------


@hookspec
def wry_page_assets() -> Sequence[PageAsset]:
    """Return JS/CSS that every transport injects into every page, after the bridge."""
