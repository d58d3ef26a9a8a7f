"""WindowProxy and the handle's window control, each effect observed through its getter and X."""

from __future__ import annotations

import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from native_helpers import DISPLAY_SIZE, Recorder, XDisplay, wait_until

from wry import PyWry, PyWrySettings
from wry_native import NativeWindowHandle, WindowProxy
from wry_native.runtime import NativeCallError

pytestmark = pytest.mark.native

_count = iter(range(1, 1000))


@pytest.fixture
def window(app: PyWry, recorder: Recorder) -> Iterator[tuple[NativeWindowHandle, str]]:
    """A fresh window with a unique title, and its X window id."""
    title = f"ctl-{next(_count)}"
    handle = app.show(
        '<p id="p">control</p>', title=title, width=480, height=360, callbacks={"*": recorder}
    )
    assert isinstance(handle, NativeWindowHandle)
    recorder.wait_for("pywry:ready")
    yield handle, title
    if not handle.closed:
        handle.close()


def settled(read: Any, expected: Any, what: str) -> None:
    """Window managers apply changes asynchronously: wait for the getter to agree."""
    wait_until(lambda: read() == expected, f"{what} == {expected!r} (last: {read()!r})")


def test_title(window: tuple[NativeWindowHandle, str], x_display: XDisplay) -> None:
    handle, title = window
    proxy = handle.proxy
    assert isinstance(proxy, WindowProxy)
    xid = x_display.window_id(title)
    handle.set_title("renamed ✓")
    assert proxy.title == "renamed ✓"
    wait_until(lambda: "renamed" in x_display.wm_name(xid), "WM_NAME to change")


def test_size_position_limits_and_center(
    window: tuple[NativeWindowHandle, str], x_display: XDisplay
) -> None:
    handle, title = window
    proxy = handle.proxy
    xid = x_display.window_id(title)
    handle.set_size(500, 350)
    settled(lambda: tuple(proxy.inner_size), (500, 350), "inner_size")
    geo = x_display.geometry(xid)
    assert (geo["width"], geo["height"]) == (500, 350)
    outer = proxy.outer_size
    assert outer.width >= 500 and outer.height > 350  # openbox's frame and title bar

    handle.set_position(100, 120)
    settled(lambda: tuple(proxy.outer_position), (100, 120), "outer_position")
    inner = proxy.inner_position
    geo = x_display.geometry(xid)
    assert (geo["x"], geo["y"]) == (inner.x, inner.y)
    assert inner.y > 120  # the client sits below the title bar

    proxy.set_min_size(400, 300)
    handle.set_size(200, 100)
    settled(lambda: tuple(proxy.inner_size), (400, 300), "inner_size clamped to the minimum")
    proxy.set_min_size()
    proxy.set_max_size(600, 500)
    handle.set_size(900, 900)
    settled(lambda: tuple(proxy.inner_size), (600, 500), "inner_size clamped to the maximum")
    proxy.set_max_size()

    handle.set_size(640, 480)
    settled(lambda: tuple(proxy.inner_size), (640, 480), "inner_size")
    handle.center()

    def centred() -> bool:
        pos, size = proxy.outer_position, proxy.outer_size
        dx, dy = pos.x + size.width / 2 - 640, pos.y + size.height / 2 - 400
        return bool(abs(dx) <= 2 and abs(dy) <= 2)

    wait_until(centred, "the window to be centred on the 1280x800 screen")


def test_a_size_that_is_not_positive_is_refused(
    window: tuple[NativeWindowHandle, str], app: PyWry
) -> None:
    """GTK ignores such a size with a warning on stderr: set_size(0, 0) seemed to work and
    changed nothing, and show(width=-5) opened an 800x600 window."""
    handle, _ = window
    proxy = handle.proxy
    size = tuple(proxy.inner_size)
    for width, height in ((0, 0), (-5, 300)):
        with pytest.raises(NativeCallError, match="a window size must be positive"):
            handle.set_size(width, height)
    with pytest.raises(NativeCallError, match="a window size must be positive"):
        proxy.set_min_size(300, -1)
    with pytest.raises(NativeCallError, match="a window size must be positive"):
        app.show("<p>never</p>", width=-5, height=300)
    assert tuple(proxy.inner_size) == size


