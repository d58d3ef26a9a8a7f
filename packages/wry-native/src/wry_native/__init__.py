"""The native transport for wry (registered through the ``wry`` entry-point group).

``NativeWindowHandle`` and ``WindowProxy`` load on first use, so that ``python -m
wry_native.host`` (which imports this package first) can block signals before anything else.
"""

from __future__ import annotations

from typing import Any

__all__ = ["NativeWindowHandle", "WindowProxy"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from wry_native import handle

        return getattr(handle, name)
    raise AttributeError(f"module 'wry_native' has no attribute {name!r}")
