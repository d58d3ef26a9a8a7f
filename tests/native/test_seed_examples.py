"""The specification's native examples, as written (``pywry`` → ``wry`` in imports), doing what
the specification says: menus with accelerators, the tray whose "Quit" destroys the app, window
control, ``eval_js``, and events routed by label between two windows.

Each example runs with ``exec``; the test then acts as the user (keys, the tray over DBus, a click
in a page) and looks at the windows, the pages and Python.
"""

# ruff: noqa: E501  (the examples keep the specification's long lines)
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dbus_session import TrayOnBus, hosts_on_private_bus
from native_helpers import XDisplay, wait_until

from wry import PyWry

pytestmark = pytest.mark.native

# fmt: off
MENUS = '''
from wry import PyWry, MenuConfig, MenuItemConfig, SubmenuConfig, PredefinedMenuItemConfig, PredefinedMenuItemKind
app = PyWry()
def on_new(data, event_type, label):
    app.show("<h1>Untitled</h1>", title="New File")
def on_save(data, event_type, label):
    app.emit("app:save", {"path": "current.json"}, label)
def on_quit(data, event_type, label):
    app.destroy()
menu = MenuConfig(
    id="app-menu",
    items=[
        SubmenuConfig(text="File", items=[
            MenuItemConfig(id="new", text="New", handler=on_new, accelerator="CmdOrCtrl+N"),
            MenuItemConfig(id="save", text="Save", handler=on_save, accelerator="CmdOrCtrl+S"),
            PredefinedMenuItemConfig(item=PredefinedMenuItemKind.SEPARATOR),
            MenuItemConfig(id="quit", text="Quit", handler=on_quit, accelerator="CmdOrCtrl+Q"),
        ]),
    ],
)
handle = app.show("<h1>Editor</h1>", menu=menu)
'''

TRAY = '''
from wry import TrayProxy, MenuConfig, MenuItemConfig
def on_show(data, event_type, label):
    handle.show_window()
def on_quit(data, event_type, label):
    app.destroy()
tray = TrayProxy.create(
    tray_id="my-tray",
    tooltip="My App",
    menu=MenuConfig(
        id="tray-menu",
        items=[
            MenuItemConfig(id="show", text="Show Window", handler=on_show),
            MenuItemConfig(id="quit", text="Quit", handler=on_quit),
        ],
    ),
)
'''

WINDOW_CONTROL = '''
handle = app.show("<h1>Dashboard</h1>", title="My App")
handle.set_title("Updated Title")
handle.set_size(1200, 800)
handle.center()
handle.maximize()
handle.minimize()
handle.set_focus()
handle.hide()
handle.show_window()
handle.close()
'''

EVAL_JS = '''
handle.eval_js("document.getElementById('counter').textContent = '42'")
handle.eval_js("document.title = 'Updated from Python'")
'''

MULTI_WINDOW = '''
chart_handle = app.show(chart_html, title="Chart")
table_handle = app.show(table_html, title="Data")
def on_row_selected(data, event_type, label):
    selected = data["rows"]
    filtered_fig = build_chart(selected)
    app.emit("plotly:update-figure", {"figure": filtered_fig}, chart_handle.label)
table_handle.on("grid:row-selected", on_row_selected)
'''
# fmt: on


@pytest.fixture
def apps(x_display: XDisplay) -> Iterator[list[PyWry]]:
    """The examples' apps, destroyed after the test (a no-op for one that quit itself)."""
    made: list[PyWry] = []
    yield made
    for app in made:
        app.destroy()


def run(code: str, apps: list[PyWry], **names: Any) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "__seed__", **names}
    exec(compile(code, "seed example", "exec"), namespace)
    if isinstance(namespace.get("app"), PyWry) and namespace["app"] not in apps:
        apps.append(namespace["app"])
    return namespace


def press(x_display: XDisplay, title: str, keys: str) -> None:
    """Focus the window titled ``title`` and press ``keys`` there, as a user would."""
    wid = x_display.window_id(title)
    x_display.run("xdotool", "windowactivate", "--sync", wid)
    x_display.run("xdotool", "mousemove", "--window", wid, "100", "100", "key", keys)


def test_menus_new_save_and_quit_by_accelerator(
    apps: list[PyWry], x_display: XDisplay, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WRY_TRANSPORT", "native")
    names = run(MENUS, apps)
    app, handle = names["app"], names["handle"]
    handle.eval_js("pywry.on('app:save', (d) => { window.savedTo = d.path }), true")

    press(x_display, "wry", "ctrl+n")  # the seed's Editor window has the default title
    x_display.window_id("New File")
    assert len(app.widgets()) == 2

    press(x_display, "wry", "ctrl+s")
    wait_until(lambda: handle.eval_js("window.savedTo") == "current.json", "on_save's emit")

    press(x_display, "wry", "ctrl+q")  # on_quit: app.destroy() from inside a menu handler
    assert app.block(timeout=15), "Quit left windows open"
    assert app.widgets() == []


def test_tray_show_window_and_quit(
    apps: list[PyWry], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WRY_TRANSPORT", "native")
    with hosts_on_private_bus(tmp_path) as address:
        app = PyWry()
        apps.append(app)
        handle = app.show("<h1>Background app</h1>", title="tray-app")
        names = run(TRAY, apps, app=app, handle=handle)
        runtime = handle.runtime  # type: ignore[attr-defined]
        bus = wait_until(lambda: TrayOnBus(address, runtime.pid), "the tray on the bus")

        handle.hide()
        assert handle.proxy.is_visible is False  # type: ignore[attr-defined]
        bus.click("Show Window")
        wait_until(lambda: handle.proxy.is_visible, "on_show to show the window")  # type: ignore[attr-defined]

        bus.click("Quit")  # on_quit: app.destroy() from inside a tray handler
        assert app.block(timeout=15), "Quit left windows open"
        wait_until(lambda: not runtime.alive, "the child host to stop with the app")
        with pytest.raises(RuntimeError, match="gone"):
            names["tray"].set_title("after quit")


def test_window_control_then_eval_js(apps: list[PyWry]) -> None:
    app = PyWry(transport="native")
    apps.append(app)
    names = run(WINDOW_CONTROL, apps, app=app)
    closed = names["handle"]
    assert closed.wait_closed(10)

    handle = app.show("<p id='counter'>0</p>", title="eval")
    run(EVAL_JS, apps, handle=handle)
    assert handle.eval_js("document.getElementById('counter').textContent") == "42"
    assert handle.eval_js("document.title") == "Updated from Python"


def test_multi_window_events_reach_only_the_labelled_window(apps: list[PyWry]) -> None:
    app = PyWry(transport="native")
    apps.append(app)
    listen = (
        "<script>window.got = [];"
        " pywry.on('plotly:update-figure', (d) => window.got.push(d.figure));</script>"
    )
    names = run(
        MULTI_WINDOW,
        apps,
        app=app,
        chart_html="<div id='chart'>chart</div>" + listen,
        table_html="<button id='row' onclick=\"pywry.emit('grid:row-selected', {rows: [2, 3]})\">"
        "row</button>" + listen,
        build_chart=lambda rows: {"data": [{"y": rows}]},
    )
    chart, table = names["chart_handle"], names["table_handle"]
    table.eval_js("document.getElementById('row').click(), true")
    wait_until(lambda: chart.eval_js("window.got.length") == 1, "the chart's update")
    assert chart.eval_js("window.got") == [{"data": [{"y": [2, 3]}]}]
    assert table.eval_js("window.got") == []
