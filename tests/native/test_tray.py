"""System tray: capabilities and handler rules, then a real tray driven over a private bus."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dbus_session import TrayOnBus, hosts_on_private_bus
from native_helpers import Recorder, XDisplay, wait_until

from wry import CheckMenuItemConfig, MenuConfig, MenuItemConfig, PyWry, PyWrySettings, TrayProxy
from wry.models import TrayConfig
from wry_native import tray as native_tray
from wry_native.menus import set_menu_item


class RecordingSender:
    """Stands in for the child host where only the parent-side rules are under test."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def request(self, action: str, fields: dict[str, Any]) -> dict[str, Any]:
        self.sent.append((action, fields))
        return {"tray_id": fields.get("tray_id")}


linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the refusal concerns Linux trays"
)


@linux_only
def test_capabilities_say_linux_has_no_click_events_or_tooltip() -> None:
    caps = TrayProxy.capabilities()
    assert caps["menu"] is True
    assert caps["click_events"] is False
    assert caps["tooltip"] is False


@linux_only
def test_click_handlers_are_refused_with_a_clear_error() -> None:
    tray = native_tray.NativeTray.create(RecordingSender(), TrayConfig("refuse-tray"))
    try:
        with pytest.raises(native_tray.TrayEventsUnavailable, match="tray menu"):
            tray.on_click(lambda d, t, label: None)
        with pytest.raises(NotImplementedError, match="Linux"):
            tray.on("tray:click", lambda d, t, label: None)
    finally:
        tray.remove()


def test_menu_handlers_run_and_replacing_the_menu_replaces_them() -> None:
    got: list[tuple[Any, str, str]] = []
    first = MenuConfig(
        id="m1", items=[MenuItemConfig(id="show", text="Show", handler=lambda *a: got.append(a))]
    )
    sender = RecordingSender()
    tray = native_tray.NativeTray.create(sender, TrayConfig("unit-tray", menu=first))
    try:
        assert sender.sent[0][0] == "tray_create"
        assert native_tray.dispatch_tray_event("unit-tray", "tray:show", {"id": "show"})
        assert got == [({"id": "show"}, "tray:show", "unit-tray")]
        second = MenuConfig(
            id="m2",
            items=[MenuItemConfig(id="show", text="Show", handler=lambda *a: got.append(("new",)))],
        )
        tray.set_menu(second)
        native_tray.dispatch_tray_event("unit-tray", "tray:show", {"id": "show"})
        assert got[1:] == [("new",)]  # the old handler is gone
        with pytest.raises(ValueError, match="already exists"):
            native_tray.NativeTray.create(sender, TrayConfig("unit-tray"))
    finally:
        tray.remove()
    assert not native_tray.dispatch_tray_event("unit-tray", "tray:show", {})
    with pytest.raises(RuntimeError, match="removed"):
        tray.set_title("gone")


# -- a real tray on a private session bus ----------------------------------------------------------


def bus_host_app() -> PyWry:
    """A native app of this module's child host (a distinct setting gives it its own)."""
    return PyWry(PyWrySettings(transport="native", warm_windows=0))


@pytest.fixture(scope="module")
def bus_app(
    x_display: XDisplay, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[PyWry, str]]:
    """A native app whose child host talks to a private session bus."""
    with hosts_on_private_bus(tmp_path_factory.mktemp("bus")) as address:
        application = bus_host_app()  # its host starts on this bus
        try:
            yield application, address
        finally:
            application.destroy()


