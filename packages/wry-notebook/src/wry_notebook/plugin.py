"""Registers the notebook transport with wry's plugin manager (entry point ``wry.notebook``)."""

from __future__ import annotations

from collections.abc import Sequence

from wry.plugins import hookimpl
from wry.transport import Transport
from wry_notebook.transport import NotebookTransport

_TRANSPORT = NotebookTransport()


@hookimpl
def wry_transports() -> Sequence[Transport]:
    """The ``notebook`` transport; anywidget is imported only when a widget is created."""
    return [_TRANSPORT]