def test_maximize_and_unmaximize(
    window: tuple[NativeWindowHandle, str], x_display: XDisplay
) -> None:
    handle, title = window
    proxy = handle.proxy
    xid = x_display.window_id(title)
    handle.maximize()
    settled(lambda: proxy.is_maximized, True, "is_maximized")
    state = x_display.net_wm_state(xid)
    assert "_NET_WM_STATE_MAXIMIZED_VERT" in state and "_NET_WM_STATE_MAXIMIZED_HORZ" in state
    assert x_display.geometry(xid)["width"] == 1280
    proxy.unmaximize()
    settled(lambda: proxy.is_maximized, False, "is_maximized")
    assert "MAXIMIZED" not in x_display.net_wm_state(xid)


def test_minimize_then_set_focus_restores_it(
    window: tuple[NativeWindowHandle, str], x_display: XDisplay
) -> None:
    handle, title = window
    proxy = handle.proxy
    xid = x_display.window_id(title)
    handle.minimize()
    settled(lambda: proxy.is_minimized, True, "is_minimized")
    assert "_NET_WM_STATE_HIDDEN" in x_display.net_wm_state(xid)
    assert x_display.geometry(xid)["map_state"] == "IsUnMapped"
    handle.set_focus()
    settled(lambda: proxy.is_minimized, False, "is_minimized")
    settled(lambda: proxy.is_focused, True, "is_focused")
    assert x_display.geometry(xid)["map_state"] == "IsViewable"
    proxy.minimize()
    settled(lambda: proxy.is_minimized, True, "is_minimized")
    proxy.unminimize()
    settled(lambda: proxy.is_minimized, False, "is_minimized")


def test_fullscreen_reports_the_real_state(
    window: tuple[NativeWindowHandle, str], x_display: XDisplay
) -> None:
    handle, title = window
    proxy = handle.proxy
    xid = x_display.window_id(title)
    assert proxy.is_fullscreen is False
    proxy.set_fullscreen(True)
    settled(lambda: proxy.is_fullscreen, True, "is_fullscreen")
    assert "_NET_WM_STATE_FULLSCREEN" in x_display.net_wm_state(xid)
    geo = x_display.geometry(xid)
    assert (geo["width"], geo["height"]) == (1280, 800)
    proxy.set_fullscreen(False)
    settled(lambda: proxy.is_fullscreen, False, "is_fullscreen")
    assert "FULLSCREEN" not in x_display.net_wm_state(xid)


def test_is_fullscreen_stays_true_until_the_window_manager_lets_go(
    window: tuple[NativeWindowHandle, str], x_display: XDisplay
) -> None:
    """Tauri answers False as soon as leaving fullscreen is asked: ``is_fullscreen`` did too,
    while the window still covered the screen, and a test that then looked at X raced the
    window manager (openbox usually acts within the getter's round trip)."""
    handle, title = window
    proxy = handle.proxy
    xid = x_display.window_id(title)
    proxy.set_fullscreen(True)
    settled(lambda: proxy.is_fullscreen, True, "is_fullscreen")
    with x_display.window_manager_paused():
        proxy.set_fullscreen(False)
        assert "_NET_WM_STATE_FULLSCREEN" in x_display.net_wm_state(xid)
        assert proxy.is_fullscreen is True, "not fullscreen, says the getter; X says it is"
    settled(lambda: proxy.is_fullscreen, False, "is_fullscreen")
    assert "FULLSCREEN" not in x_display.net_wm_state(xid)
    geo = x_display.geometry(xid)
    assert (geo["width"], geo["height"]) == (480, 360)


