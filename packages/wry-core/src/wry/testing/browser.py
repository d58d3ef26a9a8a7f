"""A driver for transports whose widgets are web pages with a ``url`` (iframe, third parties).

The page is opened in a real browser through Playwright; JS runs there, independent of the
transport under test.
"""

from __future__ import annotations

from typing import Any

from wry.app import PyWry
from wry.testing.driver import LocalDriver, LocalSession
from wry.widget import BaseWidget


def wrap_expression(expression: str, pywry: str, root: str) -> str:
    """An async function body binding ``pywry`` and ``root`` around ``expression``."""
    return f"async () => {{ const pywry = {pywry}; const root = {root}; return ({expression}); }}"


class BrowserPageDriver(LocalDriver):
    """Opens each widget's ``url`` in a new page of a Playwright browser."""

    def __init__(self, name: str, browser: Any, app: PyWry | None = None) -> None:
        super().__init__(name, app)
        self.browser = browser
        self.pages: dict[str, Any] = {}

    def attach(self, handle: BaseWidget) -> None:
        page = self.browser.new_page()
        page.set_default_timeout(30_000)
        page.goto(handle.url)  # type: ignore[attr-defined]
        self.pages[handle.label] = page

    def evaluate(self, session: LocalSession, expression: str) -> Any:
        page = self.pages[session.label]
        return page.evaluate(wrap_expression(expression, "window.pywry", "document"))

    def close(self) -> None:
        for page in self.pages.values():
            page.close()
        self.pages.clear()
        super().close()
