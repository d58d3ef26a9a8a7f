"""Window modes with real native windows: Single replaces, New adds, Multi closes together."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from native_helpers import Recorder, XDisplay, wait_until

from wry import PyWry, PyWrySettings
from wry.window_manager import MultiWindowMode, NewWindowMode, SingleWindowMode, WindowMode

pytestmark = pytest.mark.native


def open_labels(app: PyWry) -> list[str]:
    """Windows the child host really has open for this app."""
    widgets = app.widgets()
    if not widgets:
        return []
    shown = widgets[0].runtime.request("list_windows", {})["windows"]  # type: ignore[attr-defined]
    return sorted(label for label in shown if app.widget(label) is not None)


@pytest.fixture
def make_app(x_display: XDisplay) -> Iterator[Callable[[WindowMode], PyWry]]:
    apps: list[PyWry] = []

    def build(mode: WindowMode) -> PyWry:
        application = PyWry(PyWrySettings(transport="native"), mode=mode)
        apps.append(application)
        return application

    yield build
    for application in apps:
        application.destroy()


def test_single_window_mode_replaces_the_content(make_app: Any, recorder: Recorder) -> None:
    app = make_app(SingleWindowMode())
    first = app.show('<p id="a">first</p>', callbacks={"*": recorder})
    recorder.wait_for("pywry:ready")
    second = app.show('<p id="b">second</p>', callbacks={"*": recorder})  # replaces the first's
    assert second is first
    recorder.wait_for("pywry:ready", 2)
    assert first.eval_js("document.getElementById('b').textContent") == "second"
    assert first.eval_js("document.getElementById('a')") is None
    assert open_labels(app) == [first.label]


def test_single_window_mode_shows_a_hidden_window_again(
    make_app: Any, x_display: XDisplay, recorder: Recorder
) -> None:
    # An app that hides its window to a tray and calls show() to bring it back.
    app = make_app(SingleWindowMode())
    window = app.show("<p>one</p>", title="single-hidden", callbacks={"*": recorder})
    recorder.wait_for("pywry:ready")
    xid = x_display.window_id("single-hidden")
    window.hide()
    wait_until(lambda: x_display.geometry(xid)["map_state"] == "IsUnMapped", "hidden")
    assert app.show("<p>two</p>", callbacks={"*": recorder}) is window
    assert window.proxy.is_visible is True
    wait_until(lambda: x_display.geometry(xid)["map_state"] == "IsViewable", "shown again")


def test_new_window_mode_as_in_the_seed(make_app: Any) -> None:
    app = make_app(NewWindowMode())
    h1 = app.show("<h1>Window 1</h1>", title="First")
    h2 = app.show("<h1>Window 2</h1>", title="Second")
    assert h1 is not h2
    assert open_labels(app) == sorted([h1.label, h2.label])
    assert h1.eval_js("document.querySelector('h1').textContent") == "Window 1"
    assert h2.eval_js("document.querySelector('h1').textContent") == "Window 2"
    assert h1.proxy.title == "First" and h2.proxy.title == "Second"


@pytest.mark.parametrize("how", ["close()", "user"])
def test_multi_window_mode_closes_secondaries_with_the_primary(
    make_app: Any, x_display: XDisplay, how: str
) -> None:
    app = make_app(MultiWindowMode())
    closed = Recorder()
    app.on("window:closed", closed)
    primary = app.show("<p>primary</p>", title=f"primary-{how}")
    secondaries = [app.show(f"<p>secondary {i}</p>", title=f"sec-{how}-{i}") for i in range(2)]
    assert len(open_labels(app)) == 3
    secondaries[0].close()  # closing a secondary leaves the others
    assert closed.wait_for("window:closed") == [{"label": secondaries[0].label, "reason": "closed"}]
    assert not primary.closed and not secondaries[1].closed
    if how == "close()":
        primary.close()
    else:
        # openbox focuses a window when it maps it: let the secondary map first, so that
        # it cannot take the focus (and the Alt+F4) from the primary.
        sec = x_display.window_id(f"sec-{how}-1")
        wait_until(lambda: x_display.geometry(sec)["map_state"] == "IsViewable", "mapped")
        x_display.close_like_a_user(x_display.window_id(f"primary-{how}"))
    closed.wait_for("window:closed", 3)
    assert primary.closed and secondaries[1].closed
    runtime = primary.runtime
    wait_until(
        lambda: (
            not set(runtime.request("list_windows", {})["windows"])
            & {primary.label, secondaries[1].label}
        ),
        "the host to have closed both windows",
    )
