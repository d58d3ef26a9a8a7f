"""wry: one event protocol for HTML/JS interfaces in native windows, notebooks and browsers.

Names are imported on first use, so ``import wry`` loads no transport and no heavy dependency.
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # typing itself costs ~10 ms to import; keep `import wry` cheap

__version__ = "0.1.0"

_EXPORTS = {
    "PyWry": "wry.app",
    "PyWrySettings": "wry.settings",
    "HtmlContent": "wry.models",
    "MenuConfig": "wry.models",
    "MenuItemConfig": "wry.models",
    "CheckMenuItemConfig": "wry.models",
    "SubmenuConfig": "wry.models",
    "PredefinedMenuItemConfig": "wry.models",
    "PredefinedMenuItemKind": "wry.models",
    "PageAsset": "wry.models",
    "TrayProxy": "wry.tray",
    "BaseWidget": "wry.widget",
    "WidgetClosedError": "wry.widget",
    "QueueFullError": "wry.widget",
    "JsError": "wry.widget",
    "PayloadError": "wry.protocol",
    "Transport": "wry.transport",
    "TransportNotAvailable": "wry.transport",
    "hookimpl": "wry.plugins",
    "hookspec": "wry.hookspecs",
    "NativeWindowHandle": "wry_native",
    "WindowProxy": "wry_native",
}

__all__ = [
    "BaseWidget",
    "CheckMenuItemConfig",
    "HtmlContent",
    "JsError",
    "MenuConfig",
    "MenuItemConfig",
    "NativeWindowHandle",
    "PageAsset",
    "PayloadError",
    "PredefinedMenuItemConfig",
    "PredefinedMenuItemKind",
    "PyWry",
    "PyWrySettings",
    "QueueFullError",
    "SubmenuConfig",
    "Transport",
    "TransportNotAvailable",
    "TrayProxy",
    "WidgetClosedError",
    "WindowProxy",
    "hookimpl",
    "hookspec",
]


def __getattr__(name: str) -> object:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'wry' has no attribute {name!r}")
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if module_name == "wry_native":
            raise ImportError(
                f"wry.{name} needs the native transport: pip install wry-native"
            ) from exc
        raise
    value = getattr(module, name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from wry.app import PyWry
    from wry.hookspecs import hookspec
    from wry.models import (
        CheckMenuItemConfig,
        HtmlContent,
        MenuConfig,
        MenuItemConfig,
        PageAsset,
        PredefinedMenuItemConfig,
        PredefinedMenuItemKind,
        SubmenuConfig,
    )
    from wry.plugins import hookimpl
    from wry.protocol import PayloadError
    from wry.settings import PyWrySettings
    from wry.transport import Transport, TransportNotAvailable
    from wry.tray import TrayProxy
    from wry.widget import BaseWidget, JsError, QueueFullError, WidgetClosedError
