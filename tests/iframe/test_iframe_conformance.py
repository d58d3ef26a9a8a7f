"""The transport-neutral conformance suite, run on the iframe transport in headless Chromium."""

from __future__ import annotations

import pytest

from wry.testing.conformance import *  # noqa: F403

pytestmark = pytest.mark.iframe


@pytest.fixture
def wry_transport() -> str:
    return "iframe"
