"""The driver: show content through a transport, act as Python, and observe the page.

Observation goes through a channel independent of the transport under test where one exists
(Playwright for a browser page, Tauri's eval for a native window), so a broken transport
cannot hide its own mistakes.
"""

from __future__ import annotations

import json
import threading
import time
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from wry.app import PyWry
from wry.widget import BaseWidget


class Session(ABC):
    """One shown page: Python-side actions plus JS-side observation."""

    label: str

    @abstractmethod
    def emit(self, event_type: str, data: Any = None) -> None:
        """``handle.emit`` on the Python side."""

    @abstractmethod
    def update(self, html: str) -> None:
        """``handle.update`` on the Python side."""

    @abstractmethod
    def record(self, event_type: str) -> None:
        """Register a Python callback that records every ``event_type`` event."""

    @abstractmethod
    def recorded(self, event_type: str) -> list[dict[str, Any]]:
        """What the recording callback got so far: ``{"data", "type", "label"}`` dicts."""

    @abstractmethod
    def js(self, expression: str) -> Any:
        """Evaluate a JS expression in the page (a Promise is awaited) and return its value."""

    @abstractmethod
    def close(self) -> None:
        """Close the widget."""

    @abstractmethod
    def python(self, code: str) -> Any:
        """Run Python code with ``handle`` and ``app`` bound; return its ``result`` variable."""

    def wait_recorded(
        self, event_type: str, count: int = 1, timeout: float = 15.0
    ) -> list[dict[str, Any]]:
        """Block until ``count`` events of ``event_type`` were recorded; raise on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.recorded(event_type)
            if len(got) >= count:
                return got
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{len(got)} of {count} {event_type!r} events reached Python in {timeout} s"
                )
            self._pause()

    def wait_js(self, expression: str, timeout: float = 15.0) -> Any:
        """Block until a JS expression is truthy; return its value; raise on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"{expression!r} still falsy after {timeout} s")
            self._pause()

    def _pause(self) -> None:
        """Yield between two polls of a condition (drivers with an event loop override this)."""
        threading.Event().wait(0.01)


class Driver(ABC):
    """Makes sessions on one transport."""

    name: str

    @abstractmethod
    def show(self, html: str, *, early: Sequence[tuple[str, Any]] = (), **options: Any) -> Session:
        """Show ``html`` and return a session once the page reported ``pywry:ready``.

        ``early`` events are emitted right after ``app.show()`` returns, before any client
        has loaded the page: users emit at once, so every transport must keep them.
        ``options`` go to ``app.show()``.
        """

    def close(self) -> None:  # noqa: B027  (optional)
        """Release everything the driver started."""


class LocalSession(Session):
    """A session whose Python side runs in this process (native, iframe, third parties)."""

    def __init__(self, driver: LocalDriver, handle: BaseWidget) -> None:
        self.driver = driver
        self.handle = handle
        self.label = handle.label
        self._lock = threading.Lock()
        self._recorded: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._recording: set[str] = set()

    def emit(self, event_type: str, data: Any = None) -> None:
        self.handle.emit(event_type, data)

    def update(self, html: str) -> None:
        self.handle.update(html)

    def record(self, event_type: str) -> None:
        if event_type in self._recording:
            return
        self._recording.add(event_type)

        def callback(data: Any, etype: str, label: str) -> None:
            with self._lock:
                self._recorded[event_type].append({"data": data, "type": etype, "label": label})

        self.handle.on(event_type, callback)

    def recorded(self, event_type: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._recorded[event_type])

    def js(self, expression: str) -> Any:
        return self.driver.evaluate(self, expression)

    def close(self) -> None:
        self.handle.close()

    def python(self, code: str) -> Any:
        scope: dict[str, Any] = {"handle": self.handle, "app": self.driver.app, "json": json}
        exec(code, scope)
        return scope.get("result")


class LocalDriver(Driver):
    """A driver for transports that run in this process; subclasses attach and evaluate."""

    def __init__(self, name: str, app: PyWry | None = None) -> None:
        self.name = name
        self.app = app if app is not None else PyWry(transport=name)

    def show(self, html: str, *, early: Sequence[tuple[str, Any]] = (), **options: Any) -> Session:
        ready = threading.Event()
        label = options.pop("label", None) or f"t-{time.monotonic_ns()}"
        self.app.on("pywry:ready", lambda d, t, lab: ready.set(), label=label)
        handle = self.app.show(html, label=label, **options)
        for event_type, data in early:
            handle.emit(event_type, data)
        self.attach(handle)
        if not ready.wait(30):
            raise TimeoutError(f"{self.name}: page {handle.label!r} never reported pywry:ready")
        return LocalSession(self, handle)

    def attach(self, handle: BaseWidget) -> None:
        """Bring a client to the page if the transport needs one (e.g. open a browser tab)."""

    @abstractmethod
    def evaluate(self, session: LocalSession, expression: str) -> Any:
        """Evaluate ``expression`` in the session's page."""

    def close(self) -> None:
        self.app.destroy()
