"""Tauri plugin names and capability-permission checks, without pydantic.

Shared by the settings (parent) and the native child host, which must not pay for importing
pydantic-settings.
"""

from __future__ import annotations

import re

#: Every Tauri plugin compiled into pytauri-wheel (``pytauri_plugins.<name>``).
TAURI_PLUGIN_NAMES: tuple[str, ...] = (
    "autostart",
    "clipboard_manager",
    "deep_link",
    "dialog",
    "fs",
    "global_shortcut",
    "http",
    "notification",
    "opener",
    "os",
    "persisted_scope",
    "positioner",
    "process",
    "shell",
    "single_instance",
    "updater",
    "upload",
    "websocket",
    "window_state",
)

_PERMISSION = re.compile(r"[a-z0-9-]+(:[a-z0-9-]+)+")  # fullmatch: not "$", which allows "\n"


def check_tauri_plugins(names: list[str]) -> list[str]:
    """Normalise ``clipboard-manager`` to ``clipboard_manager``; unknown names raise ValueError."""
    normalised = [str(n).strip().replace("-", "_") for n in names]
    unknown = [n for n in normalised if n not in TAURI_PLUGIN_NAMES]
    if unknown:
        raise ValueError(
            f"unknown Tauri plugin(s) {', '.join(map(repr, unknown))}; "
            f"valid names: {', '.join(TAURI_PLUGIN_NAMES)}"
        )
    return list(dict.fromkeys(normalised))


def check_permissions(permissions: list[str]) -> list[str]:
    """Capability permissions look like ``fs:allow-read-file``; anything else raises ValueError."""
    bad = [p for p in permissions if not _PERMISSION.fullmatch(str(p))]
    if bad:
        raise ValueError(
            f"invalid capability permission(s) {', '.join(map(repr, bad))}: "
            "use '<plugin>:<permission>', e.g. 'fs:allow-read-file' or 'dialog:default'"
        )
    return list(dict.fromkeys(permissions))
