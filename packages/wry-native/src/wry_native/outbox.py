"""The parent's outgoing stream: commands in order, fire-and-forget emits coalesced per window.

Callers never block on the pipe. One writer thread takes everything queued since its last write:
emits to the same window that are not separated by a command become one ``emit`` line (one
Tauri event carrying the whole batch), so a burst costs one call into the page, not one per
event, and a command (``close``, ``eval_js``…) still sees every emit queued before it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from wry.protocol import encode_batch
from wry_native.wire import emit_line


class OutboxClosed(RuntimeError):
    """The child is gone; nothing more can be sent."""


class Outbox:
    """Queue of lines and events, drained by one writer thread into ``write``."""

    def __init__(self, write: Callable[[str], None], name: str = "wry-native-out") -> None:
        self._write = write
        self._cond = threading.Condition()
        self._items: list[tuple[str | None, str]] = []  # (label, event) or (None, line)
        self._closed = False
        self.failed: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def emit(self, label: str, encoded_event: str) -> None:
        """Queue one encoded event for window ``label``."""
        self._put((label, encoded_event))

    def line(self, text: str) -> None:
        """Queue one complete request line."""
        self._put((None, text))

    def _put(self, item: tuple[str | None, str]) -> None:
        with self._cond:
            if self._closed:
                raise OutboxClosed("the native host is not running")
            self._items.append(item)
            if len(self._items) == 1:
                self._cond.notify()

    def close(self) -> None:
        """Write what is queued, then stop the writer."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        if threading.current_thread() is not self._thread:
            self._thread.join(5)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._items and not self._closed:
                    self._cond.wait()
                items, self._items = self._items, []
                closing = self._closed
            if items:
                try:
                    self._write(render(items))
                except Exception as exc:  # broken pipe: the runtime notices the exit
                    self.failed = exc
                    with self._cond:
                        self._closed = True
                    return
            if closing and not items:
                return


def render(items: list[tuple[str | None, str]]) -> str:
    """Turn queued items into lines, merging runs of emits per window between commands."""
    parts: list[str] = []
    groups: dict[str, list[str]] = {}
    for label, text in items:
        if label is None:
            parts.extend(emit_line(lbl, encode_batch(evs)) for lbl, evs in groups.items())
            groups = {}
            parts.append(text)
        else:
            groups.setdefault(label, []).append(text)
    parts.extend(emit_line(lbl, encode_batch(evs)) for lbl, evs in groups.items())
    return "".join(parts)
