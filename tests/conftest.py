"""Fixtures shared by every test directory: a real headless Chromium (Debian's ``chromium``).

Chromium itself comes from the ``wry`` pytest plugin (``wry.testing.plugin``) that wry-core
installs; ``browser`` is the short name these tests use for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def browser(wry_browser: Any) -> Any:
    """The session's headless Chromium (Playwright, never downloaded)."""
    return wry_browser


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page (own context) that collects console errors in ``page.console_errors``."""
    context = browser.new_context()
    pg = context.new_page()
    pg.console_errors = []  # type: ignore[attr-defined]
    pg.on(
        "console",
        lambda m: pg.console_errors.append(m.text) if m.type == "error" else None,  # type: ignore[attr-defined]
    )
    pg.set_default_timeout(15_000)
    try:
        yield pg
    finally:
        context.close()
