"""What the child host serves to and injects into its webviews: pages and the page channel.

Pages live in memory (no files, no frontend build), served to Tauri as its assets; every
window also gets the page channel script, keyed by a secret of its own, as its
initialization script.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib.resources import files

from pytauri.ffi.lib import Assets

WARM_PAGE = "wry-warm.html"
#: The pool's page. The window's page channel reports when it is up (an attach without a
#: label), so the host knows which warm windows are fully loaded.
WARM_HTML = b"<!doctype html><title></title>"


@cache
def _page_channel_source() -> str:
    return (files("wry_native") / "assets" / "page-channel.js").read_text(encoding="utf-8")


def page_channel_js(key: str) -> str:
    """The initialization script giving one window's pages ``window.__wryNativeSend``."""
    return _page_channel_source().replace("__WRY_KEY__", json.dumps(key))


class PageStore(Assets):
    """In-memory pages served to the webviews (no files, no frontend build)."""

    def __init__(self) -> None:
        super().__init__()
        self._pages: dict[str, bytes] = {WARM_PAGE: WARM_HTML}

    def put(self, key: str, html: str) -> None:
        """Serve ``html`` at ``tauri://localhost/<key>``."""
        self._pages[key] = html.encode("utf-8")

    def drop(self, key: str) -> None:
        """Forget a page (its window closed)."""
        self._pages.pop(key, None)

    def get(self, key: str) -> bytes | None:  # called by Tauri: must never raise
        try:
            return self._pages.get(str(key).lstrip("/"))
        except Exception:
            return None

    def iter(self) -> Iterator[tuple[str, bytes]]:
        return iter(list(self._pages.items()))