def test_appearance(window: tuple[NativeWindowHandle, str], x_display: XDisplay) -> None:
    handle, title = window
    proxy = handle.proxy
    xid = x_display.window_id(title)
    proxy.set_always_on_top(True)
    assert proxy.is_always_on_top is True
    wait_until(lambda: "_NET_WM_STATE_ABOVE" in x_display.net_wm_state(xid), "_NET_WM_STATE_ABOVE")
    proxy.set_always_on_top(False)
    assert proxy.is_always_on_top is False
    wait_until(lambda: "ABOVE" not in x_display.net_wm_state(xid), "ABOVE to be cleared")

    assert proxy.is_decorated is True
    proxy.set_decorations(False)
    settled(lambda: proxy.is_decorated, False, "is_decorated")
    settled(lambda: proxy.outer_size == proxy.inner_size, True, "no frame around the client")
    proxy.set_decorations(True)
    settled(lambda: proxy.outer_size.height > proxy.inner_size.height, True, "the frame back")

    proxy.set_resizable(False)
    assert proxy.is_resizable is False
    proxy.set_resizable(True)
    proxy.set_content_protected(True)
    assert proxy._get("is_content_protected") is True
    proxy.set_background_color(255, 0, 0)
    assert proxy._get("background_color") == [255, 0, 0, 255]
    with pytest.raises(NativeCallError, match="each 0-255"):
        proxy.set_background_color(300, 0, 0)


def test_hide_and_show(
    window: tuple[NativeWindowHandle, str], x_display: XDisplay, recorder: Recorder
) -> None:
    handle, title = window
    xid = x_display.window_id(title)
    handle.hide()
    assert handle.proxy.is_visible is False
    assert recorder.wait_for("window:hidden") == [{"label": handle.label}]
    wait_until(lambda: x_display.geometry(xid)["map_state"] == "IsUnMapped", "unmapped")
    handle.show_window()
    assert handle.proxy.is_visible is True
    wait_until(lambda: x_display.geometry(xid)["map_state"] == "IsViewable", "mapped")


@pytest.mark.parametrize("warm", [True, False], ids=["warm-window", "new-window"])
def test_a_shown_window_is_mapped_once_its_page_is_up(
    app: PyWry, x_display: XDisplay, recorder: Recorder, warm: bool
) -> None:
    # The host maps a window when its page says hello (not while WebKit loads it); nothing
    # the parent does is needed for that.
    owner = app if warm else PyWry(PyWrySettings(transport="native", warm_windows=0))
    try:
        if warm:
            first = owner.show("<p>first</p>", callbacks={"*": recorder})
            recorder.wait_for("pywry:ready")
            runtime = first.runtime  # type: ignore[attr-defined]
            wait_until(lambda: runtime.request("list_windows", {})["loaded"] >= 1, "a warm window")
        title = f"mapped-{next(_count)}"
        page = Recorder()
        handle = owner.show('<p id="p">up</p>', title=title, callbacks={"*": page})
        page.wait_for("pywry:ready")
        xid = x_display.window_id(title)
        wait_until(lambda: x_display.geometry(xid)["map_state"] == "IsViewable", "mapped")
        assert handle.eval_js("document.getElementById('p').textContent") == "up"
    finally:
        if not warm:
            owner.destroy()


@pytest.mark.parametrize("warm", [True, False], ids=["warm-window", "new-window"])
def test_center_at_once_after_show_centres_the_window(
    app: PyWry, x_display: XDisplay, warm: bool
) -> None:
    # Until the window manager has framed a window just shown, Tauri knows no outer size:
    # center() must not centre the window's corner instead of the window.
    owner = app if warm else PyWry(PyWrySettings(transport="native", warm_windows=0))
    try:
        if warm:
            runtime = owner.show("<p>first</p>").runtime  # type: ignore[attr-defined]
            wait_until(lambda: runtime.request("list_windows", {})["loaded"] >= 1, "a warm window")
        title = f"centred-{next(_count)}"
        handle = owner.show("<p>centre</p>", title=title, width=400, height=300)
        handle.center()
        xid = x_display.window_id(title)

        def middle() -> tuple[float, float]:
            geo = x_display.geometry(xid)
            return geo["x"] + geo["width"] / 2, geo["y"] + geo["height"] / 2

        width, height = DISPLAY_SIZE
        # the client area sits below the frame's title bar: a little lower than the middle
        wait_until(
            lambda: abs(middle()[0] - width / 2) <= 2 and 0 <= middle()[1] - height / 2 <= 30,
            f"the window centred on the screen (its middle at {middle()})",
        )
        handle.close()
    finally:
        if not warm:
            owner.destroy()


