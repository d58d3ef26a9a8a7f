"""Window control inside the child: the getters and methods ``WindowProxy`` may reach.

Only names in these tables can be called over the wire. Where Tauri's own getter does not
report what the window manager did (notes/native-linux.md Q3: ``is_fullscreen`` answers True
on Linux without any effect when no WM runs; ``is_always_on_top`` stays False after it took
effect; there is no zoom getter), the host answers from real geometry or from what it set.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any

from pytauri import Position, Size
from pytauri.webview import WebviewWindow

State = dict[str, Any]

#: How long a call waits at most for a window shown a moment ago to get its frame (see
#: ``wait_framed``): a window manager frames it in tens of milliseconds, a second or more
#: when WebKit is starting; without one it never happens. The host runs such a call on a
#: thread of the window's own (``host_lanes.Lanes.run``): other windows never wait for it.
FRAME_WAIT_S = 2.0
#: Waits that timed out, with no window framed yet, after which the host takes it that no
#: window manager runs and stops waiting (until a window turns out framed after all).
NO_WM_AFTER = 2
#: The getters and methods that wait for the frame.
FRAMED_GETTERS = frozenset({"inner_size", "outer_size", "inner_position", "outer_position"})
FRAMED_METHODS = frozenset({"center"})


class _Frames:
    """What the host has learnt about frames: whether a window manager seems to run."""

    def __init__(self) -> None:
        self.seen = False  # some window got its frame: a window manager runs
        self.timeouts = 0  # waits that gave up

    def worth_waiting(self) -> bool:
        return self.seen or self.timeouts < NO_WM_AFTER


_frames = _Frames()


class WindowGoneError(LookupError):
    """The window closed while its call waited for the window manager's frame."""


def positive_size(width: Any, height: Any) -> tuple[float, float]:
    """A window size as numbers; raises unless both are positive and finite.

    GTK ignores a size that is not positive (it only prints a warning): the call would
    seem to work and change nothing.
    """
    size = (float(width), float(height))
    if not all(math.isfinite(v) and v > 0 for v in size):
        raise ValueError(f"a window size must be positive, not {width!r} x {height!r}")
    return size


def logical_size(width: float, height: float) -> Any:
    """A Tauri logical size (positive: see ``positive_size``)."""
    return Size.Logical(positive_size(width, height))


def _framed(window: WebviewWindow, state: State) -> WebviewWindow:
    wait_framed(window, state)
    return window


def _size(value: Any) -> dict[str, int]:
    width, height = value
    return {"width": int(width), "height": int(height)}


def _position(value: Any) -> dict[str, int]:
    x, y = value
    return {"x": int(x), "y": int(y)}


def would_wait(window: WebviewWindow, name: str, state: State) -> bool:
    """Whether getter or method ``name`` would wait for the window's frame now."""
    if name not in FRAMED_GETTERS and name not in FRAMED_METHODS:
        return False
    if state.get("framed") or not window.is_visible():
        return False
    if _framed_size(window):
        _frames.seen = True
        state["framed"] = True
        return False
    return _frames.worth_waiting()


def wait_framed(window: WebviewWindow, state: State) -> None:
    """Wait, once per window and briefly, until a window just shown has its frame.

    Until the window manager has mapped it, Tauri reports its outer size as 0x0 (1x1 for a
    new window) and a pool window's inner size as the pool's: ``center()`` would centre the
    window's corner, not the window, and the geometry getters would answer what the window is
    not. A window created visible is mapped only when its page is up, so this is the common
    case right after ``show()``. A wait gives up after ``FRAME_WAIT_S`` (that window is not
    waited for again). Without a window manager no window is ever framed: once
    ``NO_WM_AFTER`` waits gave up and no window was framed, windows are only looked at, not
    waited for, until one turns out framed (a window manager that started late).
    """
    if not would_wait(window, "center", state):
        return
    deadline = time.monotonic() + FRAME_WAIT_S
    while not _framed_size(window):
        if state.get("gone"):  # closed meanwhile: no frame comes, and no WM is missing
            raise WindowGoneError("the window closed while waiting for its frame")
        if time.monotonic() > deadline:
            _frames.timeouts += 1
            break
        threading.Event().wait(0.01)
    else:
        _frames.seen = True
    state["framed"] = True


