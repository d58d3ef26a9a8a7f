"""Native menus: the spec sent to the child, then real GTK menubars clicked with xdotool."""

from __future__ import annotations

import os
import subprocess

import pytest
from native_helpers import Recorder, XDisplay, wait_until

from wry import (
    CheckMenuItemConfig,
    MenuConfig,
    MenuItemConfig,
    PredefinedMenuItemConfig,
    PredefinedMenuItemKind,
    PyWry,
    PyWrySettings,
    SubmenuConfig,
)
from wry.models import MenuItem
from wry_native.menus import menu_spec, set_menu_item
from wry_native.runtime import NativeCallError


def _noop(data: object, event_type: str, label: str) -> None:
    return None


def editor_menu() -> MenuConfig:
    return MenuConfig(
        id="app-menu",
        items=[
            SubmenuConfig(
                text="File",
                items=[
                    MenuItemConfig(id="new", text="New", handler=_noop, accelerator="CmdOrCtrl+N"),
                    CheckMenuItemConfig(id="wrap", text="Wrap", handler=_noop, checked=True),
                    PredefinedMenuItemConfig(item=PredefinedMenuItemKind.SEPARATOR),
                    MenuItemConfig(id="quit", text="Quit", enabled=False),
                ],
            )
        ],
    )


def file_menu(menu_id: str, *items: MenuItem) -> MenuConfig:
    """A menu with one "File" submenu holding ``items``."""
    return MenuConfig(id=menu_id, items=[SubmenuConfig(text="File", items=list(items))])


# -- the spec (no window needed) -----------------------------------------------------------------


def test_spec_keeps_structure_and_drops_handlers() -> None:
    spec = menu_spec(editor_menu())
    assert spec == {
        "id": "app-menu",
        "items": [
            {
                "kind": "submenu",
                "id": None,
                "text": "File",
                "enabled": True,
                "items": [
                    {
                        "kind": "item",
                        "id": "new",
                        "text": "New",
                        "enabled": True,
                        "accelerator": "CmdOrCtrl+N",
                    },
                    {
                        "kind": "check",
                        "id": "wrap",
                        "text": "Wrap",
                        "enabled": True,
                        "checked": True,
                        "accelerator": None,
                    },
                    {"kind": "predefined", "item": "separator", "text": None},
                    {
                        "kind": "item",
                        "id": "quit",
                        "text": "Quit",
                        "enabled": False,
                        "accelerator": None,
                    },
                ],
            }
        ],
    }


def test_duplicate_ids_and_bad_items_are_refused() -> None:
    twice = MenuConfig(id="m", items=[MenuItemConfig("a", "A"), MenuItemConfig("a", "B")])
    with pytest.raises(ValueError, match="duplicate item id 'a'"):
        menu_spec(twice)
    with pytest.raises(TypeError, match="unsupported menu item"):
        menu_spec(MenuConfig(id="m", items=["File"]))  # type: ignore[list-item]
    with pytest.raises(ValueError, match="non-empty"):
        menu_spec(MenuConfig(id="m", items=[MenuItemConfig("", "Empty")]))


# -- real menubars under Xvfb + openbox ------------------------------------------------------------


def _visible_windows(display: XDisplay) -> int:
    try:
        return len(display.run("xdotool", "search", "--onlyvisible", "--class", ".*").split())
    except subprocess.CalledProcessError:
        return 0


def _window_id(display: XDisplay, title: str) -> str:
    found = wait_until(
        lambda: subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"],
            capture_output=True,
            text=True,
            env={**os.environ, "DISPLAY": display.name},
            check=False,
        ).stdout.split(),
        f"window {title!r} on screen",
    )
    return str(found[0])


def _open_file_menu(display: XDisplay, wid: str) -> None:
    before = _visible_windows(display)
    display.run("xdotool", "mousemove", "--window", wid, "20", "12", "click", "1")
    wait_until(lambda: _visible_windows(display) > before, "the File menu to open")


def test_menubar_clicks_and_accelerators_reach_the_right_window(
    app: PyWry, x_display: XDisplay, recorder: Recorder
) -> None:
    def make(prefix: str) -> MenuConfig:
        return MenuConfig(
            id=f"{prefix}-menu",
            items=[
                SubmenuConfig(
                    text="File",
                    items=[
                        MenuItemConfig(
                            id="new", text="New", handler=recorder, accelerator="CmdOrCtrl+N"
                        ),
                        CheckMenuItemConfig(id="wrap", text="Wrap", handler=recorder),
                    ],
                )
            ],
        )

    one = app.show("<p>one</p>", title="menus-one", menu=make("one"))
    two = app.show("<p>two</p>", title="menus-two", menu=make("two"))
    try:
        wid = _window_id(x_display, "menus-two")
        x_display.run("xdotool", "windowactivate", "--sync", wid)
        _open_file_menu(x_display, wid)
        x_display.run("xdotool", "mousemove", "--window", wid, "40", "62", "click", "1")
        assert recorder.wait_for("menu:wrap") == [{"id": "wrap", "checked": True}]
        assert recorder.events[-1][2] == two.label  # the window clicked, not every window

        x_display.run("xdotool", "mousemove", "--window", wid, "100", "100", "key", "ctrl+n")
        assert recorder.wait_for("menu:new") == [{"id": "new"}]
        assert [label for t, _, label in recorder.events if t == "menu:new"] == [two.label]

        state = set_menu_item(app, "wrap", checked=False, owner=two.label)
        assert state["checked"] is False and state["count"] == 1
        state = set_menu_item(app, "new", text="New file", enabled=False)
        assert (state["text"], state["enabled"], state["count"]) == ("New file", False, 2)
        with pytest.raises(Exception, match="no menu item 'nope'"):
            set_menu_item(app, "nope", text="x")
    finally:
        one.close()
        two.close()


