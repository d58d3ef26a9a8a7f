"""Ordering, pre-render queueing and coalescing of Python → JS events for one widget.

Jupyter's server silently drops iopub messages above 1000/s (averaged over 3 s), so a widget
that streams must not send one message per event. The outbox sends an isolated event at once
(round trips stay as short as the kernel allows) and coalesces a burst into at most one message
per ``interval``, and all widgets of the process share one message budget (``RateBudget``): a
loop of 5,000 ``emit()`` calls becomes a handful of messages, far below the limit. Until a view
has said it is live, events wait here and leave in order when it does.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from wry.protocol import encode_batch
from wry.widget import QueueFullError

log = logging.getLogger("wry.notebook")


class Deliver(Protocol):
    """Puts one batch on the wire.

    ``seq`` counts batches from 1, ``first`` is the number of events sent before this batch
    (the index of its first event). ``again`` is ``(index, count)`` when the batch's first
    ``count`` events are sent again (``requeue_unseen``), first sent as events ``index``...:
    a page that received them then skips them.
    """

    def __call__(
        self, seq: int, first: int, events_json: str, again: tuple[int, int] | None = None
    ) -> None: ...


#: ``displaced(count)`` hears of each sent-again event an ``emit()`` pushed out (``count``: how
#: many since the last ``requeue_unseen``), lost so that the user's own event finds room.
Displaced = Callable[[int], None]

#: Characters of JSON an outbox keeps of what it sent, for a page that leaves unnoticed.
HISTORY_CHARS = 16 * 1024 * 1024


class RateBudget:
    """A token bucket shared by every outbox of the process.

    Jupyter counts iopub messages per kernel, not per widget: ten widgets streaming at once must
    stay under the limit together. Tokens refill at ``rate`` per second up to ``burst``; spending
    may go into debt (a burst split into many batches), which later sends then wait out.
    """

    def __init__(self, rate: float = 200.0, burst: float = 50.0) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def _refill_locked(self) -> None:
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def delay(self) -> float:
        """Seconds until one message may be sent (0 when it may be sent now)."""
        with self._lock:
            self._refill_locked()
            return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate

    def spend(self, messages: int) -> None:
        """Record ``messages`` sent."""
        with self._lock:
            self._refill_locked()
            self._tokens -= messages


#: The process-wide budget: at most ~200 widget messages/s sustained, a fifth of Jupyter's limit.
BUDGET = RateBudget()


class Flusher:
    """One thread that sends, for every outbox of the process, the bursts that wait for their time.

    A notebook may hold hundreds of widgets; one thread each would be hundreds of threads,
    nearly all asleep. An outbox asks to be woken at the time its next batch may leave; this
    thread wakes it then, and the outbox sends under its own lock, so order is the outbox's.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._due: list[tuple[float, int, Outbox]] = []  # a heap: (when, tie-break, outbox)
        self._count = 0
        self._thread: threading.Thread | None = None

    def schedule(self, outbox: Outbox, delay: float) -> None:
        """Have ``outbox.flush_due()`` called in ``delay`` seconds (from this thread)."""
        with self._lock:
            self._count += 1
            heapq.heappush(self._due, (time.monotonic() + delay, self._count, outbox))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="wry-notebook-flusher", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._due or self._due[0][0] > time.monotonic():
                    self._wake.wait(self._due[0][0] - time.monotonic() if self._due else None)
                _, _, outbox = heapq.heappop(self._due)
            try:  # outside our lock: the outbox takes its own, then may schedule again
                outbox.flush_due()
            except Exception:  # never let one widget stop the others' bursts
                log.exception("flushing %s failed", outbox.name)


#: The one flusher of the process.
FLUSHER = Flusher()


class OutboxClosedError(RuntimeError):
    """An event was put after the widget closed."""


