"""The pytauri application inside the child host: windows, pages, IPC, warm pool, lifecycle.

Threads (notes/native-linux.md Q2): the GTK loop owns the main thread; ``stdin`` is read and
every command executed, in order, on one reader thread (Tauri marshals window calls to the GTK
thread itself); page messages (the page channel: a Tauri event per message, see
``assets/page-channel.js``) arrive on tokio threads and do no more than write one line (the
parent reads its end promptly); lines to the parent go through an ``Outbox``, whole and in
order, written by whichever thread finds it idle. Tauri window labels are internal
(``wry-win-<n>``): a warm hidden window is built before anyone knows its user label, so the
host maps user labels to windows.

Extensions (menus, tray, plugins) add commands to :attr:`HostApp.commands` and page commands
to :attr:`HostApp.invoke_commands`; :attr:`HostApp.window_listeners` hear windows come and go.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import queue
import secrets
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from pytauri import (
    AppHandle,
    Event,
    Listener,
    RunEvent,
    WebviewUrl,
    WindowEvent,
)
from pytauri.webview import WebviewWindow, WebviewWindowBuilder
from pytauri_wheel.lib import builder_factory, context_factory

from wry.models import check_label
from wry.protocol import escape_lone_surrogates
from wry_native import tauri_plugins, window_control, wire
from wry_native.host_io import Output, read_commands
from wry_native.host_lanes import DEFERRED, Command, Lanes
from wry_native.host_pages import WARM_PAGE, PageStore, page_channel_js
from wry_native.host_urls import absolute_url, again_url, as_reported
from wry_native.host_window import HostWindow

log = logging.getLogger("wry_native.host")

EXIT_GRACE_S = 3.0
#: After a window is sent to a page: the pauses between checks that WebKit is loading it. Now
#: and then a new window never starts its first load; it is sent to its page again (quietly
#: in the first second).
LOAD_CHECKS_S = (0.25, 0.5, 1.0, 2.0, 4.0)
#: After a navigation in a window, seconds at which the host asks whether the listening
#: document is still there (a subframe navigated, not the page); it then sends on.
STILL_THERE_CHECKS_S = (0.1, 0.5, 2.0)
#: The same once the page ran pywry:refresh or pywry:navigate: not sooner, so the document
#: has surely started to leave (beforeunload) if it is going to.
LEAVING_CHECKS_S = (0.5, 2.0)
#: After a load check sent a window to its page again (under another URL, see ``again_url``):
#: for this long, a load of the URL it was first sent to is WebKit beginning that first load,
#: late, and is refused (see ``_late_first_load``).
LATE_LOAD_S = 3.0
#: Events held for one window whose page is not listening yet: this many maximal lines' worth.
BACKLOG_LINES = 4
#: Built-in events after which the page leaves (the bridge reloads or navigates): what
#: follows them in a batch waits for the next page. Looked for as text before any decoding.
LEAVING_EVENTS = ('"pywry:refresh"', '"pywry:navigate"')

#: Page command that answers ``probe_js``.
CMD_PROBE = "wry_probe"

#: ``probe_js`` wraps the expression in this: Tauri's eval runs it, the page channel (not the
#: wry bridge) brings the value.
PROBE_JS = """(function () {
  var id = %s;
  var send = function (answer) {
    var text;
    try { text = JSON.stringify(answer); }
    catch (e) { text = JSON.stringify({id: id, ok: false, error: "not JSON: " + e}); }
    window.__wryNativeSend("wry_probe", text);
  };
  try {
    Promise.resolve((function (pywry, root) { return (%s
    ); })(window.pywry, document)).then(
      function (v) {
        if (v === undefined) v = null;
        if (v instanceof Node) v = v.outerHTML || v.nodeName;  // a node answers as its markup
        send({id: id, ok: true, value: v});
      },
      function (e) { send({id: id, ok: false, error: String(e)}); });
  } catch (e) { send({id: id, ok: false, error: String(e)}); }
})();"""


class HostApp:
    """Executes the parent's commands against real windows and reports what pages send."""

    def __init__(self, workdir: Path, out: Output) -> None:
        self.workdir = workdir
        self.out = out
        self.pages = PageStore()
        self.app: AppHandle | None = None
        self.max_line = wire.max_line(os.environ)
        self.warm_target = int(os.environ.get(wire.WARM_ENV, "1"))
        self._lock = threading.RLock()
        self._windows: dict[str, HostWindow] = {}  # user label -> window
        self._by_tauri: dict[str, HostWindow] = {}  # tauri label -> window
        self._by_key: dict[str, HostWindow] = {}  # page channel key -> window
        #: Page messages refused (unknown key or command, a pool page's events); each is logged.
        self.rejected_page_messages = 0
        self._warm: list[HostWindow] = []
        self._ids = itertools.count(1)
        self._base_url = "tauri://localhost/"
        self._exiting = False
        self.exit_code = 0
        self._tasks: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.lanes = Lanes(self._lock, self._answer)
        self.commands: dict[str, Command] = {
            "create": self.cmd_create,
            "emit": self.cmd_emit,
            "eval_js": self.cmd_eval_js,
            "close": self.cmd_close,
            "hide": self.cmd_hide,
            "show": self.cmd_show,
            "set_content": self.cmd_set_content,
            "set_theme": self.cmd_set_theme,
            "window_get": self.cmd_window_get,
            "window_call": self.cmd_window_call,
            "list_windows": self.cmd_list_windows,
            "probe_js": self.cmd_probe_js,
            "forget": self.cmd_forget,
            "ping": lambda message: {
                "pid": os.getpid(),
                "rejected_page_messages": self.rejected_page_messages,
            },
        }
        #: Page commands: ``fn(window, text)`` for ``window.__wryNativeSend(name, text)``.
        self.invoke_commands: dict[str, Callable[[HostWindow, str], None]] = {
            wire.CMD_EVENTS: self._page_events,
            wire.CMD_ATTACH: self._attach,
            CMD_PROBE: self._probe_result,
            wire.CMD_LEFT: self._left,
        }
        #: ``listener(event, label, native)`` with event "created" or "closed".
        self.window_listeners: list[Callable[[str, str, WebviewWindow], None]] = []

    # -- Tauri configuration -------------------------------------------------------------------

    def tauri_config(self, setup: tauri_plugins.TauriSetup) -> dict[str, Any]:
        """The whole Tauri config, built at run time (no tauri.conf.json content needed).

        WebKit keeps the webviews' storage under ``$XDG_DATA_HOME/dev.wry.native`` like any
        desktop app's data: one fixed, reused directory. It is deliberately not in the private
        temp directory, where the network process's late writes raced its removal.
        """
        extra = tauri_plugins.tauri_config(setup)
        return {
            "identifier": "dev.wry.native",
            "productName": "wry",
            "version": "0.1.0",
            "build": {"frontendDist": str(self.workdir)},
            "app": {
                "withGlobalTauri": True,
                "windows": [],
                "security": {"csp": None, **extra["app"]["security"]},
            },
            "plugins": extra["plugins"],
        }

    # -- lifecycle -----------------------------------------------------------------------------

    def run(self) -> int:
        """Build the app on this (main) thread and run it until asked to exit."""
        setup = tauri_plugins.setup_from_environment()
        (self.workdir / "tauri.conf.json").write_text("{}", encoding="utf-8")
        context = context_factory(self.workdir, tauri_config=self.tauri_config(setup))
        context.set_assets(self.pages)
        app = builder_factory().build(
            context=context,
            invoke_handler=None,  # pages talk to the host through the page channel
            setup=self._on_setup,
            plugins=tauri_plugins.init_plugins(setup),
        )
        app.run_return(self._on_run_event)
        return self.exit_code

    def _on_setup(self, app_handle: AppHandle) -> None:
        self.app = app_handle
        # pages speak on their window's own event name; this one hears only forgeries
        Listener.listen(app_handle, wire.PAGE_CHANNEL_EVENT, self._on_public_channel)
        load_extensions(self)
        threading.Thread(target=self._read_commands, name="wry-host-in", daemon=True).start()
        threading.Thread(target=self._run_tasks, name="wry-host-tasks", daemon=True).start()
        threading.Thread(target=self._wait_for_sigterm, name="wry-host-sig", daemon=True).start()
        for _ in range(self.warm_target):
            self._tasks.put(self._add_warm_window)
        self.out.write(
            json.dumps(
                {"type": "ready", "pid": os.getpid(), "protocol": 1, "warm": self.warm_target}
            )
            + "\n"
        )

    def request_exit(self, code: int = 0) -> None:
        """Leave the run loop (stdin EOF, SIGTERM, parent death); force it if Tauri hangs."""
        with self._lock:
            if self._exiting:
                return
            self._exiting = True
        self.exit_code = code
        timer = threading.Timer(EXIT_GRACE_S, self._force_exit)
        timer.daemon = True
        timer.start()
        if self.app is not None:
            self.app.exit(code)

    def _force_exit(self) -> None:
        self.out.close(0.5)
        shutil.rmtree(self.workdir, ignore_errors=True)
        os._exit(self.exit_code)

    def _wait_for_sigterm(self) -> None:
        signal.sigwait({signal.SIGTERM})
        self.request_exit(0)

    def _on_run_event(self, _app: AppHandle, event: Any) -> None:
        # Runs on the main thread; must never raise.
        try:
            if isinstance(event, RunEvent.ExitRequested):
                if event.code is None and not self._exiting:
                    event.api.prevent_exit()  # the last window closed: stay up for the next
            elif isinstance(event, RunEvent.WindowEvent) and isinstance(
                event.event, WindowEvent.Destroyed
            ):
                self._window_destroyed(event.label)
        except Exception:
            log.exception("run event %r failed", event)

    # -- reading commands ----------------------------------------------------------------------

    def _read_commands(self) -> None:
        read_commands(sys.stdin.buffer, self.max_line, self.out, self.handle_line)
        self.request_exit(0)

    def handle_line(self, line: str) -> None:
        """Execute one request line; every failure becomes an error reply."""
        fast = wire.split_fast_emit(line)
        if fast is not None:
            try:
                self.emit_batch(fast[0], fast[1])
            except Exception as exc:
                self.out.write(wire.reply_line(None, error=f"emit failed: {exc}"))
            return
        request_id = None
        try:
            message = wire.parse_request(line)
            request_id = message.get("request_id")
            handler = self.commands.get(message["action"])
            if handler is None:
                known = ", ".join(sorted(self.commands))
                raise wire.WireError(f"unknown action {message['action']!r}; known: {known}")
        except Exception as exc:
            self.out.write(wire.reply_line(request_id, error=_describe(exc)))
            return
        if not self.lanes.queue_behind(message, handler):
            self._answer(request_id, partial(handler, message))

    def _answer(self, request_id: Any, run: Callable[[], Any]) -> None:
        """Run a command and reply with its result or its error."""
        try:
            result = run()
        except Exception as exc:
            self.out.write(wire.reply_line(request_id, error=_describe(exc)))
            return
        if request_id is not None and result is not DEFERRED:
            self.out.write(wire.reply_line(request_id, result))

    # -- windows ---------------------------------------------------------------------------------

    def window(self, label: str) -> HostWindow:
        """The open window with user label ``label``."""
        with self._lock:
            found = self._windows.get(label)
        if found is None:
            raise LookupError(f"no window labelled {label!r}")
        return found

    def app_of(self, label: str) -> str | None:
        """The app that opened window ``label`` (None for an unknown label or no app)."""
        with self._lock:
            window = self._windows.get(label)
        return window.app if window is not None else None

    def user_windows(self) -> dict[str, WebviewWindow]:
        """The open user windows by user label (warm pool windows are not included)."""
        with self._lock:
            return {label: window.native for label, window in self._windows.items()}

    def emit_to_parent(self, label: str, event_type: str, data: Any) -> None:
        """Report an event for window ``label`` to the parent."""
        self.out.write(wire.event_line(label, event_type, data))

    def emit_tray_to_parent(self, tray_id: str, event_type: str, data: Any) -> None:
        """Report an event of tray ``tray_id`` (a window may have the same name as its label)."""
        self.out.write(wire.tray_event_line(tray_id, event_type, data))

    def _build(self, url: str, *, visible: bool, **kwargs: Any) -> HostWindow:
        assert self.app is not None
        ours = url.startswith(self._base_url)
        # Our pages say hello when they are up (the page channel); a foreign one never does.
        show_when_up = visible and ours
        target = WebviewUrl.App(url[len(self._base_url) :]) if ours else WebviewUrl.External(url)
        tauri_label = f"wry-win-{next(self._ids)}"
        key = secrets.token_hex(16)
        # listening before the window exists: its page's first message may come at once
        listener = Listener.listen(
            self.app,
            f"{wire.PAGE_CHANNEL_EVENT}-{key}",
            lambda event: self._on_page_message(key, event),
        )

        def on_navigation(target: str) -> bool:
            return self._navigating(tauri_label, target)

        try:
            native = WebviewWindowBuilder.build(
                self.app,
                tauri_label,
                target,
                on_navigation=on_navigation,
                initialization_script=page_channel_js(key),
                visible=visible and not show_when_up,
                **kwargs,
            )
        except BaseException:
            Listener.unlisten(self.app, listener)
            raise
        window = HostWindow(tauri_label, native, key, listener, show_when_up=show_when_up)
        with self._lock:
            self._by_tauri[tauri_label] = window
            self._by_key[key] = window
        self._watch_load(window, url)
        return window

    def _watch_load(self, window: HostWindow, url: str, attempt: int = 0) -> None:
        """Check, later, that ``window`` is loading ``url``; send it there again if not."""
        if attempt == 0:
            with window.lock:  # a new page for the window: no load is a late first one
                window.superseded.clear()
                window.loading, window.sent_to, window.resends = url, url, 0
                window.asked, window.resent_urls, window.last_asked = {url}, set(), url
        if attempt < len(LOAD_CHECKS_S):
            timer = threading.Timer(
                LOAD_CHECKS_S[attempt], self._check_load, (window, url, attempt)
            )
            timer.daemon = True
            timer.start()

    def _check_load(self, window: HostWindow, url: str, attempt: int) -> None:
        try:
            with self._lock:
                gone = self._by_tauri.get(window.tauri_label) is not window or self._exiting
            if gone:
                return
            self._reveal(window)  # its page is slow to come up: show the window all the same
            with window.nav_lock:
                if window.loading != url:
                    return  # up, or sent elsewhere since
                try:
                    current = str(window.native.url())
                except Exception:  # no URL at all: the first load never started
                    current = ""
                if current and not window.started:  # begun unseen (no hello: a foreign page)
                    self._load_started(window)
                ours = url.startswith(self._base_url)
                with window.lock:
                    # WebKit reports no URL until a load commits: one it has begun is on its way
                    stalled = (
                        window.loading == url
                        and window.begun != url
                        and (current == "" or (ours and current != url))
                    )
                    if stalled:
                        url = self._send_again(window, url, ours)
                if stalled:
                    level = logging.INFO if attempt < 2 else logging.WARNING
                    log.log(
                        level,
                        "window %s is not loading its page (at %r): sent to %s",
                        window.tauri_label,
                        current,
                        url,
                    )
                    window.native.navigate(url)
            self._watch_load(window, url, attempt + 1)
        except Exception:
            log.exception("checking that window %s loads failed", window.tauri_label)

    def _send_again(self, window: HostWindow, url: str, ours: bool) -> str:
        """Where a load check sends a window that is not loading ``url`` (lock held).

        One of our pages goes to another URL for the same page (``again_url``): WebKit may
        still begin the load of ``url`` late, and that load, not a reload the page asks for
        itself, is then refused (``_late_first_load``). A foreign URL is sent as it is: it has
        no bridge whose events a second load could lose.
        """
        if not ours:
            return url
        window.resends += 1
        again = again_url(window.sent_to, window.resends)
        window.asked.add(again)
        window.resent_urls.add(again)
        window.last_asked = again
        window.superseded.add(url)
        window.superseded_until = time.monotonic() + LATE_LOAD_S
        window.loading = again
        return again

    def _add_warm_window(self) -> None:
        with self._lock:
            if self._exiting or len(self._warm) >= self.warm_target:
                return
        window = self._build(self._base_url + WARM_PAGE, visible=False, title="wry")
        with self._lock:
            self._warm.append(window)

    def _navigating(self, tauri_label: str, target: str) -> bool:
        # A new page may be loading: hold emits until its adapter attaches, or until the page
        # that listened says it is still there (the navigation was a frame's inside it).
        window = self._by_tauri.get(tauri_label)
        if window is not None and self._late_first_load(window, str(target)):
            return False
        if window is not None and not window.started:
            self._load_started(window)
        if window is not None and window.attached:
            window.attached = False
            self._check_still_there(window, STILL_THERE_CHECKS_S)
        return True

    def _late_first_load(self, window: HostWindow, target: str) -> bool:
        """Whether ``target`` is the load a load check gave up on, begun late (refused then).

        WebKit may begin a new window's first load only after the check sent the window to
        its page again: the page then loads twice, and the second load replaced the first
        once it was up, with the events it had been sent (and ``pywry:ready`` fired twice).
        The check sends the window to another URL for the page, so that late load is told
        apart by its URL: a ``location.reload()`` of the page goes to the URL it has. A late
        load that begins while the page's own load (or reload) is under way ends that one, so
        the refusal asks for it again.
        """
        with window.lock:
            late = target in window.superseded and time.monotonic() <= window.superseded_until
            if not late:
                if target in window.asked:
                    window.begun, window.begun_up = target, False
                return False
            interrupted = window.begun if not window.begun_up else None
        log.info("window %s: the late first load of %s refused", window.tauri_label, target)
        if interrupted is not None:
            self._tasks.put(lambda: self._load_again(window, interrupted))
        return True

    def _load_again(self, window: HostWindow, url: str) -> None:
        """Ask again for the load of ``url`` a refused late load ended, if still wanted.

        Not if the window came up meanwhile, or was sent elsewhere (``proxy.navigate()``).
        """
        with window.nav_lock:
            with window.lock:
                wanted = (
                    bool(window.superseded)
                    and window.last_asked == url  # asked for nothing since (navigation lock)
                    and window.begun == url
                    and not window.begun_up
                )
            if wanted:
                window.native.navigate(url)

    def _expect_navigation(self, window: HostWindow, url: str) -> None:
        """The window is sent to ``url`` on purpose: a load of it is no late first one.

        Only that URL: WebKit may still begin the late first load after this navigation (it
        did, 35 ms after a navigate sent while the page came up, and took the window back).
        Asked for, its load is the one a refused late load interrupts (``_load_again``).
        """
        url = as_reported(url)
        with window.lock:
            window.superseded.discard(url)
            window.asked.add(url)
            window.last_asked = url

    def _load_started(self, window: HostWindow) -> None:
        """WebKit has begun a load in ``window``: a navigate held until then may go now."""
        with window.lock:
            window.started = True
            pending = window.deferred is not None
        if pending:
            self._tasks.put(lambda: self._send_deferred(window))

    def _send_deferred(self, window: HostWindow) -> None:
        with window.nav_lock:
            with window.lock:
                url, window.deferred = window.deferred, None
                if url is None:
                    return
                window.attached, window.listening_doc, window.loading = False, None, None
                asked = as_reported(url)
                window.superseded.discard(asked)
                window.asked.add(asked)
                window.last_asked = asked
            try:
                window.native.navigate(url)
            except Exception:
                log.exception("window %s could not be sent to %s", window.tauri_label, url)

    def _check_still_there(self, window: HostWindow, delays: tuple[float, ...]) -> None:
        """Ask the page ``delays`` seconds from now whether the listening document stayed."""
        for delay in delays:
            timer = threading.Timer(delay, self._ask_still_there, (window,))
            timer.daemon = True
            timer.start()

    def _ask_still_there(self, window: HostWindow) -> None:
        with self._lock:
            gone = self._by_tauri.get(window.tauri_label) is not window or self._exiting
        if gone or window.attached or window.listening_doc is None:
            return
        with contextlib.suppress(Exception):
            window.native.eval("window.__wryNativeHello && window.__wryNativeHello()")

    def cmd_create(self, message: dict[str, Any]) -> dict[str, Any]:
        """Open a window: ``label`` plus ``page`` (a complete page), ``html`` or ``url``."""
        label = check_label(message.get("label"))  # type: ignore[arg-type]
        with self._lock:
            if label in self._windows:
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
            self.pages.put(key, page)
        window = None if url is not None else self._take_warm(label)
        if window is not None:
            window.native.set_title(title)
            window.native.set_size(window_control.logical_size(width, height))
            window.show_when_up = visible
            self._watch_load(window, self._base_url + key)
            window.native.navigate(self._base_url + key)
            warm = True
        else:
            target = url if url is not None else self._base_url + key
            window = self._build(target, title=title, inner_size=(width, height), visible=visible)
            warm = False
        window.label = label
        app = message.get("app")
        window.app = app if isinstance(app, str) else None
        with self._lock:
            self._windows[label] = window
        for listener in self.window_listeners:
            _safely(listener, "created", label, window.native)
        return {"label": label, "warm": warm}

    def _reveal(self, window: HostWindow) -> None:
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

    def _take_warm(self, label: str) -> HostWindow | None:
        # Only a window whose pool page is up: in one still loading, WebKit may finish that
        # first load after (over) the navigation to the real page, leaving the pool page.
        with self._lock:
            window = next((w for w in self._warm if w.warm_loaded), None)
            if window is not None:
                self._warm.remove(window)
        if window is not None:
            with window.lock:
                window.label, window.attached, window.listening_doc = label, False, None
        return window

    def _refill_warm(self) -> None:
        with self._lock:
            short = self.warm_target - len(self._warm)
        for _ in range(short):
            self._tasks.put(self._add_warm_window)

    def _run_tasks(self) -> None:
        while True:
            task = self._tasks.get()
            try:
                task()
            except Exception:
                log.exception("background task failed")

    def cmd_close(self, message: dict[str, Any]) -> dict[str, Any]:
        """Destroy a window (no ``window:closed`` notification: the parent asked)."""
        window = self._forget(message["label"], "closed")
        if window is not None:
            window.native.destroy()
        return {"closed": window is not None}

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
        with self._lock:
            window = self._windows.get(label)
            if window is None or (only is not None and window is not only):
                return None
            del self._windows[label]
            self._by_key.pop(window.key, None)
            window.state["gone"] = True  # a lane waiting for its frame stops (wait_framed)
            if announce:
                data = {"label": label, "reason": reason}
                self.out.write(wire.event_line(label, "window:closed", data))
        self.pages.drop(f"p/{label}.html")
        with window.lock:
            evals, window.evals = window.evals, {}
        for request_id in evals.values():
            self.out.write(wire.reply_line(request_id, error=f"window {label!r} was {reason}"))
        for listener in self.window_listeners:
            _safely(listener, "closed", label, window.native)
        return window

    def _window_destroyed(self, tauri_label: str) -> None:
        with self._lock:
            window = self._by_tauri.pop(tauri_label, None)
            if window is not None:
                self._by_key.pop(window.key, None)
            if window in self._warm:
                self._warm.remove(window)
        if window is None:
            return
        if self.app is not None:
            with contextlib.suppress(Exception):
                Listener.unlisten(self.app, window.listener)
        if window.label is None:
            return
        # A window the parent closed (and perhaps replaced under its label) is forgotten already.
        self._forget(window.label, "closed by the user", only=window, announce=True)

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
        with self._lock:
            loaded = sum(1 for window in self._warm if window.warm_loaded)
            closing = sum(
                1
                for window in self._by_tauri.values()
                if window.label is not None and self._windows.get(window.label) is not window
            )
            return {
                "windows": sorted(self._windows),
                "warm": len(self._warm),
                "loaded": loaded,
                "closing": closing,  # destroyed on request; WebKit has not finished yet
                "evals": sum(len(window.evals) for window in self._windows.values()),
            }

    def cmd_window_get(self, message: dict[str, Any]) -> Any:
        """Read one window property (``name``) through the window-control table."""
        window = self.window(message["label"])
        self._reveal(window)  # what the parent reads is the window it asked for: a shown one
        name = str(message["name"])
        if name == "url":
            return self._url_asked(window, window_control.get(window.native, name, window.state))
        run = partial(window_control.get, window.native, name, window.state)
        if window_control.would_wait(window.native, name, window.state):
            return self.lanes.run(message["label"], message, run)
        return run()

    def _url_asked(self, window: HostWindow, url: str) -> str:
        """The URL the window was sent to, for the one a load check sent it to instead.

        The page itself sees the resend's URL (``again_url``); the parent, what it asked.
        """
        with window.lock:
            resent = url in window.resent_urls
            return window.sent_to if resent else url

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
            self._reveal(window)
        if method not in ("navigate", "reload"):
            run = partial(window_control.call, window.native, method, args, window.state)
            if window_control.would_wait(window.native, method, window.state):
                return self.lanes.run(message["label"], message, run)
            return run()
        with window.nav_lock:
            return self._navigate_window(window, method, args)

    def _navigate_window(self, window: HostWindow, method: str, args: list[Any]) -> Any:
        """``proxy.navigate()`` or ``proxy.reload()`` (navigation lock held)."""
        # a reload goes to the URL the page has, never one a load check gave up on
        if method == "navigate" and args:
            self._expect_navigation(window, str(args[0]))
        # Now, not when Tauri reports the navigation: an emit in between would reach the page
        # that is leaving; and that page can no longer claim to be the one that listens.
        with window.lock:
            was_listening, listening_doc = window.attached, window.listening_doc
            window.attached, window.listening_doc = False, None
            if method == "navigate" and not window.started:
                # WebKit has not begun this new window's first load, and would begin it over
                # this navigation: held until it does (_load_started).
                window.deferred = absolute_url(args)
                return None
            loading = window.loading
            if method == "navigate":
                window.loading = None  # sent elsewhere: the load check must not bring it back
        try:
            return window_control.call(window.native, method, args, window.state)
        except BaseException:
            with window.lock:  # refused (a bad URL, say): the page stays, and so do its events
                if window.loading is None:
                    window.loading = loading
                if was_listening and not window.attached:
                    window.listening_doc = listening_doc
                    self._start_sending(window)
            raise

    # -- Python -> page --------------------------------------------------------------------------

    def emit_batch(self, label: str, batch: str) -> None:
        """Send a batch (JSON array text) to the page, or hold it until the page listens.

        A page that never listens (a foreign URL, a broken page) cannot make the host grow
        without bound: past ``BACKLOG_LINES`` maximal lines the batch is refused with an error.
        """
        window = self.window(label)
        with window.lock:
            if window.attached:
                self._deliver(window, batch)
                return
            held = sum(len(b) for b in window.backlog)
            if held + len(batch) > BACKLOG_LINES * self.max_line:
                raise RuntimeError(
                    f"window {label!r} is not listening (its page has no wry bridge or has not "
                    f"loaded) and already holds {held} characters of events: batch dropped"
                )
            window.backlog.append(batch)

    def _deliver(self, window: HostWindow, batch: str) -> None:
        """Send ``batch`` to the listening page, up to an event that makes it leave (lock held).

        The rest is held for the next page, from now: the leaving page evaluates what it gets
        until it is gone, and drops it with itself, as with a proxy reload or navigation.
        """
        split = _split_after_leaving(batch)
        if split is None:
            self._emit_now(window, batch)
            return
        now, rest = split
        self._emit_now(window, now)
        window.attached = False
        if rest is not None:
            window.backlog.append(rest)

    def _left(self, window: HostWindow, body: str) -> None:
        """The page ran the pywry:refresh/navigate it was sent (it may wait behind an update).

        A page that stays after all (a ``javascript:`` URL) is asked, as after a navigation,
        and gets what was held; one that leaves is replaced by the page that attaches next.
        """
        with window.lock:
            holding = not window.attached and window.listening_doc is not None
        if holding:
            self._check_still_there(window, LEAVING_CHECKS_S)

    def _emit_now(self, window: HostWindow, batch: str) -> None:
        try:
            window.native.eval(wire.receive_script(batch))
        except UnicodeEncodeError:  # a lone surrogate (eval_js, set_content): Rust refuses it
            window.native.eval(wire.receive_script(escape_lone_surrogates(batch)))

    def _emit_events(self, label: str, events: list[dict[str, Any]]) -> None:
        self.emit_batch(label, _batch_text(events))

    def cmd_emit(self, message: dict[str, Any]) -> None:
        """``{label, event, payload}`` (the seed's form) or ``{label, batch: [...]}``."""
        label = message["label"]
        if "batch" in message:
            batch = message["batch"]
            if not isinstance(batch, list):
                raise ValueError("'batch' must be a list of {type, data} events")
            self._emit_events(label, batch)
            return
        event = message.get("event")
        if not isinstance(event, str):
            raise ValueError("emit needs 'event' (a string) or 'batch'")
        self._emit_events(label, [{"type": event, "data": message.get("payload")}])

    def cmd_eval_js(self, message: dict[str, Any]) -> Any:
        """Run ``script`` in the page; the reply carries its value (promises are awaited)."""
        label, script = message["label"], message.get("script")
        if not isinstance(script, str):
            raise ValueError("eval_js needs 'script' as a string")
        request_id = message.get("request_id")
        window = self.window(label)
        if request_id is None:
            self._emit_events(label, [{"type": "pywry:eval", "data": {"id": "", "script": script}}])
            return None
        eval_id = f"e{request_id}"
        with window.lock:
            window.evals[eval_id] = request_id
        self._emit_events(
            label, [{"type": "pywry:eval", "data": {"id": eval_id, "script": script}}]
        )
        return DEFERRED

    def cmd_probe_js(self, message: dict[str, Any]) -> Any:
        """Evaluate ``expression`` through Tauri's own eval and IPC, not the wry bridge.

        Tests observe pages through this channel, so a broken bridge cannot hide its own
        mistakes. The value comes back through the ``wry_probe`` page command.
        """
        expression, request_id = message.get("expression"), message.get("request_id")
        if not isinstance(expression, str) or request_id is None:
            raise ValueError("probe_js needs 'expression' (a string) and a 'request_id'")
        window = self.window(message["label"])
        probe_id = f"p{request_id}"
        with window.lock:
            window.evals[probe_id] = request_id
        window.native.eval(PROBE_JS % (json.dumps(probe_id), expression))
        return DEFERRED

    def cmd_forget(self, message: dict[str, Any]) -> dict[str, int]:
        """The parent stopped waiting for request ``id``: stop waiting for its page's answer.

        A late answer is then an ordinary ``pywry:eval-result`` event.
        """
        request_id = message.get("id")
        with self._lock:
            windows = list(self._windows.values())
        forgotten = 0
        for window in windows:
            with window.lock:
                for key in [k for k, v in window.evals.items() if v == request_id]:
                    del window.evals[key]
                    forgotten += 1
        return {"forgotten": forgotten}

    def _probe_result(self, window: HostWindow, body: str) -> None:
        answer = json.loads(body)
        with window.lock:
            request_id = window.evals.pop(str(answer.get("id")), None)
        if request_id is None:
            return
        if answer.get("ok"):
            self.out.write(wire.reply_line(request_id, answer.get("value")))
        else:
            self.out.write(
                wire.reply_line(request_id, error=f"JavaScript error: {answer.get('error')}")
            )

    def cmd_set_content(self, message: dict[str, Any]) -> None:
        """Replace the page's content with ``html`` (the bridge stays, ``pywry:ready`` fires)."""
        html = message.get("html")
        if not isinstance(html, str):
            raise ValueError("set_content needs 'html' as a string")
        payload: dict[str, Any] = {"html": html, "css": [], "scripts": []}
        payload["title"] = message.get("title")
        self._emit_events(message["label"], [{"type": "pywry:update-content", "data": payload}])

    def cmd_set_theme(self, message: dict[str, Any]) -> None:
        """Switch the page between ``dark`` and ``light``."""
        theme = message.get("theme")
        if theme not in ("dark", "light"):
            raise ValueError(f"theme must be 'dark' or 'light', not {theme!r}")
        self._emit_events(
            message["label"], [{"type": "pywry:update-theme", "data": {"theme": theme}}]
        )

    # -- page -> Python (tokio threads: write a line, never block long, never raise) ------------

    def _on_page_message(self, key: str, event: Event) -> None:
        """A message on window ``key``'s channel: ``command \n text`` (page-channel.js)."""
        try:
            message = json.loads(event.payload)
            command, text = message.split("\n", 1)
        except (ValueError, TypeError, AttributeError):
            self._reject_page_message("it is not a page channel message")
            return
        try:
            window = self._by_key.get(key)
            handler = self.invoke_commands.get(command)
            if window is None:
                self._reject_page_message(f"{command!r} from a window that is closing")
            elif handler is None:
                self._reject_page_message(f"no page command {command!r}")
            elif window.label is None and command != wire.CMD_ATTACH:
                self._reject_page_message(f"{command!r} from a pool window")
            else:
                handler(window, text)
        except Exception:
            log.exception("page command %r failed", command)

    def _on_public_channel(self, event: Event) -> None:
        self._reject_page_message(f"{wire.PAGE_CHANNEL_EVENT!r} names no window")

    def _reject_page_message(self, why: str) -> None:
        with self._lock:
            self.rejected_page_messages += 1
            count = self.rejected_page_messages
        log.warning("page message refused (%d so far): %s", count, why)

    def _attach(self, window: HostWindow, body: str) -> None:
        # The wry adapter attaches with its label; every page first says hello with its URL.
        try:
            info = json.loads(body)
        except ValueError:
            info = None
        if not isinstance(info, dict):
            info = {}
        page_label = info.get("label")
        if page_label is None:  # the page channel's hello: a page came up (or is still there)
            url, doc = info.get("url"), info.get("doc")
            with window.lock:
                if info.get("again"):
                    # asked after a navigation: the listening page stayed (a frame navigated)
                    still_there = (
                        doc is not None
                        and doc == window.listening_doc
                        and not info.get("leaving")
                        and window.label is not None
                    )
                    if still_there and not window.attached:
                        self._start_sending(window)
                    return
                window.doc = doc if isinstance(doc, str) else None
                if url is not None and url == window.begun:
                    window.begun_up = True
                first = not window.started
                up = url is not None and url == window.loading
                if up:
                    window.loading = None
                    window.warm_loaded = window.label is None
            if first:
                self._load_started(window)
            if up:
                self._reveal(window)
            return
        if window.label is None:
            return
        with window.lock:
            window.listening_doc = window.doc
            window.loading = None
            self._start_sending(window)
        self._refill_warm()

    def _start_sending(self, window: HostWindow) -> None:
        """The page listens: send what waited, then everything at once (lock held)."""
        window.attached = True
        backlog, window.backlog = window.backlog, []
        if backlog:
            self._deliver(window, _merge_batches(backlog))

    def _page_events(self, window: HostWindow, body: str) -> None:
        if window.evals and "pywry:eval-result" in body:
            body = self._take_eval_results(window, body)
        if "\n" in body or "\r" in body:  # not what JSON.stringify writes: re-encode
            body = json.dumps(json.loads(body), ensure_ascii=False)
        if window.label is not None and body != "[]":
            self.out.write(wire.events_line(window.label, body))

    def _take_eval_results(self, window: HostWindow, body: str) -> str:
        events = json.loads(body)
        kept = []
        for event in events:
            data = event.get("data") if isinstance(event, dict) else None
            if not isinstance(data, dict):
                kept.append(event)
                continue
            eval_id = data.get("id")
            if event.get("type") == "pywry:eval-result" and eval_id in window.evals:
                with window.lock:
                    request_id = window.evals.pop(eval_id, None)
                if data.get("ok"):
                    self.out.write(wire.reply_line(request_id, data.get("value")))
                else:
                    error = data.get("error") or "the script failed"
                    self.out.write(wire.reply_line(request_id, error=f"JavaScript error: {error}"))
            else:
                kept.append(event)
        return json.dumps(kept, ensure_ascii=False)


