"""Menus inside the child host: build pytauri menus from specs and report clicks by window.

Tauri calls every menu listener for every click, with only the item's id. To know the window a
click came from, each window (and each tray) gets its *own* native copy of a menu whose items
carry private ids (``wry-m<n>``); the table here maps a private id back to the owner and the
user's item id. An app-wide menu is therefore copied into every window that has no menu of its
own, including windows created later (``attach_new_window``), which are built from the app-wide
spec as run-time changes and check clicks left it.

Several ``PyWry`` apps of one process may share a host: each window belongs to the app that
opened it (the ``app`` field of ``create``), and an app-wide menu is that app's alone.

Runs in the child process only (imports pytauri).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pytauri import AppHandle, Manager
from pytauri.menu import (
    CheckMenuItem,
    Menu,
    MenuItem,
    PredefinedMenuItem,
    Submenu,
)

from wry_native import wire
from wry_native.menus import CHECK, record_changes, spec_items

log = logging.getLogger("wry_native.menus")

#: emit(owner, event_type, data): window clicks use the window label, tray clicks the tray id
#: (the parent hears them on separate lines, so the two names never mix).
Emit = Callable[[str, str, dict[str, Any]], None]

WINDOW, TRAY = "window", "tray"


@dataclass
class _Shown:
    """One native copy of a user's item."""

    owner_kind: str
    owner: str
    item_id: str
    native: Any
    check: bool


