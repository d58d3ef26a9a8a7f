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

    def write(text: str) -> None:
        with lock:
            writing[0] += 1
            writing[1] = max(writing)
        time.sleep(rng.choice([0, 0.0001, 0.0004]))  # a pipe that is sometimes slow
        with lock:
            for line in text.splitlines():
                message = json.loads(line)
                seen[message["label"]] += [event["data"] for event in message["batch"]]
            writing[0] -= 1

    box = Outbox(write, thread=True)
    count = 15000

    def producer(label: str, seed: int) -> None:
        pauses = random.Random(seed)
        for i in range(count):
            box.emit(label, encode_event("n", i))
            if pauses.random() < 0.3:  # some emits alone (the caller writes), some in bursts
                time.sleep(pauses.choice([0.0003, 0.0006, 0.001]))

    threads = [threading.Thread(target=producer, args=(label, n)) for n, label in enumerate("ab")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    box.close(10)
    assert seen == {"a": list(range(count)), "b": list(range(count))}
    assert writing[1] == 1, "two threads wrote at once"
