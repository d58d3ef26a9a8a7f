"""The pytauri application inside the child host: configuration, lifecycle, command dispatch.

Threads (notes/native-linux.md Q2): the GTK loop owns the main thread; ``stdin`` is read and
every command executed, in order, on one reader thread (Tauri marshals window calls to the GTK
thread itself); page messages (the page channel: a Tauri event per message, see
``assets/page-channel.js``) arrive on tokio threads and do no more than write one line (the
parent reads its end promptly); lines to the parent go through an ``Outbox``, whole and in
order, written by whichever thread finds it idle.

:class:`HostApp` holds what the parts share (the lock, the output, the page store, the task
queue) and one of each part, each in its module: ``host_windows`` (windows and the warm
pool), ``host_navigation`` (load checks, navigation tracking), ``host_delivery`` (Python ->
page), ``host_page_channel`` (page -> parent), ``host_lanes`` (per-window command threads),
``host_view_release`` (a closing window's WebKit view freed), ``host_io`` (the pipes).

Extensions (menus, tray, plugins) add commands to :attr:`HostApp.commands` and page commands
to :attr:`HostApp.invoke_commands`; :attr:`HostApp.window_listeners` hear windows come and go.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import shutil
import signal
import sys
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from pytauri import AppHandle, Listener, RunEvent, WindowEvent
from pytauri.webview import WebviewWindow
from pytauri_wheel.lib import builder_factory, context_factory

from wry_native import tauri_plugins, wire
from wry_native.host_delivery import CMD_PROBE, Delivery
from wry_native.host_io import Output, read_commands
from wry_native.host_lanes import DEFERRED, Command, Lanes
from wry_native.host_navigation import Navigation
from wry_native.host_page_channel import PageChannel
from wry_native.host_pages import PageStore
from wry_native.host_window import HostWindow
from wry_native.host_windows import Windows

log = logging.getLogger("wry_native.host")

EXIT_GRACE_S = 3.0


class HostApp:
    """Executes the parent's commands against real windows and reports what pages send."""

    def __init__(self, workdir: Path, out: Output, sigterm_fd: int | None = None) -> None:
        self.workdir = workdir
        self.out = out
        self.sigterm_fd = sigterm_fd  # SIGTERM is reported here (host.py), if anywhere
        self.pages = PageStore()
        self.app: AppHandle | None = None
        self.max_line = wire.max_line(os.environ)
        self.warm_target = int(os.environ.get(wire.WARM_ENV, "1"))
        self.lock = threading.RLock()
        self.base_url = "tauri://localhost/"
        self.exiting = False
        self.exit_code = 0
        #: Work for the background task thread (pool windows, sends that must not block).
        self.tasks: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.windows = Windows(self)
        self.navigation = Navigation(self)
        self.delivery = Delivery(self)
        self.channel = PageChannel(self)
        self.lanes = Lanes(self.lock, self._answer)
        windows, delivery = self.windows, self.delivery
        self.commands: dict[str, Command] = {
            "create": windows.cmd_create,
            "emit": delivery.cmd_emit,
            "eval_js": delivery.cmd_eval_js,
            "close": windows.cmd_close,
            "hide": windows.cmd_hide,
            "show": windows.cmd_show,
            "set_content": delivery.cmd_set_content,
            "set_theme": delivery.cmd_set_theme,
            "window_get": windows.cmd_window_get,
            "window_call": windows.cmd_window_call,
            "list_windows": windows.cmd_list_windows,
            "probe_js": delivery.cmd_probe_js,
            "forget": delivery.cmd_forget,
            "ping": lambda message: {
                "pid": os.getpid(),
                "rejected_page_messages": self.channel.rejected,
            },
        }
        #: Page commands: ``fn(window, text)`` for ``window.__wryNativeSend(name, text)``.
        self.invoke_commands: dict[str, Callable[[HostWindow, str], None]] = {
            wire.CMD_EVENTS: self.channel.page_events,
            wire.CMD_ATTACH: self.channel.attach,
            CMD_PROBE: self.channel.probe_result,
            wire.CMD_LEFT: self.channel.left,
        }
        #: ``listener(event, label, native)`` with event "created" or "closed".
        self.window_listeners: list[Callable[[str, str, WebviewWindow], None]] = []

    # -- what extensions use ---------------------------------------------------------------------

    def window(self, label: str) -> HostWindow:
        """The open window with user label ``label``."""
        return self.windows.window(label)

    def app_of(self, label: str) -> str | None:
        """The app that opened window ``label`` (None for an unknown label or no app)."""
        return self.windows.app_of(label)

    def user_windows(self) -> dict[str, WebviewWindow]:
        """The open user windows by user label (warm pool windows are not included)."""
        return self.windows.user_windows()

    def emit_to_parent(self, label: str, event_type: str, data: Any) -> None:
        """Report an event for window ``label`` to the parent."""
        self.out.write(wire.event_line(label, event_type, data))

    def emit_tray_to_parent(self, tray_id: str, event_type: str, data: Any) -> None:
        """Report an event of tray ``tray_id`` (a window may have the same name as its label)."""
        self.out.write(wire.tray_event_line(tray_id, event_type, data))

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
        Listener.listen(app_handle, wire.PAGE_CHANNEL_EVENT, self.channel.on_public_channel)
        load_extensions(self)
        threading.Thread(target=self._read_commands, name="wry-host-in", daemon=True).start()
        threading.Thread(target=self._run_tasks, name="wry-host-tasks", daemon=True).start()
        threading.Thread(target=self._wait_for_sigterm, name="wry-host-sig", daemon=True).start()
        for _ in range(self.warm_target):
            self.tasks.put(self.windows.add_warm_window)
        self.out.write(
            json.dumps(
                {"type": "ready", "pid": os.getpid(), "protocol": 1, "warm": self.warm_target}
            )
            + "\n"
        )

    def request_exit(self, code: int = 0) -> None:
        """Leave the run loop (stdin EOF, SIGTERM, parent death); force it if Tauri hangs."""
        with self.lock:
            if self.exiting:
                return
            self.exiting = True
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
        """Exit once SIGTERM arrives: its handler writes to ``sigterm_fd`` (see ``host.py``)."""
        if self.sigterm_fd is None:
            return
        while True:
            try:
                signums = os.read(self.sigterm_fd, 64)
            except InterruptedError:
                continue
            if not signums or signal.SIGTERM in signums:
                break
        self.request_exit(0)

    def _on_run_event(self, _app: AppHandle, event: Any) -> None:
        # Runs on the main thread; must never raise.
        try:
            if isinstance(event, RunEvent.ExitRequested):
                if event.code is None and not self.exiting:
                    event.api.prevent_exit()  # the last window closed: stay up for the next
            elif isinstance(event, RunEvent.WindowEvent):
                if isinstance(event.event, WindowEvent.CloseRequested):
                    self.windows.closing(event.label, event.event.api)
                elif isinstance(event.event, WindowEvent.Destroyed):
                    self.windows.destroyed(event.label)
        except Exception:
            log.exception("run event %r failed", event)

    def _run_tasks(self) -> None:
        while True:
            task = self.tasks.get()
            try:
                task()
            except Exception:
                log.exception("background task failed")

    # -- executing commands --------------------------------------------------------------------

    def _read_commands(self) -> None:
        read_commands(sys.stdin.buffer, self.max_line, self.out, self.handle_line)
        self.request_exit(0)

    def handle_line(self, line: str) -> None:
        """Execute one request line; every failure becomes an error reply."""
        fast = wire.split_fast_emit(line)
        if fast is not None:
            try:
                self.delivery.emit_batch(fast[0], fast[1])
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


def run_host(workdir: str, protocol_fd: int, sigterm_fd: int | None = None) -> int:
    """Entry point used by ``python -m wry_native.host`` after the process is prepared.

    ``sigterm_fd`` is the pipe SIGTERM is reported on (``host.py``); without one the host
    leaves SIGTERM alone.
    """
    logging.basicConfig(level=os.environ.get("WRYNATIVE_LOG", "WARNING"), stream=sys.stderr)
    path = Path(workdir)
    out = Output(protocol_fd)
    host = HostApp(path, out, sigterm_fd)
    try:
        code = host.run()
    finally:
        out.close()
        shutil.rmtree(path, ignore_errors=True)
    return code


__all__ = ["DEFERRED", "HostApp", "HostWindow", "PageStore", "run_host"]
