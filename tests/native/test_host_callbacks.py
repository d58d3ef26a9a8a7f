"""The host's callbacks from Tauri and pages, on their own (no window: core logic only)."""

from __future__ import annotations

import json
import logging
import threading
from types import SimpleNamespace
from typing import Any

import pytest

from wry_native import host_navigation
from wry_native.host_navigation import LATE_LOAD_S, LOAD_CHECKS_S, Navigation
from wry_native.host_page_channel import PageChannel
from wry_native.host_urls import again_url
from wry_native.host_window import HostWindow


class Lines:
    """The host's output: the lines it would write to the parent."""

    def __init__(self) -> None:
        self.lines: list[dict[str, Any]] = []

    def write(self, line: str) -> None:
        self.lines.append(json.loads(line))


class ForgetOnEntry:
    """A window lock under which a racing ``forget`` has just taken the eval."""

    def __init__(self, evals: dict[str, Any]) -> None:
        self.evals = evals
        self.lock = threading.Lock()

    def __enter__(self) -> None:
        self.evals.clear()
        self.lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def test_an_eval_result_forgotten_meanwhile_stays_an_event_and_answers_no_request() -> None:
    """The parent's ``forget`` raced the page's answer: no reply with a ``null`` id goes out."""
    out = Lines()
    window = HostWindow("wry-win-1", native=None, key="k", listener=None, label="main")  # type: ignore[arg-type]
    window.evals["e7"] = 7
    window.lock = ForgetOnEntry(window.evals)  # type: ignore[assignment]
    channel = PageChannel(SimpleNamespace(out=out))  # type: ignore[arg-type]
    result = {"type": "pywry:eval-result", "data": {"id": "e7", "ok": True, "value": 1}}
    channel.page_events(window, json.dumps([result]))
    assert out.lines == [{"type": "events", "label": "main", "events": [result]}]


def test_navigating_never_raises_into_tauri(caplog: pytest.LogCaptureFixture) -> None:
    """An exception in ``on_navigation`` would reach Tauri's GTK thread: it is logged instead."""

    class Broken(dict[str, Any]):
        def get(self, *args: Any) -> Any:
            raise RuntimeError("broken state")

    host = SimpleNamespace(windows=SimpleNamespace(by_tauri=Broken()))
    with caplog.at_level(logging.ERROR, logger="wry_native.host"):
        assert Navigation(host).navigating("wry-win-1", "tauri://localhost/x") is True  # type: ignore[arg-type]
    assert "deciding on the load of tauri://localhost/x failed" in caplog.text


class FakeWebview:
    """A new window's webview: it reports the URL of its first load, not yet begun."""

    def __init__(self, url: str) -> None:
        self.reported = url
        self.sent: list[str] = []

    def url(self) -> str:
        return self.reported

    def navigate(self, url: str) -> None:
        self.sent.append(url)


def fake_host(window: HostWindow, tasks: list[Any]) -> Any:
    """A host with one window; its tasks are kept to be run by the test."""
    windows = SimpleNamespace(
        by_tauri={window.tauri_label: window}, is_gone=lambda w: False, reveal=lambda w: None
    )
    queue = SimpleNamespace(put=tasks.append)
    return SimpleNamespace(windows=windows, base_url="tauri://localhost/", tasks=queue)


def new_window(first: str) -> tuple[HostWindow, FakeWebview]:
    """A window just sent to ``first``: what watch_load records, without its timers."""
    webview = FakeWebview(first)
    window = HostWindow("wry-win-1", native=webview, key="k", listener=None, label="main")  # type: ignore[arg-type]
    window.loading, window.sent_to, window.asked, window.last_asked = first, first, {first}, first
    return window, webview


def test_a_navigate_held_for_the_first_load_waits_for_webkit_to_begin_it() -> None:
    """A navigate sent before a new window's first load began is held until that load begins.

    WebKit reports the URL of a load as soon as it is asked for, and began it over 2 s later
    at a load average of 11-13: the load check that found a URL took the load for begun and
    sent the held navigate before WebKit had begun any (so were both windows sent that went
    back to their first page under load). Only WebKit's ``on_navigation``, or the page's
    hello, releases it.
    """
    first = "tauri://localhost/p/main.html"
    target = "tauri://localhost/p/main.html?elsewhere"
    window, webview = new_window(first)
    tasks: list[Any] = []
    navigation = Navigation(fake_host(window, tasks))

    assert navigation.navigate_window(window, "navigate", [target]) is None
    assert window.deferred == target  # held: WebKit has not begun the first load
    navigation._check_load(window, first, len(LOAD_CHECKS_S) - 1)  # the URL reads `first`
    assert (webview.sent, tasks, window.deferred) == ([], [], target), "sent before the load began"

    assert navigation.navigating("wry-win-1", first) is True  # WebKit begins the first load
    for task in tasks:
        task()
    assert webview.sent == [target]


class Clock:
    """``time`` for host_navigation, moved on by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_the_late_first_load_is_refused_however_late_webkit_gets_on_with_the_resend(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a machine busy enough (load 11), WebKit began no load at all for more than
    ``LATE_LOAD_S`` after a load check sent the window to its page again; it then began the
    resend, the held navigate and the late first load within milliseconds: the late load came
    after the refusal had expired, and the window went back to its first page."""
    clock = Clock()
    monkeypatch.setattr(host_navigation, "time", clock)
    first = "tauri://localhost/p/main.html"
    target = "tauri://localhost/p/main.html?elsewhere"
    window, webview = new_window(first)
    webview.reported = ""  # WebKit was not even asked for the first load yet
    tasks: list[Any] = []
    navigation = Navigation(fake_host(window, tasks))
    navigation.navigate_window(window, "navigate", [target])  # held
    navigation._check_load(window, first, len(LOAD_CHECKS_S) - 1)
    assert webview.sent == [again_url(first, 1)]  # sent to its page again

    clock.now += LATE_LOAD_S + 2  # WebKit begins nothing meanwhile
    assert navigation.navigating("wry-win-1", again_url(first, 1)) is True
    for task in tasks:
        task()
    tasks.clear()
    assert webview.sent[-1] == target  # the held navigate goes once the resend has begun
    assert navigation.navigating("wry-win-1", target) is True
    assert navigation.navigating("wry-win-1", first) is False, "the late first load won"
    for task in tasks:
        task()
    assert webview.sent[-1] == target  # the refused load ended the navigation: asked again

    clock.now += LATE_LOAD_S + 0.1  # later on, the page may go to that URL itself
    assert navigation.navigating("wry-win-1", first) is True
