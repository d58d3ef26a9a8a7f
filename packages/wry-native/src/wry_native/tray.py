"""System-tray icons, parent side: what ``TrayProxy`` drives through the ``wry_create_tray`` hook.

The icon lives in the child host (``tray_host``). Its menu is a ``MenuConfig`` like any other;
a click on item ``x`` arrives here as tray event ``tray:x`` (a line of its own, apart from
window events) and runs the item's handler as ``handler(data, "tray:x", tray_id)``. Icons keep
working while every window is hidden, because the child host stays up while it has trays or
windows.

Linux has no tray click events (libayatana-appindicator exports a StatusNotifierItem whose
Activate method does not exist), and no tooltip. ``capabilities()`` says so, and
``on_click`` refuses a handler there instead of accepting one that could never run.
"""

from __future__ import annotations

import base64
import logging
import sys
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wry.callbacks import CallbackRegistry
from wry.models import Callback, MenuConfig, TrayConfig
from wry.plugins import hookimpl
from wry_native.menus import CommandSender, menu_spec

log = logging.getLogger("wry_native.tray")

#: Event types of icon clicks, where the platform delivers them.
CLICK_EVENTS = ("tray:click", "tray:double-click")

_lock = threading.Lock()
_trays: dict[str, NativeTray] = {}


class TrayEventsUnavailable(NotImplementedError):
    """The platform delivers no tray click events (Linux): use the tray's menu instead."""


def capabilities() -> dict[str, bool]:
    """What a native tray icon can do on this platform."""
    linux = sys.platform.startswith("linux")
    return {
        "menu": True,
        "icon": True,
        "title": True,
        "visible": True,
        "tooltip": not linux,
        "click_events": not linux,
        "multiple": not linux,
    }


def encode_icon(icon: str | Path | bytes | None) -> str | None:
    """Image-file bytes (PNG, ICO, …) as base64 for the child; a path is read here."""
    if icon is None:
        return None
    data = icon if isinstance(icon, bytes) else Path(icon).read_bytes()
    return base64.b64encode(data).decode("ascii")


class NativeTray:
    """Controls one tray icon in the child host; ``TrayProxy`` forwards its methods here."""

    def __init__(self, sender: CommandSender, config: TrayConfig, owner: Any = None) -> None:
        self._sender = sender
        #: The app that made the icon (``TrayProxy.create(app=...)``): its destroy removes it.
        self._owner = weakref.ref(owner) if owner is not None else None
        self.tray_id = config.tray_id
        self.callbacks = CallbackRegistry()
        self._removers: list[Callable[[], None]] = []
        self.removed = False
        #: Why the icon is gone when the child host took it away (None: removed by ``remove``).
        self.gone_reason: str | None = None
        self._register_menu(config.menu)

    # -- creation ---------------------------------------------------------------------------------

    @classmethod
    def create(cls, sender: CommandSender, config: TrayConfig, owner: Any = None) -> NativeTray:
        """Show a new icon for app ``owner`` (None: no app); a duplicate id raises."""
        with _lock:
            if config.tray_id in _trays and not _trays[config.tray_id].removed:
                raise ValueError(f"a tray icon with id {config.tray_id!r} already exists")
        tray = cls(sender, config, owner)
        sender.request(
            "tray_create",
            {
                "tray_id": config.tray_id,
                "tooltip": config.tooltip,
                "title": config.title,
                "icon": encode_icon(config.icon),
                "menu": menu_spec(config.menu) if config.menu is not None else None,
                "visible": config.visible,
            },
        )
        with _lock:
            _trays[config.tray_id] = tray
        return tray

    @property
    def owner(self) -> Any:
        """The app that made the icon while it lives (None: made without ``app=``)."""
        return self._owner() if self._owner is not None else None

    # -- changes -----------------------------------------------------------------------------------

    def set_tooltip(self, tooltip: str | None) -> None:
        """Set the tooltip (ignored by Linux trays: ``capabilities()["tooltip"]`` is False)."""
        self._update(tooltip=tooltip)

    def set_title(self, title: str | None) -> None:
        """Set the text shown next to the icon (Linux: the indicator label)."""
        self._update(title=title)

    def set_icon(self, icon: str | Path | bytes | None) -> None:
        """Replace the icon with an image file (path or bytes); None restores the default."""
        self._update(icon=encode_icon(icon))

    def set_visible(self, visible: bool) -> None:
        """Show or hide the icon."""
        self._update(visible=bool(visible))

    def set_menu(self, menu: MenuConfig | None) -> None:
        """Replace the icon's menu and its handlers (None removes the menu)."""
        spec = menu_spec(menu) if menu is not None else None
        self._update(menu=spec)
        self._register_menu(menu)

    def set_menu_item(self, item_id: str, **changes: Any) -> dict[str, Any]:
        """Change ``text``/``enabled``/``checked``/``accelerator`` of one item of this menu."""
        from wry_native.menus import set_menu_item

        return set_menu_item(
            self._sender, item_id, owner=self.tray_id, owner_kind="tray", **changes
        )

    def remove(self) -> None:
        """Take the icon away (it is hidden: Tauri on Linux keeps the DBus item exported)."""
        if self.removed:
            return
        self._sender.request("tray_remove", {"tray_id": self.tray_id})
        self._forget()

    # -- events ------------------------------------------------------------------------------------

    def on(self, event_type: str, callback: Callback) -> Callable[[], None]:
        """Call ``callback(data, event_type, tray_id)`` for ``tray:<item id>`` or a click event."""
        if event_type in CLICK_EVENTS:
            self._refuse_clicks()
        return self.callbacks.register(self.tray_id, event_type, callback)

    def on_click(self, callback: Callback) -> Callable[[], None]:
        """Run ``callback`` on a click on the icon, where the platform reports one."""
        return self.on("tray:click", callback)

    def dispatch(self, event_type: str, data: Any) -> int:
        """Run the handlers for an event the child reported; returns how many ran."""
        return self.callbacks.dispatch(self.tray_id, event_type, data)

    # -- internals ---------------------------------------------------------------------------------

    def _refuse_clicks(self) -> None:
        if not capabilities()["click_events"]:
            raise TrayEventsUnavailable(
                "tray click events do not exist on Linux: the StatusNotifierItem tray only "
                "opens the menu. Put the action in the tray menu instead "
                "(TrayProxy.capabilities()['click_events'] is False here)."
            )

    def _register_menu(self, menu: MenuConfig | None) -> None:
        for remove in self._removers:
            remove()
        self._removers = []
        if menu is None:
            return
        for item_id, handler in menu.handlers().items():
            self._removers.append(self.callbacks.register(self.tray_id, f"tray:{item_id}", handler))

    def _update(self, **fields: Any) -> None:
        if self.gone_reason is not None:
            raise RuntimeError(
                f"tray icon {self.tray_id!r} is gone: {self.gone_reason}; "
                "create it again with TrayProxy.create"
            )
        if self.removed:
            raise RuntimeError(f"tray icon {self.tray_id!r} has been removed")
        self._sender.request("tray_update", {"tray_id": self.tray_id, **fields})

    def _forget(self) -> None:
        self.removed = True
        with _lock:
            if _trays.get(self.tray_id) is self:
                del _trays[self.tray_id]

    def __repr__(self) -> str:
        return f"<NativeTray {self.tray_id!r}{' removed' if self.removed else ''}>"


