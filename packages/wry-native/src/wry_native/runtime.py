"""The parent's side of the child host: spawn it, talk JSON lines to it, notice its death.

Threads, all daemons:

- *lifetime*: starts the child and waits for it. The parent-death signal of a Linux child
  fires when the **thread** that forked it ends, so the child is forked from this thread, which
  lives exactly as long as the child.
- *reader*: reads the child's stdout. Replies resolve their request by ``request_id`` only, so
  a reply that comes after its request timed out is dropped and cannot shift later replies.
  Page events are handed to the dispatcher.
- *dispatcher*: runs Python callbacks in the order events arrived. Because it is not the
  reader, a callback may make synchronous calls (``eval_js``, window getters) safely.
- no writer thread: the ``Outbox`` is written by whichever caller finds it idle, in order,
  with emits coalesced.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import contextlib
import itertools
import json
import logging
import os
import queue
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import IO, TYPE_CHECKING, Any

from wry.widget import JsError
from wry_native import wire
from wry_native.outbox import Outbox, OutboxClosed, Send

if TYPE_CHECKING:
    from wry.settings import PyWrySettings
    from wry.widget import BaseWidget

log = logging.getLogger("wry_native.runtime")

START_TIMEOUT_S = 30.0
REQUEST_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 3.0
DEFAULT_QUEUE_LIMIT = 100_000  # PyWrySettings.queue_limit's default, for a runtime without one


class NativeHostError(RuntimeError):
    """The child host is not running (it failed to start, exited or crashed)."""


class NativeCallError(RuntimeError):
    """The child host refused or failed a request; the message is the host's reason."""


class NativeJsError(NativeCallError, JsError):
    """The script given to ``eval_js`` threw in the page; the message names the page's error."""


class NativeTimeout(TimeoutError):
    """No reply within the timeout; later calls are not affected (replies match by id)."""


