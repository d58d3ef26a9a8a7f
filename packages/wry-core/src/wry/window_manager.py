"""Window modes: what ``app.show()`` does when windows are already open.

Modes are transport-neutral; they only decide between opening a new widget and updating one.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wry.app import PyWry
    from wry.models import HtmlContent
    from wry.transport import ShowOptions, Transport
    from wry.widget import BaseWidget

log = logging.getLogger("wry")


class WindowMode:
    """Base class: every ``show()`` opens a new window."""

    def show(
        self, app: PyWry, transport: Transport, content: HtmlContent, options: ShowOptions
    ) -> BaseWidget:
        """Open or reuse a widget for ``content``."""
        return app._open(transport, content, options)

    def closed(self, app: PyWry, widget: BaseWidget) -> None:
        """React to ``widget`` having closed."""


class NewWindowMode(WindowMode):
    """Each ``show()`` creates a new, independent window."""


class SingleWindowMode(WindowMode):
    """One window at a time: ``show()`` again replaces the content of the open window.

    The window keeps the label it was opened with: a later ``show()`` may repeat that label
    (a cell run again) or leave it out; another label raises, as no window would answer to it.
    """

    def show(
        self, app: PyWry, transport: Transport, content: HtmlContent, options: ShowOptions
    ) -> BaseWidget:
        widget = next((w for w in app.widgets() if w.transport_name == transport.name), None)
        if widget is None:
            return app._open(transport, content, options)
        if options.label_given and options.label != widget.label:
            raise ValueError(
                f"SingleWindowMode shows one window, labelled {widget.label!r}: "
                f"show(label={options.label!r}) cannot give it another label; pass "
                f"label={widget.label!r} or none, or close the window first"
            )
        widget.update(content)
        app._adopt(widget, options)
        widget.show_again()  # a window hidden meanwhile (to a tray, say) comes back
        return widget


class MultiWindowMode(WindowMode):
    """Like NewWindowMode, but closing the first (primary) window closes all the others."""

    def __init__(self) -> None:
        self.primary: str | None = None

    def show(
        self, app: PyWry, transport: Transport, content: HtmlContent, options: ShowOptions
    ) -> BaseWidget:
        widget = app._open(transport, content, options)
        if self.primary is None or app.widget(self.primary) is None:
            self.primary = widget.label
        return widget

    def closed(self, app: PyWry, widget: BaseWidget) -> None:
        if widget.label != self.primary:
            return
        self.primary = None
        for other in app.widgets():  # each on its own: one that fails must not keep the rest
            try:
                other.close()
            except Exception:
                log.exception("closing %r with the primary window failed", other)
