"""``wry.testing``: a transport-neutral driver and one conformance suite for every transport.

wry-core installs it as a pytest plugin (``wry.testing.plugin``: headless Chromium as
``wry_browser``, ``wry_driver`` for pages at a URL). A transport runs the suite by naming itself
in one fixture (or with ``--wry-transport NAME``) and importing the tests::

    import pytest
    from wry.testing.conformance import *  # noqa: F403

    @pytest.fixture
    def wry_transport():
        return "sse"

A transport whose widgets are not pages at a URL overrides ``wry_driver`` instead, with a
:class:`~wry.testing.driver.LocalDriver` subclass. See ``docs/writing-a-transport.md``.
"""

from wry.testing.driver import Driver, LocalDriver, Session

__all__ = ["Driver", "LocalDriver", "Session"]
