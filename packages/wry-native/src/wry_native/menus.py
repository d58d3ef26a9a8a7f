"""Menus for native windows, parent side: MenuConfig → a JSON spec the child host builds.

Handlers never cross the process boundary. The child reports a click as an event
``menu:<item id>`` for the window it happened in; the core registered the handlers under that
event type (``PyWry.set_menu``), so the ordinary callback registry runs them in the parent.
Tray menus use the same spec; their clicks arrive as ``tray:<item id>`` (see ``wry_native.tray``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from wry.models import (
    CheckMenuItemConfig,
    MenuConfig,
    MenuItem,
    MenuItemConfig,
    PredefinedMenuItemConfig,
    PredefinedMenuItemKind,
    SubmenuConfig,
)
from wry.plugins import hookimpl


class CommandSender(Protocol):
    """What the parent runtime offers: send one action to the child host, wait for its reply."""

    def request(self, action: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Send ``{"action": action, **fields}``; return the reply or raise its error."""
        ...


#: Spec kinds the child host understands.
ITEM, CHECK, SUBMENU, PREDEFINED = "item", "check", "submenu", "predefined"


def menu_spec(menu: MenuConfig) -> dict[str, Any]:
    """The JSON-able form of ``menu`` (no handlers); duplicate ids raise ValueError."""
    if not isinstance(menu, MenuConfig):
        raise TypeError(f"menu must be a MenuConfig, not {type(menu).__name__}")
    menu.handlers()  # duplicate ids fail here, naming the menu and the id
    return {"id": menu.id, "items": [_item_spec(item) for item in menu.items]}


def _item_spec(item: MenuItem) -> dict[str, Any]:
    if isinstance(item, MenuItemConfig):
        return {
            "kind": ITEM,
            "id": _check_id(item.id),
            "text": item.text,
            "enabled": item.enabled,
            "accelerator": item.accelerator,
        }
    if isinstance(item, CheckMenuItemConfig):
        return {
            "kind": CHECK,
            "id": _check_id(item.id),
            "text": item.text,
            "enabled": item.enabled,
            "checked": item.checked,
            "accelerator": item.accelerator,
        }
    if isinstance(item, SubmenuConfig):
        return {
            "kind": SUBMENU,
            "id": item.id,
            "text": item.text,
            "enabled": item.enabled,
            "items": [_item_spec(child) for child in item.items],
        }
    if isinstance(item, PredefinedMenuItemConfig):
        kind = PredefinedMenuItemKind(item.item)  # a bad name raises, listing nothing silently
        return {"kind": PREDEFINED, "item": kind.value, "text": item.text}
    raise TypeError(
        f"unsupported menu item {item!r}: use MenuItemConfig, CheckMenuItemConfig, "
        "SubmenuConfig or PredefinedMenuItemConfig"
    )


#: What a run-time change may set in an item's spec, and how the value is read.
_CHANGEABLE: dict[str, dict[str, Callable[[Any], Any]]] = {
    ITEM: {"text": str, "enabled": bool, "accelerator": lambda v: v},
    CHECK: {"text": str, "enabled": bool, "accelerator": lambda v: v, "checked": bool},
    SUBMENU: {"text": str, "enabled": bool},
}


def spec_items(items: list[dict[str, Any]], item_id: str) -> list[dict[str, Any]]:
    """The specs in ``items`` (submenus included) whose id is ``item_id``."""
    found: list[dict[str, Any]] = []
    for spec in items:
        if spec.get("id") == item_id:
            found.append(spec)
        if spec.get("kind") == SUBMENU:
            found += spec_items(spec["items"], item_id)
    return found


def record_changes(spec: dict[str, Any], changes: dict[str, Any]) -> None:
    """Keep a run-time change in an item's spec, so menus built from it later show it."""
    if "checked" in changes and spec["kind"] != CHECK:
        raise ValueError(f"menu item {spec.get('id')!r} is not a check item")
    for key, read in _CHANGEABLE.get(spec["kind"], {}).items():
        if key in changes:
            spec[key] = read(changes[key])


def _check_id(item_id: str) -> str:
    if not isinstance(item_id, str) or not item_id:
        raise ValueError(f"menu item id must be a non-empty string, got {item_id!r}")
    return item_id


@hookimpl
def wry_set_menu(app: Any, menu: MenuConfig, widget: Any) -> bool | None:
    """Native windows (or app-wide, when the app uses the native transport) show ``menu``."""
    if widget is not None and getattr(widget, "transport_name", "") != "native":
        return None
    if widget is None and app.transport not in (None, "native"):
        return None
    spec = menu_spec(menu)
    if widget is not None:
        widget.runtime.request("set_menu", {"label": widget.label, "menu": spec})
        return True
    from wry_native.transport import app_scope, runtime_for

    runtime = runtime_for(app)
    scope = app_scope(app)
    runtime.request("set_menu", {"label": None, "app": scope, "menu": spec})
    runtime.app_menus[scope] = spec  # kept for a restarted child
    return True


def set_menu_item(
    sender: Any,
    item_id: str,
    *,
    text: str | None = None,
    enabled: bool | None = None,
    checked: bool | None = None,
    accelerator: str | None = None,
    owner: str | None = None,
    owner_kind: str = "window",
) -> dict[str, Any]:
    """Change an item in every window of the app showing it (or only in window ``owner``).

    ``sender`` is the ``PyWry`` app (or a native runtime, with an ``owner``: without an app
    there is no app-wide menu to change). A tray's items change with
    ``owner_kind="tray"`` (what ``tray.set_menu_item`` does): a tray id may also be a label.

    Returns the item's state afterwards (``text``, ``enabled``, ``checked`` for check items,
    ``count`` = how many shown copies changed). An unknown id raises.
    """
    changes = {
        k: v
        for k, v in dict(
            text=text, enabled=enabled, checked=checked, accelerator=accelerator
        ).items()
        if v is not None
    }
    fields = {"id": item_id, "owner": owner, "owner_kind": owner_kind, "changes": changes}
    if not hasattr(sender, "request"):
        from wry_native.transport import app_scope, runtime_for

        fields["app"] = app_scope(sender)  # without an owner: this app's windows only
        sender = runtime_for(sender)
    result: dict[str, Any] = sender.request("menu_item", fields)
    return result
