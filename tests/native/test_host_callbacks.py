"""The host's callbacks from Tauri and pages, on their own (no window: core logic only)."""

from __future__ import annotations

import json
import logging
import threading
from types import SimpleNamespace
from typing import Any

import pytest

from wry_native.host_navigation import Navigation
from wry_native.host_page_channel import PageChannel
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
