"""A malformed page frame costs that frame only: it is refused and counted, the next arrive."""

from __future__ import annotations

import json
import os
import struct
from typing import Any

import pytest
from iframe.conftest import Recorder
from iframe.test_sockets import masked, open_raw, read_handshake

from wry import PyWry

pytestmark = pytest.mark.iframe


def masked_any(opcode: int, payload: bytes) -> bytes:
    """A masked client frame of any size."""
    mask = os.urandom(4)
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    n = len(payload)
    if n < 126:
        head = bytes((0x80 | opcode, 0x80 | n))
    elif n < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    return head + mask + body


def events(first: int, *data: int) -> bytes:
    return json.dumps({"s": first, "e": [{"type": "app:x", "data": d} for d in data]}).encode()


@pytest.mark.parametrize(
    "bad",
    [
        b'{"a": Infinity}',  # int(inf): OverflowError
        b'{"s": Infinity, "e": []}',
        b"[" * 100_000 + b"]" * 100_000,  # json.loads: RecursionError
    ],
    ids=["ack-infinity", "seq-infinity", "deep-nesting"],
)
def test_a_malformed_frame_does_not_take_the_next_frames_with_it(app: PyWry, bad: bytes) -> None:
    # one write: the bad frame and the next arrive in the same recv
    handle, rec = send_frames(app, masked_any(1, bad) + masked(1, events(1, 1)), events(2, 2))
    assert rec.data == [1, 2]
    assert handle.rejected == 1  # type: ignore[attr-defined]


def test_an_event_with_an_unhashable_type_is_rejected_alone(app: PyWry) -> None:
    """``{"type": [..]}`` is refused as malformed; the rest of its frame and later frames arrive."""
    frame = {"s": 1, "e": [{"type": ["x"]}, {"type": "app:x", "data": 1}]}
    handle, rec = send_frames(app, masked(1, json.dumps(frame).encode()), events(3, 2))
    assert rec.data == [1, 2]
    assert handle.rejected == 1  # type: ignore[attr-defined]


def send_frames(app: PyWry, first: bytes, then: bytes) -> tuple[Any, Recorder]:
    """Send raw ``first`` (frames), then the frame of ``then``; wait for two app:x events."""
    rec = Recorder()
    handle = app.show("<p>x</p>", display=False)
    handle.on("app:x", rec)
    s = open_raw(handle)
    try:
        read_handshake(s)
        assert handle.wait_connected(10)  # type: ignore[attr-defined]
        s.sendall(first)
        s.sendall(masked(1, then))
        try:
            rec.wait(2, timeout=5)
        except AssertionError as exc:
            pytest.fail(f"{exc}; got {rec.data}; rejected={handle.rejected}")  # type: ignore[attr-defined]
    finally:
        s.close()
    return handle, rec