def test_tray_menu_handlers_fire_over_dbusmenu_with_every_window_hidden(
    bus_app: tuple[PyWry, str], recorder: Recorder
) -> None:
    app, address = bus_app
    handle = app.show("<p>tray</p>", title="tray-window")
    tray = TrayProxy.create(
        tray_id="my-tray",
        tooltip="My App",
        menu=MenuConfig(
            id="tray-menu",
            items=[
                MenuItemConfig(id="show", text="Show Window", handler=recorder),
                CheckMenuItemConfig(id="mute", text="Mute", handler=recorder),
            ],
        ),
        app=app,
    )
    try:
        handle.hide()
        pid = int(handle.runtime.request("ping", {})["pid"])
        bus = wait_until(lambda: TrayOnBus(address, pid), "the tray on the bus")
        assert bus.status() == "Active"
        bus.click("Show Window")
        assert recorder.wait_for("tray:show") == [{"id": "show"}]
        assert recorder.events[-1][2] == "my-tray"
        bus.click("Mute")
        assert recorder.wait_for("tray:mute") == [{"id": "mute", "checked": True}]

        tray.set_title("3 new")
        wait_until(lambda: bus.label() == "3 new", "the indicator label")
        tray.set_menu(
            MenuConfig(id="m2", items=[MenuItemConfig(id="other", text="Other", handler=recorder)])
        )
        wait_until(lambda: "Other" in bus.items() and "Mute" not in bus.items(), "the new menu")
        bus.click("Other")
        recorder.wait_for("tray:other")
        tray.set_visible(False)
        wait_until(lambda: bus.status() == "Passive", "the icon hidden")
        with pytest.raises(RuntimeError, match="one tray icon per process"):
            TrayProxy.create(tray_id="second", app=app)
    finally:
        tray.remove()
        handle.close()
    # After removal a new icon can be shown again (the hidden one is reused).
    again = TrayProxy.create(
        tray_id="again", menu=MenuConfig(id="m3", items=[MenuItemConfig(id="x", text="X")]), app=app
    )
    try:
        bus = TrayOnBus(address, pid)
        wait_until(lambda: bus.status() == "Active" and "X" in bus.items(), "the reused icon")
    finally:
        again.remove()


def test_a_tray_whose_id_is_a_window_label_keeps_its_clicks_and_items(
    bus_app: tuple[PyWry, str], recorder: Recorder
) -> None:
    """Tray ids and window labels are separate names: "main" may be both at once."""
    app, address = bus_app
    window_heard = Recorder()
    window_menu = MenuConfig(
        id="wm", items=[CheckMenuItemConfig(id="mute", text="Mute window", handler=window_heard)]
    )
    handle = app.show(
        "<p>w</p>", title="main-win", label="main", callbacks={"*": window_heard}, menu=window_menu
    )
    tray_menu = MenuConfig(
        id="tm",
        items=[
            MenuItemConfig(id="show", text="Show", handler=recorder),
            CheckMenuItemConfig(id="mute", text="Mute", handler=recorder),
        ],
    )
    tray = TrayProxy.create(tray_id="main", menu=tray_menu, app=app)
    try:
        state = tray.set_menu_item("mute", checked=True)
        assert (state["checked"], state["count"]) == (True, 1)
        assert set_menu_item(app, "mute", owner="main")["checked"] is False  # the window's own

        pid = int(handle.runtime.request("ping", {})["pid"])  # type: ignore[attr-defined]
        bus = wait_until(lambda: TrayOnBus(address, pid), "the tray on the bus")
        bus.click("Show")
        assert recorder.wait_for("tray:show") == [{"id": "show"}]
        assert recorder.events[-1][2] == "main"
        assert [e for e in window_heard.events if e[0].startswith("tray:")] == []
    finally:
        tray.remove()
        handle.close()


def ping_menu(recorder: Recorder) -> MenuConfig:
    return MenuConfig(id="p", items=[MenuItemConfig(id="ping", text="Ping", handler=recorder)])


