"""``queue_limit`` bounds both native queues: emits a stopped host cannot take, and page events
that callbacks have not caught up with. Past it: a clear exception, or a logged, counted drop."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from native_helpers import Recorder, XDisplay, wait_until

from wry import PyWry, PyWrySettings, QueueFullError

pytestmark = pytest.mark.native

LIMIT = 50

COLLECTOR = """
<script>
  var seen = [];
  pywry.on("n", function (d) { seen.push(d.i); });
  pywry.on("count", function () { pywry.emit("counted", seen); });
  pywry.on("burst", function (d) {
    for (var i = d.from; i < d.to; i++) pywry.emit("n", i);
  });
</script>"""


@pytest.fixture(scope="module")
def small_app(x_display: XDisplay) -> Iterator[PyWry]:
    """An app whose queues hold at most ``LIMIT`` events (its own child host)."""
    application = PyWry(PyWrySettings(transport="native", queue_limit=LIMIT))
    yield application
    application.destroy()


def show(app: PyWry, recorder: Recorder, **callbacks: Any) -> Any:
    handle = app.show(COLLECTOR, callbacks={"*": recorder, **callbacks})
    recorder.wait_for("pywry:ready")
    return handle


def test_emits_a_stopped_host_cannot_take_raise_queue_full_and_none_are_lost(
    small_app: PyWry, recorder: Recorder
) -> None:
    handle = show(small_app, recorder)
    pid = handle.runtime.pid
    padding = "x" * 1024
    sent = 0
    os.kill(pid, signal.SIGSTOP)
    try:
        with pytest.raises(QueueFullError, match=f"queue_limit={LIMIT}"):
            for _ in range(10_000):  # the pipe holds ~64 KB, then LIMIT more may wait
                handle.emit("n", {"i": sent, "pad": padding})
                sent += 1
    finally:
        os.kill(pid, signal.SIGCONT)
    assert LIMIT <= sent < 10_000

    def emitted(event_type: str, data: Any = None) -> bool:  # a user retrying later
        try:
            handle.emit(event_type, data)
        except QueueFullError:
            return False
        return True

    wait_until(lambda: emitted("count"), "room for another emit once the host reads again")
    assert recorder.wait_for("counted")[0] == list(range(sent))
    handle.emit("n", {"i": sent})  # room again once the host reads
    handle.emit("count")
    assert recorder.wait_for("counted", 2)[1] == list(range(sent + 1))
    handle.close()


def test_an_app_gets_its_own_limit_while_another_apps_host_runs(
    x_display: XDisplay, recorder: Recorder
) -> None:
    # Apps of one process share a host when their settings match; a host bounded by another
    # app's limit would never raise this app's QueueFullError (or raise it far too soon).
    roomy = PyWry(PyWrySettings(transport="native", queue_limit=LIMIT * 1000))
    tight = PyWry(PyWrySettings(transport="native", queue_limit=LIMIT + 7))
    try:
        show(roomy, Recorder())  # its host is up, and stays while its window is open
        handle = show(tight, recorder)
        pid = handle.runtime.pid
        os.kill(pid, signal.SIGSTOP)
        try:
            with pytest.raises(QueueFullError, match=f"queue_limit={LIMIT + 7}"):
                for sent in range(10_000):
                    handle.emit("n", {"i": sent, "pad": "x" * 1024})
        finally:
            os.kill(pid, signal.SIGCONT)
    finally:
        tight.destroy()
        roomy.destroy()


def test_page_events_callbacks_cannot_keep_up_with_are_dropped_logged_and_counted(
    small_app: PyWry, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    release = threading.Event()
    got: list[int] = []

    def slow(data: Any, event_type: str, label: str) -> None:
        got.append(data)
        release.wait(30)

    handle = show(small_app, recorder, n=slow)
    runtime = handle.runtime

    def read() -> int:  # page events the parent has read, kept or dropped
        return int(runtime._events_in + runtime.dropped_events)

    total = 500
    dropped_before, read_before = runtime.dropped_events, read()
    with caplog.at_level(logging.WARNING, logger="wry_native.runtime"):
        handle.emit("burst", {"from": 0, "to": total})
        wait_until(lambda: read() - read_before == total, "the parent to read every event")
        dropped = runtime.dropped_events - dropped_before
        assert dropped >= total - LIMIT - 1  # one is in the callback, LIMIT may wait
        release.set()
        wait_until(lambda: len(got) == total - dropped, "the kept events to reach the callback")
        assert got == list(range(total - dropped))  # kept in order; the tail was dropped
        # caught up: later events are delivered again, and the log says how many were lost
        handle.emit("burst", {"from": total, "to": total + 10})
        wait_until(lambda: len(got) == total - dropped + 10, "the next burst")
    assert got[-10:] == list(range(total, total + 10))
    messages = [r.getMessage() for r in caplog.records]
    assert any("faster than the Python callbacks" in m and "queue_limit=50" in m for m in messages)
    assert any(f"delivered again; {dropped} were dropped" in m for m in messages)
    handle.close()
