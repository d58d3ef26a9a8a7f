"""The parent's outbox: whoever writes (a caller or the writer thread), lines leave in order."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from native_helpers import wait_until

from wry.protocol import PayloadError, encode_batch, encode_event
from wry_native.outbox import Outbox, Send
from wry_native.wire import emit_line


class WatchedCondition(threading.Condition):
    """Counts the writer thread's waits: a new wait means it looked at the state and waits on."""

    def __init__(self) -> None:
        super().__init__()
        self.writer_waits = 0
        self.notifies = 0

    def notify_all(self) -> None:
        self.notifies += 1
        super().notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        if threading.current_thread().name == "wry-outbox":
            self.writer_waits += 1  # the lock is held here
        return super().wait(timeout)


class WatchedOutbox(Outbox):
    """An Outbox whose writer thread a test can follow (its condition counts the waits)."""

    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.cond = WatchedCondition()
        self._cond = self.cond
        self._thread = threading.Thread(target=self._serve, name="wry-outbox", daemon=True)
        self._thread.start()
        wait_until(lambda: self.cond.writer_waits, "the writer thread to wait for work")

    def writer_decided(self, waits_before: int) -> bool:
        """The writer thread woke and either left or went back to waiting."""
        assert self._thread is not None
        return not self._thread.is_alive() or self.cond.writer_waits > waits_before


def close_in_thread(box: Outbox, timeout: float) -> tuple[threading.Thread, list[bool]]:
    """Start ``box.close(timeout)`` in a thread; its result lands in the list."""
    result: list[bool] = []
    closing = threading.Thread(target=lambda: result.append(box.close(timeout)))
    closing.start()
    return closing, result


def lines_of(chunks: list[bytes]) -> list[Any]:
    """The JSON lines the chunks make together."""
    return [json.loads(line) for line in b"".join(chunks).decode().splitlines()]


def test_the_writer_thread_never_writes_while_a_caller_does() -> None:
    """A caller is mid-write when the writer thread wakes with work queued: it must wait.

    Two writers at once let a later batch reach the pipe first (events out of order).
    """
    lock = threading.Lock()
    calls, writing, most = [0], [0], [0]
    first_write_started, first_write_may_end = threading.Event(), threading.Event()
    written: list[bytes] = []

    def send(data: memoryview, block: bool) -> int:
        with lock:
            calls[0] += 1
            first = calls[0] == 1
            writing[0] += 1
            most[0] = max(most[0], writing[0])
        if first:  # the caller's write is slow: the pipe is full for a moment
            first_write_started.set()
            first_write_may_end.wait(10)
        with lock:
            written.append(bytes(data))
            writing[0] -= 1
        return len(data)

    box = WatchedOutbox(send)
    caller = threading.Thread(target=box.line, args=('{"n": 0}\n',))
    caller.start()
    assert first_write_started.wait(10)
    box.emit("w", encode_event("n", 1))  # queued behind the caller's write
    waits = box.cond.writer_waits
    closing, closed = close_in_thread(box, 10)  # wakes the writer thread, with an item queued
    wait_until(lambda: box.writer_decided(waits), "the writer thread to decide")
    first_write_may_end.set()
    caller.join(10)
    closing.join(10)
    assert most[0] == 1, "the writer thread wrote while the caller was writing"
    assert closed == [True]
    assert lines_of(written) == [
        {"n": 0},
        {"action": "emit", "label": "w", "batch": [{"type": "n", "data": 1}]},
    ]


def test_a_callers_own_write_leaves_the_writer_thread_asleep() -> None:
    """A write the caller finishes itself does not wake the writer thread.

    It used to: every emit then cost the parent a thread wake, and a few tens of µs of each
    round trip on a two-core machine.
    """
    written: list[bytes] = []

    def send(data: memoryview, block: bool) -> int:
        written.append(bytes(data))
        return len(data)

    box = WatchedOutbox(send)
    box.line('{"action": "one"}\n')
    assert box.cond.notifies == 0
    assert box.close(5)
    assert box.cond.notifies >= 1  # closing still wakes it, and it leaves
    assert box._thread is not None
    box._thread.join(5)
    assert not box._thread.is_alive()
    assert lines_of(written) == [{"action": "one"}]


