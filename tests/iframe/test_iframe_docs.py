"""The README's example and the iframe guide's example run as written, clicked in Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from doc_examples import block
from iframe.conftest import Recorder, open_page

from wry import PyWry

pytestmark = pytest.mark.iframe


class Printed(Recorder):
    """Stands in for ``print`` in an example: records the printed values."""

    def __call__(self, *values: Any, **_: Any) -> None:  # type: ignore[override]
        super().__call__(values, "print", "")


@pytest.fixture
def contexts() -> Iterator[list[Any]]:
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()


def test_readme_example(browser: Any, contexts: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """``PyWry()`` picks the browser transport here; the click reaches Python and comes back."""
    monkeypatch.setenv("WRY_TRANSPORT", "iframe")  # automatic would pick native with a display
    names = block("README.md", "app = PyWry()").run()
    app, handle = names["app"], names["handle"]
    assert isinstance(app, PyWry)
    try:
        page = open_page(browser, handle.url, contexts)  # type: ignore[attr-defined]
        page.click("button")
        page.locator("#status", has_text="clicked 1").wait_for()
        assert page.console_errors == []
    finally:
        app.destroy()


def test_iframe_guide_example(browser: Any, contexts: list[Any]) -> None:
    printed = Printed()
    names = block("docs/transports/iframe.md", 'PyWry(transport="iframe")').run(print=printed)
    app = names["app"]
    assert isinstance(app, PyWry)
    try:
        (url,) = printed.wait(1)[0][0]
        assert url.startswith("http://127.0.0.1:") and "token=" in url
        page = open_page(browser, url, contexts)
        page.click("button")
        assert printed.wait(2)[1][0] == ({"n": 1},)
    finally:
        app.destroy()