def test_hide_at_once_after_show_keeps_the_window_hidden(app: PyWry, recorder: Recorder) -> None:
    # hide() may reach the host before the page is up, when the window is not mapped yet: it
    # must not be shown when the page comes up, nor by the load check a little later.
    handle = app.show("<p>hidden</p>", title=f"hidden-{next(_count)}", callbacks={"*": recorder})
    handle.hide()
    recorder.wait_for("pywry:ready")
    deadline = time.monotonic() + 1.0  # past the host's first load check (0.25 s)
    while time.monotonic() < deadline:
        assert handle.proxy.is_visible is False
        threading.Event().wait(0.05)
    handle.show_window()
    assert handle.proxy.is_visible is True
    handle.close()


def test_webview_zoom_navigate_reload(
    window: tuple[NativeWindowHandle, str], recorder: Recorder
) -> None:
    handle, _ = window
    proxy = handle.proxy
    # a window from the warm pool is resized as it is shown: the page may see that a moment later
    settled(lambda: handle.eval_js("window.innerWidth"), 480, "innerWidth")
    assert proxy.zoom == 1.0
    proxy.set_zoom(2.0)
    assert proxy.zoom == 2.0
    settled(lambda: handle.eval_js("window.innerWidth"), 240, "innerWidth at zoom 2")
    proxy.set_zoom(1.0)

    handle.eval_js("window.__marker = 1")
    proxy.reload()
    recorder.wait_for("pywry:ready", 2)
    assert handle.eval_js("window.__marker === undefined") is True
    url = proxy.url
    proxy.navigate(url + "?again")
    recorder.wait_for("pywry:ready", 3)
    assert proxy.url.endswith("?again")
    handle.emit("pywry:set-content", {"id": "p", "text": "still wired"})
    assert handle.eval_js("document.getElementById('p').textContent") == "still wired"
    with pytest.raises(NativeCallError, match="zoom must be between"):
        proxy.set_zoom(0)

    assert proxy.is_devtools_open is False
    proxy.open_devtools()
    settled(lambda: proxy.is_devtools_open, True, "is_devtools_open")
    proxy.close_devtools()
    settled(lambda: proxy.is_devtools_open, False, "is_devtools_open")


@pytest.mark.parametrize("warm", [True, False], ids=["warm-window", "new-window"])
def test_navigate_at_once_after_show_stays(app: PyWry, warm: bool) -> None:
    # A navigate() right after show() must win: over the host's check of the first load
    # (which sends a window that is not at its page back there), and over a new window's
    # first load, which WebKit may begin only after the navigate was asked for.
    owner = app if warm else PyWry(PyWrySettings(transport="native", warm_windows=0))
    try:
        for _ in range(3):
            handle = owner.show("<p>first</p>")
            target = f"tauri://localhost/p/{handle.label}.html?elsewhere"
            handle.proxy.navigate(target)
            # url never raises, not even before the first load began
            wait_until(lambda: handle.proxy.url == target, "the window at its URL")  # noqa: B023
            threading.Event().wait(2.0)  # past the load checks at 0.25, 0.75 and 1.75 s
            assert handle.proxy.url == target
            assert handle.eval_js("location.search") == "?elsewhere"
            handle.close()
    finally:
        if not warm:
            owner.destroy()


