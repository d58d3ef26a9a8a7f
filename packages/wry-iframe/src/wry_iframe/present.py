"""Putting a page in front of the user: an IFrame in a notebook, a browser tab otherwise."""

from __future__ import annotations

import logging
import os
import webbrowser
from typing import TYPE_CHECKING

from wry.transport import has_display, in_jupyter_kernel, running_request

if TYPE_CHECKING:
    from wry_iframe.handle import IframeWidget

log = logging.getLogger("wry.iframe")

#: Seconds a browser-mode page may stay away (a reload) before its widget counts as closed.
BROWSER_TAB_GRACE = 5.0


def browser_mode(open_browser: bool | None) -> bool:
    """Browser mode: outside a kernel, or when the settings ask for a tab."""
    return bool(open_browser) or not in_jupyter_kernel()


def can_open_browser() -> bool:
    """A graphical browser can be started (a text browser would take over the terminal)."""
    if not (has_display() or os.environ.get("BROWSER")):
        return False
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


def present(widget: IframeWidget) -> str | int | None:
    """Show ``widget``; return the kernel request it was displayed in (notebook), else None."""
    open_browser = widget.app.settings.open_browser
    if not browser_mode(open_browser):
        from IPython.display import IFrame, display

        display(IFrame(widget.url, width="100%", height=widget.options.height))  # type: ignore[no-untyped-call]
        return running_request()
    widget.close_after_disconnect = BROWSER_TAB_GRACE
    if open_browser is not False and can_open_browser() and webbrowser.open(widget.url):
        print(f"wry: opened {widget.url}", flush=True)
    else:
        print(f"wry: open {widget.url} in a browser", flush=True)
    return None
