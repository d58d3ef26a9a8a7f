"""set-content, set-style, inject-css/remove-css and update-theme change the page's DOM."""

from __future__ import annotations

from typing import Any

import pytest
from bridgepage import receive

pytestmark = pytest.mark.bridge

BODY = '<div id="a">old</div><p class="n">1</p><p class="n">2</p>'


def test_set_content_html_by_id(open_page: Any) -> None:
    page = open_page(BODY)
    receive(page, ("pywry:set-content", {"id": "a", "html": "<b>new</b>"}))
    assert page.inner_html("#a") == "<b>new</b>"


def test_set_content_text_by_selector_sets_every_match(open_page: Any) -> None:
    page = open_page(BODY)
    receive(page, ("pywry:set-content", {"selector": "p.n", "text": "<i>plain</i>"}))
    assert page.locator("p.n").all_inner_texts() == ["<i>plain</i>", "<i>plain</i>"]


def test_set_content_without_a_match_is_logged(open_page: Any) -> None:
    page = open_page(BODY)
    receive(page, ("pywry:set-content", {"id": "missing", "html": "x"}))
    receive(page, ("pywry:set-content", {"selector": "[[bad", "html": "x"}))
    assert any('nothing matches "#missing"' in e for e in page.console_errors)
    assert any("invalid selector" in e for e in page.console_errors)


def test_set_style(open_page: Any) -> None:
    page = open_page(BODY)
    styles = {"color": "rgb(255, 0, 0)", "background-color": "rgb(0, 0, 255)", "fontSize": "20px"}
    receive(page, ("pywry:set-style", {"id": "a", "styles": styles}))
    got = page.eval_on_selector(
        "#a",
        "(el) => { const s = getComputedStyle(el); "
        "return [s.color, s.backgroundColor, s.fontSize]; }",
    )
    assert got == ["rgb(255, 0, 0)", "rgb(0, 0, 255)", "20px"]


def test_inject_replace_and_remove_css(open_page: Any) -> None:
    page = open_page(BODY)
    color = "() => getComputedStyle(document.getElementById('a')).color"
    receive(page, ("pywry:inject-css", {"id": "theme-css", "css": "#a { color: rgb(1, 2, 3); }"}))
    assert page.evaluate(color) == "rgb(1, 2, 3)"
    receive(page, ("pywry:inject-css", {"id": "theme-css", "css": "#a { color: rgb(4, 5, 6); }"}))
    assert page.evaluate(color) == "rgb(4, 5, 6)"
    assert page.locator("style#theme-css").count() == 1
    receive(page, ("pywry:remove-css", {"id": "theme-css"}))
    assert page.evaluate(color) == "rgb(0, 0, 0)"
    assert page.locator("#theme-css").count() == 0


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_update_theme_sets_class_and_data_theme(open_page: Any, theme: str) -> None:
    page = open_page(BODY)
    receive(page, ("pywry:update-theme", {"theme": "light" if theme == "dark" else "dark"}))
    receive(page, ("pywry:update-theme", {"theme": theme}))
    classes = page.evaluate("() => [...document.documentElement.classList]")
    assert f"pywry-theme-{theme}" in classes
    assert len([c for c in classes if c.startswith("pywry-theme-")]) == 1
    assert page.evaluate("() => document.documentElement.dataset.theme") == theme


def test_initial_theme_and_unknown_theme_rejected(open_page: Any) -> None:
    page = open_page(BODY)
    assert page.evaluate("() => document.documentElement.className").count("pywry-theme-dark") == 1
    receive(page, ("pywry:update-theme", {"theme": "purple"}))
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    assert any("unknown theme" in e for e in page.console_errors)


def test_builtin_events_also_reach_user_handlers(open_page: Any) -> None:
    page = open_page(BODY)
    page.evaluate("() => { window.seen = []; pywry.on('*', (d, t) => seen.push(t)); }")
    receive(page, ("pywry:set-content", {"id": "a", "text": "x"}))
    assert page.evaluate("() => seen") == ["pywry:set-content"]
