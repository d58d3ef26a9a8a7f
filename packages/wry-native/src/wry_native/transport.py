"""The ``native`` transport: each ``show()`` is a window of the child host."""

from __future__ import annotations

import importlib.util
import json
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING

from wry.page import bridge_bundle, render_page, script_tag
from wry.transport import ShowOptions, Transport, has_display
from wry_native.handle import NativeWindowHandle
from wry_native.runtime import NativeRuntime, get_runtime, stop_idle

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


def runtime_for(app: PyWry | None) -> NativeRuntime:
    """The child host for ``app`` (a plain ``PyWry()``'s when None), which ``app.destroy()``
    then stops with the rest: for what a host shows without a window (a tray, an app menu)."""
    if app is None:
        return get_runtime(None)
    app.use_transport(NativeTransport())
    return get_runtime(app.settings)


class NativeTransport(Transport):
    """OS windows through pytauri-wheel, in one child process per settings."""

    name = "native"

    def unavailable_reason(self) -> str | None:
        """No display, or pytauri-wheel missing."""
        if importlib.util.find_spec("pytauri_wheel") is None:
            return "pytauri-wheel is not installed: pip install wry-native"
        if not has_display():
            return "no display (set DISPLAY, or run under Xvfb)"
        return None

    def create(self, app: PyWry, content: HtmlContent, options: ShowOptions) -> NativeWindowHandle:
        """Open a window; events sent before its page listens are held and then delivered."""
        runtime = get_runtime(app.settings)
        handle = NativeWindowHandle(app, options.label, runtime, options.theme, options.title)
        runtime.register(handle)
        fields = {
            "label": options.label,
            "title": options.title,
            "width": options.width,
            "height": options.height,
            "theme": options.theme,
            "visible": bool(options.extra.get("visible", True)),
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
        """Stop the child hosts no other app still shows windows in (all of them at exit)."""
        stop_idle()
