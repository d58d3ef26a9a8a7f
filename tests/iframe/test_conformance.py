"""The transport-neutral conformance suite, run on the iframe transport in headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from wry.testing.browser import BrowserPageDriver
from wry.testing.conformance import *  # noqa: F403

pytestmark = pytest.mark.iframe


@pytest.fixture
def wry_driver(browser: Any) -> Iterator[BrowserPageDriver]:
    driver = BrowserPageDriver("iframe", browser)
    try:
        yield driver
    finally:
        driver.close()
