"""Plain data the user hands to wry: page content, menus, tray icons, page assets.

Dataclasses rather than pydantic models so that ``from wry import PyWry`` stays cheap.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

#: ``handler(data, event_type, label)`` — the one callback signature of wry.
Callback = Callable[[Any, str, str], Any]

#: Used with ``fullmatch``: ``$`` would also accept a name ending in a newline.
_EVENT_NAME = re.compile(r"\*|[A-Za-z0-9_.\-]+(:[A-Za-z0-9_.\-]+)*")
#: Names already checked (every emit checks its name; a set lookup is cheaper than the regex).
_GOOD_NAMES: set[str] = set()
_GOOD_NAMES_MAX = 4096


def check_event_name(event_type: str) -> str:
    """Return ``event_type`` or raise ValueError naming the accepted form."""
    if type(event_type) is str and event_type in _GOOD_NAMES:
        return event_type
    if not isinstance(event_type, str) or not _EVENT_NAME.fullmatch(event_type):
        raise ValueError(
            f"invalid event name {event_type!r}: use letters, digits, '_', '-', '.' with optional "
            "':' namespaces (e.g. 'app:save'), or '*' for every event"
        )
    if type(event_type) is str and len(_GOOD_NAMES) < _GOOD_NAMES_MAX:
        _GOOD_NAMES.add(event_type)
    return event_type


#: Labels go into URLs (``/w/<label>/``), DOM attributes and the callback registry, where
#: ``*`` means every label: letters and digits first, then also ``_ - . :``, 200 at most.
_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-]{0,199}")


def check_label(label: str) -> str:
    """Return ``label`` or raise ValueError naming the rule (a bad label breaks URLs, ``*``)."""
    if not isinstance(label, str) or not _LABEL.fullmatch(label):
        raise ValueError(
            f"invalid label {label!r}: use a letter or digit followed by up to 199 letters, "
            "digits, '_', '-', '.' or ':' (e.g. 'main' or 'chart-2')"
        )
    return label


#: Themes a page knows; ``system`` is the browser's prefers-color-scheme, resolved in the page.
THEMES = ("dark", "light", "system")


def check_theme(theme: str) -> str:
    """Return ``theme`` or raise ValueError: the page would only log an unknown one."""
    if theme not in THEMES:
        raise ValueError(f"theme must be 'dark', 'light' or 'system', not {theme!r}")
    return theme


@dataclass
class HtmlContent:
    """Page content: HTML (fragment or full document) plus CSS and scripts to include.

    ``css_files`` and ``script_files`` are read at show time and watched when hot reload is on.
    """

    html: str = ""
    css_files: Sequence[str | Path] = ()
    script_files: Sequence[str | Path] = ()
    inline_css: str = ""
    init_script: str = ""
    title: str | None = None

    @classmethod
    def of(cls, content: str | HtmlContent) -> HtmlContent:
        """Accept a plain HTML string wherever HtmlContent is expected."""
        if isinstance(content, HtmlContent):
            return content
        if isinstance(content, str):
            return cls(html=content)
        raise TypeError(f"content must be str or HtmlContent, not {type(content).__name__}")

    def read_css(self) -> list[tuple[str, str]]:
        """Return ``(asset id, text)`` for every CSS file, in order."""
        return [(asset_id(p), Path(p).read_text(encoding="utf-8")) for p in self.css_files]

    def read_scripts(self) -> list[tuple[str, str]]:
        """Return ``(asset id, text)`` for every script file, in order."""
        return [(asset_id(p), Path(p).read_text(encoding="utf-8")) for p in self.script_files]


def asset_id(path: str | Path) -> str:
    """A stable DOM id for a CSS/script file, so hot reload can replace exactly that element.

    The file name makes it readable; a hash of the resolved path keeps apart files whose names
    read alike (``style.min.css``, ``style-min.css``) or that share a name in two folders.
    """
    resolved = Path(path).resolve()
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", resolved.name).strip("-")[:40]
    digest = hashlib.sha256(os.fsencode(resolved)).hexdigest()[:16]
    return f"wry-asset-{name}-{digest}"


@dataclass(frozen=True)
class PageAsset:
    """JS or CSS that a plugin adds to every page of every transport."""

    kind: Literal["js", "css"]
    text: str
    name: str = ""


# -- menus ------------------------------------------------------------------------------------


class PredefinedMenuItemKind(StrEnum):
    """OS-provided menu items; which ones render depends on the platform."""

    SEPARATOR = "separator"
    COPY = "copy"
    CUT = "cut"
    PASTE = "paste"
    SELECT_ALL = "select_all"
    UNDO = "undo"
    REDO = "redo"
    MINIMIZE = "minimize"
    MAXIMIZE = "maximize"
    FULLSCREEN = "fullscreen"
    HIDE = "hide"
    HIDE_OTHERS = "hide_others"
    SHOW_ALL = "show_all"
    CLOSE_WINDOW = "close_window"
    QUIT = "quit"
    ABOUT = "about"
    SERVICES = "services"


@dataclass
class MenuItemConfig:
    """A clickable menu item; ``handler(data, event_type, label)`` runs in Python."""

    id: str
    text: str
    handler: Callback | None = None
    enabled: bool = True
    accelerator: str | None = None


@dataclass
class CheckMenuItemConfig:
    """A toggle item; its handler receives ``{"checked": bool}``."""

    id: str
    text: str
    handler: Callback | None = None
    enabled: bool = True
    checked: bool = False
    accelerator: str | None = None


@dataclass
class PredefinedMenuItemConfig:
    """An OS-provided item such as a separator."""

    item: PredefinedMenuItemKind
    text: str | None = None


@dataclass
class SubmenuConfig:
    """A named submenu (File, Edit, …) holding further items."""

    text: str
    items: list[MenuItem] = field(default_factory=list)
    id: str | None = None
    enabled: bool = True


MenuItem = MenuItemConfig | CheckMenuItemConfig | PredefinedMenuItemConfig | SubmenuConfig


@dataclass
class MenuConfig:
    """A whole menu (menubar, tray menu or context menu)."""

    id: str
    items: list[MenuItem] = field(default_factory=list)

    def walk(self) -> list[MenuItem]:
        """Every item, depth first, submenus included."""
        out: list[MenuItem] = []

        def visit(items: Sequence[MenuItem]) -> None:
            for item in items:
                out.append(item)
                if isinstance(item, SubmenuConfig):
                    visit(item.items)

        visit(self.items)
        return out

    def handlers(self) -> dict[str, Callback]:
        """Map item id → handler for every item that has one; duplicate ids are an error."""
        found: dict[str, Callback] = {}
        seen: set[str] = set()
        for item in self.walk():
            item_id = getattr(item, "id", None)
            if item_id is None:
                continue
            if item_id in seen:
                raise ValueError(f"menu {self.id!r}: duplicate item id {item_id!r}")
            seen.add(item_id)
            handler = getattr(item, "handler", None)
            if handler is not None:
                found[item_id] = handler
        return found


@dataclass
class TrayConfig:
    """What ``TrayProxy.create`` asks a transport to realise."""

    tray_id: str
    tooltip: str | None = None
    title: str | None = None
    icon: str | Path | bytes | None = None
    menu: MenuConfig | None = None
    visible: bool = True