def test_app_wide_menu_reaches_windows_opened_later_even_after_a_host_crash(
    app: PyWry, x_display: XDisplay, recorder: Recorder
) -> None:
    app.set_menu(file_menu("global", MenuItemConfig(id="about", text="About", handler=recorder)))
    later = app.show("<p>later</p>", title="menus-later")
    try:
        wid = _window_id(x_display, "menus-later")
        x_display.run("xdotool", "windowactivate", "--sync", wid)
        _open_file_menu(x_display, wid)
        x_display.run("xdotool", "mousemove", "--window", wid, "40", "38", "click", "1")
        assert recorder.wait_for("menu:about") == [{"id": "about"}]
        assert recorder.events[-1][2] == later.label
    finally:
        later.close()

    # The child host dies: the next window, in a fresh child, still gets the app-wide menu.
    later.runtime.kill()
    reborn = app.show("<p>reborn</p>", title="menus-reborn")
    try:
        assert reborn.runtime is not later.runtime
        wid = _window_id(x_display, "menus-reborn")
        x_display.run("xdotool", "windowactivate", "--sync", wid)
        _open_file_menu(x_display, wid)
        x_display.run("xdotool", "mousemove", "--window", wid, "40", "38", "click", "1")
        assert recorder.wait_for("menu:about", 2)[1] == {"id": "about"}
        assert recorder.events[-1][2] == reborn.label
    finally:
        reborn.close()


def test_app_menu_changes_and_check_clicks_reach_windows_opened_later(
    app: PyWry, x_display: XDisplay, recorder: Recorder
) -> None:
    """The app-wide menu is one menu: a window opened later shows its current state."""
    save_item = MenuItemConfig(id="save", text="Save")
    wrap_item = CheckMenuItemConfig(id="wrap", text="Wrap", handler=recorder)
    app.set_menu(file_menu("stateful", save_item, wrap_item))
    set_menu_item(app, "save", text="Save as...")  # no window yet: the menu still changes
    opened = [app.show("<p>first</p>", title="menus-first")]
    try:
        set_menu_item(app, "save", enabled=False)
        set_menu_item(app, "wrap", checked=True)
        opened.append(app.show("<p>second</p>", title="menus-second"))
        save = set_menu_item(app, "save", owner=opened[1].label)
        assert (save["text"], save["enabled"]) == ("Save as...", False)
        assert set_menu_item(app, "wrap", owner=opened[1].label)["checked"] is True

        wid = _window_id(x_display, "menus-second")
        x_display.run("xdotool", "windowactivate", "--sync", wid)
        _open_file_menu(x_display, wid)
        x_display.run("xdotool", "mousemove", "--window", wid, "40", "62", "click", "1")
        assert recorder.wait_for("menu:wrap") == [{"id": "wrap", "checked": False}]
        opened.append(app.show("<p>third</p>", title="menus-third"))
        assert set_menu_item(app, "wrap", owner=opened[2].label)["checked"] is False

        opened[2].runtime.kill()  # type: ignore[attr-defined]  # a fresh host: the same state
        opened.append(app.show("<p>reborn</p>", title="menus-reborn2"))
        save = set_menu_item(app, "save", owner=opened[3].label)
        assert (save["text"], save["enabled"]) == ("Save as...", False)
        assert set_menu_item(app, "wrap", owner=opened[3].label)["checked"] is False
    finally:
        for handle in opened:
            handle.close()


def test_an_app_wide_menu_stays_in_its_own_app(app: PyWry, recorder: Recorder) -> None:
    """Two apps of one process share a child host; each app-wide menu is its app's alone."""
    other = PyWry(PyWrySettings(transport="native"))  # the same settings: the same host
    app.set_menu(file_menu("mine", MenuItemConfig(id="mine-item", text="Mine", handler=recorder)))
    theirs = other.show("<p>theirs</p>", title="menus-theirs")
    mine = app.show("<p>mine</p>", title="menus-mine")
    try:
        assert theirs.runtime is mine.runtime  # type: ignore[attr-defined]
        assert set_menu_item(app, "mine-item", text="Mine!")["count"] == 1
        with pytest.raises(NativeCallError, match="no menu item 'mine-item' is shown"):
            set_menu_item(other, "mine-item", text="theirs now")
        with pytest.raises(NativeCallError, match="no menu item 'mine-item' is shown in window"):
            set_menu_item(app, "mine-item", owner=theirs.label)
        # what the user sees: no menubar over the other app's page, which is taller for it
        assert theirs.eval_js("innerHeight") > mine.eval_js("innerHeight")
    finally:
        theirs.close()
        mine.close()
        other.destroy()
