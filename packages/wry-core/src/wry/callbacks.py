"""The callback registry: which Python functions hear which page events.

Keys are ``(label, event_type)``; either may be ``"*"``. Dispatch runs callbacks in the order
they were registered, on the caller's thread, so events keep the order the transport read them in.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from wry.models import Callback, check_event_name

log = logging.getLogger("wry.callbacks")

ANY = "*"


class CallbackRegistry:
    """Thread-safe map of ``(label, event_type)`` to callbacks ``cb(data, event_type, label)``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[tuple[str, str, Callback]] = []
        self.errors = 0  # how many callbacks raised; each was logged

    def register(self, label: str, event_type: str, callback: Callback) -> Callable[[], None]:
        """Add ``callback``; returns a function that removes it again."""
        check_event_name(event_type)
        if not callable(callback):
            raise TypeError(f"callback for {event_type!r} must be callable, got {callback!r}")
        entry = (label, event_type, callback)
        with self._lock:
            self._entries = [*self._entries, entry]

        def remove() -> None:
            with self._lock:
                self._entries = [e for e in self._entries if e is not entry]

        return remove

    def unregister(
        self, label: str, event_type: str | None = None, callback: Callback | None = None
    ) -> int:
        """Remove matching entries (``None`` matches anything); returns how many went."""
        with self._lock:
            keep = [
                e
                for e in self._entries
                if not (
                    e[0] == label
                    and (event_type is None or e[1] == event_type)
                    and (callback is None or e[2] is callback)
                )
            ]
            removed = len(self._entries) - len(keep)
            self._entries = keep
        return removed

    def has(self, label: str, event_type: str) -> bool:
        """Whether any callback would hear this event."""
        return any(self._matches(e, label, event_type) for e in self._entries)

    def dispatch(self, label: str, event_type: str, data: Any) -> int:
        """Call every matching callback; a raising one is logged and the rest still run."""
        called = 0
        for entry in self._entries:  # a snapshot: the list is replaced, never mutated
            if not self._matches(entry, label, event_type):
                continue
            called += 1
            try:
                entry[2](data, event_type, label)
            except Exception:
                self.errors += 1
                log.exception("callback %r for %r in %r raised", entry[2], event_type, label)
        return called

    @staticmethod
    def _matches(entry: tuple[str, str, Callback], label: str, event_type: str) -> bool:
        return entry[0] in (label, ANY) and entry[1] in (event_type, ANY)
