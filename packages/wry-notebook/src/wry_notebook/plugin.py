"""The notebook transport and its hot-reload hook, for wry's plugin manager (``wry.notebook``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wry.plugins import hookimpl
from wry.transport import Transport
from wry_notebook.transport import NotebookTransport

_TRANSPORT = NotebookTransport()


@hookimpl
def wry_transports() -> Sequence[Transport]:
    """The ``notebook`` transport; anywidget is imported only when a widget is created."""
    return [_TRANSPORT]


@hookimpl(tryfirst=True)
def wry_hot_reload(widget: Any, path: str, kind: str, text: str) -> bool | None:
    """Keep a notebook widget's content state current; the core's default then delivers.

    Views mount that state when they render and when ``pywry:refresh`` remounts them, so
    without this a script change would remount the old script and a new view the old CSS.
    """
    if getattr(widget, "transport_name", "") == "notebook":
        widget.reload_content()
    return None  # not handled: the default injects the CSS or sends pywry:refresh
