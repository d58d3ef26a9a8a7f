"""Fixtures for real native windows: an Xvfb display with openbox, apps, event recorders.

The display is started here (not by ``xvfb-run`` around pytest) on a free display number that
Xvfb picks itself (``-displayfd``); openbox makes maximize, minimize, fullscreen and
always-on-top real (notes/native-linux.md Q3). ``DISPLAY`` is set for the whole session, so
child hosts inherit it, and so is a private session bus: without one GTK autolaunches a bus
(and an accessibility bus) that outlive the tests.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from dbus_session import private_session_bus
from native_helpers import (
    Recorder,
    XDisplay,
    descendants,
    start_openbox,
    start_xvfb,
    wait_until,
)

from wry import PyWry, PyWrySettings


def webkit_helpers() -> list[int]:
    """WebKit processes started (through a child host) by this test process."""
    found = []
    for pid in descendants(os.getpid()):
        try:
            with open(f"/proc/{pid}/comm") as comm:
                if comm.read().startswith("WebKit"):
                    found.append(pid)
        except OSError:
            continue
    return found


@pytest.fixture(scope="session")
def x_display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[XDisplay]:
    """Xvfb + openbox on a free display; ``DISPLAY`` points at it for the session."""
    for tool in ("Xvfb", "openbox", "xdotool", "xwininfo", "xprop", "dbus-daemon"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: apt-get install xvfb openbox xdotool x11-utils dbus")
    xvfb, name = start_xvfb()
    display = XDisplay(name)
    openbox = display.window_manager = start_openbox(display)
    previous = os.environ.get("DISPLAY")
    saved = {var: os.environ.get(var) for var in ("DBUS_SESSION_BUS_ADDRESS", "NO_AT_BRIDGE")}
    os.environ["DISPLAY"] = name
    bus = contextlib.ExitStack()
    bus_dir = tmp_path_factory.mktemp("session-bus")
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = bus.enter_context(private_session_bus(bus_dir))
    os.environ["NO_AT_BRIDGE"] = "1"  # that bus has no accessibility bus: GTK need not look
    try:
        yield display
    finally:
        from wry_native.runtime import stop_all

        helpers = webkit_helpers()
        stop_all()
        # WebKit helpers outlive their host by a moment; let them go before the display does.
        wait_until(
            lambda: not any(os.path.exists(f"/proc/{pid}") for pid in helpers),
            "WebKit helpers to exit",
            timeout=5,
        )
        for variable, value in (("DISPLAY", previous), *saved.items()):
            if value is None:
                os.environ.pop(variable, None)
            else:
                os.environ[variable] = value
        bus.close()
        for proc in (openbox, xvfb):
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def recorder() -> Recorder:
    """A fresh event recorder."""
    return Recorder()


@pytest.fixture(scope="module")
def app(x_display: XDisplay) -> Iterator[PyWry]:
    """One native app per test module (its child host is shared by the module's tests)."""
    application = PyWry(PyWrySettings(transport="native"))
    yield application
    application.destroy()