def _batch_text(events: list[Any]) -> str:
    """A batch as the page receives it (JSON array text)."""
    return json.dumps(events, ensure_ascii=False, allow_nan=False)


def _split_after_leaving(batch: str) -> tuple[str, str | None] | None:
    """``(events up to the first that makes the page leave, the rest or None)``; None if none.

    A plain text search first: most batches have no such event and are never decoded.
    """
    if not any(name in batch for name in LEAVING_EVENTS):
        return None
    events = json.loads(batch)
    for index, event in enumerate(events):
        if _leaves(event):
            rest = events[index + 1 :]
            return _batch_text(events[: index + 1]), _batch_text(rest) if rest else None
    return None


def _leaves(event: Any) -> bool:
    """Whether the bridge leaves the page for ``event``.

    Not for a navigate it ignores (no URL) or one to a ``#fragment`` of the same document.
    """
    if not isinstance(event, dict):
        return False
    if event.get("type") == "pywry:refresh":
        return True
    data = event.get("data")
    url = data.get("url") if isinstance(data, dict) else None
    return (
        event.get("type") == "pywry:navigate"
        and isinstance(url, str)
        and url != ""
        and not url.startswith("#")
    )


def _merge_batches(batches: list[str]) -> str:
    """Join JSON array texts into one array, in order, without decoding them."""
    inner = [b.strip()[1:-1].strip() for b in batches]
    return "[" + ",".join(part for part in inner if part) + "]"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    if isinstance(exc, UnicodeEncodeError) and isinstance(exc.object, str):
        # a lone surrogate in a page or a title: Python's own message names neither
        unit, near = exc.object[exc.start], exc.object[max(0, exc.start - 20) : exc.end + 20]
        return (
            f"text with a lone surrogate (\\u{ord(unit):04x}, in {near!r}) cannot be shown: "
            "UTF-8, and so the window, cannot hold it"
        )
    return str(exc) or type(exc).__name__


