"""``NativeWindowHandle`` (the seed's handle for a native window) and its ``WindowProxy``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, NamedTuple

from wry.widget import BaseWidget, WidgetClosedError
from wry_native.runtime import NativeHostError, NativeRuntime, NativeTimeout

if TYPE_CHECKING:
    from wry.app import PyWry
    from wry.models import HtmlContent


log = logging.getLogger("wry_native.handle")


class Size(NamedTuple):
    """A window size in physical pixels."""

    width: int
    height: int


class Position(NamedTuple):
    """A window position in physical pixels (screen coordinates)."""

    x: int
    y: int


class WindowProxy:
    """Every Tauri ``WebviewWindow`` control the child exposes, for one window.

    State and geometry are properties read from the real window each time; actions return once
    the host has applied them (the window manager may finish a change a moment later).
    """

    def __init__(self, handle: NativeWindowHandle) -> None:
        self._handle = handle

    @property
    def label(self) -> str:
        """The window's label."""
        return self._handle.label

    def _get(self, name: str) -> Any:
        return self._handle._request("window_get", {"name": name})

    def _call(self, method: str, *args: Any) -> Any:
        return self._handle._request("window_call", {"method": method, "args": list(args)})

    # -- state -------------------------------------------------------------------------------------

    @property
    def is_maximized(self) -> bool:
        """Whether the window manager shows the window maximized."""
        return bool(self._get("is_maximized"))

    @property
    def is_minimized(self) -> bool:
        """Whether the window is minimized (iconic)."""
        return bool(self._get("is_minimized"))

    @property
    def is_fullscreen(self) -> bool:
        """Whether the window really covers its monitor in fullscreen."""
        return bool(self._get("is_fullscreen"))

    @property
    def is_focused(self) -> bool:
        """Whether the window has keyboard focus."""
        return bool(self._get("is_focused"))

    @property
    def is_visible(self) -> bool:
        """Whether the window is shown."""
        return bool(self._get("is_visible"))

    @property
    def is_decorated(self) -> bool:
        """Whether the window has a title bar and border."""
        return bool(self._get("is_decorated"))

    @property
    def is_resizable(self) -> bool:
        """Whether the user may resize the window."""
        return bool(self._get("is_resizable"))

    @property
    def is_always_on_top(self) -> bool:
        """Whether the window is kept above others."""
        return bool(self._get("is_always_on_top"))

    @property
    def title(self) -> str:
        """The window title."""
        return str(self._get("title"))

    @property
    def url(self) -> str:
        """The URL the webview shows."""
        return str(self._get("url"))

    # -- actions -----------------------------------------------------------------------------------

    def maximize(self) -> None:
        """Maximize the window."""
        self._call("maximize")

    def unmaximize(self) -> None:
        """Restore a maximized window."""
        self._call("unmaximize")

    def minimize(self) -> None:
        """Minimize (iconify) the window."""
        self._call("minimize")

    def unminimize(self) -> None:
        """Restore a minimized window."""
        self._call("unminimize")

    def set_fullscreen(self, fullscreen: bool = True) -> None:
        """Enter or leave fullscreen."""
        self._call("set_fullscreen", bool(fullscreen))

    def center(self) -> None:
        """Move the window to the centre of its monitor."""
        self._call("center")

    def show(self) -> None:
        """Show the window."""
        self._call("show")

    def hide(self) -> None:
        """Hide the window without closing it."""
        self._call("hide")

    def set_focus(self) -> None:
        """Bring the window to the front with keyboard focus (restoring it if minimized)."""
        self._call("set_focus")

    # -- size and position -------------------------------------------------------------------------

    def set_size(self, width: float, height: float) -> None:
        """Set the inner (content) size in logical pixels."""
        self._call("set_size", width, height)

    def set_min_size(self, width: float | None = None, height: float | None = None) -> None:
        """Set the smallest inner size; no arguments removes the limit."""
        self._call("set_min_size", *(() if width is None else (width, height)))

    def set_max_size(self, width: float | None = None, height: float | None = None) -> None:
        """Set the largest inner size; no arguments removes the limit."""
        self._call("set_max_size", *(() if width is None else (width, height)))

    @property
    def inner_size(self) -> Size:
        """Size of the content area."""
        value = self._get("inner_size")
        return Size(value["width"], value["height"])

    @property
    def outer_size(self) -> Size:
        """Size including the window manager's frame."""
        value = self._get("outer_size")
        return Size(value["width"], value["height"])

    def set_position(self, x: float, y: float) -> None:
        """Move the window (its frame's top-left corner) in logical pixels."""
        self._call("set_position", x, y)

    @property
    def inner_position(self) -> Position:
        """Screen position of the content area."""
        value = self._get("inner_position")
        return Position(value["x"], value["y"])

    @property
    def outer_position(self) -> Position:
        """Screen position of the frame."""
        value = self._get("outer_position")
        return Position(value["x"], value["y"])

    # -- appearance --------------------------------------------------------------------------------

    def set_title(self, title: str) -> None:
        """Set the window title."""
        self._call("set_title", str(title))

    def set_decorations(self, decorations: bool) -> None:
        """Show or remove the title bar and border."""
        self._call("set_decorations", bool(decorations))

    def set_resizable(self, resizable: bool) -> None:
        """Allow or forbid resizing by the user."""
        self._call("set_resizable", bool(resizable))

    def set_background_color(self, *rgba: Any) -> None:
        """Webview background behind transparent content: ``(r, g, b[, a])`` 0-255, or None."""
        self._call("set_background_color", *rgba)

    def set_always_on_top(self, always_on_top: bool) -> None:
        """Keep the window above others."""
        self._call("set_always_on_top", bool(always_on_top))

    def set_content_protected(self, protected: bool) -> None:
        """Ask the OS to keep the content out of screenshots (no effect on X11)."""
        self._call("set_content_protected", bool(protected))

    # -- webview -----------------------------------------------------------------------------------

    def eval_js(self, script: str, timeout: float | None = None) -> Any:
        """Run ``script`` in the page and return its value (see NativeWindowHandle.eval_js)."""
        return self._handle.eval_js(script, timeout)

    def navigate(self, url: str) -> None:
        """Load ``url`` in the webview."""
        self._call("navigate", str(url))

    def reload(self) -> None:
        """Reload the page, as it is now (after ``update()``, a theme change)."""
        self._handle.store_page()
        self._call("reload")

    def open_devtools(self) -> None:
        """Open the web inspector (needs a Tauri build with devtools)."""
        self._call("open_devtools")

    def close_devtools(self) -> None:
        """Close the web inspector."""
        self._call("close_devtools")

    @property
    def is_devtools_open(self) -> bool:
        """Whether the web inspector is open."""
        return bool(self._get("is_devtools_open"))

    def set_zoom(self, factor: float) -> None:
        """Zoom the page content (1.0 = 100 %)."""
        self._call("set_zoom", float(factor))

    @property
    def zoom(self) -> float:
        """The page zoom factor last set (1.0 by default)."""
        return float(self._get("zoom"))

    def __repr__(self) -> str:
        return f"<WindowProxy {self.label!r}>"


