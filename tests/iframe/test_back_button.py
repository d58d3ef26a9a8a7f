"""Back after leaving: the page that comes back gets what was sent while it was away, at once.

Pages are served ``Cache-Control: no-store`` (their URL holds the token), so the browser
loads the page afresh. Where something between drops that header, it keeps the page that left
in its back/forward cache and shows it again: that page used to wait out its 10 s check for a
page that stays before it took any event. Playwright turns that cache off; this browser has
it on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from iframe.conftest import Recorder
from local_site import follow_link, local_site

from wry import PyWry
from wry.testing.plugin import CHROMIUM_ARGS, chromium_path
from wry_iframe.handle import STAY_CHECK
from wry_iframe.server import PAGE_HEADERS

pytestmark = pytest.mark.iframe

PAGE = (
    "<p id='out'>none</p><script>"
    "addEventListener('pageshow', (e) => { window.__restored = e.persisted; });"
    "pywry.on('app:data', (d) => { document.getElementById('out').textContent = String(d);"
    " pywry.emit('app:seen', {d: d, restored: window.__restored}); });</script>"
)


@pytest.fixture(scope="module")
def caching_browser(browser: Any, pytestconfig: pytest.Config) -> Iterator[Any]:
    """A second headless Chromium, with its back/forward cache on as a user's browser has it.

    Launched by the session's Playwright: a second one cannot run in the same thread.
    """
    caching = browser.browser_type.launch(
        executable_path=chromium_path(pytestconfig),
        headless=True,
        args=CHROMIUM_ARGS,
        ignore_default_args=["--disable-back-forward-cache"],
    )
    try:
        yield caching
    finally:
        caching.close()


@pytest.mark.parametrize("cached", [False, True], ids=["no-store", "header-dropped"])
def test_back_to_the_page_gets_the_events_sent_while_away(
    app: PyWry, caching_browser: Any, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    if cached:  # as a proxy that rewrites the page's headers would
        monkeypatch.setitem(PAGE_HEADERS, "Cache-Control", "no-cache")
    seen = Recorder()
    handle = app.show(PAGE, callbacks={"app:seen": seen}, display=False)
    context = caching_browser.new_context()
    try:
        page = context.new_page()
        page.goto(handle.url)  # type: ignore[attr-defined]
        handle.emit("app:data", 1)
        seen.wait(1)
        with local_site(b"<p>elsewhere</p>", "text/html") as origin:
            follow_link(page, origin + "away")
            page.wait_for_url(origin + "away")
            for n in (2, 3):
                handle.emit("app:data", n)
            page.go_back(wait_until="commit")  # a cached page fires no load event
            calls = seen.wait(3, timeout=STAY_CHECK / 2)
        assert [c[0] for c in calls] == [
            {"d": 1, "restored": False},
            {"d": 2, "restored": cached},
            {"d": 3, "restored": cached},
        ]
        handle.emit("app:data", 4)
        seen.wait(4, timeout=15)
        assert page.inner_text("#out") == "4"
    finally:
        context.close()
