"""System-tray icons inside the child host.

On Linux Tauri exports the icon as a StatusNotifierItem (libayatana-appindicator) on the session
bus and its menu as ``com.canonical.dbusmenu``. Facts that shape this module
(notes/native-linux.md Q5): no click event ever fires, ``set_tooltip`` has no effect,
``remove_tray_by_id`` leaves the item exported, and every icon is exported at the same DBus
path — so one icon is shown at a time, and removal hides it and keeps it for the next create.

Runs in the child process only (imports pytauri).
"""

from __future__ import annotations

import base64
import contextlib
import io
import logging
import shutil
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytauri import AppHandle

from wry_native.menus_host import TRAY, MenuHost

if TYPE_CHECKING:  # imported on first use: a host without a tray never loads them (PIL)
    from pytauri.image import Image
    from pytauri.tray import TrayIcon

log = logging.getLogger("wry_native.tray")

#: Linux exports every tray at the same DBus path, so only one can be shown at a time.
ONE_TRAY_ONLY = sys.platform.startswith("linux")

#: The icon used when the caller gives none: a 32x32 filled circle.
DEFAULT_ICON_SIZE = 32


def default_icon() -> Image:
    """A plain round icon, so a tray created without an icon is still visible."""
    from pytauri.image import Image

    size = DEFAULT_ICON_SIZE
    centre, radius2 = (size - 1) / 2, (size / 2 - 1) ** 2
    pixels = bytearray()
    for y in range(size):
        for x in range(size):
            inside = (x - centre) ** 2 + (y - centre) ** 2 <= radius2
            pixels += bytes((0x3B, 0x82, 0xF6, 0xFF)) if inside else bytes(4)
    return Image(bytes(pixels), size, size)


def decode_icon(encoded: str) -> Image:
    """An icon from base64 image-file bytes (PNG, ICO, …), converted to RGBA."""
    from PIL import Image as PilImage
    from pytauri.image import Image

    with PilImage.open(io.BytesIO(base64.b64decode(encoded))) as picture:
        rgba = picture.convert("RGBA")
        return Image(rgba.tobytes(), rgba.width, rgba.height)


class TrayHost:
    """Creates, changes and removes tray icons on behalf of the parent."""

    def __init__(self, app_handle: AppHandle, menus: MenuHost, icon_dir: Path) -> None:
        self._app = app_handle
        self._menus = menus
        self._lock = threading.Lock()
        self._trays: dict[str, TrayIcon] = {}
        self._owner_of: dict[str, str] = {}  # Tauri's tray id -> the caller's tray id
        self._parked: TrayIcon | None = None  # Linux: a removed icon, kept for reuse
        #: libayatana writes the icon as a PNG file: made on the first tray, inside the host's
        #: private directory, which the host and the parent remove however the host ends.
        self._icon_dir = icon_dir

    def create(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Create tray ``tray_id`` with its icon, menu, tooltip, title and visibility."""
        tray_id = fields["tray_id"]
        with self._lock:
            if tray_id in self._trays:
                raise ValueError(f"a tray icon with id {tray_id!r} already exists")
            if ONE_TRAY_ONLY and self._trays:
                raise RuntimeError(
                    f"Linux shows one tray icon per process (libayatana exports it at a fixed "
                    f"DBus path) and {next(iter(self._trays))!r} exists: remove it first, or "
                    "change its menu, icon and title instead"
                )
            tray, self._parked = self._parked, None
            if tray is None:
                from pytauri.tray import TrayIcon

                tray = TrayIcon.with_id(self._app, tray_id)
                self._icon_dir.mkdir(exist_ok=True)
                tray.set_temp_dir_path(str(self._icon_dir))
                tray.on_tray_icon_event(self._on_icon_event)  # never fires on Linux
            self._owner_of[str(tray.id())] = tray_id
            self._trays[tray_id] = tray
        try:
            self.update({"icon": None, "visible": True, **fields})
        except BaseException:
            self.remove({"tray_id": tray_id})
            raise
        return {"tray_id": tray_id}

    def update(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Apply whichever of icon, menu, tooltip, title, visible are present in ``fields``."""
        tray_id = fields["tray_id"]
        tray = self._tray(tray_id)
        if "icon" in fields:
            icon = fields["icon"]
            tray.set_icon(default_icon() if icon is None else decode_icon(icon))
        if "menu" in fields:
            spec = fields["menu"]
            if spec is None:
                self._menus.drop(TRAY, tray_id)
                tray.set_menu(None)
            else:
                tray.set_menu(self._menus.build(TRAY, tray_id, spec))
        if "tooltip" in fields:
            tray.set_tooltip(fields["tooltip"])
        if "title" in fields:
            tray.set_title(fields["title"])
        if "visible" in fields:
            tray.set_visible(bool(fields["visible"]))
        return {"tray_id": tray_id}

    def remove(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Hide the icon, drop its menu and forget it.

        On Linux the icon object is kept hidden for the next ``create``: Tauri's
        ``remove_tray_by_id`` leaves the item exported, so a new icon could not be exported.
        """
        tray_id = fields["tray_id"]
        with self._lock:
            tray = self._trays.pop(tray_id, None)
            if tray is None:
                return {"tray_id": tray_id, "removed": False}
            self._owner_of.pop(str(tray.id()), None)
        self._menus.drop(TRAY, tray_id)
        tray.set_visible(False)
        tray.set_menu(None)
        if ONE_TRAY_ONLY:
            with self._lock:
                self._parked = tray
        else:
            self._app.remove_tray_by_id(str(tray.id()))
        return {"tray_id": tray_id, "removed": True}

    def _on_icon_event(self, tray: TrayIcon, event: Any) -> None:
        # Runs on the GTK main thread; must never raise.
        from pytauri.tray import TrayIconEvent

        try:
            if isinstance(event, TrayIconEvent.Click):
                kind = "tray:click"
            elif isinstance(event, TrayIconEvent.DoubleClick):
                kind = "tray:double-click"
            else:
                return
            button = getattr(event.button, "name", str(event.button))
            owner = self._owner_of.get(str(tray.id()))
            if owner is not None:
                self._menus.emit(TRAY, owner, kind, {"button": button})
        except Exception:
            log.exception("tray icon event could not be reported")

    def ids(self) -> list[str]:
        """Ids of the trays that exist."""
        with self._lock:
            return sorted(self._trays)

    def _tray(self, tray_id: str) -> TrayIcon:
        with self._lock:
            tray = self._trays.get(tray_id)
        if tray is None:
            raise LookupError(f"no tray icon with id {tray_id!r}")
        return tray

    def close(self) -> None:
        """Remove every tray and the icon files (call when the child exits)."""
        for tray_id in self.ids():
            with contextlib.suppress(Exception):  # the app may be gone; the files still go
                self.remove({"tray_id": tray_id})
        shutil.rmtree(self._icon_dir, ignore_errors=True)


def register(host: Any) -> None:
    """Host extension: tray commands (needs ``menus_host.register`` to have run first)."""
    menus = getattr(host, "menus", None)
    if menus is None:
        return
    trays = TrayHost(host.app, menus, Path(host.workdir) / "tray-icons")
    host.trays = trays
    host.commands["tray_create"] = trays.create
    host.commands["tray_update"] = trays.update
    host.commands["tray_remove"] = trays.remove