class Outbox:
    """A FIFO of encoded events that leaves in batches, in order, once a view is live.

    Thread-safe: ``put`` may be called from any thread; batches are delivered under one lock,
    so they reach the wire in the order their events were put.
    """

    def __init__(
        self,
        deliver: Deliver,
        *,
        interval: float = 0.01,
        max_batch_chars: int = 4 * 1024 * 1024,
        queue_limit: int = 100_000,
        name: str = "widget",
        budget: RateBudget = BUDGET,
        flusher: Flusher = FLUSHER,
        displaced: Displaced = lambda count: None,
    ) -> None:
        self._deliver = deliver
        self._displaced = displaced
        self._budget = budget
        self._flusher = flusher
        self.interval = interval
        self.max_batch_chars = max_batch_chars
        self.queue_limit = queue_limit
        self.name = name
        self._lock = threading.Lock()
        self._events: list[str] = []
        self._ready = False
        self._closed = False
        self._last_sent = float("-inf")
        self._scheduled = False  # the flusher will call flush_due()
        self.seq = 0  # batches delivered so far
        self.events_sent = 0
        # what was sent lately, (index of the first event, events, their characters), for
        # requeue_unseen()
        self._history: deque[tuple[int, list[str], int]] = deque()
        self._history_events = 0
        self._history_chars = 0
        # events before this index were seen, sent again or counted lost by requeue_unseen()
        self._resolved = 0
        # the first events of _events that requeue_unseen() put back, not the user's emits
        self._resent = 0
        self._resent_origin = 0  # the index _events[0] was first sent as, while _resent
        self._displaced_count = 0  # sent-again events pushed out by emits since the requeue
        #: the indices ``[from, to)`` the last ``requeue_unseen`` sent again (first sent as)
        self.last_resent = (0, 0)
        #: the indices ``[from, to)`` the last ``requeue_unseen`` found lost (no longer kept)
        self.last_lost = (0, 0)

    # -- producers -----------------------------------------------------------------------------

    def put(self, encoded_event: str) -> None:
        """Queue one encoded event: it leaves now, with its burst, or once a view is live."""
        with self._lock:
            if self._closed:
                raise OutboxClosedError(f"{self.name} is closed")
            full = not self._ready and len(self._events) >= self.queue_limit
            # queue_limit bounds what the user emitted, not the events sent again before it
            own = len(self._events) - self._resent
            if full and own < self.queue_limit:
                # an event sent again makes room (the oldest goes, as requeue_unseen keeps
                # only the newest ones); never for an emit the user's own queue has no room for
                del self._events[0]
                self._resent -= 1
                self._resent_origin += 1
                self._displaced_count += 1
                self._displaced(self._displaced_count)
            elif full:
                raise QueueFullError(
                    f"{self.name} has {own} events waiting for a view to render "
                    f"(queue_limit={self.queue_limit}); display the widget "
                    "(handle.display()) or raise PyWrySettings.queue_limit"
                )
            self._events.append(encoded_event)
            if not self._ready:
                return
            if len(self._events) == 1 and self._due_locked() <= 0:
                self._send_locked()
            elif not self._scheduled:  # the rest of the burst leaves with this event
                self._scheduled = True
                self._flusher.schedule(self, self._due_locked())

    def set_ready(self, ready: bool) -> None:
        """A view is live (flush what waited, in order) or none is (hold events again)."""
        with self._lock:
            self._ready = ready
            if ready and self._events:
                self._send_locked()

    @property
    def ready(self) -> bool:
        """Whether events leave as they come (some view is live)."""
        return self._ready

    @property
    def pending(self) -> int:
        """Events not yet delivered."""
        with self._lock:
            return len(self._events)

    def flush(self) -> None:
        """Deliver everything queued now, if a view is live."""
        with self._lock:
            if self._ready and self._events:
                self._send_locked()

    def requeue_unseen(self, seen: int) -> int:
        """Queue again, before anything still waiting, the sent events after the first ``seen``.

        The last page left having received ``seen`` events; what was sent after reached no
        page (a running cell keeps the kernel from reading the page's leave notice, and
        events go on leaving meanwhile) and now waits for the next view. Only the last
        ``queue_limit`` events (at most ``HISTORY_CHARS`` of JSON) are kept for this; returns
        how many older ones are lost. Events already sent again (or counted lost) by an
        earlier call are left alone: several pages may each report when they leave.
        """
        with self._lock:
            start = max(seen, self._resolved, 0)
            kept_from, again = self._kept_since_locked(start)
            self._history.clear()
            self._history_events = self._history_chars = 0
            self._events[:0] = again
            self.last_resent = (self.events_sent, self.events_sent)
            if again:  # none waited from an earlier call: nothing was sent since it
                self._resent_origin = max(start, kept_from)
                self.last_resent = (self._resent_origin, self._resent_origin + len(again))
                self._resent += len(again)
                self._displaced_count = 0
            self._resolved = self.events_sent
            self.last_lost = (start, max(start, kept_from))
            return max(0, kept_from - start)

    def replay(self, since: int, send: Callable[[int, list[str]], None]) -> None:
        """Hand ``send`` the sent events from index ``since`` on that are still kept.

        For one view of a reloaded tab, while another tab's view showed them (nothing is sent
        again then): ``send(first, events)``, ``first`` being the index of ``events[0]``. Called
        under the lock, so that it reaches the wire after the batches sent before and before
        those sent after. Only the last ``queue_limit`` events (``HISTORY_CHARS``) are kept.
        """
        with self._lock:
            kept_from, events = self._kept_since_locked(max(since, 0))
            send(max(since, kept_from), events)

    def flush_due(self) -> None:
        """Send what waits if its time has come, else ask the flusher again (its thread calls)."""
        with self._lock:
            self._scheduled = False
            if self._closed or not (self._ready and self._events):
                return  # closed, or held for a view: set_ready() sends it
            due = self._due_locked()
            if due > 0:
                self._scheduled = True
                self._flusher.schedule(self, due)
                return
            try:
                self._send_locked()
            except Exception:  # the comm is gone: report; later events try again
                log.exception("sending a batch of %s failed", self.name)

    def close(self) -> None:
        """Drop what is left (the widget is gone)."""
        with self._lock:
            if self._events:
                log.warning("%s closed with %d undelivered events", self.name, len(self._events))
            self._events.clear()
            self._history.clear()
            self._resent = 0
            self._closed = True

    # -- internals -----------------------------------------------------------------------------

    def _due_locked(self) -> float:
        """Seconds until the next batch may leave: the burst window and the shared budget."""
        window = self._last_sent + self.interval - time.monotonic()
        return max(window, self._budget.delay())

    def _send_locked(self) -> None:
        events, self._events = self._events, []
        resent, origin, self._resent = self._resent, self._resent_origin, 0
        bounds, start, size = [], 0, 0
        for i, event in enumerate(events):
            if size and size + len(event) > self.max_batch_chars:
                bounds.append((start, i))
                start, size = i, 0
            size += len(event) + 1
        bounds.append((start, len(events)))
        sent = 0
        try:
            for start, stop in bounds:
                count = max(0, min(resent, stop) - start)  # sent again, of this batch
                self._deliver_locked(events[start:stop], (origin + start, count) if count else None)
                sent += 1
        finally:
            self._budget.spend(sent)
            self._last_sent = time.monotonic()

    def _deliver_locked(self, events: list[str], again: tuple[int, int] | None) -> None:
        self.seq += 1
        first = self.events_sent
        self.events_sent += len(events)
        self._deliver(self.seq, first, encode_batch(events), again)
        self._remember_locked(first, events)

    def _kept_since_locked(self, start: int) -> tuple[int, list[str]]:
        """The index of the oldest event kept, and the kept events from index ``start`` on."""
        events: list[str] = []
        for first, batch, _ in self._history:
            events.extend(batch[max(0, start - first) :])
        return self.events_sent - self._history_events, events

    def _remember_locked(self, first: int, events: list[str]) -> None:
        chars = sum(len(e) for e in events)
        self._history.append((first, events, chars))
        self._history_events += len(events)
        self._history_chars += chars
        while self._history and (
            self._history_events > self.queue_limit or self._history_chars > HISTORY_CHARS
        ):
            _, old, old_chars = self._history.popleft()
            self._history_events -= len(old)
            self._history_chars -= old_chars
