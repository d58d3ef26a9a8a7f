"""The parent's outbox: whoever writes (a caller or the writer thread), lines leave in order."""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from wry.protocol import encode_event
from wry_native.outbox import Outbox


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Switch threads often, so the callers and the writer thread interleave as much as possible."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(before)


def test_bursts_and_single_emits_from_two_threads_stay_in_order(fast_switching: None) -> None:
    seen: dict[str, list[int]] = {"a": [], "b": []}
    writing = [0, 0]  # writes running now, most at once
    lock = threading.Lock()
    rng = random.Random(5)

    def send(data: memoryview, block: bool) -> int:
        with lock:
            writing[0] += 1
            writing[1] = max(writing)
        # a pipe that is sometimes slow (this models timing; it waits for nothing)
        time.sleep(rng.choice([0, 0.0001, 0.0004]))
        with lock:
            for line in bytes(data).decode().splitlines():
                message = json.loads(line)
                seen[message["label"]] += [event["data"] for event in message["batch"]]
            writing[0] -= 1
        return len(data)

    box = Outbox(send, thread=True)
    count = 15000

    def producer(label: str, seed: int) -> None:
        pauses = random.Random(seed)
        for i in range(count):
            box.emit(label, encode_event("n", i))
            # some emits alone (the caller writes), some in bursts (the writer thread does)
            if pauses.random() < 0.3:
                time.sleep(pauses.choice([0.0003, 0.0006, 0.001]))

    threads = [threading.Thread(target=producer, args=(label, n)) for n, label in enumerate("ab")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    box.close(10)
    assert seen == {"a": list(range(count)), "b": list(range(count))}
    assert writing[1] == 1, "two threads wrote at once"


def test_a_pipe_without_room_never_holds_the_caller(fast_switching: None) -> None:
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