class MenuHost:
    """Owns every native menu copy of the child and turns clicks into events."""

    def __init__(
        self,
        app_handle: AppHandle,
        emit_window: Emit,
        emit_tray: Emit,
        windows: Callable[[], dict[str, Any]] | None = None,
        app_menu_changed: Callable[[str | None, dict[str, Any]], None] | None = None,
        app_of: Callable[[str], str | None] | None = None,
    ) -> None:
        self._app = app_handle
        #: Told an app-wide spec after each change, so the parent can give it to a new host.
        self._app_menu_changed = app_menu_changed or (lambda app, spec: None)
        self._windows = windows or (lambda: dict(Manager.webview_windows(app_handle)))
        #: The app a window belongs to (None: windows opened without one share one scope).
        self._app_of = app_of or (lambda label: None)
        self._emit = {WINDOW: emit_window, TRAY: emit_tray}
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._shown: dict[str, _Shown] = {}
        self._owned: dict[tuple[str, str], list[str]] = {}
        self._window_specs: dict[str, dict[str, Any]] = {}
        self._app_specs: dict[str | None, dict[str, Any]] = {}  # app -> its app-wide menu
        self.clicks = 0
        app_handle.on_menu_event(self._on_menu_event)

    # -- building ------------------------------------------------------------------------------

    def build(self, owner_kind: str, owner: str, spec: dict[str, Any]) -> Menu:
        """A fresh native menu for ``owner``, replacing that owner's earlier copy."""
        with self._lock:
            self.drop(owner_kind, owner)
            natives: list[str] = []
            items = [self._build_item(owner_kind, owner, s, natives) for s in spec["items"]]
            self._owned[(owner_kind, owner)] = natives
            return Menu.with_items(self._app, items)

    def _build_item(self, kind: str, owner: str, spec: dict[str, Any], natives: list[str]) -> Any:
        what = spec["kind"]
        if what == "submenu":
            children = [self._build_item(kind, owner, c, natives) for c in spec["items"]]
            native_id = self._next_id()
            sub = Submenu.with_id_and_items(
                self._app, native_id, spec["text"], spec["enabled"], children
            )
            if spec.get("id"):
                self._remember(native_id, _Shown(kind, owner, spec["id"], sub, False), natives)
            return sub
        if what == "predefined":
            factory = getattr(PredefinedMenuItem, spec["item"])
            if spec["item"] == "separator":
                return factory(self._app)
            return factory(self._app, spec.get("text"))
        native_id = self._next_id()
        if what == "check":
            item: Any = CheckMenuItem.with_id(
                self._app,
                native_id,
                spec["text"],
                spec["enabled"],
                spec["checked"],
                spec.get("accelerator"),
            )
        elif what == "item":
            item = MenuItem.with_id(
                self._app, native_id, spec["text"], spec["enabled"], spec.get("accelerator")
            )
        else:
            raise ValueError(f"unknown menu item kind {what!r}")
        self._remember(native_id, _Shown(kind, owner, spec["id"], item, what == "check"), natives)
        return item

    def _next_id(self) -> str:
        return f"wry-m{next(self._ids)}"

    def _remember(self, native_id: str, shown: _Shown, natives: list[str]) -> None:
        self._shown[native_id] = shown
        natives.append(native_id)

    def drop(self, owner_kind: str, owner: str) -> None:
        """Forget the native copy of ``owner`` (window closed, menu replaced, tray removed)."""
        with self._lock:
            for native_id in self._owned.pop((owner_kind, owner), []):
                self._shown.pop(native_id, None)

    # -- window and app menus ------------------------------------------------------------------

    def set_window_menu(self, label: str, spec: dict[str, Any]) -> None:
        """Give window ``label`` its own menu."""
        window = self._window(label)
        with self._lock:
            self._window_specs[label] = spec
            window.set_menu(self.build(WINDOW, label, spec))

    def set_app_menu(self, app: str | None, spec: dict[str, Any] | None) -> int:
        """Show ``spec`` in every window of ``app`` without its own menu, now and later;
        returns how many. None forgets the app's menu (the app is gone)."""
        with self._lock:
            if spec is None:
                self._app_specs.pop(app, None)
                return 0
            self._app_specs[app] = spec
            count = 0
            for label, window in self._windows().items():
                if label not in self._window_specs and self._app_of(label) == app:
                    window.set_menu(self.build(WINDOW, label, spec))
                    count += 1
            return count

    def attach_new_window(self, label: str, window: Any) -> None:
        """Call once a window exists: it gets its app's menu unless it has its own."""
        with self._lock:
            spec = self._app_specs.get(self._app_of(label))
            if spec is not None and label not in self._window_specs:
                window.set_menu(self.build(WINDOW, label, spec))

    def window_closed(self, label: str) -> None:
        """Forget a closed window's menu."""
        with self._lock:
            self._window_specs.pop(label, None)
            self.drop(WINDOW, label)

    def _window(self, label: str) -> Any:
        window = self._windows().get(label)
        if window is None:
            raise LookupError(f"no window labelled {label!r}")
        return window

    # -- run-time changes ----------------------------------------------------------------------

    def update_item(
        self,
        item_id: str,
        changes: dict[str, Any],
        owner: str | None = None,
        owner_kind: str = WINDOW,
        app: str | None = None,
    ) -> dict[str, Any]:
        """Apply ``text``/``enabled``/``checked``/``accelerator`` to every copy of ``item_id``.

        Only copies of ``owner_kind`` count: a tray and a window may share a name. Without an
        ``owner``: the copies in ``app``'s windows, and ``app``'s app-wide menu.
        """
        if owner_kind not in self._emit:
            raise ValueError(f"owner_kind must be {WINDOW!r} or {TRAY!r}, not {owner_kind!r}")
        with self._lock:
            copies = [
                s
                for s in self._shown.values()
                if s.item_id == item_id and self._addressed(s, owner_kind, owner, app)
            ]
            app_wide = owner is None and owner_kind == WINDOW
            specs = self._record_app_change(app, item_id, changes) if app_wide else []
        if not copies and not specs:
            where = f" in {owner_kind} {owner!r}" if owner else ""
            raise LookupError(f"no menu item {item_id!r} is shown{where}")
        for shown in copies:
            _apply(shown, changes)
        return _state(item_id, copies) if copies else _spec_state(specs[0])

    def _record_app_change(
        self, app: str | None, item_id: str, changes: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Keep a change of an app-wide item in the spec ``app``'s later windows are built from."""
        app_spec = self._app_specs.get(app)
        if app_spec is None:
            return []
        specs = spec_items(app_spec["items"], item_id)
        for spec in specs:
            record_changes(spec, changes)
        if specs:
            self._app_menu_changed(app, app_spec)
        return specs

    def _addressed(
        self, shown: _Shown, owner_kind: str, owner: str | None, app: str | None
    ) -> bool:
        """Whether a change for ``owner`` (or, without one, every tray, or ``app``'s windows)
        reaches the copy ``shown``."""
        if shown.owner_kind != owner_kind:
            return False
        if owner is not None:
            return shown.owner == owner
        return owner_kind == TRAY or self._of(shown) == app

    def _of(self, shown: _Shown) -> str | None:
        """The app whose window shows ``shown`` (a tray's copy: None)."""
        return self._app_of(shown.owner) if shown.owner_kind == WINDOW else None

    # -- clicks --------------------------------------------------------------------------------

    def _on_menu_event(self, _app: AppHandle, native_id: str) -> None:
        # Runs on the GTK main thread; must never raise.
        try:
            with self._lock:
                shown = self._shown.get(native_id)
                if shown is None:
                    return  # a predefined item or an item of a menu already replaced
                data: dict[str, Any] = {"id": shown.item_id}
                if shown.check:
                    checked = bool(shown.native.is_checked())
                    data["checked"] = checked
                    self._sync_checked(shown, checked)
            self.clicks += 1
            prefix = "menu" if shown.owner_kind == WINDOW else "tray"
            self.emit(shown.owner_kind, shown.owner, f"{prefix}:{shown.item_id}", data)
        except Exception:
            log.exception("menu event %r could not be reported", native_id)

    def emit(self, owner_kind: str, owner: str, event_type: str, data: dict[str, Any]) -> None:
        """Report an event for a window (label) or a tray (tray id) to the parent."""
        self._emit[owner_kind](owner, event_type, data)

    def _sync_checked(self, clicked: _Shown, checked: bool) -> None:
        # Copies of an app-wide check item in the app's other windows, and its windows opened
        # later, show the state of the one clicked. A window's or a tray's own menu is its own.
        if not self._app_wide(clicked):
            return
        app = self._of(clicked)
        for shown in self._shown.values():
            if (
                shown is not clicked
                and shown.check
                and shown.item_id == clicked.item_id
                and self._app_wide(shown)
                and self._of(shown) == app
            ):
                shown.native.set_checked(checked)
        self._record_app_change(app, clicked.item_id, {"checked": checked})

    def _app_wide(self, shown: _Shown) -> bool:
        """Whether ``shown`` is a copy of the app-wide menu."""
        return shown.owner_kind == WINDOW and shown.owner not in self._window_specs


def _state(item_id: str, copies: list[_Shown]) -> dict[str, Any]:
    """An item's state as its first changed copy shows it."""
    native = copies[0].native
    state: dict[str, Any] = {
        "id": item_id,
        "text": native.text(),
        "enabled": native.is_enabled() if hasattr(native, "is_enabled") else True,
        "count": len(copies),
    }
    if copies[0].check:
        state["checked"] = native.is_checked()
    return state


def _spec_state(spec: dict[str, Any]) -> dict[str, Any]:
    """An app-wide item's state while no window shows it."""
    state = {"id": spec["id"], "text": spec["text"], "enabled": spec["enabled"], "count": 0}
    if spec["kind"] == CHECK:
        state["checked"] = spec["checked"]
    return state


def _apply(shown: _Shown, changes: dict[str, Any]) -> None:
    native = shown.native
    if "text" in changes:
        native.set_text(str(changes["text"]))
    if "enabled" in changes:
        native.set_enabled(bool(changes["enabled"]))
    if "accelerator" in changes and hasattr(native, "set_accelerator"):
        native.set_accelerator(changes["accelerator"])
    if "checked" in changes:
        if not shown.check:
            raise ValueError(f"menu item {shown.item_id!r} is not a check item")
        native.set_checked(bool(changes["checked"]))


def register(host: Any) -> None:
    """Host extension: menu commands, app menu for new windows, cleanup on close."""
    assert host.app is not None
    menus = MenuHost(
        host.app,
        host.emit_to_parent,
        host.emit_tray_to_parent,
        windows=host.user_windows,
        app_menu_changed=lambda app, spec: host.out.write(wire.app_menu_line(app, spec)),
        app_of=host.app_of,
    )
    host.menus = menus

    def set_menu(message: dict[str, Any]) -> dict[str, Any]:
        label = message.get("label")
        if label:
            menus.set_window_menu(label, message["menu"])
            return {"count": 1}
        return {"count": menus.set_app_menu(message.get("app"), message["menu"])}

    def menu_item(message: dict[str, Any]) -> dict[str, Any]:
        changes = message.get("changes") or {}
        kind = message.get("owner_kind") or WINDOW
        owner, app = message.get("owner"), message.get("app")
        return menus.update_item(message["id"], changes, owner, kind, app)

    def on_window(event: str, label: str, native: Any) -> None:
        if event == "created":
            menus.attach_new_window(label, native)
        elif event == "closed":
            menus.window_closed(label)

    host.commands["set_menu"] = set_menu
    host.commands["menu_item"] = menu_item
    host.window_listeners.append(on_window)
