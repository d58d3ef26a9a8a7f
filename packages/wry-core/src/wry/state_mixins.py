"""Mixins that give any widget methods for the built-in ``pywry:*`` events.

A component is a mixin over :class:`EmittingWidget` that calls ``self.emit``; it then works on
every transport. Use it by subclassing a handle class, via ``app.show(..., mixins=[M])``, or by
wrapping an existing handle: ``M(handle).method(...)``.
"""

from __future__ import annotations

from typing import Any, Literal

from wry.models import check_theme


class EmittingWidget:
    """Anything with ``emit(event_type, data)``; wrapping a handle forwards to it."""

    def __init__(self, widget: EmittingWidget | None = None, *args: Any, **kwargs: Any) -> None:
        self._emit_target = widget
        super().__init__(*args, **kwargs)

    def emit(self, event_type: str, data: Any = None) -> None:
        """Send ``event_type`` with ``data`` to the page."""
        target = getattr(self, "_emit_target", None)
        if target is None:
            raise NotImplementedError(
                f"{type(self).__name__} has no page to emit to: wrap a handle, "
                f"e.g. {type(self).__name__}(app.show(...))"
            )
        target.emit(event_type, data)

    def __getattr__(self, name: str) -> Any:
        # A wrapper answers for its handle (label, on, update, ...).
        target = self.__dict__.get("_emit_target")
        if target is None:
            raise AttributeError(name)
        return getattr(target, name)


ToastType = Literal["info", "success", "warning", "error", "confirm"]


def _without_none(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class ToastMixin(EmittingWidget):
    """Toast notifications (``pywry:alert``)."""

    def alert(
        self,
        message: str,
        title: str | None = None,
        type: ToastType = "info",
        duration: int | None = None,
        position: str | None = None,
        callback_event: str | None = None,
    ) -> None:
        """Show a toast; with ``type="confirm"`` the page answers ``callback_event``."""
        self.emit(
            "pywry:alert",
            _without_none(
                message=message,
                title=title,
                type=type,
                duration=duration,
                position=position,
                callback_event=callback_event,
            ),
        )

    def confirm(self, message: str, callback_event: str, title: str | None = None) -> None:
        """Ask a yes/no question; the page emits ``callback_event`` with ``{"confirmed": bool}``."""
        self.alert(message, title=title, type="confirm", callback_event=callback_event)


class ContentMixin(EmittingWidget):
    """Change parts of the page (``pywry:set-content``, ``pywry:set-style``)."""

    def set_content(
        self,
        id: str | None = None,
        html: str | None = None,
        text: str | None = None,
        selector: str | None = None,
    ) -> None:
        """Set the HTML or text of the element with ``id`` (or of every match of ``selector``)."""
        if (id is None) == (selector is None):
            raise ValueError("set_content needs exactly one of id= or selector=")
        if (html is None) == (text is None):
            raise ValueError("set_content needs exactly one of html= or text=")
        self.emit(
            "pywry:set-content", _without_none(id=id, selector=selector, html=html, text=text)
        )

    def set_style(
        self, styles: dict[str, str], id: str | None = None, selector: str | None = None
    ) -> None:
        """Set inline CSS properties (``{"color": "red"}``) on matching elements."""
        if (id is None) == (selector is None):
            raise ValueError("set_style needs exactly one of id= or selector=")
        self.emit("pywry:set-style", _without_none(id=id, selector=selector, styles=styles))


class CssMixin(EmittingWidget):
    """Add and remove style sheets (``pywry:inject-css``, ``pywry:remove-css``)."""

    def inject_css(self, css: str, id: str) -> None:
        """Add or replace the ``<style>`` with this id."""
        self.emit("pywry:inject-css", {"css": css, "id": id})

    def remove_css(self, id: str) -> None:
        """Remove the ``<style>`` with this id."""
        self.emit("pywry:remove-css", {"id": id})


class ThemeMixin(EmittingWidget):
    """Switch between dark and light (``pywry:update-theme``)."""

    def update_theme(self, theme: Literal["dark", "light", "system"]) -> None:
        """Apply ``theme`` to the page (``system``: the browser's prefers-color-scheme)."""
        check_theme(theme)
        self.emit("pywry:update-theme", {"theme": theme})


class DownloadMixin(EmittingWidget):
    """Offer a file to the user (``pywry:download``)."""

    def download(self, content: str, filename: str, mime_type: str = "text/plain") -> None:
        """Let the page save ``content`` as ``filename``."""
        self.emit(
            "pywry:download", {"content": content, "filename": filename, "mimeType": mime_type}
        )


class NavigationMixin(EmittingWidget):
    """Move the page (``pywry:navigate``, ``pywry:refresh``)."""

    def navigate(self, url: str) -> None:
        """Load ``url`` in the page."""
        self.emit("pywry:navigate", {"url": url})

    def refresh(self) -> None:
        """Reload the page, keeping the scroll position."""
        self.emit("pywry:refresh", {})


class BuiltinEventsMixin(
    ToastMixin, ContentMixin, CssMixin, ThemeMixin, DownloadMixin, NavigationMixin
):
    """Every built-in event as a method; every handle has these."""
