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
    widget.store_page(force=True)  # rendered again: the script files are read now
    widget.refresh()
    return True
