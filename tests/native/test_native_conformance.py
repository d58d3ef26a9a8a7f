"""The transport-neutral conformance suite (wry.testing) on real native windows.

The driver observes pages through the host's ``probe_js`` (Tauri's own eval and IPC), not
through the wry bridge under test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from native_helpers import XDisplay

from wry.testing.conformance import *  # noqa: F403
from wry.testing.driver import LocalDriver, LocalSession

pytestmark = pytest.mark.native


class NativeDriver(LocalDriver):
    """Shows pages in native windows; evaluates through the independent probe channel."""

    def evaluate(self, session: LocalSession, expression: str) -> Any:
        runtime = session.handle.runtime  # type: ignore[attr-defined]
        return runtime.request("probe_js", {"label": session.label, "expression": expression})


@pytest.fixture(scope="module")
def wry_driver(x_display: XDisplay) -> Iterator[NativeDriver]:
    driver = NativeDriver("native")
    try:
        yield driver
    finally:
        driver.close()
