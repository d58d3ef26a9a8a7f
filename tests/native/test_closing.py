"""How native windows end: closed by the user, by the app, or both at once, labels reused."""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

import pytest
from native_helpers import WAIT_S, Recorder, XDisplay, wait_until

from wry import PyWry

pytestmark = pytest.mark.native

PAGE = '<script>pywry.on("go", () => pywry.emit("went", 1));</script>'


def host_windows(handle: Any) -> list[str]:
    """Labels of the windows the handle's child host has open."""
    return list(handle.runtime.request("list_windows", {})["windows"])


def test_a_window_the_user_closed_during_a_callback_does_not_close_its_successor(
    app: PyWry, x_display: XDisplay, recorder: Recorder
) -> None:
    """The user closes a window while a callback runs; the app closes it too and shows a new
    window under its label before the callbacks catch up.

    The old window's close, dispatched after, used to mark the new handle closed: Python
    said closed, emits raised, and its window stayed open in the child for good.
    """
    busy, release = threading.Event(), threading.Event()

    def slow(data: Any, event_type: str, label: str) -> None:
        busy.set()
        release.wait(WAIT_S)

    first = app.show(PAGE, title="reused-first", label="reused", callbacks={"went": slow})
    try:
        first.emit("go")
        assert busy.wait(WAIT_S)
        x_display.close_like_a_user(x_display.window_id("reused-first"))
        wait_until(lambda: "reused" not in host_windows(first), "the host to forget the window")
        first.close()
        second = app.show(PAGE, title="reused-second", label="reused", callbacks={"*": recorder})
    finally:
        release.set()
    recorder.wait_for("pywry:ready")  # dispatched after the old window's close
    assert not second.closed
    second.emit("go")
    assert recorder.wait_for("went") == [1]
    assert host_windows(second) == ["reused"]
    second.close()
    assert recorder.of("window:closed") == [{"label": "reused", "reason": "closed"}]
    assert host_windows(second) == []


def test_a_close_the_host_does_not_answer_in_time_still_ends_the_handle(
    app: PyWry, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The host is busy past the timeout (here: stopped) when the app closes a window.

    close() used to raise NativeTimeout and leave the handle open for good: no longer
    routed, never marked closed, listed by app.widgets(), and app.block() never returned.
    """
    handle = app.show(PAGE, label="unanswered", callbacks={"*": recorder})
    recorder.wait_for("pywry:ready")
    pid = handle.runtime.pid  # type: ignore[attr-defined]
    monkeypatch.setattr("wry_native.runtime.REQUEST_TIMEOUT_S", 0.5)
    os.kill(pid, signal.SIGSTOP)
    try:
        handle.close()
    finally:
        os.kill(pid, signal.SIGCONT)
        monkeypatch.undo()
    assert handle.closed and handle not in app.widgets()
    assert recorder.of("window:closed") == [{"label": "unanswered", "reason": "closed"}]
    wait_until(lambda: "unanswered" not in host_windows(handle), "the host to close the window")
    successor_recorder = Recorder()
    successor = app.show(PAGE, label="unanswered", callbacks={"*": successor_recorder})
    successor.emit("go")
    assert successor_recorder.wait_for("went") == [1]
    assert not successor.closed
    successor.close()


def views_kept(pid: int) -> int:
    """WebKit visited-link tables the host holds: one for each WebKit view still alive."""
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if "WebKitSharedMemory" in os.readlink(f"/proc/{pid}/fd/{fd}"):
                count += 1
        except OSError:  # closed meanwhile
            pass
    return count


@pytest.mark.parametrize("how", ["app", "user"])
def test_a_closed_windows_webkit_view_is_freed(
    app: PyWry, x_display: XDisplay, recorder: Recorder, how: str
) -> None:
    """wry (in pytauri-wheel) keeps every WebKit view alive through its own IPC handler: the
    host grew by a descriptor and about 0.25 MB for each window it ever opened."""
    first = app.show(PAGE, title=f"kept-{how}", callbacks={"*": recorder})
    try:
        first.emit("go")
        recorder.wait_for("went")
        host = first.runtime._proc.pid  # type: ignore[attr-defined]
        before = views_kept(host)
        for n in range(4):
            title = f"freed-{how}-{n}"
            handle = app.show(PAGE, title=title, callbacks={"*": recorder})
            handle.emit("go")
            recorder.wait_for("went", n + 2)
            if how == "app":
                handle.close()
            else:
                x_display.close_like_a_user(x_display.window_id(title))
            assert handle.wait_closed(WAIT_S)
        # at most the first window's table and the new pool window's came since; the four
        # closed windows' are gone with their views
        wait_until(lambda: views_kept(host) <= before + 2, "the closed windows' views freed")
    finally:
        first.close()