def _safely(listener: Callable[..., Any], *args: Any) -> None:
    try:
        listener(*args)
    except Exception:
        log.exception("window listener %r failed", listener)


def load_extensions(host: HostApp) -> None:
    """Let child-side feature modules (menus, tray, …) register commands with the host.

    A module listed in ``EXTENSIONS`` that defines ``register(host)`` is called once at setup.
    """
    import importlib

    for name in EXTENSIONS:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        register = getattr(module, "register", None)
        if register is not None:
            try:
                register(host)
            except Exception:
                log.exception("host extension %s failed to register", name)


#: Child-side modules that may extend the host (each optional).
EXTENSIONS = ("wry_native.menus_host", "wry_native.tray_host", "wry_native.hot_reload_host")


def run_host(workdir: str, protocol_fd: int) -> int:
    """Entry point used by ``python -m wry_native.host`` after the process is prepared."""
    logging.basicConfig(level=os.environ.get("WRYNATIVE_LOG", "WARNING"), stream=sys.stderr)
    path = Path(workdir)
    out = Output(protocol_fd)
    host = HostApp(path, out)
    try:
        code = host.run()
    finally:
        out.close()
        shutil.rmtree(path, ignore_errors=True)
    return code


__all__ = ["DEFERRED", "HostApp", "HostWindow", "PageStore", "run_host"]
