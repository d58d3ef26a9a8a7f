"""Fixtures for the iframe transport: an app on it, and pages opened in headless Chromium."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from wry import PyWry, PyWrySettings
from wry.widget import BaseWidget

# Browser mode must print the URL, never start a desktop browser during the tests.
os.environ.setdefault("WRY_OPEN_BROWSER", "false")

PAGE = """
<h1 id="title">iframe</h1>
<p id="status">waiting</p>
<div id="box">box</div>
"""


class Recorder:
    """A Python callback that records ``(data, event_type, label)`` and can be waited on."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, str, str]] = []
        self._cond = threading.Condition()

    def __call__(self, data: Any, event_type: str, label: str) -> None:
        with self._cond:
            self.calls.append((data, event_type, label))
            self._cond.notify_all()

    def wait(self, count: int = 1, timeout: float = 30.0) -> list[tuple[Any, str, str]]:
        """Block until ``count`` calls arrived; fail the test on timeout."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.calls) >= count, timeout):
                raise AssertionError(f"{len(self.calls)} of {count} events arrived in {timeout} s")
            return list(self.calls)

    @property
    def data(self) -> list[Any]:
        with self._cond:
            return [c[0] for c in self.calls]


@pytest.fixture
def app() -> Iterator[PyWry]:
    """A PyWry on the iframe transport, destroyed after the test."""
    application = PyWry(PyWrySettings(open_browser=False), transport="iframe")
    try:
        yield application
    finally:
        application.destroy()


Show = Callable[..., tuple[BaseWidget, Any]]


@pytest.fixture
def show(app: PyWry, browser: Any) -> Iterator[Show]:
    """``show(html, **options)`` → (handle, Playwright page) once the page reported ready."""
    contexts: list[Any] = []

    def _show(html: str = PAGE, **options: Any) -> tuple[BaseWidget, Any]:
        ready = threading.Event()
        callbacks = {"pywry:ready": lambda d, t, lab: ready.set(), **options.pop("callbacks", {})}
        handle = app.show(html, callbacks=callbacks, display=False, **options)
        page = open_page(browser, handle.url, contexts)  # type: ignore[attr-defined]
        assert ready.wait(30), "the page never reported pywry:ready"
        return handle, page

    yield _show
    for context in contexts:
        context.close()


def open_page(browser: Any, url: str, contexts: list[Any]) -> Any:
    """Open ``url`` in a fresh browser context that collects console errors."""
    context = browser.new_context()
    contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    return page


@contextlib.contextmanager
def child_with_page(browser: Any, script: str) -> Iterator[tuple[subprocess.Popen[str], Any]]:
    """Run ``script`` (it shows a page, which prints its URL) in a child process, that page open.

    Yields once the page's socket is open; the child is killed on the way out.
    """
    env = {**os.environ, "WRY_OPEN_BROWSER": "false", "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    context = browser.new_context()
    try:
        assert child.stdout is not None
        url = re.search(r"http://\S+", child.stdout.readline())
        assert url, "no URL printed"
        page = context.new_page()
        page.goto(url.group(0))
        page.wait_for_function("document.documentElement.dataset.wryConnection === 'open'")
        yield child, page
    finally:
        context.close()
        child.kill()
        child.wait()
        for pipe in (child.stdin, child.stdout, child.stderr):
            if pipe is not None:
                pipe.close()


def tell_child_to_exit(child: subprocess.Popen[str]) -> float:
    """Send the line a ``child_with_page`` script waits for; seconds until the child exited."""
    assert child.stdin is not None
    started = time.monotonic()
    child.stdin.write("\n")
    child.stdin.flush()
    child.wait(30)
    return time.monotonic() - started
