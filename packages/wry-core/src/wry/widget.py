"""The protocol every window or widget handle implements: ``on``, ``emit``, ``update``, ``display``.

Transports subclass :class:`BaseWidget` and supply three things: ``_send(encoded)`` (deliver
one JSON-encoded event, in order), ``display()`` and ``_close()``. Everything else — callbacks,
payload checks, content updates, built-in events — is shared.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from wry.models import Callback, HtmlContent
from wry.protocol import encode_event
from wry.state_mixins import BuiltinEventsMixin

log = logging.getLogger("wry")

if TYPE_CHECKING:
    from wry.app import PyWry


#: Event names the transports report about a window; a page may not send them.
LIFECYCLE_PREFIX = "window:"


class WidgetClosedError(RuntimeError):
    """An operation on a window/widget that has been closed."""


class QueueFullError(RuntimeError):
    """More events wait for a page than ``PyWrySettings.queue_limit`` allows; says why."""


class JsError(RuntimeError):
    """A script given to ``eval_js`` threw in the page; the message is the page's.

    Every transport with ``eval_js`` raises it (or a subclass), so one ``except`` serves all.
    """


def content_payload(content: str | HtmlContent) -> dict[str, Any]:
    """The ``pywry:update-content`` payload: html plus CSS and scripts, each with a stable id."""
    content = HtmlContent.of(content)
    css = [{"id": i, "css": t} for i, t in content.read_css()]
    if content.inline_css:
        css.append({"id": "wry-inline-css", "css": content.inline_css})
    scripts = [{"id": i, "code": t} for i, t in content.read_scripts()]
    if content.init_script:
        scripts.insert(0, {"id": "wry-init-script", "code": content.init_script})
    return {"html": content.html, "css": css, "scripts": scripts, "title": content.title}


class BaseWidget(BuiltinEventsMixin, ABC):
    """One window (native), widget (notebook) or page (iframe) with its event channel."""

    transport_name: str = ""

    def __init__(self, app: PyWry, label: str, theme: str = "dark") -> None:
        super().__init__()
        self.app = app
        self.label = label
        #: The theme last applied (``show()``'s, then each ``pywry:update-theme`` sent): a page
        #: rendered again (a reload) starts with it.
        self.page_theme = theme
        self.content: HtmlContent | None = None
        self._closed = threading.Event()
        self._close_lock = threading.Lock()
        self._closing = False  # claimed by the one caller that closes (see _claim_close)
        self.rejected = 0  # messages or events from the page that were refused; each was logged

    # -- the protocol ------------------------------------------------------------------------

    def on(self, event_type: str, callback: Callback) -> Callable[[], None]:
        """Call ``callback(data, event_type, label)`` when this page emits ``event_type``."""
        self._check_open()
        return self.app.callbacks.register(self.label, event_type, callback)

    def off(self, event_type: str | None = None, callback: Callback | None = None) -> int:
        """Remove callbacks of this page (all, one type, or one function)."""
        return self.app.callbacks.unregister(self.label, event_type, callback)

    def emit(self, event_type: str, data: Any = None) -> None:
        """Send ``event_type`` with ``data`` to the page's ``pywry.on`` listeners, in order."""
        encoded = encode_event(event_type, data)
        self._check_open()
        self._send(encoded)
        is_theme = event_type == "pywry:update-theme" and isinstance(data, dict)
        if is_theme and data.get("theme") in ("dark", "light", "system"):
            self._set_page_theme(data["theme"])

    def _set_page_theme(self, theme: str) -> None:
        """A theme was sent: pages that load from now on start with it."""
        self.page_theme = theme

    def update(self, content: str | HtmlContent) -> None:
        """Replace the page's content (fragment or full document); the bridge stays."""
        self._check_open()
        content = HtmlContent.of(content)
        payload = content_payload(content)  # a missing file raises before anything changes
        self.content = content
        self.app._watch_content(self)
        self._send(encode_event("pywry:update-content", self._content_event(payload)))

    def _content_event(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The ``pywry:update-content`` data for ``payload``; a transport may add to it."""
        return payload

    @abstractmethod
    def display(self) -> None:
        """Show the widget where the transport shows things (no-op for native windows)."""

    def close(self) -> None:
        """Close the window/widget; later emits raise WidgetClosedError.

        Of callers racing to close, one tears down and reports; the others return at once
        (waiting could deadlock a callback closing its own widget): use ``wait_closed``.
        """
        if not self._claim_close():
            return
        try:
            self._close()
        except BaseException:
            with self._close_lock:
                self._closing = False  # not closed after all: a later close() tries again
            raise
        self._finish_close("closed")

    # -- for transports ----------------------------------------------------------------------

    @abstractmethod
    def _send(self, encoded_event: str) -> None:
        """Deliver one encoded event (see ``wry.protocol``) after all earlier ones."""

    @abstractmethod
    def _close(self) -> None:
        """Tear down the transport side of this widget."""

    @property
    def closed(self) -> bool:
        """Whether the window/widget is gone."""
        return self._closed.is_set()

    def mark_closed(self, reason: str = "closed") -> None:
        """Record that the page is gone and tell ``window:closed`` listeners once."""
        if self._claim_close():
            self._finish_close(reason)

    def _claim_close(self) -> bool:
        """True for one caller only, so two threads closing at once report one close."""
        with self._close_lock:
            if self._closing:
                return False
            self._closing = True
            return True

    def _finish_close(self, reason: str) -> None:
        self._closed.set()
        self.app._widget_closed(self, reason)

    def dispatch_from_page(self, event_type: str, data: Any) -> None:
        """Hand an event that arrived from the page to the Python callbacks.

        Once the widget is closed (``window:closed`` was dispatched) a late event from its
        page reaches no one, app-wide listeners included. Names in the ``window:`` namespace
        are the transport's to report (``window:closed``, ``window:hidden``): a page that
        sends one is refused, logged and counted in ``rejected``, so that no page can tell
        Python its window closed while it is open.
        """
        if event_type.startswith(LIFECYCLE_PREFIX):
            self.rejected += 1
            log.warning(
                "%r: the page sent %r, a name only the transport reports (%s…): refused",
                self,
                event_type,
                LIFECYCLE_PREFIX,
            )
            return
        self.dispatch_lifecycle(event_type, data)

    def dispatch_lifecycle(self, event_type: str, data: Any) -> None:
        """Hand the callbacks an event the transport made (``window:hidden``, say).

        Like a page event, it reaches no one once the widget is closed.
        """
        if self._closed.is_set():
            log.debug("%r: %r arrived after the close and was dropped", self, event_type)
            return
        self.app.callbacks.dispatch(self.label, event_type, data)

    def show_again(self) -> None:
        """Put a reused window back in front of the user (``SingleWindowMode``'s ``show()``).

        A transport whose windows can be hidden shows a hidden one again; by default there is
        nothing to do.
        """

    def wait_closed(self, timeout: float | None = None) -> bool:
        """Block until the window/widget is closed; False on timeout."""
        return self._closed.wait(timeout)

    def _check_open(self) -> None:
        if self._closed.is_set():
            raise WidgetClosedError(f"{self.transport_name} widget {self.label!r} is closed")

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<{type(self).__name__} {self.label!r} {state}>"
