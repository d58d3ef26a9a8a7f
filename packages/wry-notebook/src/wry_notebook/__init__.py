"""The notebook transport for wry, on anywidget (registered through the ``wry`` entry points).

``app.show(...)`` inside a Jupyter kernel returns a :class:`NotebookWidget` and displays it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["NotebookTransport", "NotebookWidget", "WryWidget"]

_EXPORTS = {
    "NotebookWidget": "wry_notebook.handle",
    "NotebookTransport": "wry_notebook.transport",
    "WryWidget": "wry_notebook.widget",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'wry_notebook' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module), name)


if TYPE_CHECKING:
    from wry_notebook.handle import NotebookWidget
    from wry_notebook.transport import NotebookTransport
    from wry_notebook.widget import WryWidget
