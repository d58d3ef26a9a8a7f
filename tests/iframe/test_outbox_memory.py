"""The outbox frees what the page has acknowledged at once."""

from __future__ import annotations

import gc
import json
import tracemalloc

import pytest
from iframe.test_socket_races import server_frames
from iframe.test_sockets import masked, open_raw, read_handshake

from wry import PyWry

pytestmark = pytest.mark.iframe


def test_acknowledged_events_are_released(app: PyWry) -> None:
    """Ten 4 MB emits, all received and acknowledged by the page: nothing needs them now.

    ``Outbox.ack`` only moves ``_head``; the list is trimmed once more than 1024 entries
    were acknowledged *and* they are over half of it. Until then every acknowledged event
    stays referenced: 1024 acknowledged plot updates of 30 MB are 30 GB held for nothing,
    and with many events pending the acknowledged ones are kept up to their number
    (``queue_limit`` is 100 000 by default).
    """
    handle = app.show("<p>x</p>", display=False)
    s = open_raw(handle)
    data = read_handshake(s)
    assert handle.wait_connected(10)  # type: ignore[attr-defined]
    size, count = 4 * 1024 * 1024, 10
    gc.collect()
    tracemalloc.start()
    try:
        for i in range(count):
            handle.emit("app:big", str(i) * size)
        s.settimeout(30)
        seen = 0
        while seen < count:
            chunk = s.recv(1 << 20)
            assert chunk, "EOF"
            data += chunk
            frames = server_frames(data)
            seen = sum(len(json.loads(p).get("e", [])) for op, p in frames if op == 1)
        s.sendall(masked(1, json.dumps({"a": count}).encode()))
        assert handle.wait_delivered(10)  # type: ignore[attr-defined]
        del data, frames, chunk
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        s.close()
    outbox = handle.outbox  # type: ignore[attr-defined]
    kept = sum(len(e) for e in outbox._events)
    assert held < size, (
        f"{held / 2**20:.0f} MB still allocated after the page acknowledged every event "
        f"(the outbox holds {len(outbox._events)} events, {kept / 2**20:.0f} MB, "
        f"head={outbox._head})"
    )
