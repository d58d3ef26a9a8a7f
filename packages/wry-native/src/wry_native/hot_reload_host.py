"""Hot reload inside the child host: store a re-rendered page before the page reloads.

A native window loads its page from the host's in-memory page store, so a plain reload would
show the page as it was first rendered. ``put_page`` replaces the stored page (the parent
renders it with the changed script) without touching the window; the parent then sends
``pywry:refresh``, whose reload keeps the scroll position.
"""

from __future__ import annotations

from typing import Any


def register(host: Any) -> None:
    """Host extension: the ``put_page`` command."""

    def put_page(message: dict[str, Any]) -> dict[str, Any]:
        label, page = message.get("label"), message.get("page")
        if not isinstance(label, str) or not isinstance(page, str):
            raise ValueError("put_page needs 'label' and 'page' as strings")
        host.window(label)  # raises for an unknown window
        host.pages.put(f"p/{label}.html", page)
        return {"label": label}

    host.commands["put_page"] = put_page
