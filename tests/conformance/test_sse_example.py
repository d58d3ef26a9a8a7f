"""The worked third-party transport in examples/wry-sse-transport passes the conformance kit.

Exactly what a third party writes: one fixture naming the transport (the ``wry`` pytest plugin
supplies Chromium and the driver) and the suite imported.
"""

from __future__ import annotations

import pytest

from wry.testing.conformance import *  # noqa: F403
from wry.transport import installed_transports

if "sse" not in installed_transports():
    pytest.fail(
        "the example transport is not installed: pip install ./examples/wry-sse-transport",
        pytrace=False,
    )


@pytest.fixture
def wry_transport() -> str:
    return "sse"
