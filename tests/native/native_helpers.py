"""Helpers for native-window tests: the X display, waiting on conditions, event recorders."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DISPLAY_SIZE = (1280, 800)
WAIT_S = 20.0


@dataclass
class XDisplay:
    """The running test display."""

    name: str
    window_manager: subprocess.Popen[bytes] | None = None

    @contextlib.contextmanager
    def window_manager_paused(self) -> Iterator[None]:
        """Stop the window manager meanwhile: what a window asks of it waits (a busy WM)."""
        assert self.window_manager is not None, "no window manager runs on this display"
        self.window_manager.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.window_manager.send_signal(signal.SIGCONT)

    def run(self, *argv: str) -> str:
        """Run an X tool against this display and return its stdout."""
        return subprocess.run(
            argv,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
            env={**os.environ, "DISPLAY": self.name},
        ).stdout

    def window_id(self, title: str) -> str:
        """The X id of the (managed, visible or not) client window titled exactly ``title``."""
        found = wait_until(
            lambda: self.run_ok("xdotool", "search", "--name", f"^{title}$"),
            f"an X window titled {title!r}",
        )
        return str(found).split()[-1]

    def run_ok(self, *argv: str) -> str:
        """Like ``run`` but returns "" when the tool fails."""
        try:
            return self.run(*argv)
        except subprocess.CalledProcessError:
            return ""

    def geometry(self, xid: str) -> dict[str, Any]:
        """``xwininfo`` facts: absolute x/y, width, height, map state."""
        info: dict[str, Any] = {}
        for line in self.run("xwininfo", "-id", xid).splitlines():
            key, _, value = line.strip().partition(":")
            value = value.strip()
            if key == "Absolute upper-left X":
                info["x"] = int(value)
            elif key == "Absolute upper-left Y":
                info["y"] = int(value)
            elif key == "Width":
                info["width"] = int(value)
            elif key == "Height":
                info["height"] = int(value)
            elif key == "Map State":
                info["map_state"] = value
        return info

    def close_like_a_user(self, xid: str, attempts: int = 3) -> None:
        """Alt+F4 through openbox: the WM asks the window to close (WM_DELETE_WINDOW).

        Under load openbox can miss a synthetic key press that arrives while it is still
        handling the activation, so a press whose window is still there 3 s later is repeated.
        """
        wait_until(lambda: self.geometry(xid).get("map_state") == "IsViewable", "window mapped")

        def active() -> bool:
            self.run_ok("xdotool", "windowactivate", xid)
            return self.run_ok("xdotool", "getactivewindow").strip() == str(int(xid, 0))

        for attempt in range(attempts):
            wait_until(active, f"window {xid} to be active")  # the key must reach this window
            self.run("xdotool", "key", "alt+F4")
            try:
                wait_until(lambda: not self.run_ok("xwininfo", "-id", xid), "close", timeout=3)
                return
            except AssertionError:
                if attempt == attempts - 1:
                    raise

    def net_wm_state(self, xid: str) -> str:
        """The ``_NET_WM_STATE`` atoms the window manager set on the window."""
        return self.run("xprop", "-id", xid, "_NET_WM_STATE")

    def wm_name(self, xid: str) -> str:
        """The window title as X has it."""
        return self.run("xprop", "-id", xid, "WM_NAME")


def wait_until(predicate: Callable[[], Any], what: str, timeout: float = WAIT_S) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        threading.Event().wait(delay)
        delay = min(delay * 1.5, 0.2)


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    read_fd, write_fd = os.pipe()
    width, height = DISPLAY_SIZE
    proc = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write_fd),
            "-screen",
            "0",
            f"{width}x{height}x24",
            "-nolisten",
            "tcp",
        ],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as reader:
        number = reader.readline().strip()
    if not number:
        proc.kill()
        raise RuntimeError("Xvfb did not report a display number")
    return proc, f":{number}"


class Recorder:
    """A callback that records ``(event_type, data, label)`` and lets tests wait for them."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any, str]] = []
        self._cond = threading.Condition()

    def __call__(self, data: Any, event_type: str, label: str) -> None:
        with self._cond:
            self.events.append((event_type, data, label))
            self._cond.notify_all()

    def of(self, event_type: str) -> list[Any]:
        """Data of every recorded event of this type, in order."""
        with self._cond:
            return [d for t, d, _ in self.events if t == event_type]

    def wait_for(self, event_type: str, count: int = 1, timeout: float = WAIT_S) -> list[Any]:
        """Block until ``count`` events of this type arrived; return their data."""
        with self._cond:
            ok = self._cond.wait_for(
                lambda: sum(t == event_type for t, _, _ in self.events) >= count, timeout
            )
            found = [d for t, d, _ in self.events if t == event_type]
        if not ok:
            raise AssertionError(
                f"got {len(found)} of {count} {event_type!r} events within {timeout} s"
            )
        return found


ECHO_PAGE = """
<h1 id="title">native</h1>
<script>
  pywry.on("echo", function (data) { pywry.emit("echoed", data); });
</script>
"""


def descendants(pid: int) -> set[int]:
    """Every process whose parent chain reaches ``pid``."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        children = {c for c, p in parents.items() if p in frontier and c not in found}
        found |= children
        frontier = children
    return found


def _managed(display: XDisplay) -> bool:
    return "window id" in display.run_ok("xprop", "-root", "_NET_SUPPORTING_WM_CHECK")


def start_openbox(display: XDisplay, attempts: int = 3) -> subprocess.Popen[bytes]:
    """Run openbox on ``display`` and wait until it manages it (``_NET_SUPPORTING_WM_CHECK``).

    A try that has not taken over after 10 s is killed and repeated; the last failure raises
    with what openbox printed.
    """
    output = ""
    for _ in range(attempts):
        with tempfile.TemporaryFile() as log:
            proc = subprocess.Popen(
                ["openbox", "--sm-disable"],
                env={**os.environ, "DISPLAY": display.name},
                stdout=log,
                stderr=log,
            )
            deadline = time.monotonic() + 10
            while proc.poll() is None and not _managed(display) and time.monotonic() < deadline:
                threading.Event().wait(0.05)
            if proc.poll() is None and _managed(display):
                return proc
            proc.kill()
            proc.wait()
            log.seek(0)
            output = log.read().decode(errors="replace")[-2000:]
    raise RuntimeError(f"openbox did not start on {display.name}: {output}")