def test_unknown_window_methods_are_refused(window: tuple[NativeWindowHandle, str]) -> None:
    handle, _ = window
    with pytest.raises(NativeCallError, match="unknown window method 'explode'"):
        handle.proxy._call("explode")
    with pytest.raises(NativeCallError, match="unknown window property 'secret'"):
        handle.proxy._get("secret")


def test_user_closing_the_window_reports_window_closed(
    window: tuple[NativeWindowHandle, str], x_display: XDisplay, recorder: Recorder
) -> None:
    handle, title = window
    xid = x_display.window_id(title)
    x_display.close_like_a_user(xid)
    closed = recorder.wait_for("window:closed")
    assert closed == [{"label": handle.label, "reason": "closed by the user"}]
    assert handle.closed


def test_screenshot_shows_the_content(app: PyWry, x_display: XDisplay, recorder: Recorder) -> None:
    page = (
        "<style>html,body{margin:0;height:100%;background:rgb(200,30,60)}"
        "#box{position:absolute;left:40px;top:40px;width:100px;height:80px;"
        "background:rgb(20,180,90)}</style><div id=box></div>"
    )
    handle = app.show(page, title="shot", width=300, height=200, callbacks={"*": recorder})
    recorder.wait_for("pywry:ready")
    handle.set_focus()
    # a frame is painted once the page asked for one after its content was live
    handle.eval_js("await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    from PIL import Image

    pos = handle.proxy.inner_position
    with tempfile.TemporaryDirectory() as tmp:
        shot = Path(tmp) / "root.png"

        def pixels() -> tuple[Any, Any]:
            subprocess.run(
                ["import", "-display", x_display.name, "-window", "root", str(shot)],
                check=True,
                timeout=20,
            )
            with Image.open(shot) as image:
                rgb = image.convert("RGB")
                background = rgb.getpixel((pos.x + 10, pos.y + 10))
                return background, rgb.getpixel((pos.x + 80, pos.y + 70))

        wait_until(lambda: pixels() == ((200, 30, 60), (20, 180, 90)), "the page's colours")
    handle.close()


def test_a_maximized_window_asked_to_leave_a_fullscreen_it_never_entered_is_not_fullscreen(
    window: tuple[NativeWindowHandle, str], x_display: XDisplay
) -> None:
    """A maximized window covers the screen; set_fullscreen(False) on it moved nothing, yet
    is_fullscreen answered True for 2 s, taking the maximized frame for a fullscreen one."""
    handle, title = window
    proxy = handle.proxy
    xid = x_display.window_id(title)
    handle.maximize()
    settled(lambda: proxy.is_maximized, True, "is_maximized")
    # maximized, its frame covers the screen (the window manager may resize it after)
    settled(lambda: tuple(proxy.outer_size), (1280, 800), "outer_size")
    proxy.set_fullscreen(False)
    assert "FULLSCREEN" not in x_display.net_wm_state(xid)
    assert proxy.is_fullscreen is False


def test_a_window_back_from_fullscreen_to_maximized_is_not_fullscreen(
    window: tuple[NativeWindowHandle, str], x_display: XDisplay
) -> None:
    """Once the window manager let go, a window that went back to maximized covered the
    screen with its frame: is_fullscreen said True until 2 s after leaving was asked."""
    handle, title = window
    proxy = handle.proxy
    xid = x_display.window_id(title)
    handle.maximize()
    settled(lambda: proxy.is_maximized, True, "is_maximized")
    proxy.set_fullscreen(True)
    settled(lambda: proxy.is_fullscreen, True, "is_fullscreen")
    proxy.set_fullscreen(False)
    wait_until(lambda: "FULLSCREEN" not in x_display.net_wm_state(xid), "fullscreen to end in X")
    wait_until(lambda: tuple(proxy.inner_size) != (1280, 800), "the frame to come back")
    settled(lambda: proxy.is_maximized, True, "is_maximized")
    assert proxy.is_fullscreen is False
