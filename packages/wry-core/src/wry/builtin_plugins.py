"""The core's own plugins, registered exactly like entry-point plugins."""

from __future__ import annotations

from types import ModuleType

from wry import hot_reload

MODULES: tuple[ModuleType, ...] = (hot_reload,)
