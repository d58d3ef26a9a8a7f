"""The callback registry: which Python functions hear which page events.

Keys are ``(label, event_type)``; either may be ``"*"``. Dispatch runs callbacks in the order
they were registered, on the caller's thread, so events keep the order the transport read them in.
Dispatch looks the matching callbacks up by key instead of scanning every registration: an app
with a hundred pages spent ~50 µs per event on the scan (~1 µs with the lookup).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from wry.models import Callback, check_event_name

log = logging.getLogger("wry.callbacks")

ANY = "*"
#: Distinct ``(label, event_type)`` lookups remembered (pages choose their event names freely,
#: so the memo is emptied when it reaches this size rather than growing without end).
MEMO_SIZE = 4096

Entry = tuple[str, str, Callback]


def _exit_ends_the_program() -> bool:
    """Whether a callback's ``sys.exit()`` may go on: on the main thread of a plain program."""
    from wry.transport import in_jupyter_kernel

    return threading.current_thread() is threading.main_thread() and not in_jupyter_kernel()


class CallbackRegistry:
    """Thread-safe map of ``(label, event_type)`` to callbacks ``cb(data, event_type, label)``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # (every registration, the matches of each key looked up since): replaced as one on
        # every change, so a dispatch racing a change sees one generation or the other
        self._state: tuple[tuple[Entry, ...], dict[tuple[str, str], tuple[Entry, ...]]] = ((), {})
        self.errors = 0  # how many callbacks raised; each was logged

    @property
    def _entries(self) -> tuple[Entry, ...]:
        return self._state[0]

    def _replace(self, entries: tuple[Entry, ...]) -> None:
        """Install a new set of registrations (lock held)."""
        self._state = (entries, {})

    def _matching(self, label: str, event_type: str) -> tuple[Entry, ...]:
        """The callbacks that hear ``event_type`` from ``label``, in registration order."""
        entries, memo = self._state
        key = (label, event_type)
        found = memo.get(key)
        if found is None:
            found = tuple(e for e in entries if self._matches(e, label, event_type))
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[key] = found
        return found

    def register(self, label: str, event_type: str, callback: Callback) -> Callable[[], None]:
        """Add ``callback``; returns a function that removes it again."""
        check_event_name(event_type)
        if not callable(callback):
            raise TypeError(f"callback for {event_type!r} must be callable, got {callback!r}")
        entry = (label, event_type, callback)
        with self._lock:
            self._replace((*self._entries, entry))

        def remove() -> None:
            with self._lock:
                self._replace(tuple(e for e in self._entries if e is not entry))

        return remove

    def unregister(
        self, label: str, event_type: str | None = None, callback: Callback | None = None
    ) -> int:
        """Remove matching entries (``None`` matches anything); returns how many went."""
        with self._lock:
            keep = tuple(
                e
                for e in self._entries
                if not (
                    e[0] == label
                    and (event_type is None or e[1] == event_type)
                    and (callback is None or e[2] is callback)
                )
            )
            removed = len(self._entries) - len(keep)
            self._replace(keep)
        return removed

    def owned_by(self, label: str) -> tuple[Entry, ...]:
        """The registrations made for ``label`` itself (not for ``*``), for :meth:`discard`."""
        return tuple(e for e in self._entries if e[0] == label)

    def discard(self, entries: tuple[Entry, ...]) -> None:
        """Remove exactly these registrations; any made since for the same label stay."""
        gone = {id(e) for e in entries}
        with self._lock:
            self._replace(tuple(e for e in self._entries if id(e) not in gone))

    def has(self, label: str, event_type: str) -> bool:
        """Whether any callback would hear this event."""
        return bool(self._matching(label, event_type))

    def dispatch(self, label: str, event_type: str, data: Any) -> int:
        """Call every matching callback; a raising one is logged and the rest still run."""
        matching = self._matching(label, event_type)  # a snapshot: changes make new tuples
        for entry in matching:
            try:
                entry[2](data, event_type, label)
            except Exception:
                self.errors += 1
                log.exception("callback %r for %r in %r raised", entry[2], event_type, label)
            except SystemExit:
                if _exit_ends_the_program():
                    raise
                # elsewhere it would silently end the transport's thread, and every page with
                # it; in a kernel it would end the kernel (notebook callbacks run on its main
                # thread), where a cell's sys.exit() ends nothing
                self.errors += 1
                log.error(
                    "callback %r for %r in %r called sys.exit(), which ends no program from "
                    "a transport's thread or a Jupyter kernel: ignored. Close the widgets "
                    "(app.destroy()) so that app.block() returns, and exit from there",
                    entry[2],
                    event_type,
                    label,
                )
        return len(matching)

    @staticmethod
    def _matches(entry: Entry, label: str, event_type: str) -> bool:
        return entry[0] in (label, ANY) and entry[1] in (event_type, ANY)
