"""Free each window's WebKit view when the window goes: wry keeps it alive otherwise (Linux).

wry 0.53 (in pytauri-wheel 0.8) connects the ``script-message-received`` signal of a view's
content manager with a closure that holds the view itself: view → content manager → closure →
view. Nothing breaks that loop when the window is destroyed, so every window the host ever
opened kept its WebKitWebView until the host exited: about 0.25 MB, a 4 KiB visited-link table
descriptor and now and then an eventfd each. Just before a window is destroyed, the host
disconnects those handlers (on the GTK thread); the view is then freed with its window.

pytauri hands out no GTK object, so the window is found as the one toplevel with a title made
for the purpose. Without GTK 3 and WebKitGTK 4.1 (another platform) nothing is done.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import logging
import os
from collections.abc import Iterator
from ctypes import POINTER, Structure, c_char_p, c_int, c_uint, c_ulong, c_void_p
from typing import Any

log = logging.getLogger("wry_native.host")

#: ``G_SIGNAL_MATCH_ID``: find a signal's handlers by the signal alone.
SIGNAL_MATCH_ID = 1


class _GList(Structure):
    pass


_GList._fields_ = [("data", c_void_p), ("next", POINTER(_GList)), ("prev", POINTER(_GList))]


class _Gtk:
    """The few GTK, GObject and WebKitGTK calls the release needs, typed for ctypes."""

    def __init__(self) -> None:
        self.gtk = ctypes.CDLL("libgtk-3.so.0")
        self.glib = ctypes.CDLL("libglib-2.0.so.0")
        self.gobject = ctypes.CDLL("libgobject-2.0.so.0")
        self.webkit = ctypes.CDLL("libwebkit2gtk-4.1.so.0")
        list_p = POINTER(_GList)
        self.gtk.gtk_window_list_toplevels.restype = list_p
        self.gtk.gtk_container_get_children.restype = list_p
        self.gtk.gtk_container_get_children.argtypes = [c_void_p]
        self.gtk.gtk_window_get_title.restype = c_char_p
        self.gtk.gtk_window_get_title.argtypes = [c_void_p]
        self.glib.g_list_free.argtypes = [list_p]
        for get_type in (
            self.gtk.gtk_container_get_type,
            self.webkit.webkit_web_view_get_type,
            self.webkit.webkit_user_content_manager_get_type,
        ):
            get_type.restype = c_ulong
        self.gobject.g_type_check_instance_is_a.argtypes = [c_void_p, c_ulong]
        self.gobject.g_type_check_instance_is_a.restype = c_int
        self.gobject.g_signal_lookup.argtypes = [c_char_p, c_ulong]
        self.gobject.g_signal_lookup.restype = c_uint
        self.gobject.g_signal_handler_find.argtypes = [
            c_void_p,
            c_int,
            c_uint,
            c_uint,
            c_void_p,
            c_void_p,
            c_void_p,
        ]
        self.gobject.g_signal_handler_find.restype = c_ulong
        self.gobject.g_signal_handler_disconnect.argtypes = [c_void_p, c_ulong]
        self.webkit.webkit_web_view_get_user_content_manager.argtypes = [c_void_p]
        self.webkit.webkit_web_view_get_user_content_manager.restype = c_void_p
        self.view_type = self.webkit.webkit_web_view_get_type()
        self.container_type = self.gtk.gtk_container_get_type()
        self.message_signal = self.gobject.g_signal_lookup(
            b"script-message-received", self.webkit.webkit_user_content_manager_get_type()
        )

    def _items(self, glist: Any) -> list[int]:
        items, node = [], glist
        while node:
            items.append(node.contents.data)
            node = node.contents.next
        self.glib.g_list_free(glist)
        return items

    def toplevels_titled(self, title: bytes) -> list[int]:
        return [
            window
            for window in self._items(self.gtk.gtk_window_list_toplevels())
            if self.gtk.gtk_window_get_title(window) == title
        ]

    def views(self, widget: int) -> Iterator[int]:
        """The WebKit views in ``widget``'s tree."""
        if self.gobject.g_type_check_instance_is_a(widget, self.view_type):
            yield widget
        elif self.gobject.g_type_check_instance_is_a(widget, self.container_type):
            for child in self._items(self.gtk.gtk_container_get_children(widget)):
                yield from self.views(child)

    def disconnect_message_handlers(self, view: int) -> None:
        manager = self.webkit.webkit_web_view_get_user_content_manager(view)
        if not manager:
            return
        find = self.gobject.g_signal_handler_find
        while handler := find(manager, SIGNAL_MATCH_ID, self.message_signal, 0, None, None, None):
            self.gobject.g_signal_handler_disconnect(manager, handler)


_gtk: _Gtk | None = None
_loaded = False
_titles = itertools.count()


def _load() -> _Gtk | None:
    global _gtk, _loaded
    if not _loaded:
        _loaded = True
        try:
            _gtk = _Gtk()
        except (OSError, AttributeError) as exc:  # not GTK 3 + WebKitGTK 4.1
            log.debug("window views are not released: %s", exc)
    return _gtk


def destroy_released(native: Any) -> None:
    """Destroy window ``native`` (a pytauri ``WebviewWindow``), its view released first.

    Never on the GTK thread: the title is set from here, and Tauri's GTK thread runs what it
    is asked in order, so the job that looks for the title finds it. Never raises.
    """
    gtk = _load()
    title = f"wry-closing-{os.getpid()}-{next(_titles)}"

    def release_and_destroy() -> None:
        try:
            if gtk is not None:
                for window in gtk.toplevels_titled(title.encode()):
                    for view in gtk.views(window):
                        gtk.disconnect_message_handlers(view)
        except Exception:
            log.exception("could not release a closing window's view")
        with contextlib.suppress(Exception):  # gone already
            native.destroy()

    try:
        if gtk is not None:
            native.set_title(title)  # it is going: its title no longer matters
        native.run_on_main_thread(release_and_destroy)
    except Exception:  # the app is leaving: no main loop to run the job
        with contextlib.suppress(Exception):
            native.destroy()
