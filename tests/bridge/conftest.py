"""Fixtures for the bridge tests (helpers live in bridgepage.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bridgepage import PAGE_ADAPTER, Routes, page_html


@pytest.fixture
def routes(page: Any) -> Routes:
    """Serve files to ``page`` from memory."""
    return Routes(page)


@pytest.fixture
def open_page(page: Any, routes: Routes) -> Callable[..., Any]:
    """Load a page holding the bundle and a page-root bridge; returns the Playwright page."""

    def load(body: str = "", adapter: str = PAGE_ADAPTER, head: str = "") -> Any:
        page.goto(routes.add("/index.html", page_html(body, adapter, head)))
        page.wait_for_function("() => window.__wry !== undefined")
        return page

    return load
