"""Native menus: the spec sent to the child, then real GTK menubars clicked with xdotool."""

from __future__ import annotations

import pytest

from wry import (
    CheckMenuItemConfig,
    MenuConfig,
    MenuItemConfig,
    PredefinedMenuItemConfig,
    PredefinedMenuItemKind,
    SubmenuConfig,
)
from wry_native.menus import menu_spec


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
