"""Closing from several threads at once: one teardown, one ``window:closed``."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from recording import RecordingWidget

from wry import PyWry

WAIT_S = 5.0


class SlowClosingWidget(RecordingWidget):
    """Its teardown holds until the test lets it go, so a second closer arrives meanwhile."""

    def __init__(self, app: PyWry, label: str) -> None:
        super().__init__(app, label)
        self.teardowns = 0
        self.inside = threading.Event()
        self.release = threading.Event()

    def _close(self) -> None:
        self.teardowns += 1
        self.inside.set()
        self.release.wait(WAIT_S)


def closed_events(app: PyWry) -> list[Any]:
    """The ``window:closed`` data the app's listeners receive, in order."""
    seen: list[Any] = []
    app.on("window:closed", lambda data, event_type, label: seen.append(data))
    return seen


def start(target: Any) -> tuple[threading.Thread, threading.Event]:
    """Run ``target`` on a thread; the event is set once it returns."""
    done = threading.Event()

    def run() -> None:
        target()
        done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, done


def test_a_second_close_while_the_first_tears_down_reports_nothing(app: PyWry) -> None:
    seen = closed_events(app)
    widget = SlowClosingWidget(app, "slow")
    _, first_done = start(widget.close)
    assert widget.inside.wait(WAIT_S)
    _, second_done = start(widget.close)
    assert second_done.wait(WAIT_S), "the second close() waited for the first"
    assert seen == [] and widget.teardowns == 1
    widget.release.set()
    assert first_done.wait(WAIT_S)
    assert seen == [{"label": "slow", "reason": "closed"}]
    assert widget.closed and widget.teardowns == 1


def test_the_page_going_away_during_close_reports_nothing_more(app: PyWry) -> None:
    seen = closed_events(app)
    widget = SlowClosingWidget(app, "slow")
    _, closing_done = start(widget.close)
    assert widget.inside.wait(WAIT_S)
    widget.mark_closed("page closed")  # the transport's own thread noticing the page left
    widget.release.set()
    assert closing_done.wait(WAIT_S)
    assert seen == [{"label": "slow", "reason": "closed"}]


@pytest.fixture
def often_switching() -> Iterator[None]:
    """Switch threads every microsecond, so that closers started together interleave."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


@pytest.mark.usefixtures("often_switching")
def test_threads_closing_together_report_one_close(app: PyWry) -> None:
    seen = closed_events(app)
    widgets = [RecordingWidget(app, f"w{n}") for n in range(200)]
    for widget in widgets:
        go = threading.Barrier(4, timeout=WAIT_S)

        def close(widget: RecordingWidget = widget, go: threading.Barrier = go) -> None:
            go.wait()
            widget.close()

        def page_gone(widget: RecordingWidget = widget, go: threading.Barrier = go) -> None:
            go.wait()
            widget.mark_closed("page closed")

        done = [start(f)[1] for f in (close, close, page_gone, page_gone)]
        assert all(d.wait(WAIT_S) for d in done)
    assert sorted(d["label"] for d in seen) == sorted(w.label for w in widgets)


def test_a_close_that_fails_can_be_tried_again(app: PyWry) -> None:
    seen = closed_events(app)
    widget = RecordingWidget(app, "flaky")
    failures = [RuntimeError("the host is busy")]

    def teardown() -> None:
        if failures:
            raise failures.pop()

    widget._close = teardown  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="busy"):
        widget.close()
    assert not widget.closed and seen == []
    widget.close()
    assert widget.closed and seen == [{"label": "flaky", "reason": "closed"}]


def test_page_events_after_the_close_reach_no_one(app: PyWry) -> None:
    heard: list[str] = []
    app.on("*", lambda data, event_type, label: heard.append(event_type))  # app-wide
    widget = RecordingWidget(app, "late")
    widget.dispatch_from_page("app:before", 1)
    widget.close()
    widget.dispatch_from_page("app:late", 2)  # the page spoke while the window went away
    assert heard == ["app:before", "window:closed"]
