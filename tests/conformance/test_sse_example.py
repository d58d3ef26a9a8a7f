"""The worked third-party transport in examples/wry-sse-transport passes the conformance kit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from wry.testing.browser import BrowserPageDriver
from wry.testing.conformance import *  # noqa: F403
from wry.transport import installed_transports

if "sse" not in installed_transports():
    pytest.fail(
        "the example transport is not installed: pip install ./examples/wry-sse-transport",
        pytrace=False,
    )


@pytest.fixture
def wry_driver(browser: Any) -> Iterator[BrowserPageDriver]:
    driver = BrowserPageDriver("sse", browser)
    try:
        yield driver
    finally:
        driver.close()