def test_destroying_an_app_leaves_another_apps_tray_and_host(
    bus_app: tuple[PyWry, str], recorder: Recorder
) -> None:
    """A tray-only app (every window closed) outlives an unrelated app's ``destroy()``."""
    from wry_native.runtime import get_runtime

    app, address = bus_app
    tray = TrayProxy.create(tray_id="keeper", menu=ping_menu(recorder), app=app)
    try:
        other = PyWry(PyWrySettings(transport="native", warm_windows=1))  # a host of its own
        other_runtime = other.show("<p>other</p>", title="other").runtime  # type: ignore[attr-defined]
        other.destroy()
        assert not other_runtime.alive  # what the destroyed app used goes
        tray.set_title("still here")
        bus = wait_until(lambda: TrayOnBus(address, get_runtime(app.settings).pid or 0), "tray")
        bus.click("Ping")
        assert recorder.wait_for("tray:ping") == [{"id": "ping"}]
    finally:
        tray.remove()


def test_a_shared_host_stays_for_another_apps_window_or_tray(
    bus_app: tuple[PyWry, str], recorder: Recorder
) -> None:
    """Apps with the same settings share a host: a destroy takes only that app's own part."""
    app, address = bus_app
    window_app = bus_host_app()
    handle = window_app.show("<p>stays</p>", title="stays")
    runtime = handle.runtime  # type: ignore[attr-defined]
    tray_app = bus_host_app()
    kept = None
    try:
        owned = TrayProxy.create(tray_id="owned", menu=ping_menu(recorder), app=tray_app)
        bus = wait_until(lambda: TrayOnBus(address, runtime.pid or 0), "the tray on the bus")
        tray_app.destroy()  # its tray goes; the host stays for the other app's window
        assert runtime.alive and not handle.closed
        with pytest.raises(RuntimeError, match="removed"):
            owned.set_title("gone")
        wait_until(lambda: bus.status() == "Passive", "the destroyed app's icon hidden")

        kept = TrayProxy.create(tray_id="kept", menu=ping_menu(recorder), app=app)
        window_app.destroy()  # its window goes; the host stays for app's tray
        assert runtime.alive and handle.closed
        wait_until(lambda: bus.status() == "Active", "the kept icon shown")
        bus.click("Ping")
        assert recorder.wait_for("tray:ping") == [{"id": "ping"}]
    finally:
        tray_app.destroy()
        window_app.destroy()
        if kept is not None:
            kept.remove()


def test_destroy_takes_the_tray_away_and_a_gone_tray_says_why(
    bus_app: tuple[PyWry, str], recorder: Recorder
) -> None:
    """``app.destroy()`` is the seed's tray "Quit": the host and its icon go; calls say why.

    Nothing of the icons stays on disk: every host used to leave a ``wry-tray-*`` directory
    in the temp dir (its removal was left to ``atexit``, which a host never runs).
    """
    from wry_native.runtime import get_runtime

    app, address = bus_app
    icon_dirs = set(Path(tempfile.gettempdir()).glob("wry-tray-*"))
    other = PyWry(PyWrySettings(transport="native", warm_windows=0))  # same child host as app
    menu = MenuConfig(id="s", items=[MenuItemConfig(id="ping", text="Ping", handler=recorder)])
    tray = TrayProxy.create(tray_id="quitter", menu=menu, app=other)
    runtime = get_runtime(other.settings)
    bus = wait_until(lambda: TrayOnBus(address, runtime.pid or 0), "the tray on the bus")
    bus.click("Ping")
    assert recorder.wait_for("tray:ping") == [{"id": "ping"}]
    other.destroy()  # no window left: the host stops and takes the icon along
    assert not runtime.alive
    with pytest.raises(RuntimeError, match="gone: the native host exited with code 0"):
        tray.set_title("too late")

    again = TrayProxy.create(tray_id="quitter", menu=menu, app=app)  # a fresh host
    fresh = get_runtime(app.settings)
    assert fresh is not runtime and fresh.alive
    bus = wait_until(lambda: TrayOnBus(address, fresh.pid or 0), "the new tray on the bus")
    bus.click("Ping")
    recorder.wait_for("tray:ping", 2)
    fresh.kill()
    with pytest.raises(RuntimeError, match="gone: the native host was killed by signal 9"):
        again.set_title("too late")
    assert set(Path(tempfile.gettempdir()).glob("wry-tray-*")) == icon_dirs