class NativeRuntime:
    """One child host process and the windows it owns."""

    def __init__(
        self, settings: PyWrySettings | None = None, env: dict[str, str] | None = None
    ) -> None:
        self._settings = settings
        self._extra_env = dict(env or {})
        self._ids = itertools.count(1)
        self._pending: dict[str, Future[Any]] = {}
        #: ``close`` requests not answered yet (request id -> label), waited for or not.
        self._closing: dict[str, str] = {}
        self._pending_lock = threading.Lock()
        self._handles: dict[str, BaseWidget] = {}
        #: ``sink(tray_id, events) -> bool`` for tray events (never a window's, even when a
        #: label is the same name); the first sink that returns True has taken them.
        self.tray_sinks: list[Callable[[str, list[dict[str, Any]]], bool]] = []
        #: Each app's app-wide menu spec (``set_menu`` with no label) as the child last
        #: reported it (run-time changes, check clicks); a successor child gets them too.
        self.app_menus: dict[str | None, dict[str, Any]] = {}
        #: ``callback(reason)`` once the child has exited (trays mark themselves gone).
        self.exit_callbacks: list[Callable[[str], None]] = []
        #: For the dispatcher: ``(kind, (label, handle, events or reason))``. The handle is
        #: the one registered for the label when the line was read: a window that takes the
        #: label later never gets the events or the close of the one before.
        self._events: queue.SimpleQueue[tuple[str, Any] | None] = queue.SimpleQueue()
        #: Page events waiting for callbacks, and emits waiting for the child: at most this many.
        self.queue_limit: int = (
            settings.queue_limit if settings is not None else DEFAULT_QUEUE_LIMIT
        )
        self._events_in = 0  # page events queued (written by the reader only)
        self._events_out = 0  # page events taken (written by the dispatcher only)
        self.dropped_events = 0  # page events dropped because callbacks fell behind
        self._dropped_run = 0  # ... since the queue last had room
        self._ready = threading.Event()
        self._started = threading.Event()
        self._dead = threading.Event()
        self._start_error: BaseException | None = None
        self.exit_code: int | None = None
        self.pid: int | None = None
        self.rejected = 0  # error replies without a request id, and undeliverable events
        self.host_errors: collections.deque[str] = collections.deque(maxlen=100)
        self.workdir = tempfile.mkdtemp(prefix="wry-native-")
        self._proc: subprocess.Popen[bytes] | None = None
        self._outbox: Outbox | None = None
        self._reader: threading.Thread | None = None
        self._dispatcher = threading.Thread(
            target=self._dispatch_loop, name="wry-native-dispatch", daemon=True
        )

    # -- lifetime ----------------------------------------------------------------------------------

    def start(self, timeout: float = START_TIMEOUT_S) -> NativeRuntime:
        """Start the child and wait for its ready line; raise NativeHostError on failure."""
        self._dispatcher.start()
        threading.Thread(target=self._lifetime, name="wry-native-life", daemon=True).start()
        if not self._ready.wait(timeout) or self._dead.is_set():
            reason = self._start_error or f"exit code {self.exit_code}"
            self.kill()
            raise NativeHostError(f"the native host did not start: {reason}")
        return self

    def _command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "wry_native.host",
            "--dir",
            self.workdir,
            "--parent",
            str(os.getpid()),
        ]

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        if self._settings is not None:
            from wry_native.tauri_plugins import child_environment

            env.update(child_environment(self._settings))
            env[wire.WARM_ENV] = str(self._settings.warm_windows)
        env.update(self._extra_env)
        return env

    def _lifetime(self) -> None:
        env = self._environment()
        try:
            limit = wire.max_line(env)
            proc = subprocess.Popen(
                self._command(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
                close_fds=True,
            )
        except BaseException as exc:
            self._start_error = exc
            self._finish(None)
            return
        self._proc, self.pid = proc, proc.pid
        assert proc.stdin is not None
        self._outbox = Outbox(
            pipe_sender(proc.stdin.fileno()),
            thread=True,
            queue_limit=self.queue_limit,
            max_line=limit,
            on_failure=self._outbox_failed,
        )
        self._reader = threading.Thread(target=self._read_loop, name="wry-native-read", daemon=True)
        self._reader.start()
        self._started.set()
        code = proc.wait()
        self._reader.join(5)
        self._finish(code)

    def _finish(self, code: int | None) -> None:
        """The child is gone: fail pending calls, close every window, clean up."""
        self.exit_code = code
        # first: a start() that failed wakes below, and its process may exit at once
        shutil.rmtree(self.workdir, ignore_errors=True)
        for callback in self.exit_callbacks:  # before anyone waiting on the exit wakes up
            try:
                callback(self._death_message())
            except Exception:
                log.exception("exit callback %r failed", callback)
        self._dead.set()
        self._ready.set()
        if self._outbox is not None:
            self._outbox.close(STOP_TIMEOUT_S)  # a write in progress fails now (broken pipe)
        if self._proc is not None:
            _close_quietly(self._proc.stdin)
        error = NativeHostError(self._death_message())
        with self._pending_lock:
            pending, self._pending = self._pending, {}
            self._closing = {}
        for future in pending.values():
            if not future.done():
                future.set_exception(error)
        for label, handle in list(self._handles.items()):
            self._events.put(("closed", (label, handle, "the native host exited")))
        self._events.put(None)

    def _outbox_failed(self, exc: BaseException) -> None:
        """Writing to a child that still runs failed: end it, since it may hold half a line.

        So its windows report closed and the next ``show()`` starts a fresh host, instead
        of every call failing against a child that looks alive. A broken pipe is its exit.
        """
        proc = self._proc
        if isinstance(exc, BrokenPipeError) or proc is None or proc.poll() is not None:
            return
        log.error("writing to the native host failed (%r): ending it", exc)
        proc.kill()

    def _death_message(self) -> str:
        code = self.exit_code
        if code is None:
            return f"the native host could not be started: {self._start_error}"
        if code < 0:
            return f"the native host was killed by signal {-code}"
        return f"the native host exited with code {code}"

    @property
    def alive(self) -> bool:
        """True until the child has exited."""
        return not self._dead.is_set()

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Close the child's stdin (it exits on EOF); kill it if it does not go in time.

        A child that stopped reading (what is queued for it cannot be written within
        ``timeout``) is killed at once; its pipe is closed once nothing writes to it.
        """
        if self._dead.is_set():
            return
        proc = self._proc
        if proc is not None and self._outbox is not None:
            if not self._outbox.close(timeout):
                self.kill()
                return
            _close_quietly(proc.stdin)
        if not self._dead.wait(timeout):
            self.kill()

    def kill(self) -> None:
        """End the child at once (SIGKILL); its WebKit helpers follow."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
        if proc is not None:
            self._dead.wait(STOP_TIMEOUT_S)

    # -- requests ----------------------------------------------------------------------------------

    def call(self, action: str, fields: dict[str, Any]) -> Future[Any]:
        """Send a request; the Future resolves with the reply's result (or its error)."""
        request_id = str(next(self._ids))
        future: Future[Any] = Future()
        if self._dead.is_set():
            future.set_exception(NativeHostError(self._death_message()))
            return future
        with self._pending_lock:
            self._pending[request_id] = future
            if action == "close":
                self._closing[request_id] = str(fields.get("label"))
        try:
            self._send_line(wire.request_line(action, fields, request_id), checked=True)
        except BaseException as exc:
            with self._pending_lock:
                self._pending.pop(request_id, None)
                self._closing.pop(request_id, None)
            if not future.done():
                future.set_exception(exc)
        future.request_id = request_id  # type: ignore[attr-defined]
        return future

    def request(self, action: str, fields: dict[str, Any], timeout: float | None = None) -> Any:
        """Send a request and wait for its result; raises the host's error or NativeTimeout."""
        if threading.current_thread() is self._reader:
            raise RuntimeError(
                f"{action!r} waits for the native host's reply, which this thread (the reader) "
                "would have to read: it would deadlock. Call it from another thread."
            )
        future = self.call(action, fields)
        wait = REQUEST_TIMEOUT_S if timeout is None else timeout
        try:
            return future.result(wait)
        except FutureTimeout:
            self._abandon(future, action)
            raise NativeTimeout(f"no reply to {action!r} within {wait} s") from None

    async def request_async(
        self, action: str, fields: dict[str, Any], timeout: float | None = None
    ) -> Any:
        """The awaitable form of :meth:`request`, for asyncio code."""
        future = self.call(action, fields)
        wait = REQUEST_TIMEOUT_S if timeout is None else timeout
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), wait)
        except TimeoutError:
            raise NativeTimeout(f"no reply to {action!r} within {wait} s") from None
        finally:  # answered, timed out or cancelled: a late reply finds no one waiting
            self._abandon(future, action)

    def _abandon(self, future: Future[Any], action: str) -> None:
        """Stop waiting for ``future``; a page script's reply is no longer waited for either.

        An ``eval_js`` whose script never settles would otherwise stay in the child's table
        until its window closes.
        """
        request_id = getattr(future, "request_id", "")
        with self._pending_lock:
            waiting = self._pending.pop(request_id, None) is not None
        if waiting and action in wire.PAGE_ANSWERED and not self._dead.is_set():
            with contextlib.suppress(NativeHostError):
                self._send_line(wire.request_line("forget", {"id": request_id}, None))

    def send_line(self, line: str) -> None:
        """Send a raw line to the child (tests and tools; normal code uses ``call``)."""
        self._send_line(line if line.endswith("\n") else line + "\n")

    def _send_line(self, line: str, checked: bool = False) -> None:
        if self._outbox is None or self._dead.is_set():
            raise NativeHostError(self._death_message() if self._dead.is_set() else "not started")
        try:
            self._outbox.line(line, checked)
        except OutboxClosed:
            raise NativeHostError("the native host is not running") from None

    def emit(self, label: str, encoded_event: str) -> None:
        """Fire-and-forget: queue an encoded event for window ``label`` (coalesced).

        An event longer than the child's line limit raises PayloadError naming the limit.
        """
        if self._outbox is None or self._dead.is_set():
            raise NativeHostError("the native host is not running")
        try:
            self._outbox.emit(label, encoded_event)
        except OutboxClosed:
            raise NativeHostError("the native host is not running") from None

    # -- windows -----------------------------------------------------------------------------------

    def register(self, handle: BaseWidget) -> None:
        """Route events for ``handle.label`` to ``handle``.

        Raises ValueError when another open handle has the label: apps with the same
        settings share this child, and its windows are told apart by label alone.
        """
        existing = self._handles.setdefault(handle.label, handle)
        if existing is not handle and not existing.closed:
            raise ValueError(
                f"a native window labelled {handle.label!r} is already open in this process "
                "(another PyWry app shares the native host): choose another label"
            )
        self._handles[handle.label] = handle

    def unregister(self, label: str, handle: BaseWidget | None = None) -> None:
        """Stop routing events for ``label`` (if ``handle`` is given: only if it is that one)."""
        if handle is None or self._handles.get(label) is handle:
            self._handles.pop(label, None)

    def dispatch_later(self, label: str, event_type: str, data: Any) -> None:
        """Hand ``label``'s callbacks an event made in Python, on the dispatcher thread.

        So it keeps its place among the page's events and runs where every callback runs.
        """
        event = {"type": event_type, "data": data}
        self._events.put(("events", (label, self._handle(label), [event])))

    def _handle(self, label: Any) -> BaseWidget | None:
        """The handle registered for ``label`` now (None for a label that is no window)."""
        return self._handles.get(label) if isinstance(label, str) else None

    @property
    def labels(self) -> list[str]:
        """Labels of the windows this child owns."""
        return list(self._handles)

    # -- reading -----------------------------------------------------------------------------------

    def _read_loop(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        try:
            self._read_lines(self._proc.stdout)
        finally:  # the child is gone; the runtime lives on in its handles, the pipe need not
            _close_quietly(self._proc.stdout)

    def _read_lines(self, stream: IO[bytes]) -> None:
        for raw in stream:
            try:
                message = json.loads(raw)
            except ValueError:
                self.rejected += 1
                log.warning("unreadable line from the native host: %.200r", raw)
                continue
            if not isinstance(message, dict):
                self.rejected += 1
                continue
            try:
                self._route(message)
            except Exception:
                log.exception("could not route %.200r", raw)

    def _route(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "events":
            self._enqueue(message.get("label"), message.get("events"))
        elif kind == "event":
            label, event_type = message.get("label"), message.get("event_type")
            if event_type == "window:closed":
                self._window_closed(label, (message.get("data") or {}).get("reason", "closed"))
            else:
                self._enqueue(label, [{"type": event_type, "data": message.get("data")}])
        elif kind == "tray_event":
            event = {"type": message.get("event_type"), "data": message.get("data")}
            self._events.put(("tray", (message.get("tray_id"), None, [event])))
        elif kind == "app_menu":
            app, menu = message.get("app"), message.get("menu")
            if isinstance(menu, dict) and (app is None or isinstance(app, str)):
                self.app_menus[app] = menu  # its current state, for a successor child
        elif kind == "ready":
            self._ready.set()
        elif kind is None:
            self._resolve(message)
        else:
            log.debug("ignoring notification %r", kind)

    def _window_closed(self, label: Any, reason: str) -> None:
        """The child closed window ``label``: close its handle, unless the parent asked first.

        While a ``close`` of the label is unanswered (it may have timed out), the window the
        child reports is the one being closed: the child runs requests in order, so none can
        have taken the label yet, even if a new handle is already registered for it.
        """
        with self._pending_lock:
            asked = label in self._closing.values()
        if not asked:
            self._events.put(("closed", (label, self._handle(label), reason)))

    def _enqueue(self, label: Any, events: Any) -> None:
        """Hand page events to the dispatcher; past ``queue_limit`` waiting, drop (logged, counted).

        The reader cannot simply stop reading when callbacks fall behind: the replies a callback
        may be waiting for (``eval_js``, getters) come through the same pipe.
        """
        if isinstance(events, list):
            room = self.queue_limit - (self._events_in - self._events_out)
            if len(events) > room:
                kept = max(room, 0)
                self._drop(label, len(events) - kept)
                events = events[:kept]
                if not events:
                    return
            elif self._dropped_run and room - len(events) >= self.queue_limit // 2:
                log.warning("page events are delivered again; %d were dropped", self._dropped_run)
                self._dropped_run = 0
            self._events_in += len(events)
        self._events.put(("page", (label, self._handle(label), events)))

    def _drop(self, label: Any, count: int) -> None:
        if not self._dropped_run:
            log.warning(
                "window %r sends events faster than the Python callbacks handle them: %d wait "
                "(queue_limit=%d), so further page events are dropped until they catch up; "
                "hand slow work to a thread, or raise PyWrySettings.queue_limit",
                label,
                self._events_in - self._events_out,
                self.queue_limit,
            )
        self._dropped_run += count
        self.dropped_events += count

    def _resolve(self, message: dict[str, Any]) -> None:
        request_id = message.get("request_id")
        with self._pending_lock:
            future = self._pending.pop(str(request_id), None) if request_id is not None else None
            self._closing.pop(str(request_id), None)
        if future is None:
            if not message.get("success", True):
                self.rejected += 1
                self.host_errors.append(str(message.get("error")))
                log.warning("the native host reported: %s", message.get("error"))
            return
        if message.get("success"):
            future.set_result(message.get("result"))
        else:
            error = (
                NativeJsError
                if message.get("error_kind") == wire.JS_ERROR_KIND
                else NativeCallError
            )
            future.set_exception(error(str(message.get("error"))))

    def _dispatch_loop(self) -> None:
        while True:
            item = self._events.get()
            if item is None:
                return
            kind, (label, handle, rest) = item
            try:
                if kind == "page" and isinstance(rest, list):
                    self._events_out += len(rest)
                if kind == "closed":
                    self._close_handle(label, handle, rest)
                elif kind == "tray":
                    self._deliver_tray(label, rest)
                else:
                    self._deliver(label, handle, rest, from_page=kind == "page")
            except Exception:
                log.exception("dispatching %s failed", kind)

    def _close_handle(self, label: Any, handle: BaseWidget | None, reason: str) -> None:
        """The window ``handle`` stood for is gone (not one that has taken its label since)."""
        if handle is not None:
            self.unregister(label, handle)
            handle.mark_closed(reason)

    def _deliver_tray(self, tray_id: Any, events: list[dict[str, Any]]) -> None:
        """Hand a tray's events to the tray sinks (never to a window of that label)."""
        for sink in self.tray_sinks:
            if sink(tray_id, events):
                return
        self.rejected += 1
        log.warning("events for unknown tray %r dropped", tray_id)

    def _deliver(self, label: Any, handle: BaseWidget | None, events: Any, from_page: bool) -> None:
        if handle is not None and self._handle(label) is not handle:
            handle = None  # its window closed since: the events are for no one
        if handle is None or not isinstance(events, list):
            self.rejected += 1
            log.warning("events for unknown window %r dropped", label)
            return
        for event in events:
            if isinstance(event, dict) and isinstance(event.get("type"), str):
                if from_page:
                    handle.dispatch_from_page(event["type"], event.get("data"))
                else:
                    handle.dispatch_lifecycle(event["type"], event.get("data"))
            else:
                self.rejected += 1
                log.warning("malformed event from %r dropped: %.200r", label, event)


# -- one runtime per settings, restarted after a crash ---------------------------------------

_runtimes: dict[str, NativeRuntime] = {}
_runtimes_lock = threading.Lock()
_all: weakref.WeakSet[NativeRuntime] = weakref.WeakSet()


def _key(settings: PyWrySettings) -> str:
    """Apps whose settings give the same child configuration share one child host.

    ``queue_limit`` is part of it: the host's queues are bounded by the limit of the app that
    started it, so an app asking for another bound needs a host of its own.
    """
    from wry_native.tauri_plugins import resolve

    return f"{resolve(settings).to_json()}|{settings.warm_windows}|{settings.queue_limit}"


def get_runtime(settings: PyWrySettings | None = None) -> NativeRuntime:
    """The running child for these settings, starting a fresh one when there is none.

    No settings (``TrayProxy.create()`` without ``app``) means the defaults: the host a plain
    ``PyWry()`` uses, so the seed's tray and windows share one child.
    """
    if settings is None:
        from wry.settings import PyWrySettings

        settings = PyWrySettings()
    key = _key(settings)
    with _runtimes_lock:
        previous = _runtimes.get(key)
        if previous is not None and previous.alive:
            return previous
        runtime = NativeRuntime(settings)
        _runtimes[key] = runtime
        _all.add(runtime)
        try:
            runtime.start()
            for app, menu in previous.app_menus.items() if previous is not None else ():
                # The child died: windows opened from now on get their app's menu again.
                runtime.request("set_menu", {"label": None, "app": app, "menu": menu})
                runtime.app_menus[app] = menu
        except BaseException:
            _runtimes.pop(key, None)
            runtime.kill()  # a child that started but could not take the menu must not linger
            raise
        return runtime


def stop_unused(
    runtimes: Iterable[NativeRuntime], busy: Callable[[NativeRuntime], bool]
) -> list[NativeRuntime]:
    """Stop those of ``runtimes`` with no window left that are not ``busy``; return the rest.

    ``PyWry.destroy`` passes the hosts its app used: a host with any window, or one ``busy``
    says another app still needs (its tray), stays; the next ``show()`` starts a fresh one.
    """
    with _runtimes_lock:
        idle = [rt for rt in runtimes if not rt.labels and not busy(rt)]
        for key, rt in list(_runtimes.items()):
            if rt in idle:
                del _runtimes[key]
    _stop_each(idle)
    return [rt for rt in runtimes if rt not in idle]


def stop_all() -> None:
    """Stop every child host (at exit, and by tests)."""
    with _runtimes_lock:
        runtimes = list(_all)
        _runtimes.clear()
    _stop_each(runtimes)


def _stop_each(runtimes: Iterable[NativeRuntime]) -> None:
    for runtime in runtimes:
        try:
            runtime.stop()
        except Exception:
            log.exception("stopping the native host failed")


atexit.register(stop_all)


def pipe_sender(fd: int) -> Send:
    """``send(data, block)`` for the child's stdin, set non-blocking so callers never wait."""
    os.set_blocking(fd, False)
    room = select.poll()  # not select(): it refuses descriptors past FD_SETSIZE (1024)
    room.register(fd, select.POLLOUT)

    def send(data: memoryview, block: bool) -> int:
        while True:
            try:
                return os.write(fd, data)
            except BlockingIOError:
                if not block:
                    return 0
                room.poll()  # room again, or the child gone (POLLERR: the write raises)

    return send


def _close_quietly(stream: IO[bytes] | None) -> None:
    if stream is not None:
        with contextlib.suppress(OSError, ValueError):
            stream.close()
