"""The plugin manager: built from ``wry.hookspecs`` and the ``wry`` entry-point group.

Environment control (read once, when the manager is first built):

- ``WRY_LOAD_PLUGINS=a,b`` loads only the named entry points (empty string: none).
- ``WRY_DISABLE_PLUGINS=a,b`` skips the named entry points.
- ``WRY_TRACE_PLUGINS=1`` logs every hook call and result to the ``wry.plugins`` logger.
"""

from __future__ import annotations

import logging
import os
import threading
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import pluggy

from wry import hookspecs

log = logging.getLogger("wry.plugins")

hookimpl = pluggy.HookimplMarker("wry")

_lock = threading.Lock()
_manager: pluggy.PluginManager | None = None


def _names(var: str) -> set[str] | None:
    raw = os.environ.get(var)
    if raw is None:
        return None
    return {n.strip() for n in raw.split(",") if n.strip()}


def build_plugin_manager() -> pluggy.PluginManager:
    """A fresh manager with the core's own plugins and every permitted entry point loaded."""
    pm = pluggy.PluginManager("wry")
    pm.add_hookspecs(hookspecs)
    from wry import builtin_plugins

    for module in builtin_plugins.MODULES:
        pm.register(module, name=module.__name__)
    only, disabled = _names("WRY_LOAD_PLUGINS"), _names("WRY_DISABLE_PLUGINS") or set()
    for ep in entry_points(group="wry"):
        if (only is not None and ep.name not in only) or ep.name in disabled:
            log.debug("plugin %s skipped by environment", ep.name)
            continue
        if not pm.has_plugin(ep.name):
            _register(pm, ep)
    if os.environ.get("WRY_TRACE_PLUGINS", "").lower() in {"1", "true", "yes"}:
        pm.trace.root.setwriter(lambda msg: log.info("%s", msg.rstrip()))
        pm.enable_tracing()
    return pm


def _register(pm: pluggy.PluginManager, ep: EntryPoint) -> None:
    """Load and register one entry point; a broken one is logged and skipped.

    A broken third-party plugin must not take wry down with it, whether it fails to import or
    to register (a hook with arguments the spec lacks, a module already registered).
    """
    try:
        pm.register(ep.load(), name=ep.name)
    except Exception:
        log.exception(
            "wry plugin %r (%s) skipped: could not load or register it", ep.name, ep.value
        )
        if pm.get_plugin(ep.name) is not None:  # some pluggy versions keep it half-registered
            pm.unregister(name=ep.name)


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide manager, built on first use."""
    global _manager
    with _lock:
        if _manager is None:
            _manager = build_plugin_manager()
        return _manager


def reset_plugin_manager() -> None:
    """Forget the manager so the next use rebuilds it (tests, environment changes)."""
    global _manager
    with _lock:
        _manager = None


def hook() -> Any:
    """Shorthand for ``get_plugin_manager().hook``."""
    return get_plugin_manager().hook


def collect(hook_name: str, **kwargs: Any) -> list[Any]:
    """Every plugin's answer to a collecting hook; a plugin whose hook raises is left out.

    A plugin that loads but fails when called (say, a lazy import of a package it lacks)
    must not cost every other plugin its transports, page assets or Tauri plugins: its
    error is logged naming it, and the others' answers come back in pluggy's usual order.
    """
    pm = get_plugin_manager()
    caller = getattr(pm.hook, hook_name)
    try:
        return list(caller(**kwargs))
    except Exception:
        pass  # find the culprit: ask each plugin on its own
    results: list[Any] = []
    impls = caller.get_hookimpls()
    for impl in reversed(impls):  # pluggy calls the last registered first
        if impl.hookwrapper or impl.wrapper:
            continue
        others = [i.plugin for i in impls if i.plugin is not impl.plugin]
        try:
            results.extend(pm.subset_hook_caller(hook_name, remove_plugins=others)(**kwargs))
        except Exception:
            log.exception(
                "wry plugin %r failed in %s(); its contribution is left out",
                impl.plugin_name,
                hook_name,
            )
    return results
