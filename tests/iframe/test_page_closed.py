"""A browser-mode widget closed because its tab went away releases waiting eval_js calls."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from iframe.conftest import open_page

from wry import PyWry
from wry.widget import WidgetClosedError

pytestmark = pytest.mark.iframe


def test_eval_js_waiting_when_the_tab_closes_raises_widget_closed(app: PyWry, browser: Any) -> None:
    """The tab closes while ``eval_js`` waits; after the grace time the widget counts as
    closed (``page_disconnected.check``). That path calls ``server.remove``,
    ``outbox.clear`` and ``mark_closed``, but not ``_close``: pending ``eval_js`` calls are
    not released, and wait out their whole timeout before raising ``TimeoutError`` about a
    widget that is already closed (``close()`` releases them with ``WidgetClosedError``).
    """
    ready = threading.Event()
    handle = app.show("<p>x</p>", display=False, callbacks={"pywry:ready": lambda *a: ready.set()})
    handle.close_after_disconnect = 0.1  # type: ignore[attr-defined]  # browser mode, short
    contexts: list[Any] = []
    page = open_page(browser, handle.url, contexts)  # type: ignore[attr-defined]
    assert ready.wait(30)
    page.evaluate("window.__started = false; true")
    outcome: list[BaseException | Any] = []

    def call() -> None:
        try:
            outcome.append(handle.eval_js("window.__started = true; new Promise(() => {})", 30))  # type: ignore[attr-defined]
        except BaseException as exc:
            outcome.append(exc)

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    page.wait_for_function("window.__started")
    contexts[0].close()  # the user closes the tab
    assert handle.wait_closed(10), "the widget was not closed after its tab went away"
    caller.join(5)
    assert not caller.is_alive(), "eval_js still waits on a widget closed 5 s ago"
    assert isinstance(outcome[0], WidgetClosedError), outcome