def dispatch_tray_event(tray_id: str, event_type: str, data: Any) -> bool:
    """Route an event from the child to its tray's handlers; False when no such tray."""
    with _lock:
        tray = _trays.get(tray_id)
    if tray is None:
        log.warning("event %r for unknown tray %r dropped", event_type, tray_id)
        return False
    tray.dispatch(event_type, data)
    return True


def trays_on(sender: CommandSender) -> list[NativeTray]:
    """The icons shown by the child host behind ``sender``."""
    with _lock:
        return [t for t in _trays.values() if t._sender is sender]


def kept_by_another_app(sender: CommandSender, app: Any) -> bool:
    """Whether an app other than ``app`` still has an icon in ``sender``'s host.

    An icon made without ``app=`` belongs to no app: it keeps no host from being stopped.
    """
    return any(t.owner is not None and t.owner is not app for t in trays_on(sender))


def remove_trays_of(app: Any, sender: CommandSender) -> None:
    """Remove ``app``'s icons from a host that stays up for other apps."""
    for tray in trays_on(sender):
        if tray.owner is app:
            try:
                tray.remove()
            except Exception:
                log.exception("removing tray icon %r failed", tray.tray_id)


def host_exited(sender: CommandSender, reason: str) -> None:
    """The child host behind ``sender`` exited, taking its icons along: mark them gone."""
    with _lock:
        gone = [t for t in _trays.values() if t._sender is sender]
        for tray in gone:
            del _trays[tray.tray_id]
    for tray in gone:
        tray.gone_reason = reason
        tray.removed = True
        log.warning("tray icon %r is gone: %s", tray.tray_id, reason)


@hookimpl
def wry_create_tray(app: Any, tray: TrayConfig) -> NativeTray:
    """Show ``tray`` through the native child host (started if needed)."""
    from wry_native.transport import runtime_for

    runtime = runtime_for(app)  # app.destroy() removes the icon (and ends the host if unused)
    if _sink not in runtime.tray_sinks:
        runtime.tray_sinks.append(_sink)
        runtime.exit_callbacks.append(lambda reason: host_exited(runtime, reason))
    return NativeTray.create(runtime, tray, owner=app)


def _sink(label: str, events: list[dict[str, Any]]) -> bool:
    with _lock:
        tray = _trays.get(label)
    if tray is None:
        return False
    for event in events:
        if isinstance(event, dict) and isinstance(event.get("type"), str):
            tray.dispatch(event["type"], event.get("data"))
    return True
