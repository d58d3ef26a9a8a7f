"""Element roots (the notebook case): two bridges on one page act only inside their own div."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.bridge

TWO_ROOTS = """
<div style="height: 80px"></div>
<div id="one" style="width: 400px; height: 300px">
  <div data-wry-content><p id="t">one</p></div></div>
<div id="two" style="width: 400px; height: 300px">
  <div data-wry-content><p id="t">two</p></div></div>
"""

ADAPTER = """
window.__sent = {one: [], two: []};
window.bridges = {};
document.addEventListener("DOMContentLoaded", () => {
  for (const name of ["one", "two"]) {
    bridges[name] = __wry.createBridge({
      root: document.getElementById(name), label: name, theme: "light",
      send(batch) { __sent[name].push(batch); },
    });
  }
});
"""


def to(page: Any, name: str, event_type: str, data: Any) -> None:
    page.evaluate(
        "([n, t, d]) => bridges[n]._receive([{type: t, data: d}])", [name, event_type, data]
    )


@pytest.fixture
def two(open_page: Any) -> Any:
    page = open_page(TWO_ROOTS, adapter=ADAPTER)
    page.wait_for_function("() => window.bridges.two !== undefined")
    return page


def test_set_content_and_style_act_only_in_their_root(two: Any) -> None:
    to(two, "two", "pywry:set-content", {"id": "t", "text": "changed"})
    to(two, "two", "pywry:set-style", {"selector": "p", "styles": {"color": "rgb(1, 2, 3)"}})
    assert two.inner_text("#one #t") == "one"
    assert two.inner_text("#two #t") == "changed"
    assert two.eval_on_selector("#one p", "(el) => el.style.color") == ""


def test_theme_goes_on_the_root_element(two: Any) -> None:
    to(two, "one", "pywry:update-theme", {"theme": "dark"})
    assert two.get_attribute("#one", "data-theme") == "dark"
    assert two.get_attribute("#two", "data-theme") == "light"
    assert "pywry-theme-dark" not in (two.evaluate("() => document.documentElement.className"))


def test_toast_is_positioned_inside_its_root(two: Any) -> None:
    to(two, "two", "pywry:alert", {"message": "in two", "position": "bottom-left", "duration": 0})
    root = two.locator("#two").bounding_box()
    toast = two.locator("#two .pywry-toast").bounding_box()
    assert two.locator("#one .pywry-toast").count() == 0
    assert root["x"] <= toast["x"] and toast["x"] + toast["width"] <= root["x"] + root["width"]
    assert (
        root["y"] <= toast["y"] and toast["y"] + toast["height"] <= root["y"] + root["height"] + 1
    )
    assert toast["y"] + toast["height"] > root["y"] + root["height"] - 40


def test_update_content_mounts_into_its_own_container(two: Any) -> None:
    to(two, "one", "pywry:update-content", {"html": "<p id='t'>new one</p>"})
    two.wait_for_function("() => __sent.one.flat().some((e) => e.type === 'pywry:ready')")
    assert two.inner_text("#one [data-wry-content]") == "new one"
    assert two.inner_text("#two #t") == "two"
    assert two.evaluate("() => __sent.one.flat()") == [
        {"type": "pywry:ready", "data": {"label": "one"}}
    ]
    assert two.evaluate("() => __sent.two.flat()") == []


def test_css_by_id_is_per_root(two: Any) -> None:
    to(two, "one", "pywry:inject-css", {"id": "c", "css": "#one p { color: rgb(5, 5, 5); }"})
    to(two, "two", "pywry:inject-css", {"id": "c", "css": "#two p { color: rgb(6, 6, 6); }"})
    to(two, "one", "pywry:remove-css", {"id": "c"})
    assert two.locator("style#c").count() == 1
    colors = two.evaluate(
        "() => ['one', 'two'].map((n) => getComputedStyle(document.querySelector(`#${n} p`)).color)"
    )
    assert colors == ["rgb(0, 0, 0)", "rgb(6, 6, 6)"]


def test_navigate_is_refused_in_an_element_root(two: Any) -> None:
    url = two.url
    to(two, "one", "pywry:navigate", {"url": "/elsewhere"})
    assert two.url == url
    assert any("embedded widget" in e for e in two.console_errors)
