"""Putting a page in front of the user: an IFrame in a notebook, a browser tab otherwise."""

from __future__ import annotations

import logging
import os
import sys
import webbrowser
from typing import TYPE_CHECKING

from wry.transport import has_display, in_jupyter_kernel

if TYPE_CHECKING:
    from wry_iframe.handle import IframeWidget

log = logging.getLogger("wry.iframe")

#: Seconds a browser-mode page may stay away (a reload) before its widget counts as closed.
BROWSER_TAB_GRACE = 5.0


def execution_count() -> int | None:
    """The running cell's number in an IPython kernel, or None outside one."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None  # type: ignore[attr-defined]
    return None if shell is None else int(shell.execution_count)


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


def present(widget: IframeWidget) -> int | None:
    """Show ``widget``; return the cell number it was displayed in (notebook), else None."""
    open_browser = widget.app.settings.open_browser
    if not browser_mode(open_browser):
        from IPython.display import IFrame, display

        display(IFrame(widget.url, width="100%", height=widget.options.height))  # type: ignore[no-untyped-call]
        return execution_count()
    widget.close_after_disconnect = BROWSER_TAB_GRACE
    if open_browser is not False and can_open_browser() and webbrowser.open(widget.url):
        print(f"wry: opened {widget.url}", flush=True)
    else:
        print(f"wry: open {widget.url} in a browser", flush=True)
    return None
