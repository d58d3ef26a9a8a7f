"""``wry.testing``: a transport-neutral driver and one conformance suite for every transport.

A transport (built-in or third party) runs the suite by providing one pytest fixture,
``wry_driver``, that yields a :class:`~wry.testing.driver.Driver`, and importing the tests::

    from wry.testing.conformance import *  # noqa: F403

See ``docs/writing-a-transport.md``.
"""

from wry.testing.driver import Driver, LocalDriver, Session

__all__ = ["Driver", "LocalDriver", "Session"]
