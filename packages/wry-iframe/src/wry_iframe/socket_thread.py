"""The socket thread: it owns every page's WebSocket, and page callbacks run on it.

uvicorn serves HTTP and checks each WebSocket handshake; the accepted socket then moves here.
One thread reads every socket and turns frames into Python callbacks (one at a time, in
arrival order); a callback's first emit is written from here at once, so a page → Python →
page round trip crosses no thread at all. Measured against Chromium on this 2-core machine,
handing each frame from an event loop to a callback thread and each answer back cost
0.2-0.5 ms per round trip. Everything else emitted goes through the writer thread, another
instance of this class, so a callback that runs for a while holds back no one's events.

A slow callback delays the page events behind it (as one callback thread always did) but
loses none: unread bytes wait in the kernel, and the page's own buffer holds the rest.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import selectors
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Protocol

log = logging.getLogger("wry.iframe")

Job = Callable[[], None]

#: A stopping writer gives up on sockets that took no byte for this long (a page that stopped
#: reading); a page busy for a moment (a long script, a large message to parse) still gets
#: what waits for it, its close frame last.
DRAIN_STALL = 3.0
#: What a stopping writer leaves of stop()'s timeout for closing the sockets it gave up on.
DRAIN_MARGIN = 0.5


class Pollable(Protocol):
    """What the thread needs of a socket it watches (a page connection)."""

    sock: socket.socket

    def readable(self) -> None:
        """Data (or EOF) arrived."""

    def writable(self) -> None:
        """The kernel has room for what is waiting to be written."""

    def abort(self) -> None:
        """Close the socket now (a stopping writer gave up on it)."""

    def thread_ending(self) -> None:
        """The thread is stopping: close the socket, or leave it to the writer to close."""


class SocketThread:
    """A selector loop with a job queue and timers, on one daemon thread.

    The server runs two: ``wry-iframe-sockets`` reads every page socket and runs the
    callbacks; ``wry-iframe-writer`` sends what the callbacks did not send themselves, and
    waits for room in the kernel when a page reads slowly (no reading thread ever waits).

    With ``drain_on_stop`` (the writer), ``stop()`` lets the thread first send what still
    waits for room, close frames among it, and then close those sockets: see :meth:`stop`.
    """

    def __init__(self, name: str = "wry-iframe-sockets", drain_on_stop: bool = False) -> None:
        self._drain_on_stop = drain_on_stop
        self._drain_until = 0.0
        self._adopted: list[Pollable] = []  # sockets to close once the draining ends
        self._selector = selectors.DefaultSelector()
        self._wake_in, self._wake_out = socket.socketpair()
        self._wake_in.setblocking(False)
        self._wake_out.setblocking(False)
        self._selector.register(self._wake_in, selectors.EVENT_READ, None)
        self._jobs: deque[Job | None] = deque()
        self._woken = False
        self._wake_lock = threading.Lock()
        self._timers: list[tuple[float, int, Job]] = []
        self._timer_ids = itertools.count()
        self._after: dict[int, Job] = {}  # run once the current event is handled (flushes)
        self._stopped = False
        #: guards the two flags below; stop() waits on it
        self._state = threading.Condition(threading.Lock())
        self._in_callbacks = 0  # user callbacks running on this thread (running_callbacks)
        self._finished = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    # -- any thread -------------------------------------------------------------------------

    def submit(self, job: Job) -> bool:
        """Run ``job`` on this thread, after every job submitted before it.

        False when the thread has stopped (the job will never run).
        """
        with self._wake_lock:  # never after stop()'s sentinel: such a job would never run
            if self._stopped:
                return False
            self._jobs.append(job)
            if self._woken:
                return True
            self._woken = True
        with contextlib.suppress(OSError):  # stopped meanwhile
            self._wake_out.send(b"\0")
        return True

    def on_thread(self) -> bool:
        """Whether the caller runs on this thread (i.e. inside a page callback)."""
        return threading.current_thread() is self._thread

    def stop(self, timeout: float = 5.0, while_busy: Job | None = None) -> None:
        """Run the jobs already submitted, then end the thread (never from inside it).

        Waits at most ``timeout``, and not at all for page callbacks that are running: one
        may never return, and the process must still exit promptly. The thread then ends
        once they return (it is a daemon). ``while_busy`` runs in that case, on the caller's
        thread, while the callbacks are held from returning (the thread's state stays put).
        A ``submit`` from now on (with ``drain_on_stop``: once the draining ends) returns
        False, so its caller cleans up itself.

        With ``drain_on_stop`` the thread then goes on sending what waits for room in the
        kernel, and waiting for the pages' answers to the close frames (their sockets watched
        for reading), and running jobs, until every socket is done, none took or sent a byte
        for ``DRAIN_STALL`` s, or ``timeout`` (less ``DRAIN_MARGIN``) has passed; it then
        closes the sockets it still watches and those it adopted. Without it, a close frame queued
        behind a large emit was never sent: the page was cut without its close code.
        """
        with self._wake_lock:
            if not self._drain_on_stop:
                self._stopped = True
            self._drain_until = time.monotonic() + max(0.0, timeout - DRAIN_MARGIN)
            self._jobs.append(None)
        with contextlib.suppress(OSError):
            self._wake_out.send(b"\0")
        if self.on_thread():
            return
        deadline = time.monotonic() + timeout
        with self._state:
            if not self._thread.is_alive():
                return
            self._state.wait_for(lambda: self._finished or self._in_callbacks > 0, timeout)
            if self._in_callbacks and not self._finished:
                log.info("wry-iframe: a page callback is still running; not waiting for it")
                if while_busy is not None:
                    self._guard(while_busy)
                return
        self._thread.join(max(0.0, deadline - time.monotonic()))

    @contextlib.contextmanager
    def running_callbacks(self) -> Iterator[None]:
        """Mark user callbacks running on this thread: ``stop()`` does not wait for them."""
        with self._state:
            self._in_callbacks += 1
            self._state.notify_all()
        try:
            yield
        finally:
            with self._state:
                self._in_callbacks -= 1

    def adopt(self, conn: Pollable) -> bool:
        """Close ``conn`` when this stopping writer ends; False when it has ended already."""
        with self._wake_lock:
            if self._stopped:
                return False
            self._adopted.append(conn)
            return True

    # -- this thread only -------------------------------------------------------------------

    def watch(self, conn: Pollable, events: int = selectors.EVENT_READ) -> None:
        """Watch ``conn.sock`` for ``events`` (``selectors.EVENT_READ`` and/or ``EVENT_WRITE``)."""
        try:
            self._selector.modify(conn.sock, events, conn)
        except KeyError:
            self._selector.register(conn.sock, events, conn)

    def forget(self, conn: Pollable) -> None:
        """Stop watching ``conn.sock`` (before it is closed)."""
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(conn.sock)

    def call_later(self, delay: float, job: Job) -> None:
        """Run ``job`` on this thread in ``delay`` seconds."""
        heapq.heappush(self._timers, (time.monotonic() + delay, next(self._timer_ids), job))

    def after_event(self, key: int, job: Job) -> None:
        """Run ``job`` once the current socket event or job is handled (once per ``key``)."""
        self._after.setdefault(key, job)

    def _run(self) -> None:
        select = self._selector.select
        timeout: float | None = None
        while True:
            if self._handle(select(timeout)):
                self._end()
                return
            timeout = None
            if not self._timers:
                continue
            if self._timers[0][0] > time.monotonic():
                timeout = max(0.0, self._timers[0][0] - time.monotonic())
                continue
            # Timers are due: first take what arrived meanwhile (a long callback may have
            # held this thread), so a timer never judges a socket on stale news.
            if self._handle(select(0)):
                self._end()
                return
            now = time.monotonic()
            while self._timers and self._timers[0][0] <= now:
                self._guard(heapq.heappop(self._timers)[2])
                self._run_after()
            if self._timers:
                timeout = max(0.0, self._timers[0][0] - time.monotonic())

    def _handle(self, ready: list[tuple[selectors.SelectorKey, int]]) -> bool:
        """Serve ready sockets and jobs; True when the thread has stopped."""
        for key, mask in ready:
            conn = key.data
            if conn is None:
                if self._run_jobs():
                    return True
                continue
            if mask & selectors.EVENT_WRITE:
                self._guard(conn.writable)
            if mask & selectors.EVENT_READ:
                self._guard(conn.readable)
            self._run_after()
        return False

    def _run_jobs(self) -> bool:
        """Run the queued jobs; True when asked to stop."""
        # Drain the wake-up bytes before clearing the flag: a submit in between then finds
        # the flag set and its job already queued, and one after it sends a fresh byte.
        try:
            while self._wake_in.recv(4096):
                pass
        except BlockingIOError:
            pass
        with self._wake_lock:
            self._woken = False
        while self._jobs:
            job = self._jobs.popleft()
            if job is None:
                return True
            self._guard(job)
            self._run_after()
        return False

    def _run_after(self) -> None:
        while self._after:
            _, job = self._after.popitem()
            self._guard(job)

    @staticmethod
    def _guard(job: Job) -> None:
        try:
            job()
        except Exception:  # a bug here must not end delivery for every page
            log.exception("wry-iframe socket thread: %r failed", job)

    def _end(self) -> None:
        if self._drain_on_stop:
            self._drain()
        self._finish()

    def _drain(self) -> None:
        """Send what waits for room in the kernel, until it is sent or the pages stall."""
        progress = time.monotonic()
        while self._writing():
            now = time.monotonic()
            end = min(self._drain_until, progress + DRAIN_STALL)
            if now >= end:
                log.info("wry-iframe: a page stopped reading; its socket closes unfinished")
                return
            ready = self._selector.select(end - now)
            if any(key.data is not None for key, _ in ready):  # written or read: the page lives
                progress = time.monotonic()
            self._handle(ready)  # jobs keep running: releases, sockets to watch

    def _writing(self) -> bool:
        """Whether a socket still waits for room in the kernel, or for the page's answer."""
        return any(key.data is not None for key in list(self._selector.get_map().values()))

    def _finish(self) -> None:
        with self._wake_lock:
            self._stopped = True
            adopted, self._adopted = self._adopted, []
        if self._drain_on_stop:
            self._run_jobs()  # submitted while draining: they run before the selector closes
            for key in list(self._selector.get_map().values()):
                if key.data is not None:
                    self._guard(key.data.abort)
            for conn in adopted:
                self._guard(conn.abort)
        else:
            for key in list(self._selector.get_map().values()):
                if key.data is not None:
                    self._guard(key.data.thread_ending)
        self._selector.close()
        self._wake_in.close()
        self._wake_out.close()
        with self._state:
            self._finished = True
            self._state.notify_all()