def _url(window: WebviewWindow) -> str:
    """The webview's URL; "" while it has none (a new window's first load not started yet)."""
    try:
        return str(window.url())
    except Exception as exc:  # Tauri parses WebKit's empty URI and fails
        if "relative URL without a base" in str(exc):
            return ""
        raise


def _framed_size(window: WebviewWindow) -> bool:
    """Whether the outer size is known: no smaller than the inner size (the frame's)."""
    outer_width, outer_height = window.outer_size()
    inner_width, inner_height = window.inner_size()
    return 0 < inner_width <= outer_width and 0 < inner_height <= outer_height


def really_fullscreen(window: WebviewWindow, state: State) -> bool:
    """Fullscreen as the user sees it: asked for, and the window's page covers its monitor.

    Tauri answers what was asked last: True where no window manager acted on it, and False
    as soon as leaving is asked, while the window manager has not let go yet. So the page
    (the inner size: a fullscreen window has no frame) must cover the monitor; and for
    ``FRAME_WAIT_S`` after a fullscreen window was asked to leave, one that still covers it
    is still fullscreen. A maximized window's frame covers the monitor too, not its page.
    """
    leaving = time.monotonic() < state.get("leaving_fullscreen_until", 0.0)
    asked = window.is_fullscreen()
    if not asked and not leaving:
        return False
    monitor = window.current_monitor()
    if monitor is None:
        return asked
    width, height = window.inner_size()
    mon_width, mon_height = monitor.size
    return (int(width), int(height)) == (int(mon_width), int(mon_height))


def _set_fullscreen(window: WebviewWindow, args: list[Any], state: State) -> None:
    on = bool(args[0])
    # only a window that was fullscreen (or still leaving it) has a window manager to wait for
    was = window.is_fullscreen() or time.monotonic() < state.get("leaving_fullscreen_until", 0.0)
    window.set_fullscreen(on)
    if on or not was:
        state["leaving_fullscreen_until"] = 0.0
    else:
        state["leaving_fullscreen_until"] = time.monotonic() + FRAME_WAIT_S


GETTERS: dict[str, Callable[[WebviewWindow, State], Any]] = {
    "is_maximized": lambda w, s: w.is_maximized(),
    "is_minimized": lambda w, s: w.is_minimized(),
    "is_fullscreen": really_fullscreen,
    "is_focused": lambda w, s: w.is_focused(),
    "is_visible": lambda w, s: w.is_visible(),
    "is_decorated": lambda w, s: w.is_decorated(),
    "is_resizable": lambda w, s: w.is_resizable(),
    "is_always_on_top": lambda w, s: bool(s.get("always_on_top", w.is_always_on_top())),
    "is_content_protected": lambda w, s: bool(s.get("content_protected", False)),
    "is_devtools_open": lambda w, s: w.is_devtools_open(),
    "title": lambda w, s: w.title(),
    "url": lambda w, s: _url(w),
    "inner_size": lambda w, s: _size(_framed(w, s).inner_size()),
    "outer_size": lambda w, s: _size(_framed(w, s).outer_size()),
    "inner_position": lambda w, s: _position(_framed(w, s).inner_position()),
    "outer_position": lambda w, s: _position(_framed(w, s).outer_position()),
    "scale_factor": lambda w, s: w.scale_factor(),
    "zoom": lambda w, s: float(s.get("zoom", 1.0)),
    "background_color": lambda w, s: s.get("background_color"),
}


def _optional_size(args: list[Any]) -> Any:
    return None if not args or args[0] is None else logical_size(args[0], args[1])


