"""The child host's windows: which exist under which label, the warm pool, window commands.

Tauri window labels are internal (``wry-win-<n>``): a warm hidden window is built before
anyone knows its user label, so windows are found by user label, by Tauri label and by page
channel key here. The parent's window commands (create, close, show, hide, list, get, call)
act on these records; where a window's page goes is ``host_navigation``'s job.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import secrets
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from pytauri import Listener, WebviewUrl
from pytauri.webview import WebviewWindow, WebviewWindowBuilder

from wry.models import check_label
from wry_native import window_control, wire
from wry_native.host_pages import WARM_PAGE, page_channel_js
from wry_native.host_view_release import destroy_released
from wry_native.host_window import HostWindow

if TYPE_CHECKING:
    from wry_native.host_app import HostApp

log = logging.getLogger("wry_native.host")


class Windows:
    """The open windows and the warm pool of one host (guarded by the host's lock)."""

    def __init__(self, host: HostApp) -> None:
        self.host = host
        self.by_label: dict[str, HostWindow] = {}  # user label -> window
        self.by_tauri: dict[str, HostWindow] = {}  # tauri label -> window
        self.by_key: dict[str, HostWindow] = {}  # page channel key -> window
        self.warm: list[HostWindow] = []
        self._ids = itertools.count(1)

    def window(self, label: str) -> HostWindow:
        """The open window with user label ``label``."""
        with self.host.lock:
            found = self.by_label.get(label)
        if found is None:
            raise LookupError(f"no window labelled {label!r}")
        return found

    def app_of(self, label: str) -> str | None:
        """The app that opened window ``label`` (None for an unknown label or no app)."""
        with self.host.lock:
            window = self.by_label.get(label)
        return window.app if window is not None else None

    def user_windows(self) -> dict[str, WebviewWindow]:
        """The open user windows by user label (warm pool windows are not included)."""
        with self.host.lock:
            return {label: window.native for label, window in self.by_label.items()}

    def is_gone(self, window: HostWindow) -> bool:
        """Whether ``window`` was destroyed (or the host is leaving): timers then stop."""
        with self.host.lock:
            return self.by_tauri.get(window.tauri_label) is not window or self.host.exiting

    def build(self, url: str, *, visible: bool, **kwargs: Any) -> HostWindow:
        """Build a Tauri window on ``url`` with its own page channel, and watch it load."""
        host = self.host
        assert host.app is not None
        ours = url.startswith(host.base_url)
        # Our pages say hello when they are up (the page channel); a foreign one never does.
        show_when_up = visible and ours
        target = WebviewUrl.App(url[len(host.base_url) :]) if ours else WebviewUrl.External(url)
        tauri_label = f"wry-win-{next(self._ids)}"
        key = secrets.token_hex(16)
        # listening before the window exists: its page's first message may come at once
        listener = Listener.listen(
            host.app,
            f"{wire.PAGE_CHANNEL_EVENT}-{key}",
            lambda event: host.channel.on_page_message(key, event),
        )

        def on_navigation(target: str) -> bool:
            return host.navigation.navigating(tauri_label, target)

        try:
            native = WebviewWindowBuilder.build(
                host.app,
                tauri_label,
                target,
                on_navigation=on_navigation,
                initialization_script=page_channel_js(key),
                visible=visible and not show_when_up,
                **kwargs,
            )
        except BaseException:
            Listener.unlisten(host.app, listener)
            raise
        window = HostWindow(tauri_label, native, key, listener, show_when_up=show_when_up)
        with host.lock:
            self.by_tauri[tauri_label] = window
            self.by_key[key] = window
        host.navigation.watch_load(window, url)
        return window

    # -- the warm pool ---------------------------------------------------------------------------

    def add_warm_window(self) -> None:
        """Build one hidden pool window, unless the pool is full or the host is leaving."""
        with self.host.lock:
            if self.host.exiting or len(self.warm) >= self.host.warm_target:
                return
        window = self.build(self.host.base_url + WARM_PAGE, visible=False, title="wry")
        with self.host.lock:
            self.warm.append(window)

    def _take_warm(self, label: str) -> HostWindow | None:
        # Only a window whose pool page is up: in one still loading, WebKit may finish that
        # first load after (over) the navigation to the real page, leaving the pool page.
        with self.host.lock:
            window = next((w for w in self.warm if w.warm_loaded), None)
            if window is not None:
                self.warm.remove(window)
        if window is not None:
            with window.lock:
                window.label, window.attached, window.listening_doc = label, False, None
        return window

    def refill_warm(self) -> None:
        """Queue pool windows for as many as the pool lacks."""
        with self.host.lock:
            short = self.host.warm_target - len(self.warm)
        for _ in range(short):
            self.host.tasks.put(self.add_warm_window)

    # -- showing ---------------------------------------------------------------------------------

    def reveal(self, window: HostWindow) -> None:
        """Show a window created visible, which waits hidden until its page is up.

        Mapping a window while WebKit loads its page stalled the host's main thread (which
        serves the page) for 0.5 s in about one show of ten. So the window is shown when its
        page says hello, at the first load check if that is late, or as soon as the parent
        asks anything of it.
        """
        with window.lock:  # held while showing: a hide, or a call that needs it shown, waits
            pending, window.show_when_up = window.show_when_up, False
            if pending:
                window.native.show()

    def _cancel_reveal(self, window: HostWindow) -> None:
        """The parent shows or hides the window itself: after a reveal under way, if any."""
        with window.lock:
            window.show_when_up = False

    # -- opening and closing ---------------------------------------------------------------------

    def cmd_create(self, message: dict[str, Any]) -> dict[str, Any]:
        """Open a window: ``label`` plus ``page`` (a complete page), ``html`` or ``url``."""
        host = self.host
        label = check_label(message.get("label"))  # type: ignore[arg-type]
        with host.lock:
            if label in self.by_label:
                raise ValueError(f"a window labelled {label!r} already exists")
        title = str(message.get("title") or "wry")
        title.encode("utf-8")  # a lone surrogate fails here, before a pool window is taken
        width, height = window_control.positive_size(
            message.get("width") or 800, message.get("height") or 600
        )
        visible = bool(message.get("visible", True))
        key = f"p/{label}.html"
        url = message.get("url")
        if url is not None and not isinstance(url, str):
            raise ValueError(f"'url' must be a string, not {type(url).__name__}")
        if url is None:
            page = message.get("page", message.get("html"))
            if not isinstance(page, str):
                raise ValueError("create needs 'page' (or 'html') as a string, or a 'url'")
            host.pages.put(key, page)
        window = None if url is not None else self._take_warm(label)
        if window is not None:
            window.native.set_title(title)
            window.native.set_size(window_control.logical_size(width, height))
            window.show_when_up = visible
            host.navigation.watch_load(window, host.base_url + key)
            window.native.navigate(host.base_url + key)
            warm = True
        else:
            target = url if url is not None else host.base_url + key
            window = self.build(target, title=title, inner_size=(width, height), visible=visible)
            warm = False
        window.label = label
        app = message.get("app")
        window.app = app if isinstance(app, str) else None
        with host.lock:
            self.by_label[label] = window
        for listener in host.window_listeners:
            _safely(listener, "created", label, window.native)
        return {"label": label, "warm": warm}

    def cmd_close(self, message: dict[str, Any]) -> dict[str, Any]:
        """Destroy a window (no ``window:closed`` notification: the parent asked)."""
        window = self._forget(message["label"], "closed")
        if window is not None:
            destroy_released(window.native)
        return {"closed": window is not None}

    def closing(self, tauri_label: str, api: Any) -> None:
        """The user closes a window: it is destroyed as ``cmd_close`` does.

        On the GTK thread, where the view cannot be released before Tauri destroys the window
        (``host_view_release``): Tauri's close is prevented, and a task destroys it instead.
        """
        with self.host.lock:
            window = self.by_tauri.get(tauri_label)
        if window is not None:
            api.prevent_close()
            self.host.tasks.put(partial(destroy_released, window.native))

    def _forget(
        self, label: str, reason: str, only: HostWindow | None = None, announce: bool = False
    ) -> HostWindow | None:
        """Drop the window labelled ``label`` (if ``only`` is given: if it still is that one).

        Its page can no longer speak (its key goes now, not when WebKit finishes destroying
        it), so a new window under the same label never hears the old page. With
        ``announce``, ``window:closed`` goes to the parent before any other thread can see the
        window gone: a ``close`` or ``list_windows`` answered after that is also read after it,
        so the parent never takes it for a window that has since taken the label.
        """
        host = self.host
        with host.lock:
            window = self.by_label.get(label)
            if window is None or (only is not None and window is not only):
                return None
            del self.by_label[label]
            self.by_key.pop(window.key, None)
            window.state["gone"] = True  # a lane waiting for its frame stops (wait_framed)
            if announce:
                data = {"label": label, "reason": reason}
                host.out.write(wire.event_line(label, "window:closed", data))
        host.pages.drop(f"p/{label}.html")
        with window.lock:
            evals, window.evals = window.evals, {}
        for request_id in evals.values():
            host.out.write(wire.reply_line(request_id, error=f"window {label!r} was {reason}"))
        for listener in host.window_listeners:
            _safely(listener, "closed", label, window.native)
        return window

    def destroyed(self, tauri_label: str) -> None:
        """Tauri destroyed a window: forget it, and tell the parent if the user closed it."""
        host = self.host
        with host.lock:
            window = self.by_tauri.pop(tauri_label, None)
            if window is not None:
                self.by_key.pop(window.key, None)
            if window in self.warm:
                self.warm.remove(window)
        if window is None:
            return
        if host.app is not None:
            with contextlib.suppress(Exception):
                Listener.unlisten(host.app, window.listener)
        if window.label is None:
            return
        # A window the parent closed (and perhaps replaced under its label) is forgotten already.
        self._forget(window.label, "closed by the user", only=window, announce=True)

    # -- the parent's window calls ---------------------------------------------------------------

    def cmd_hide(self, message: dict[str, Any]) -> None:
        """Hide without destroying."""
        window = self.window(message["label"])
        self._cancel_reveal(window)
        window.native.hide()

    def cmd_show(self, message: dict[str, Any]) -> None:
        """Show a hidden window."""
        window = self.window(message["label"])
        self._cancel_reveal(window)
        window.native.show()

    def cmd_list_windows(self, message: dict[str, Any]) -> dict[str, Any]:
        """User labels of the open windows, the warm pool's size, and windows still closing."""
        with self.host.lock:
            loaded = sum(1 for window in self.warm if window.warm_loaded)
            closing = sum(
                1
                for window in self.by_tauri.values()
                if window.label is not None and self.by_label.get(window.label) is not window
            )
            return {
                "windows": sorted(self.by_label),
                "warm": len(self.warm),
                "loaded": loaded,
                "closing": closing,  # destroyed on request; WebKit has not finished yet
                "evals": sum(len(window.evals) for window in self.by_label.values()),
            }

    def cmd_window_get(self, message: dict[str, Any]) -> Any:
        """Read one window property (``name``) through the window-control table."""
        window = self.window(message["label"])
        self.reveal(window)  # what the parent reads is the window it asked for: a shown one
        name = str(message["name"])
        if name == "url":
            url = window_control.get(window.native, name, window.state)
            return self.host.navigation.url_asked(window, url)
        run = partial(window_control.get, window.native, name, window.state)
        if window_control.would_wait(window.native, name, window.state):
            return self.host.lanes.run(message["label"], message, run)
        return run()

    def cmd_window_call(self, message: dict[str, Any]) -> Any:
        """Call one window method (``method``, ``args``) through the window-control table."""
        window = self.window(message["label"])
        args = message.get("args") or []
        if not isinstance(args, list):
            raise ValueError("'args' must be a list")
        method = str(message["method"])
        if method == "hide":
            self._cancel_reveal(window)
        else:
            self.reveal(window)
        if method not in ("navigate", "reload"):
            run = partial(window_control.call, window.native, method, args, window.state)
            if window_control.would_wait(window.native, method, window.state):
                return self.host.lanes.run(message["label"], message, run)
            return run()
        with window.nav_lock:
            return self.host.navigation.navigate_window(window, method, args)


def _safely(listener: Callable[..., Any], *args: Any) -> None:
    try:
        listener(*args)
    except Exception:
        log.exception("window listener %r failed", listener)
