"""The parent's outbox: whoever writes (a caller or the writer thread), lines leave in order."""

from __future__ import annotations

import json
import threading

from wry.protocol import encode_event
from wry_native.outbox import Outbox


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

    box = Outbox(send, thread=True)
    caller = threading.Thread(target=box.line, args=('{"n": 0}\n',))
    caller.start()
    assert first_write_started.wait(10)
    box.emit("w", encode_event("n", 1))  # queued behind the caller's write
    closing = threading.Thread(target=box.close, args=(10,))
    closing.start()  # wakes the writer thread, with an item queued
    assert box._thread is not None
    box._thread.join(10)  # it decides: the caller, still writing, keeps the writing
    first_write_may_end.set()
    caller.join(10)
    closing.join(10)
    assert most[0] == 1, "the writer thread wrote while the caller was writing"
    lines = [json.loads(line) for chunk in written for line in chunk.decode().splitlines()]
    assert lines == [
        {"n": 0},
        {"action": "emit", "label": "w", "batch": [{"type": "n", "data": 1}]},
    ]


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
    lines = [json.loads(line) for line in received.decode().splitlines()]
    assert lines[0] == {"action": "first"} and lines[-1] == {"action": "last"}
    events = [event["data"] for line in lines[1:-1] for event in line["batch"]]
    assert events == list(range(50))
