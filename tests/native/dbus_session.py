"""Session-bus helpers for native tests: a private bus, a fake notification daemon, dbusmenu.

The private bus has no service directories, so nothing is D-Bus-activated on it (no portals,
no accessibility bus): the only parties are the child host and what a test starts.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path
from queue import Empty, Queue
from typing import Any

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

# Runs under the system Python with PyGObject (Debian: python3-gi): owns
# org.freedesktop.Notifications and prints every Notify call as one JSON line.
_FAKE_NOTIFICATIONS = r'''
import json, sys
from gi.repository import Gio, GLib
XML = """<node><interface name="org.freedesktop.Notifications">
<method name="Notify"><arg type="s" direction="in"/><arg type="u" direction="in"/>
<arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="s" direction="in"/>
<arg type="as" direction="in"/><arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
<arg type="u" direction="out"/></method>
<method name="GetCapabilities"><arg type="as" direction="out"/></method>
<method name="GetServerInformation"><arg type="s" direction="out"/><arg type="s" direction="out"/>
<arg type="s" direction="out"/><arg type="s" direction="out"/></method>
<method name="CloseNotification"><arg type="u" direction="in"/></method>
<signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
<signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
</interface></node>"""
node = Gio.DBusNodeInfo.new_for_xml(XML)
count = [0]
def call(conn, sender, path, iface, method, params, inv):
    if method == "Notify":
        count[0] += 1
        a = params.unpack()
        print(json.dumps({"app_name": a[0], "summary": a[3], "body": a[4]}), flush=True)
        inv.return_value(GLib.Variant("(u)", (count[0],)))
    elif method == "GetCapabilities":
        inv.return_value(GLib.Variant("(as)", (["body"],)))
    elif method == "GetServerInformation":
        inv.return_value(GLib.Variant("(ssss)", ("fake", "wry-tests", "1", "1.2")))
    else:
        inv.return_value(None)
def acquired(conn, name):
    print(json.dumps({"ready": name}), flush=True)
def on_bus(conn, name):
    conn.register_object("/org/freedesktop/Notifications", node.interfaces[0], call, None, None)
Gio.bus_own_name(Gio.BusType.SESSION, "org.freedesktop.Notifications",
                 Gio.BusNameOwnerFlags.NONE, on_bus, acquired, None)
GLib.MainLoop().run()
'''

SYSTEM_PYTHON = "/usr/bin/python3"


def missing_tools(*tools: str) -> list[str]:
    """Which of ``tools`` are not on PATH."""
    return [t for t in tools if shutil.which(t) is None]


@contextmanager
def private_session_bus(directory: Path) -> Iterator[str]:
    """Start a session bus with no activatable services; yields its address."""
    config = directory / "bus.conf"
    config.write_text(_BUS_CONFIG.format(dir=directory))
    proc = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        address = proc.stdout.readline().strip()
        if not address:
            raise RuntimeError("dbus-daemon printed no address")
        yield address
    finally:
        proc.terminate()
        proc.wait(10)


@contextmanager
def hosts_on_private_bus(directory: Path) -> Iterator[str]:
    """A private bus as ``DBUS_SESSION_BUS_ADDRESS`` for the child hosts started inside.

    Child hosts already running are stopped first and those started inside are stopped at the
    end, so no host outlives the bus it was started on. Yields the bus address.
    """
    from wry_native.runtime import stop_all

    missing = missing_tools("dbus-daemon", "gdbus")
    if missing:
        raise RuntimeError(f"{missing} missing: apt-get install dbus libglib2.0-bin")
    previous = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    stop_all()
    with private_session_bus(directory) as address:
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = address
        try:
            yield address
        finally:
            stop_all()
            if previous is None:
                os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
            else:
                os.environ["DBUS_SESSION_BUS_ADDRESS"] = previous


class LineReader:
    """Collects JSON lines a helper process prints, for waiting on them."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: Queue[dict[str, Any]] = Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                self.lines.put(json.loads(line))
            except ValueError:
                continue

    def wait_for(self, pred: Callable[[dict[str, Any]], bool], timeout: float) -> dict[str, Any]:
        """The first line matching ``pred`` (earlier non-matching lines are discarded)."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no matching line within the timeout")
            try:
                line = self.lines.get(timeout=remaining)
            except Empty:
                continue
            if pred(line):
                return line


@contextmanager
def fake_notification_daemon(address: str) -> Iterator[LineReader]:
    """Own org.freedesktop.Notifications on ``address``; yields a reader of Notify calls."""
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address}
    proc = subprocess.Popen(
        [SYSTEM_PYTHON, "-c", _FAKE_NOTIFICATIONS], stdout=subprocess.PIPE, text=True, env=env
    )
    reader = LineReader(proc)
    try:
        reader.wait_for(lambda line: "ready" in line, timeout=20)
        yield reader
    finally:
        proc.terminate()
        proc.wait(10)


def has_system_gi() -> bool:
    """Whether the system Python can run the fake daemon (python3-gi installed)."""
    if not Path(SYSTEM_PYTHON).exists():
        return False
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "from gi.repository import Gio"], capture_output=True, check=False
    )
    return probe.returncode == 0


# -- dbusmenu (tray menus) -------------------------------------------------------------------------

ITEM_PATH = "/org/ayatana/NotificationItem/tray_icon_tray_app"


def gdbus_call(address: str, *args: str, timeout: int = 3) -> subprocess.CompletedProcess[str]:
    """``gdbus call`` on the bus at ``address``; one call never waits more than ``timeout`` s."""
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address}
    return subprocess.run(
        ["gdbus", "call", "--session", "--timeout", str(timeout), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout + 5,
        check=False,
    )


def _bus_names_of(address: str, pid: int) -> list[str]:
    out = gdbus_call(
        address,
        "--dest", "org.freedesktop.DBus", "--object-path", "/org/freedesktop/DBus",
        "--method", "org.freedesktop.DBus.ListNames",
    ).stdout  # fmt: skip
    names = []
    for name in re.findall(r"'(:[0-9.]+)'", out):
        owner = gdbus_call(
            address,
            "--dest", "org.freedesktop.DBus", "--object-path", "/org/freedesktop/DBus",
            "--method", "org.freedesktop.DBus.GetConnectionUnixProcessID", name,
        ).stdout  # fmt: skip
        match = re.search(r"uint32 (\d+)", owner)
        if match and int(match.group(1)) == pid:
            names.append(name)
    return names


class TrayOnBus:
    """The tray item a process exported: read its status and menu, click menu items."""

    def __init__(self, address: str, pid: int) -> None:
        self.address = address
        self.pid = pid
        self.name = self._find()

    def _find(self) -> str:
        # One of the process's connections never answers (notes Q5): probe them all at once.
        def answers(name: str) -> bool:
            probe = gdbus_call(self.address, "--dest", name, "--object-path", f"{ITEM_PATH}/Menu",
                               "--method", "com.canonical.dbusmenu.GetLayout", "--", "0", "-1",
                               "[]", timeout=2)  # fmt: skip
            return probe.returncode == 0

        names = _bus_names_of(self.address, self.pid)
        pool = ThreadPoolExecutor(max(1, len(names)))
        try:  # the first connection that answers; a silent one times out in the background
            probes = {pool.submit(answers, name): name for name in names}
            for probe in as_completed(probes):
                if probe.result():
                    return probes[probe]
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        raise LookupError(f"process {self.pid} exports no tray menu on {self.address}")

    def _call(
        self, name: str, path: str, method: str, *args: str
    ) -> subprocess.CompletedProcess[str]:
        return gdbus_call(
            self.address, "--dest", name, "--object-path", path, "--method", method, *args
        )

    def layout(self) -> str:
        """The raw GetLayout answer (labels, ids, toggle states)."""
        r = self._call(self.name, f"{ITEM_PATH}/Menu", "com.canonical.dbusmenu.GetLayout",
                       "--", "0", "-1", "[]")  # fmt: skip
        r.check_returncode()
        return r.stdout

    def items(self) -> dict[str, int]:
        """Menu labels → dbusmenu ids."""
        return {
            label: int(i)
            for i, label in re.findall(r"\((\d+), \{[^}]*'label': <'([^']*)'>", self.layout())
        }

    def click(self, label: str) -> None:
        """Send the ``clicked`` event a tray host sends when the user picks ``label``."""
        item = self.items()[label]
        r = self._call(self.name, f"{ITEM_PATH}/Menu", "com.canonical.dbusmenu.Event",
                       "--", str(item), "clicked", "<int32 0>", "0")  # fmt: skip
        r.check_returncode()

    def status(self) -> str:
        """The StatusNotifierItem ``Status``: Active or Passive (hidden)."""
        r = self._call(self.name, ITEM_PATH, "org.freedesktop.DBus.Properties.Get",
                       "org.kde.StatusNotifierItem", "Status")  # fmt: skip
        r.check_returncode()
        match = re.search(r"'(\w+)'", r.stdout)
        return match.group(1) if match else r.stdout.strip()

    def label(self) -> str:
        """The indicator label (what ``set_title`` sets)."""
        r = self._call(self.name, ITEM_PATH, "org.freedesktop.DBus.Properties.Get",
                       "org.kde.StatusNotifierItem", "XAyatanaLabel")  # fmt: skip
        r.check_returncode()
        match = re.search(r"'([^']*)'", r.stdout)
        return match.group(1) if match else ""


__all__ = [
    "TrayOnBus",
    "fake_notification_daemon",
    "gdbus_call",
    "has_system_gi",
    "missing_tools",
    "private_session_bus",
]
