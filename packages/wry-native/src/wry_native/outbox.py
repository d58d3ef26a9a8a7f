"""An outgoing JSON-lines stream: commands in order, fire-and-forget emits coalesced per window.

Used by the parent (requests and emits to the child) and by the child (replies and events to the
parent). Each write takes everything queued since the previous one:
emits to the same window that are not separated by a command become one ``emit`` line (one
script evaluated in the page with the whole batch), so a burst costs one call into the page,
not one per event, and a command (``close``, ``eval_js``…) still sees every emit queued
before it. A merged line holds at most ``MERGE_CHARS`` characters of events (or a single
event), so a backlog never makes a line the child must refuse for its length.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from wry.protocol import PayloadError, encode_batch, json_utf8
from wry.widget import QueueFullError
from wry_native.wire import DEFAULT_MAX_LINE, MAX_LINE_ENV, emit_line

#: ``send(data, block)`` writes some of ``data`` and returns how many bytes; with ``block``
#: False it returns 0 rather than wait for room (the writer thread then takes over).
Send = Callable[[memoryview, bool], int]


class OutboxClosed(RuntimeError):
    """The child is gone; nothing more can be sent."""


#: Messages closer together than this count as a burst (and go to the writer thread).
BURST_GAP_S = 0.0005

#: A merged emit line takes events up to this many characters (then a new line starts):
#: large enough that the per-line cost is nothing, small enough for any sane line limit.
MERGE_CHARS = 4 * 1024 * 1024
#: UTF-8 bytes one character of JSON text may take on the wire (a lone surrogate: ``\uXXXX``).
WIRE_BYTES_PER_CHAR = 6
#: Room for an emit line's own text (its prefix, a label of up to 200 characters, the newline).
EMIT_FRAME = 1024


class Outbox:
    """Ordered queue of lines and events, written whole and in order.

    A caller that finds the outbox idle writes its message itself (no thread hop: lowest
    latency). Callers arriving during a write only append; the writing thread takes their items
    in its next round, merged. With ``thread=True`` (the parent), a message that follows the
    previous write within ``BURST_GAP_S`` is left to a writer thread instead, so a burst of
    emits leaves the caller at once and reaches the child as a few large batches; and a caller
    never waits for room in the pipe: what does not fit goes to the writer thread, so a child
    that stops reading cannot hold a request past its timeout. At most ``queue_limit`` items
    wait (a child that stopped reading): one more emit raises :class:`QueueFullError`. An event
    that cannot fit the child's ``max_line`` raises :class:`PayloadError` (it would be refused).
    A write that fails closes the outbox and is reported to ``on_failure(exc)``.
    """

    def __init__(
        self,
        send: Send,
        thread: bool = False,
        queue_limit: int | None = None,
        max_line: int = DEFAULT_MAX_LINE,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._send = send
        self._on_failure = on_failure
        self.queue_limit = queue_limit
        self.max_line = max_line
        #: Events up to this length fit a line whatever their characters; longer ones are measured.
        self._surely_fits = (max_line - EMIT_FRAME) // WIRE_BYTES_PER_CHAR
        #: Merged lines stay within the limit even if every character takes the most bytes.
        self._merge_chars = min(MERGE_CHARS, self._surely_fits // 2)
        self._cond = threading.Condition()
        self._items: list[tuple[str | None, str]] = []  # (label, event) or (None, line)
        self._writing = False  # a thread owns the writing (only one ever does)
        self._carry: memoryview | None = None  # what a caller could not write: next out
        self._handed_over = False  # the writer thread owns the writing from the caller
        self._closed = False
        self.failed: BaseException | None = None
        self._last_write = 0.0
        self._thread: threading.Thread | None = None
        if thread:
            self._thread = threading.Thread(target=self._serve, name="wry-outbox", daemon=True)
            self._thread.start()

    def _serve(self) -> None:
        while True:
            with self._cond:
                # A caller may be writing: one writer at a time keeps the order. Closed, the
                # thread still waits for it: what does not fit in the pipe comes here.
                self._cond.wait_for(
                    lambda: (
                        self._handed_over or (not self._writing and (self._items or self._closed))
                    )
                )
                if self._handed_over:
                    self._handed_over = False
                elif not self._items:  # closed, and nothing is written or left to write
                    return
                else:
                    self._writing = True
            self._drain(block=True)

    def emit(self, label: str, encoded_event: str) -> None:
        """Queue one encoded event for window ``label``."""
        if len(encoded_event) > self._surely_fits:
            overhead = len(emit_line(label, "[]").encode("utf-8"))
            self._check_fits(encoded_event, overhead, "an event")
        limit = self.queue_limit
        if limit is not None and len(self._items) >= limit:
            with self._cond:
                if len(self._items) >= limit and not self._closed:
                    raise QueueFullError(
                        f"{len(self._items)} events wait to be written to the native host "
                        f"(queue_limit={limit}): the host is not reading (stopped or busy) "
                        "or emits outpace it; slow down, or raise PyWrySettings.queue_limit"
                    )
        self._put((label, encoded_event))

    def _check_fits(self, text: str, overhead: int, what: str) -> None:
        """Raise PayloadError for ``text`` whose line the child would refuse as too long."""
        size = (len(text) if text.isascii() else len(json_utf8(text))) + overhead
        if size > self.max_line:
            raise PayloadError(
                f"{what} of {size} bytes cannot reach the native host, whose lines hold at "
                f"most {self.max_line} bytes ({MAX_LINE_ENV}): send it in smaller parts"
            )

    def line(self, text: str, checked: bool = False) -> None:
        """Queue one complete request line; ``checked`` refuses one the child would refuse."""
        if checked and len(text) > self._surely_fits:
            self._check_fits(text, 0, "a request")
        self._put((None, text))

    def _put(self, item: tuple[str | None, str]) -> None:
        with self._cond:
            if self._closed:
                raise OutboxClosed("the native host is not running")
            self._items.append(item)
            if self._writing:
                return
            if self._thread is not None and time.monotonic() - self._last_write < BURST_GAP_S:
                self._cond.notify_all()  # part of a burst: the writer thread batches it
                return
            self._writing = True
        self._drain(block=self._thread is None)

    def _drain(self, block: bool) -> None:
        while True:
            with self._cond:
                data, self._carry = self._carry, None
                if data is None:
                    items, self._items = self._items, []
                    if not items:
                        self._writing = False
                        if self._closed:  # close() waits for this; the writer thread exits
                            self._cond.notify_all()
                        return
            try:
                if data is None:
                    data = memoryview(json_utf8(render(items, self._merge_chars)))
                while data:
                    sent = self._send(data, block)
                    if not sent and not block:  # no room: the writer thread waits for it
                        with self._cond:
                            self._carry, self._handed_over = data, True
                            self._cond.notify_all()
                        return
                    data = data[sent:]
                self._last_write = time.monotonic()
            except Exception as exc:  # broken pipe: the runtime notices the exit
                with self._cond:
                    self.failed = exc
                    self._closed = True
                    self._items = []
                    self._carry = None
                    self._writing = self._handed_over = False
                    self._cond.notify_all()
                if self._on_failure is not None:
                    self._on_failure(exc)
                return

    def close(self, timeout: float = 5.0) -> bool:
        """Refuse new items and wait (up to ``timeout``) until what is queued is written.

        False when something is still being written (a child that stopped reading).
        """
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            return self._cond.wait_for(
                lambda: not self._writing and not self._items and self._carry is None, timeout
            )


def render(items: list[tuple[str | None, str]], merge_chars: int = MERGE_CHARS) -> str:
    """Turn queued items into lines, merging runs of emits per window between commands.

    Once the events merged since the last line pass ``merge_chars`` characters, the pending
    lines are written out and merging starts again (each window's events stay in order).
    """
    parts: list[str] = []
    groups: dict[str, list[str]] = {}
    pending = 0
    for label, text in items:
        if label is None:
            _flush(groups, parts)
            pending = 0
            parts.append(text)
            continue
        pending += len(text)
        if pending > merge_chars and groups:
            _flush(groups, parts)
            pending = len(text)
        group = groups.get(label)
        if group is None:
            groups[label] = [text]
        else:
            group.append(text)
    _flush(groups, parts)
    return "".join(parts)


def _flush(groups: dict[str, list[str]], parts: list[str]) -> None:
    """Append one emit line per window for the merged events, and forget them."""
    parts.extend(emit_line(label, encode_batch(events)) for label, events in groups.items())
    groups.clear()
