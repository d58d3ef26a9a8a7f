"""The ``wry`` pytest plugin (entry point ``pytest11``): Chromium and a driver for the kit.

Installed with wry-core, so a transport's test suite gets, with no conftest of its own:

- ``wry_browser``: one headless Chromium per session, driven by Playwright. The binary is
  ``--wry-chromium``, else ``$WRY_TEST_CHROMIUM``, else ``/usr/bin/chromium``; Playwright
  never downloads a browser.
- ``wry_transport``: the name of the transport under test, from ``--wry-transport`` (or the
  ``wry_transport`` ini option); a test module may override it with a fixture of its own.
- ``wry_driver``: a :class:`~wry.testing.browser.BrowserPageDriver` for ``wry_transport``.
  Override it for a transport whose widgets are not pages at a URL.

Importing this module is cheap: Playwright is imported only when ``wry_browser`` is used.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--wry-transport`` and ``--wry-chromium``, each with an ini twin."""
    group = parser.getgroup("wry", "wry conformance kit")
    group.addoption("--wry-transport", help="transport name the default wry_driver shows through")
    group.addoption("--wry-chromium", help=f"Chromium binary (default {DEFAULT_CHROMIUM})")
    parser.addini("wry_transport", "transport name the default wry_driver shows through")
    parser.addini("wry_chromium", "Chromium binary for wry_browser")


def option(config: pytest.Config, name: str) -> str | None:
    """A command-line option, else its ini value, else ``None``."""
    value = config.getoption(f"--{name.replace('_', '-')}") or config.getini(name)
    return str(value) if value else None


def chromium_executable() -> str:
    """``$WRY_TEST_CHROMIUM``, else Debian's ``/usr/bin/chromium`` (benchmarks use it too)."""
    return os.environ.get("WRY_TEST_CHROMIUM", DEFAULT_CHROMIUM)


def chromium_path(config: pytest.Config) -> str:
    """The Chromium binary to launch; fails the test with the install command when missing."""
    path = option(config, "wry_chromium") or chromium_executable()
    if not os.path.exists(path):
        pytest.fail(
            f"Chromium not found at {path}: apt-get install chromium, or pass --wry-chromium",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def wry_browser(pytestconfig: pytest.Config) -> Iterator[Any]:
    """One headless Chromium for the session, driven by Playwright (never downloaded)."""
    path = chromium_path(pytestconfig)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is not installed: pip install playwright", pytrace=False)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def wry_transport(pytestconfig: pytest.Config) -> str:
    """The transport under test: ``--wry-transport``; override this fixture to fix it in code."""
    name = option(pytestconfig, "wry_transport")
    if name is None:
        pytest.fail(
            "no transport to test: pass --wry-transport NAME (or set wry_transport in the pytest"
            " ini options), or define a wry_transport or wry_driver fixture",
            pytrace=False,
        )
    return name


@pytest.fixture
def wry_driver(request: pytest.FixtureRequest, wry_transport: str) -> Iterator[Any]:
    """A browser-page driver for ``wry_transport``; override it for other kinds of transport."""
    from wry.testing.browser import BrowserPageDriver

    driver = BrowserPageDriver(wry_transport, request.getfixturevalue("wry_browser"))
    try:
        yield driver
    finally:
        driver.close()
