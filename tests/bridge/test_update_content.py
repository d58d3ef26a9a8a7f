"""pywry:update-content and _mount: fragments, full documents, scripts in order, handlers."""

from __future__ import annotations

from typing import Any

import pytest
from bridgepage import receive, sent_events, wait_sent

pytestmark = pytest.mark.bridge

BODY = '<div data-wry-content><p id="old">old</p></div><footer id="keep">kept</footer>'


def test_fragment_replaces_the_content_container_and_emits_ready(open_page: Any) -> None:
    page = open_page(BODY)
    receive(page, ("pywry:update-content", {"html": '<p id="new">new</p>'}))
    assert page.locator("#old").count() == 0
    assert page.inner_text("[data-wry-content] #new") == "new"
    assert page.inner_text("#keep") == "kept"
    assert wait_sent(page, "pywry:ready") == [{"label": "w-test"}]


def test_css_scripts_and_title_of_the_payload(open_page: Any) -> None:
    page = open_page(BODY)
    payload = {
        "html": '<p id="n">n</p>',
        "css": [{"id": "user-css", "css": "#n { color: rgb(9, 8, 7); }"}],
        "scripts": [
            {"id": "s1", "code": "window.order = ['s1'];"},
            {"id": "s2", "code": "order.push('s2');"},
        ],
        "title": "New title",
    }
    receive(page, ("pywry:update-content", payload))
    assert (
        page.evaluate("() => getComputedStyle(document.getElementById('n')).color")
        == "rgb(9, 8, 7)"
    )
    assert page.evaluate("() => order") == ["s1", "s2"]
    assert page.title() == "New title"


def test_full_document_mounts_head_styles_links_and_scripts_in_order(
    open_page: Any, routes: Any
) -> None:
    routes.add("/slow.js", "window.order.push('external');", "text/javascript")
    routes.add("/style.css", "#doc { background-color: rgb(0, 128, 0); }", "text/css")
    page = open_page(BODY)
    document = """<!doctype html><html><head><title>Doc title</title>
      <style>#doc { color: rgb(200, 0, 0); }</style>
      <link rel="stylesheet" href="/style.css">
      <script>window.order = ['head'];</script>
      <script src="/slow.js"></script>
      </head><body><h1 id="doc">Document</h1>
      <script>window.order.push('body:' + !!document.getElementById('doc'));</script>
      </body></html>"""
    page.evaluate(
        """() => {
          window.seen = [];
          pywry.on('*', (d, t) => seen.push(t));
          pywry.on('app:after', () => { window.afterSawOrder = window.order.slice(); });
          pywry._sealPersistent();
        }"""
    )
    receive(page, ("pywry:update-content", {"html": document}), ("app:after", 1))
    wait_sent(page, "pywry:ready")
    assert page.evaluate("() => order") == ["head", "external", "body:true"]
    page.wait_for_function(
        "() => getComputedStyle(document.getElementById('doc')).backgroundColor"
        " === 'rgb(0, 128, 0)'"
    )
    assert (
        page.evaluate("() => getComputedStyle(document.getElementById('doc')).color")
        == "rgb(200, 0, 0)"
    )
    assert page.title() == "Doc title"
    # events after the update wait until its external script has run
    page.wait_for_function("() => seen.length === 2")
    assert page.evaluate("() => seen") == ["pywry:update-content", "app:after"]
    assert page.evaluate("() => window.afterSawOrder") == ["head", "external", "body:true"]


def test_styles_of_a_previous_document_are_removed(open_page: Any) -> None:
    page = open_page(BODY)
    first = (
        "<!doctype html><html><head><style>p { color: rgb(1, 1, 1); }</style></head>"
        "<body><p>a</p></body></html>"
    )
    receive(page, ("pywry:update-content", {"html": first}))
    receive(page, ("pywry:update-content", {"html": "<p id='b'>b</p>"}))
    assert (
        page.evaluate("() => getComputedStyle(document.getElementById('b')).color")
        == "rgb(0, 0, 0)"
    )


def test_transient_handlers_are_dropped_persistent_kept(open_page: Any) -> None:
    page = open_page(BODY)
    page.evaluate(
        """() => {
          window.seen = [];
          pywry.on("app:ping", () => seen.push("persistent"));
          pywry._sealPersistent();
          pywry.on("app:ping", () => seen.push("transient"));
        }"""
    )
    receive(page, ("app:ping", None))
    new_content = {
        "html": "<p>v2</p>",
        "scripts": [{"id": "s", "code": "pywry.on('app:ping', () => seen.push('new'));"}],
    }
    receive(page, ("pywry:update-content", new_content), ("app:ping", None))
    assert page.evaluate("() => seen") == ["persistent", "transient", "persistent", "new"]


def test_builtins_survive_an_update(open_page: Any) -> None:
    page = open_page(BODY)
    receive(page, ("pywry:update-content", {"html": "<p id='x'>x</p>"}))
    receive(page, ("pywry:set-content", {"id": "x", "text": "still works"}))
    assert page.inner_text("#x") == "still works"


def test_mount_returns_a_promise_for_adapters(open_page: Any, routes: Any) -> None:
    routes.add("/a.js", "window.loadedA = true;", "text/javascript")
    page = open_page(BODY)
    done = page.evaluate(
        """async () => {
          await pywry._mount({html: '<script src="/a.js"></script><p id="m">m</p>'});
          return [window.loadedA === true, !!document.getElementById('m')];
        }"""
    )
    assert done == [True, True]
    assert [e["type"] for e in sent_events(page)] == []


def test_missing_external_script_is_logged_and_the_rest_still_runs(open_page: Any) -> None:
    page = open_page(BODY)
    html = '<script src="/missing.js"></script><script>window.after = 1;</script>'
    receive(page, ("pywry:update-content", {"html": html}))
    wait_sent(page, "pywry:ready")
    assert page.evaluate("() => window.after") == 1
    assert any("failed to load" in e for e in page.console_errors)
