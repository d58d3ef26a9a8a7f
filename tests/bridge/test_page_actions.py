"""pywry:download, pywry:navigate and pywry:refresh (which keeps the scroll position)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from bridgepage import PAGE_ADAPTER, page_html, receive, wait_sent

pytestmark = pytest.mark.bridge


def test_download_saves_the_file(open_page: Any, tmp_path: Path) -> None:
    page = open_page()
    with page.expect_download() as info:
        receive(
            page,
            (
                "pywry:download",
                {"content": "a,b\n1,2\n", "filename": "data.csv", "mimeType": "text/csv"},
            ),
        )
    download = info.value
    assert download.suggested_filename == "data.csv"
    target = tmp_path / "data.csv"
    download.save_as(target)
    assert target.read_text() == "a,b\n1,2\n"


def test_download_base64_bytes(open_page: Any, tmp_path: Path) -> None:
    page = open_page()
    raw = bytes(range(256))
    data = {"content": base64.b64encode(raw).decode(), "encoding": "base64", "filename": "b.bin"}
    with page.expect_download() as info:
        receive(page, ("pywry:download", data))
    target = tmp_path / "b.bin"
    info.value.save_as(target)
    assert target.read_bytes() == raw


def test_download_without_filename_is_rejected(open_page: Any) -> None:
    page = open_page()
    receive(page, ("pywry:download", {"content": "x"}))
    assert any("'filename' is required" in e for e in page.console_errors)


def test_navigate_changes_location(open_page: Any, routes: Any) -> None:
    routes.add("/next.html", "<title>next</title><p>next page</p>")
    page = open_page()
    with page.expect_navigation():
        receive(page, ("pywry:navigate", {"url": "/next.html"}))
    assert page.url.endswith("/next.html")
    assert page.title() == "next"


def tall_page(routes: Any) -> str:
    body = '<div data-wry-content><div style="height: 5000px">tall</div></div>'
    adapter = PAGE_ADAPTER + "window.addEventListener('load', () => pywry._contentLoaded());"
    return routes.add("/tall.html", page_html(body, adapter))  # type: ignore[no-any-return]


def test_refresh_reloads_and_keeps_scroll(page: Any, routes: Any) -> None:
    page.goto(tall_page(routes))
    page.evaluate("() => { scrollTo(0, 1234); window.marker = 'before reload'; }")
    with page.expect_navigation():
        receive(page, ("pywry:refresh", {}))
    page.wait_for_function(
        "() => window.__sent && window.__sent.flat().some(e => e.type === 'pywry:ready')"
    )
    assert page.evaluate("() => window.marker") is None
    page.wait_for_function("() => scrollY === 1234")


def test_refresh_uses_the_adapter_reload(open_page: Any) -> None:
    adapter = """
    window.__sent = []; window.reloads = 0;
    window.pywry = __wry.createBridge({root: document, label: "w-test",
      send(b) { __sent.push(b); }, reload() { window.reloads += 1; }});
    """
    page = open_page("<p>x</p>", adapter=adapter)
    receive(page, ("pywry:refresh", {}))
    assert page.evaluate("() => window.reloads") == 1


def test_ready_after_content_loaded(open_page: Any) -> None:
    page = open_page()
    page.evaluate("() => pywry._contentLoaded()")
    assert wait_sent(page, "pywry:ready") == [{"label": "w-test"}]
