"""Closing a widget and waiting on it: what was emitted before ``close()`` still reaches the
page, waits refuse where they could never end, labels are one widget's across apps, and the
browser-mode grace time counts from the page's last departure."""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Callable
from typing import Any

import pytest
from iframe.conftest import Recorder
from iframe.test_socket_races import sockets_idle
from iframe.test_sockets import masked, open_raw, read_handshake

from wry import PyWry, PyWrySettings, WidgetClosedError

pytestmark = pytest.mark.iframe

OPCODE_TEXT, OPCODE_CLOSE = 1, 8


def connect(handle: Any, instance: str = "t") -> tuple[socket.socket, bytes]:
    s = open_raw(handle, instance)
    rest = read_handshake(s)
    assert handle.wait_connected(10)
    return s, rest


def read_until_close(s: socket.socket, data: bytes) -> list[tuple[int, bytes]]:
    """Server frames up to and including its close frame (read as they come, like a page)."""
    s.settimeout(10)
    frames: list[tuple[int, bytes]] = []
    pending = bytearray(data)
    while True:
        while (frame := next_frame(pending)) is not None:
            op, payload, size = frame
            frames.append((op, payload))
            del pending[:size]
            if op == OPCODE_CLOSE:
                return frames
        chunk = s.recv(1 << 20)
        assert chunk, f"EOF before a close frame, after {len(frames)} frames"
        pending += chunk


def next_frame(data: bytearray) -> tuple[int, bytes, int] | None:
    """The first complete unmasked server frame: (opcode, payload, its size), or None."""
    if len(data) < 2:
        return None
    size, start = data[1] & 0x7F, 2
    if size == 126:
        if len(data) < 4:
            return None
        (size,), start = struct.unpack("!H", data[2:4]), 4
    elif size == 127:
        if len(data) < 10:
            return None
        (size,), start = struct.unpack("!Q", data[2:10]), 10
    if len(data) < start + size:
        return None
    return data[0] & 0x0F, bytes(data[start : start + size]), start + size


