"""The built-in event mixins and the seed's NotificationMixin example, verbatim."""

from __future__ import annotations

from typing import Any

import pytest
from seed_component import NotificationMixin

from wry import PyWry


def test_seed_notification_mixin_wraps_a_handle(app: PyWry) -> None:
    handle = app.show("x")
    NotificationMixin(handle).notify("Saved", "All good", "success")
    NotificationMixin(handle).confirm("Sure?", "app:confirmed")
    assert handle.sent == [  # type: ignore[attr-defined]
        {
            "type": "pywry:alert",
            "data": {"message": "All good", "title": "Saved", "type": "success"},
        },
        {
            "type": "pywry:alert",
            "data": {"message": "Sure?", "type": "confirm", "callback_event": "app:confirmed"},
        },
    ]


def test_seed_notification_mixin_via_show(app: PyWry) -> None:
    handle: Any = app.show("x", mixins=[NotificationMixin])
    handle.notify("T", "B")
    assert handle.sent[-1]["data"] == {"message": "B", "title": "T", "type": "info"}


def test_every_builtin_event_method(app: PyWry) -> None:
    h: Any = app.show("x")
    h.alert("m", title="t", type="warning", duration=500, position="bottom-left")
    h.confirm("q?", "app:answer")
    h.set_content(id="status", text="Done")
    h.set_content(selector=".a", html="<b>x</b>")
    h.set_style({"color": "red"}, id="status")
    h.inject_css("p{}", id="c1")
    h.remove_css("c1")
    h.update_theme("light")
    h.download("data", "a.txt", "text/plain")
    h.navigate("https://example.org/")
    h.refresh()
    assert [e["type"] for e in h.sent] == [
        "pywry:alert",
        "pywry:alert",
        "pywry:set-content",
        "pywry:set-content",
        "pywry:set-style",
        "pywry:inject-css",
        "pywry:remove-css",
        "pywry:update-theme",
        "pywry:download",
        "pywry:navigate",
        "pywry:refresh",
    ]
    assert h.sent[1]["data"] == {"message": "q?", "type": "confirm", "callback_event": "app:answer"}
    assert h.sent[2]["data"] == {"id": "status", "text": "Done"}
    assert h.sent[8]["data"] == {"content": "data", "filename": "a.txt", "mimeType": "text/plain"}


def test_builtin_methods_validate_arguments(app: PyWry) -> None:
    h: Any = app.show("x")
    with pytest.raises(ValueError, match="exactly one of id= or selector="):
        h.set_content(text="x")
    with pytest.raises(ValueError, match="exactly one of html= or text="):
        h.set_content(id="a")
    with pytest.raises(ValueError, match="'dark', 'light' or 'system'"):
        h.update_theme("blue")


def test_unbound_mixin_says_how_to_use_it() -> None:
    with pytest.raises(NotImplementedError, match="wrap a handle"):
        NotificationMixin().notify("a", "b")
