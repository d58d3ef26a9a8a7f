"""System tray: capabilities and handler rules, then a real tray driven over a private bus."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from wry import MenuConfig, MenuItemConfig, TrayProxy
from wry.models import TrayConfig
from wry_native import tray as native_tray


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
