"""Hot reload for native windows (parent side), through the core's ``wry_hot_reload`` hook.

CSS changes need nothing special: the core's default injects them (``pywry:inject-css``). A
script change must reload the page *with the new script*: the page is re-rendered from the
widget's current content with the window's own theme and title, stored in the child host
(``put_page``), then ``pywry:refresh`` reloads it and the bridge restores the scroll position.
"""

from __future__ import annotations

from typing import Any

from wry.plugins import hookimpl


@hookimpl(tryfirst=True)
def wry_hot_reload(widget: Any, path: str, kind: str, text: str) -> bool | None:
    """Re-render and reload a native window whose script changed; leave the rest to others."""
    if kind != "script" or getattr(widget, "transport_name", "") != "native":
        return None
    if widget.content is None:
        return None
    from wry_native.transport import native_page

    page = native_page(widget.content, widget.label, widget.page_theme, widget.page_title)
    widget.runtime.request("put_page", {"label": widget.label, "page": page})
    widget.refresh()
    return True
