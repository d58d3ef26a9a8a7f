"""The Python → page event log of one widget: numbered, bounded, replayable.

Every emitted event gets a sequence number. It stays in the log until the page acknowledges
it, so a page that connects late receives everything emitted before, and a page that
reconnects receives exactly what it missed, in order. The log never grows past
``queue_limit`` events: ``put`` raises :class:`QueueFullError` instead.
"""

from __future__ import annotations

import sys
import threading

from wry.widget import QueueFullError

#: Largest frame the sender builds (characters); a bigger burst leaves in several frames.
MAX_FRAME_CHARS = 4 * 1024 * 1024


class Outbox:
    """Encoded events numbered from 1; ``first_seq`` is the oldest one not yet acknowledged.

    Thread-safe: ``put`` runs on user threads, ``take``/``ack``/``rewind`` on the server's.
    """

    def __init__(self, queue_limit: int, name: str) -> None:
        self.queue_limit = queue_limit
        self.name = name
        self.lock = threading.Lock()
        self._acknowledged = threading.Condition(self.lock)
        self._events: list[str] = []
        self._head = 0  # index in _events of first_seq (acknowledged entries are skipped)
        self.first_seq = 1
        self.next_seq = 1
        self.sent_seq = 0  # last seq handed to the current connection
        self.wake_scheduled = False  # the sender will run ``take`` again without a new wake-up
        self.dropped_from = sys.maxsize  # first seq ``clear`` dropped unacknowledged

    def put(self, encoded_event: str) -> bool:
        """Append one event; True when the sender must be woken up for it."""
        with self.lock:
            return self._append(encoded_event)

    def put_numbered(self, encoded_event: str) -> tuple[int, bool]:
        """Append one event: (its seq, whether the sender must be woken up for it)."""
        with self.lock:
            seq = self.next_seq
            return seq, self._append(encoded_event)

    def _append(self, encoded_event: str) -> bool:
        """``put`` with the lock held."""
        waiting = self.next_seq - self.first_seq
        if waiting >= self.queue_limit:
            raise QueueFullError(
                f"{self.name} has {waiting} events its page has not acknowledged "
                f"(queue_limit={self.queue_limit}): the page is not connected or not "
                "keeping up; open handle.url, or raise PyWrySettings.queue_limit"
            )
        self._events.append(encoded_event)
        self.next_seq += 1
        if self.wake_scheduled:
            return False
        self.wake_scheduled = True
        return True

    @property
    def pending(self) -> int:
        """Events not yet acknowledged by the page."""
        with self.lock:
            return self.next_seq - self.first_seq

    def wait_acknowledged(self, timeout: float | None = None) -> bool:
        """Block until the page has acknowledged every event put so far; False on timeout."""
        with self.lock:
            target = self.next_seq
            if not self._acknowledged.wait_for(lambda: self.first_seq >= target, timeout):
                return False
            return self.dropped_from >= target  # cleared before the page had them: not delivered

    def take(self) -> tuple[int, list[str], bool]:
        """The next unsent events: (first seq, events, more left), at most a frame's worth."""
        with self.lock:
            start = self._head + (self.sent_seq + 1 - self.first_seq)
            out: list[str] = []
            size = 0
            for event in self._events[start:]:
                if out and size + len(event) > MAX_FRAME_CHARS:
                    break
                out.append(event)
                size += len(event) + 1
            first = self.sent_seq + 1
            self.sent_seq += len(out)
            more = self.sent_seq < self.next_seq - 1
            if not more:
                self.wake_scheduled = False
            return first, out, more

    def ack(self, seq: int) -> None:
        """The page has every event up to ``seq``: forget them."""
        with self.lock:
            seq = min(seq, self.sent_seq)
            if seq < self.first_seq:
                return
            head = self._head + seq + 1 - self.first_seq
            for i in range(self._head, head):  # the page has them: free them now
                self._events[i] = ""
            self._head = head
            self.first_seq = seq + 1
            self._acknowledged.notify_all()
            if self._head > 1024 and self._head * 2 > len(self._events):
                del self._events[: self._head]
                self._head = 0

    def rewind(self, page_has: int) -> None:
        """A (re)connected page holds events up to ``page_has``: resend everything after."""
        self.ack(min(page_has, self.next_seq - 1))
        with self.lock:
            self.sent_seq = self.first_seq - 1
            self.wake_scheduled = True  # a new sender starts by taking what is there

    def clear(self) -> int:
        """Drop everything (the widget closed); returns how many were never acknowledged."""
        with self.lock:
            dropped = self.next_seq - self.first_seq
            if dropped:
                self.dropped_from = min(self.dropped_from, self.first_seq)
            self._events.clear()
            self._head = 0
            self.first_seq = self.next_seq
            self.sent_seq = self.next_seq - 1
            self._acknowledged.notify_all()
            return dropped
