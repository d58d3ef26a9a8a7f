"""Tauri plugins and capability permissions for native windows.

The parent resolves what to enable (settings + every installed package's ``wry_tauri_plugins`` /
``wry_tauri_permissions`` hookimpls) into a :class:`TauriSetup`, hands it to the child as JSON,
and the child turns it into plugin objects and one capability that covers every window label.

Facts measured on pytauri-wheel 0.8 (notes/native-linux.md Q6, and probes for this module):
``persisted_scope`` and ``single_instance`` ship no permission set, ``updater`` refuses to start
without a ``plugins.updater`` config, and ``clipboard-manager:default`` grants neither reading
nor writing text.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from wry.tauri_names import TAURI_PLUGIN_NAMES, check_permissions, check_tauri_plugins

if TYPE_CHECKING:
    from wry.settings import PyWrySettings

#: Plugins that have no ``<name>:default`` permission set (Tauri rejects one that is absent).
WITHOUT_PERMISSIONS = frozenset({"persisted_scope", "single_instance"})

#: Granted on top of ``:default`` so that the plugin's everyday JS calls work as documented.
EXTRA_DEFAULTS: dict[str, tuple[str, ...]] = {
    "clipboard_manager": (
        "clipboard-manager:allow-write-text",
        "clipboard-manager:allow-read-text",
    ),
}

#: ``plugins.<name>`` Tauri config a plugin needs to start at all.
PLUGIN_CONFIG: dict[str, dict[str, Any]] = {
    "updater": {"pubkey": "", "endpoints": []},
}

#: Granted to every window whatever the settings: the app and the wry bridge need them.
BASE_PERMISSIONS = ("core:default",)

#: The child reads its TauriSetup from this environment variable.
ENV_VAR = "WRYNATIVE_TAURI_SETUP"

CAPABILITY_ID = "wry-windows"


def permission_prefix(plugin: str) -> str:
    """The ACL name of a plugin: ``clipboard_manager`` → ``clipboard-manager``."""
    return plugin.replace("_", "-")


def default_permissions(plugin: str) -> list[str]:
    """What enabling ``plugin`` grants by itself."""
    granted = [] if plugin in WITHOUT_PERMISSIONS else [f"{permission_prefix(plugin)}:default"]
    return [*granted, *EXTRA_DEFAULTS.get(plugin, ())]


@dataclass
class TauriSetup:
    """The plugins to initialise and the permissions every window gets."""

    plugins: list[str] = field(default_factory=list)
    permissions: list[str] = field(default_factory=lambda: list(BASE_PERMISSIONS))

    def capability(self) -> dict[str, Any]:
        """One capability for every window label (dynamic labels included)."""
        return {
            "identifier": CAPABILITY_ID,
            "description": "granted by wry to every native window",
            "windows": ["*"],
            "permissions": list(self.permissions),
        }

    def plugin_config(self) -> dict[str, Any]:
        """The ``plugins`` section of the Tauri config the enabled plugins need."""
        return {name: PLUGIN_CONFIG[name] for name in self.plugins if name in PLUGIN_CONFIG}

    def to_json(self) -> str:
        """Serialised for the child."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> TauriSetup:
        """Read what ``to_json`` wrote, validating it again."""
        raw = json.loads(text)
        return cls(
            plugins=check_tauri_plugins(list(raw.get("plugins", []))),
            permissions=check_permissions(list(raw.get("permissions", BASE_PERMISSIONS))),
        )


def resolve(settings: PyWrySettings) -> TauriSetup:
    """Settings plus every plugin's contributions; unknown plugin names raise ValueError."""
    from wry.plugins import collect

    contributed = [n for group in collect("wry_tauri_plugins") for n in group or ()]
    plugins = check_tauri_plugins([*settings.tauri_plugins, *contributed])
    extra = [p for group in collect("wry_tauri_permissions") for p in group or ()]
    permissions = [
        *BASE_PERMISSIONS,
        *(p for name in plugins for p in default_permissions(name)),
        *settings.extra_capabilities,
        *check_permissions(extra),
    ]
    return TauriSetup(plugins=plugins, permissions=list(dict.fromkeys(permissions)))


def child_environment(settings: PyWrySettings) -> dict[str, str]:
    """Environment entries that carry the resolved setup to the child host."""
    return {ENV_VAR: resolve(settings).to_json()}


def setup_from_environment() -> TauriSetup:
    """The setup the parent passed (defaults when it passed none); used in the child."""
    text = os.environ.get(ENV_VAR)
    return TauriSetup.from_json(text) if text else TauriSetup()


def tauri_config(setup: TauriSetup) -> dict[str, Any]:
    """Config keys the child merges into its Tauri config: capability and plugin config.

    The result has ``app.security.capabilities`` and ``plugins``; merge it into the host's own
    config dict (``app.security`` keeps the host's ``csp``).
    """
    return {
        "app": {"security": {"capabilities": [setup.capability()]}},
        "plugins": setup.plugin_config(),
    }


def init_plugins(setup: TauriSetup) -> list[Any]:
    """The pytauri plugin objects for ``Builder.build(plugins=...)`` (child only)."""
    import importlib

    built: list[Any] = []
    for name in setup.plugins:
        module: Any = importlib.import_module(f"pytauri_plugins.{name}")
        if name in ("global_shortcut", "updater", "window_state"):
            built.append(module.Builder.build())
        elif name == "single_instance":
            built.append(module.init(None))
        else:
            built.append(module.init())
    return built


__all__ = [
    "TAURI_PLUGIN_NAMES",
    "TauriSetup",
    "child_environment",
    "default_permissions",
    "init_plugins",
    "resolve",
    "setup_from_environment",
    "tauri_config",
]