def wait_until(predicate: Callable[[], bool], what: str) -> None:
    done = threading.Event()
    for _ in range(1000):
        if predicate():
            return
        done.wait(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def test_events_emitted_before_close_reach_the_page_ahead_of_the_close_frame(
    app: PyWry,
) -> None:
    handle = app.show("<p>x</p>", display=False)
    server = handle.server  # type: ignore[attr-defined]
    s, rest = connect(handle)
    gate = threading.Event()
    server.writer.submit(lambda: gate.wait(10))  # the writer thread cannot flush the emit
    try:
        handle.emit("app:bye", {"n": 1})
        handle.close()
        frames = read_until_close(s, rest)
    finally:
        gate.set()
        s.close()
    texts = [json.loads(p) for op, p in frames if op == OPCODE_TEXT]
    events = [e for frame in texts for e in frame.get("e", [])]
    assert events == [{"type": "app:bye", "data": {"n": 1}}]
    assert frames[-1][0] == OPCODE_CLOSE


def test_waits_refuse_inside_a_page_callback_instead_of_hanging(app: PyWry) -> None:
    handle = app.show("<p>x</p>", display=False)
    errors: list[str] = []

    def impatient(data: Any, event_type: str, label: str) -> None:
        for wait in (handle.wait_delivered, handle.wait_connected, handle.eval_js):  # type: ignore[attr-defined]
            try:
                wait(5) if wait is not handle.eval_js else wait("1")  # type: ignore[attr-defined]
            except RuntimeError as exc:
                errors.append(str(exc))

    done = Recorder()
    handle.on("app:go", impatient)
    handle.on("app:go", done)
    s, _ = connect(handle)
    try:
        s.sendall(masked(OPCODE_TEXT, b'{"s":1,"e":[{"type":"app:go","data":null}]}'))
        done.wait(1, timeout=10)
    finally:
        s.close()
    assert len(errors) == 3
    for call, message in zip(
        ("wait_delivered()", "wait_connected()", "eval_js()"), errors, strict=True
    ):
        assert message.startswith(f"{call} cannot wait inside a page callback")


def test_wait_delivered_is_false_when_close_drops_what_it_waited_for(app: PyWry) -> None:
    handle = app.show("<p>x</p>", display=False)
    for i in range(3):
        handle.emit("app:n", i)
    answer: list[bool] = []
    waiter = threading.Thread(target=lambda: answer.append(handle.wait_delivered(30)))  # type: ignore[attr-defined]
    waiter.start()
    handle.close()
    waiter.join(10)
    assert answer == [False]
    assert handle.wait_delivered(1) is False  # type: ignore[attr-defined]


def test_two_apps_cannot_serve_one_label_and_closing_one_spares_the_other(app: PyWry) -> None:
    other = PyWry(PyWrySettings(open_browser=False), transport="iframe")
    try:
        first = other.show("<p>first</p>", label="main", display=False)
        with pytest.raises(ValueError, match="already served in this process"):
            app.show("<p>second</p>", label="main", display=False)
        s, _ = connect(first)
        app.show("<p>elsewhere</p>", label="elsewhere", display=False).close()
        assert first.connected and not first.closed  # type: ignore[attr-defined]
        first.close()
        s.close()
        again = app.show("<p>second</p>", label="main", display=False)  # free once closed
        assert not again.closed
    finally:
        other.destroy()


def test_browser_mode_grace_counts_from_the_last_departure(
    app: PyWry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page away twice, each time shorter than the grace, keeps its widget open.

    The grace timers are captured and run by hand in the order they would fire, so no test
    time depends on the clock.
    """
    handle = app.show("<p>x</p>", display=False)
    server = handle.server  # type: ignore[attr-defined]
    grace = 123.0
    handle.close_after_disconnect = grace  # type: ignore[attr-defined]
    timers: list[Callable[[], None]] = []
    real = server.sockets.call_later
    monkeypatch.setattr(
        server.sockets,
        "call_later",
        lambda delay, job: timers.append(job) if delay == grace else real(delay, job),
    )
    closed = Recorder()
    handle.on("window:closed", closed)
    for _ in range(2):  # away, back, away again
        s, _ = connect(handle, "p")
        s.close()
        wait_until(lambda: not handle.connected, "the page to leave")  # type: ignore[attr-defined]
        sockets_idle(server)
    s, _ = connect(handle, "p")  # back before either timer fires
    assert len(timers) == 2
    for timer in timers:
        server.sockets.submit(timer)
    sockets_idle(server)
    assert not handle.closed and closed.calls == []
    s.close()  # gone for good: its own timer closes the widget
    wait_until(lambda: len(timers) == 3, "the last departure's timer")
    server.sockets.submit(timers[2])
    assert closed.wait(1)[0][0] == {"label": handle.label, "reason": "page closed"}


def test_a_callback_that_closes_its_widget_ends_the_frame_it_came_in(app: PyWry) -> None:
    handle = app.show("<p>x</p>", display=False)
    heard = Recorder()
    app.on("*", heard)  # app-wide: outlives the widget
    handle.on("app:quit", lambda data, event_type, label: handle.close())
    s, _ = connect(handle)
    try:
        s.sendall(
            masked(
                OPCODE_TEXT,
                b'{"s":1,"e":[{"type":"app:quit","data":1},{"type":"app:after","data":2}]}',
            )
        )
        heard.wait(2)
        sockets_idle(handle.server)  # type: ignore[attr-defined]
    finally:
        s.close()
    assert [event_type for _, event_type, _ in heard.calls] == ["app:quit", "window:closed"]


def test_eval_js_racing_close_raises_widget_closed_instead_of_timing_out(app: PyWry) -> None:
    handle = app.show("<p>x</p>", display=False)
    handle._release_evals()  # type: ignore[attr-defined]  # where close() is when eval_js starts
    with pytest.raises(WidgetClosedError, match="closing"):
        handle.eval_js("1", timeout=30)  # type: ignore[attr-defined]


def test_a_backlog_the_page_is_still_reading_at_close_reaches_it_before_the_close_frame(
    app: PyWry,
) -> None:
    handle = app.show("<p>x</p>", display=False)
    s, rest = connect(handle)  # the page reads nothing until the widget is closed
    payload = "x" * 100_000
    count = 120  # ~12 MB: far more than the socket's buffers hold
    for i in range(count):
        handle.emit("app:big", {"i": i, "p": payload})
    handle.close()
    try:
        frames = read_until_close(s, rest)
    finally:
        s.close()
    texts = [json.loads(p) for op, p in frames if op == OPCODE_TEXT]
    got = [e["data"]["i"] for frame in texts for e in frame.get("e", [])]
    assert got == list(range(count))
    assert frames[-1][0] == OPCODE_CLOSE
    assert handle.wait_delivered(1) is False  # type: ignore[attr-defined]  # never acknowledged
