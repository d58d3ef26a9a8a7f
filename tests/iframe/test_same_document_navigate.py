"""A navigation that stays on the page (a fragment) does not hold back later events."""

from __future__ import annotations

import pytest
from iframe.conftest import Recorder, Show
from local_site import follow_link, local_site

pytestmark = pytest.mark.iframe

PAGE = (
    "<script>addEventListener('hashchange', () => { window.__hashAt = performance.now(); });"
    'pywry.on("app:data", (d) => { window.__dataAt = performance.now();'
    ' pywry.emit("app:seen", {d: d, at: location.hash}); });</script>'
)


@pytest.mark.parametrize("absolute", [False, True], ids=["fragment", "same-url-with-fragment"])
def test_events_after_a_fragment_navigation_arrive_at_once(show: Show, absolute: bool) -> None:
    """The page used to wait 2 s (its check for a page that did not leave), then reconnect."""
    handle, page = show(PAGE)
    seen = Recorder()
    handle.on("app:seen", seen)
    opens = page.evaluate("__wryIframe.stats().opens")
    handle.navigate(f"{handle.url}#here" if absolute else "#here")  # type: ignore[attr-defined]
    handle.emit("app:data", 1)
    assert seen.wait()[0][0] == {"d": 1, "at": "#here"}
    waited = page.evaluate("window.__dataAt - window.__hashAt")
    assert waited < 1000, f"the event waited {waited:.0f} ms behind the fragment navigation"
    assert page.evaluate("__wryIframe.stats().opens") == opens  # no reconnect was needed


@pytest.mark.parametrize("how", ["navigate", "link"])
def test_events_after_a_navigation_that_stays_reach_the_same_page(show: Show, how: str) -> None:
    """A download leaves the page where it is: it gets the later events after its check.

    Whether ``navigate()`` sent the page there or the page followed a link itself.
    """
    handle, page = show(PAGE)
    seen = Recorder()
    handle.on("app:seen", seen)
    page.evaluate("window.__old = 1")
    with local_site(b"a,b\n", "application/octet-stream") as origin:
        with page.expect_download():
            if how == "navigate":
                handle.navigate(origin + "table.bin")  # type: ignore[attr-defined]
            else:
                follow_link(page, origin + "table.bin")
        handle.emit("app:data", 2)
        assert seen.wait()[0][0] == {"d": 2, "at": ""}
    assert page.evaluate("window.__old") == 1