def _set_focus(window: WebviewWindow, args: list[Any], state: State) -> None:
    # A minimized or hidden window cannot take focus: bring it back first.
    if window.is_minimized():
        window.unminimize()
    if not window.is_visible():
        window.show()
    window.set_focus()


def _remember(key: str, convert: Callable[[Any], Any], method: str) -> Callable[..., None]:
    def call(window: WebviewWindow, args: list[Any], state: State) -> None:
        value = convert(args[0])
        getattr(window, method)(value)
        state[key] = value

    return call


def _set_background_color(window: WebviewWindow, args: list[Any], state: State) -> None:
    if len(args) == 1 and args[0] is None:
        window.set_background_color(None)
        state.pop("background_color", None)
        return
    rgba = [int(v) for v in (args[0] if len(args) == 1 else args)]
    if len(rgba) == 3:
        rgba.append(255)
    if len(rgba) != 4 or not all(0 <= v <= 255 for v in rgba):
        raise ValueError("background colour must be (r, g, b) or (r, g, b, a), each 0-255")
    window.set_background_color((rgba[0], rgba[1], rgba[2], rgba[3]))
    state["background_color"] = rgba


def _no_args(method: str) -> Callable[..., None]:
    return lambda window, args, state: getattr(window, method)()


def _one_arg(method: str, convert: Callable[[Any], Any]) -> Callable[..., None]:
    return lambda window, args, state: getattr(window, method)(convert(args[0]))


def _set_zoom(window: WebviewWindow, args: list[Any], state: State) -> None:
    factor = float(args[0])
    if not 0.1 <= factor <= 10:
        raise ValueError(f"zoom must be between 0.1 and 10, not {factor}")
    window.set_zoom(factor)
    state["zoom"] = factor


METHODS: dict[str, Callable[[WebviewWindow, list[Any], State], Any]] = {
    "set_title": _one_arg("set_title", str),
    "set_size": lambda w, a, s: w.set_size(logical_size(a[0], a[1])),
    "set_min_size": lambda w, a, s: w.set_min_size(_optional_size(a)),
    "set_max_size": lambda w, a, s: w.set_max_size(_optional_size(a)),
    "set_position": lambda w, a, s: w.set_position(Position.Logical((float(a[0]), float(a[1])))),
    "center": lambda w, a, s: _framed(w, s).center(),
    "maximize": _no_args("maximize"),
    "unmaximize": _no_args("unmaximize"),
    "minimize": _no_args("minimize"),
    "unminimize": _no_args("unminimize"),
    "set_fullscreen": _set_fullscreen,
    "set_focus": _set_focus,
    "show": _no_args("show"),
    "hide": _no_args("hide"),
    "set_decorations": _one_arg("set_decorations", bool),
    "set_resizable": _one_arg("set_resizable", bool),
    "set_always_on_top": _remember("always_on_top", bool, "set_always_on_top"),
    "set_content_protected": _remember("content_protected", bool, "set_content_protected"),
    "set_background_color": _set_background_color,
    "set_skip_taskbar": _one_arg("set_skip_taskbar", bool),
    "navigate": _one_arg("navigate", str),
    "reload": _no_args("reload"),
    "open_devtools": _no_args("open_devtools"),
    "close_devtools": _no_args("close_devtools"),
    "set_zoom": _set_zoom,
}


def get(window: WebviewWindow, name: str, state: State) -> Any:
    """Read property ``name``; an unknown name raises listing the known ones."""
    getter = GETTERS.get(name)
    if getter is None:
        raise AttributeError(f"unknown window property {name!r}; known: {', '.join(GETTERS)}")
    return getter(window, state)


def call(window: WebviewWindow, method: str, args: list[Any], state: State) -> Any:
    """Call ``method`` with ``args``; an unknown method raises listing the known ones."""
    function = METHODS.get(method)
    if function is None:
        raise AttributeError(f"unknown window method {method!r}; known: {', '.join(METHODS)}")
    try:
        return function(window, args, state)
    except IndexError:
        raise ValueError(f"{method}: missing argument(s), got {args!r}") from None