def test_close_waits_for_a_caller_that_hands_its_rest_to_the_writer_thread() -> None:
    """close() while a caller writes: the writer thread stays to take what does not fit.

    It used to leave at once; the caller then handed its rest to no one, close() timed out
    and ``stop()`` killed a healthy child, the line cut short.
    """
    in_caller_write, caller_may_go_on = threading.Event(), threading.Event()
    written: list[bytes] = []

    def send(data: memoryview, block: bool) -> int:
        if not block and not in_caller_write.is_set():  # the caller's own write: it stalls
            in_caller_write.set()
            caller_may_go_on.wait(10)
            written.append(bytes(data[:10]))
            return 10  # the pipe took 10 bytes, then was full
        if not block:
            return 0
        written.append(bytes(data))  # the writer thread: room again
        return len(data)

    box = WatchedOutbox(send)
    line = '{"action": "last", "pad": "' + "x" * 100 + '"}\n'
    caller = threading.Thread(target=box.line, args=(line,))
    caller.start()
    assert in_caller_write.wait(10)
    waits = box.cond.writer_waits
    closing, closed = close_in_thread(box, 5)
    wait_until(lambda: box.writer_decided(waits), "the writer thread to decide")
    caller_may_go_on.set()
    caller.join(10)
    closing.join(10)
    assert closed == [True], "close() gave up on a line the writer thread should have finished"
    assert lines_of(written) == [json.loads(line)]


def test_a_pipe_without_room_never_holds_the_caller() -> None:
    """What does not fit goes to the writer thread; order and content stay whole."""
    received = bytearray()
    room = threading.Semaphore(0)  # chunks the reader lets through
    writer_blocked = threading.Event()

    def send(data: memoryview, block: bool) -> int:
        if not room.acquire(blocking=False):
            if not block:
                return 0
            writer_blocked.set()
            room.acquire()
        taken = min(len(data), 1000)
        received.extend(data[:taken])
        return taken

    box = Outbox(send, thread=True)
    box.line('{"action":"first"}\n')  # the caller finds no room: returns at once
    assert writer_blocked.wait(5)
    for i in range(50):  # these queue behind it, still without waiting
        box.emit("w", encode_event("n", i))
    box.line('{"action":"last"}\n')
    for _ in range(10_000):
        room.release()
    assert box.close(5)
    lines = lines_of([bytes(received)])
    assert lines[0] == {"action": "first"} and lines[-1] == {"action": "last"}
    events = [event["data"] for line in lines[1:-1] for event in line["batch"]]
    assert events == list(range(50))


def test_a_backlog_of_emits_is_written_in_lines_the_child_accepts() -> None:
    """Emits that pile up behind a slow write are merged, but never past the line limit.

    One merged line per window used to grow with the backlog until the child refused it,
    and every event in it was lost.
    """
    max_line = 20_000
    written: list[bytes] = []
    first_write_started, first_write_may_end = threading.Event(), threading.Event()

    def send(data: memoryview, block: bool) -> int:
        if not written:
            first_write_started.set()
            first_write_may_end.wait(10)
        written.append(bytes(data))
        return len(data)

    box = Outbox(send, max_line=max_line)
    caller = threading.Thread(target=box.line, args=('{"action": "first"}\n',))
    caller.start()
    assert first_write_started.wait(10)
    for n in range(60):  # all queued behind the first write: 180,000 characters
        box.emit("ab"[n % 2], encode_event("n", f"{n:03}" + "x" * 3000))
        if n == 30:
            box.line('{"action": "middle"}\n')
    first_write_may_end.set()
    caller.join(10)
    lines = b"".join(written).splitlines(keepends=True)
    assert max(len(line) for line in lines) <= max_line
    decoded = [json.loads(line) for line in lines]
    assert [d["action"] for d in decoded if d["action"] != "emit"] == ["first", "middle"]
    middle = [d["action"] for d in decoded].index("middle")
    for label, parity in (("a", 0), ("b", 1)):
        sent = [
            (index, int(event["data"][:3]))
            for index, d in enumerate(decoded)
            if d.get("label") == label
            for event in d["batch"]
        ]
        assert [n for _, n in sent] == list(range(parity, 60, 2)), "lost or out of order"
        assert all((index < middle) == (n <= 30) for index, n in sent), "moved past a command"


def test_an_event_longer_than_the_childs_line_limit_raises_at_emit() -> None:
    """The child would refuse its line: the caller hears it, with the limit, at once."""
    written: list[bytes] = []
    box = Outbox(lambda data, block: written.append(bytes(data)) or len(data), max_line=20_000)
    with pytest.raises(PayloadError, match=r"at most 20000 bytes \(WRYNATIVE_MAX_LINE\)"):
        box.emit("w", encode_event("big", "x" * 20_000))
    with pytest.raises(PayloadError, match="20000"):  # 12,000 characters, 24,000 bytes
        box.emit("w", encode_event("big", "é" * 12_000))
    box.emit("w", encode_event("fits", "é" * 9_000))
    assert written == [emit_line("w", encode_batch([encode_event("fits", "é" * 9_000)])).encode()]
