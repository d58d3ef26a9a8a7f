"""The ``native`` transport: each ``show()`` is a window of the child host."""

from __future__ import annotations

import importlib.util
import itertools
import json
import threading
import weakref
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING

from wry.page import bridge_bundle, render_page, script_tag
from wry.transport import ShowOptions, Transport, has_display
from wry_native import tray
from wry_native.handle import NativeWindowHandle
from wry_native.runtime import NativeRuntime, get_runtime, stop_unused

if TYPE_CHECKING:
    from wry.app import PyWry
    from wry.models import HtmlContent


@lru_cache(maxsize=1)
def adapter_js() -> str:
    """The Tauri adapter that connects the core bridge to the child host."""
    return (files("wry_native") / "assets" / "adapter.js").read_text(encoding="utf-8")


def bridge_html(label: str, theme: str) -> str:
    """Script tags for the bundle, the adapter and the bridge of window ``label``."""
    start = f"window.__wryNative.start({json.dumps(label)}, {json.dumps(theme)});"
    return script_tag(bridge_bundle()) + script_tag(adapter_js()) + script_tag(start)


def native_page(content: HtmlContent, label: str, theme: str, title: str) -> str:
    """The complete page a native window loads."""
    return render_page(
        content, label=label, theme=theme, bridge_html=bridge_html(label, theme), title=title
    )


#: Each app's name in its hosts (windows and app-wide menus belong to one app).
_scopes: weakref.WeakKeyDictionary[PyWry, str] = weakref.WeakKeyDictionary()
_scope_ids = itertools.count(1)


def app_scope(app: PyWry) -> str:
    """``app``'s name in the child hosts: apps of one process may share a host."""
    with _used_lock:
        scope = _scopes.get(app)
        if scope is None:
            scope = _scopes[app] = f"app-{next(_scope_ids)}"
        return scope


#: The child hosts each app used: its ``destroy()`` considers stopping those and no others.
_used: weakref.WeakKeyDictionary[PyWry, set[NativeRuntime]] = weakref.WeakKeyDictionary()
_used_lock = threading.Lock()


def runtime_for(app: PyWry | None) -> NativeRuntime:
    """The child host for ``app`` (a plain ``PyWry()``'s when None), which ``app.destroy()``
    then considers stopping: for what a host shows without a window (a tray, an app menu)."""
    if app is None:
        return get_runtime(None)
    app.use_transport(NativeTransport(app))
    return _used_by(app, get_runtime(app.settings))


def _used_by(app: PyWry, runtime: NativeRuntime) -> NativeRuntime:
    with _used_lock:
        _used.setdefault(app, set()).add(runtime)
    return runtime


def release(app: PyWry) -> None:
    """``app.destroy()``: stop the hosts ``app`` used that nothing else needs any more.

    A host stays while it has a window, or another app's tray; ``app``'s own trays leave
    it then. Hosts ``app`` never used are left alone.
    """
    with _used_lock:
        runtimes = _used.pop(app, set())
    kept = stop_unused(runtimes, lambda runtime: tray.kept_by_another_app(runtime, app))
    scope = app_scope(app)
    for runtime in kept:
        if runtime.alive:
            tray.remove_trays_of(app, runtime)
            if runtime.app_menus.pop(scope, None) is not None:
                runtime.request("set_menu", {"label": None, "app": scope, "menu": None})


class NativeTransport(Transport):
    """OS windows through pytauri-wheel, in one child process per settings."""

    name = "native"

    def __init__(self, app: PyWry | None = None) -> None:
        #: The app this instance serves (a fresh instance per ``show()``): ``shutdown`` releases it.
        self._app = weakref.ref(app) if app is not None else None

    def unavailable_reason(self) -> str | None:
        """No display, or pytauri-wheel missing."""
        if importlib.util.find_spec("pytauri_wheel") is None:
            return "pytauri-wheel is not installed: pip install wry-native"
        if not has_display():
            return "no display (set DISPLAY, or run under Xvfb)"
        return None

    def create(self, app: PyWry, content: HtmlContent, options: ShowOptions) -> NativeWindowHandle:
        """Open a window; events sent before its page listens are held and then delivered."""
        self._app = weakref.ref(app)
        runtime = _used_by(app, get_runtime(app.settings))
        handle = NativeWindowHandle(app, options.label, runtime, options.theme, options.title)
        runtime.register(handle)
        fields = {
            "label": options.label,
            "title": options.title,
            "width": options.width,
            "height": options.height,
            "theme": options.theme,
            "visible": bool(options.extra.get("visible", True)),
            "app": app_scope(app),
        }
        if "url" in options.extra:
            fields["url"] = str(options.extra["url"])
        else:
            fields["page"] = native_page(content, options.label, options.theme, options.title)
        try:
            runtime.request("create", fields)
        except BaseException:
            runtime.unregister(options.label, handle)
            raise
        return handle

    def shutdown(self) -> None:
        """``PyWry.destroy``: stop the hosts this app used that no other app needs (``release``)."""
        app = self._app() if self._app is not None else None
        if app is not None:
            release(app)