class NativeWindowHandle(BaseWidget):
    """A native OS window showing a wry page; ``on``/``emit``/``update`` as everywhere."""

    transport_name = "native"

    def __init__(
        self,
        app: PyWry,
        label: str,
        runtime: NativeRuntime,
        theme: str = "dark",
        title: str = "wry",
    ) -> None:
        super().__init__(app, label, theme)
        self.runtime = runtime
        self._proxy = WindowProxy(self)
        #: The title a page rendered again (a reload, a script's hot reload) gets, with
        #: ``page_theme``: ``show()``'s (the content's own title wins).
        self.page_title = title
        #: The host still serves the page as first rendered: update() or a theme came since.
        self._page_stale = False

    # -- the protocol ------------------------------------------------------------------------------

    def _send(self, encoded_event: str) -> None:
        try:
            self.runtime.emit(self.label, encoded_event)
        except NativeHostError as exc:
            raise WidgetClosedError(f"native window {self.label!r} is gone: {exc}") from None

    def _close(self) -> None:
        """Close the window in the child; the handle ends closed whatever the child answers."""
        self.runtime.unregister(self.label, self)
        if not self.runtime.alive:
            return
        try:
            self.runtime.request("close", {"label": self.label})
        except NativeHostError:
            pass  # it died meanwhile: the window is gone
        except NativeTimeout:  # the request is on its way: the child closes it when it can
            log.warning("the native host did not answer 'close' of %r in time", self.label)

    def update(self, content: str | HtmlContent) -> None:
        """Replace the page's content; a reload (``refresh()``, ``proxy.reload()``) keeps it."""
        super().update(content)
        self._page_stale = True

    def emit(self, event_type: str, data: Any = None) -> None:
        """Send an event to the page; built-ins sent by hand count as their methods do.

        A ``pywry:refresh`` reloads the content and theme the page has now (``refresh()``),
        and a ``pywry:update-theme`` becomes a reloaded page's theme (``update_theme()``).
        """
        if event_type == "pywry:refresh":
            self.store_page()  # before the event, so the reload finds the page stored
        super().emit(event_type, data)

    def _set_page_theme(self, theme: str) -> None:
        if theme != self.page_theme:
            self._page_stale = True
        super()._set_page_theme(theme)

    def store_page(self, force: bool = False) -> None:
        """Have the host serve the page as it is now the next time the window loads it.

        The host keeps the page ``show()`` rendered; without this a reload would bring back
        that content and theme, undoing ``update()`` (the other transports keep it).
        """
        if not (force or self._page_stale) or self.content is None:
            return
        from wry_native.transport import native_page  # it imports this module

        self._page_stale = False
        page = native_page(self.content, self.label, self.page_theme, self.page_title)
        self._request("put_page", {"page": page})

    def display(self) -> None:
        """Native windows are visible as soon as they are created: nothing to do.

        Raises WidgetClosedError once closed, as every transport does.
        """
        self._check_open()

    def _request(self, action: str, fields: dict[str, Any], timeout: float | None = None) -> Any:
        self._check_open()
        return self.runtime.request(action, {"label": self.label, **fields}, timeout)

    # -- native extras -----------------------------------------------------------------------------

    @property
    def proxy(self) -> WindowProxy:
        """Full window control (state, size, position, appearance, webview)."""
        return self._proxy

    def eval_js(self, script: str, timeout: float | None = None) -> Any:
        """Run ``script`` (expression or statements) in the page and return its JSON value.

        A returned Promise is awaited. A JavaScript error raises ``wry.JsError`` (as
        ``NativeJsError``, a ``NativeCallError``) naming it.
        Safe from callbacks (they run on their own thread); from asyncio code, await
        :meth:`eval_js_async` instead so the event loop keeps running.
        """
        return self._request("eval_js", {"script": script}, timeout)

    async def eval_js_async(self, script: str, timeout: float | None = None) -> Any:
        """The awaitable form of :meth:`eval_js`."""
        self._check_open()
        fields = {"label": self.label, "script": script}
        return await self.runtime.request_async("eval_js", fields, timeout)

    def hide(self) -> None:
        """Hide the window (``window:hidden`` then reaches Python callbacks, in order)."""
        self._request("hide", {})
        self.runtime.dispatch_later(self.label, "window:hidden", {"label": self.label})

    def show_window(self) -> None:
        """Show the window again after ``hide()``."""
        self._request("show", {})

    def show_again(self) -> None:
        """``SingleWindowMode``'s ``show()`` of this window: a hidden window is shown again."""
        self.show_window()

    def set_title(self, title: str) -> None:
        """Set the window title."""
        self._proxy.set_title(title)

    def set_size(self, width: float, height: float) -> None:
        """Set the content size in logical pixels."""
        self._proxy.set_size(width, height)

    def set_position(self, x: float, y: float) -> None:
        """Move the window."""
        self._proxy.set_position(x, y)

    def center(self) -> None:
        """Centre the window on its monitor."""
        self._proxy.center()

    def maximize(self) -> None:
        """Maximize the window."""
        self._proxy.maximize()

    def unmaximize(self) -> None:
        """Restore a maximized window."""
        self._proxy.unmaximize()

    def minimize(self) -> None:
        """Minimize the window."""
        self._proxy.minimize()

    def unminimize(self) -> None:
        """Restore a minimized window."""
        self._proxy.unminimize()

    def set_fullscreen(self, fullscreen: bool = True) -> None:
        """Enter or leave fullscreen."""
        self._proxy.set_fullscreen(fullscreen)

    def set_focus(self) -> None:
        """Bring the window to the front with focus (restoring it if minimized)."""
        self._proxy.set_focus()

    def set_theme(self, theme: str) -> None:
        """Switch the page's theme (``dark``, ``light`` or ``system``)."""
        self.update_theme(theme)  # type: ignore[arg-type]
