"""pywry:alert toasts: text, type, position inside the root, auto-dismiss, confirm answers."""

from __future__ import annotations

from typing import Any

import pytest
from bridgepage import receive, wait_sent

pytestmark = pytest.mark.bridge


@pytest.mark.parametrize("kind", ["info", "success", "warning", "error"])
def test_alert_shows_a_toast_with_title_message_and_type(open_page: Any, kind: str) -> None:
    page = open_page("<p>content</p>")
    receive(page, ("pywry:alert", {"message": f"a {kind} note", "title": "Heads up", "type": kind}))
    toast = page.locator(f".pywry-toast.pywry-toast--{kind}")
    assert toast.locator(".pywry-toast__message").inner_text() == f"a {kind} note"
    assert toast.locator(".pywry-toast__title").inner_text() == "Heads up"
    assert toast.get_attribute("data-type") == kind


@pytest.mark.parametrize(
    ("position", "edges"),
    [
        ("top-right", ("top", "right")),
        ("top-left", ("top", "left")),
        ("bottom-right", ("bottom", "right")),
        ("bottom-left", ("bottom", "left")),
        ("top-center", ("top", "center")),
        ("bottom-center", ("bottom", "center")),
    ],
)
def test_toast_is_placed_at_its_position(
    open_page: Any, position: str, edges: tuple[str, str]
) -> None:
    page = open_page()
    page.set_viewport_size({"width": 1000, "height": 800})
    receive(page, ("pywry:alert", {"message": "here", "position": position}))
    box = page.locator(".pywry-toast").bounding_box()
    assert box is not None
    vertical, horizontal = edges
    if vertical == "top":
        assert box["y"] < 100
    else:
        assert box["y"] + box["height"] > 700
    middle = box["x"] + box["width"] / 2
    expected = {"left": (0, 400), "right": (600, 1000), "center": (400, 600)}[horizontal]
    assert expected[0] <= middle <= expected[1]


def test_toast_goes_away_after_its_duration(open_page: Any) -> None:
    page = open_page()
    shown = page.evaluate(
        """() => {
          pywry._receive([{type: "pywry:alert", data: {message: "brief", duration: 50}}]);
          return document.querySelectorAll(".pywry-toast").length;
        }"""
    )
    assert shown == 1
    page.locator(".pywry-toast").wait_for(state="detached")


def test_close_button_dismisses(open_page: Any) -> None:
    page = open_page()
    receive(page, ("pywry:alert", {"message": "sticky", "duration": 0}))
    page.locator(".pywry-toast__close").click()
    page.locator(".pywry-toast").wait_for(state="detached")


@pytest.mark.parametrize(("button", "confirmed"), [("OK", True), ("Cancel", False)])
def test_confirm_emits_callback_event(open_page: Any, button: str, confirmed: bool) -> None:
    page = open_page()
    alert = {"message": "Delete?", "type": "confirm", "callback_event": "app:confirm-delete"}
    receive(page, ("pywry:alert", alert))
    page.get_by_role("button", name=button, exact=True).click()
    assert page.locator("[data-pywry-confirm]").count() == 0
    assert wait_sent(page, "app:confirm-delete") == [{"confirmed": confirmed}]
    assert page.locator(".pywry-toast").count() == 0


def test_confirm_buttons_are_marked_for_tools(open_page: Any) -> None:
    page = open_page()
    receive(page, ("pywry:alert", {"message": "?", "type": "confirm", "callback_event": "app:a"}))
    page.click('.pywry-toast [data-pywry-confirm="ok"]')
    assert wait_sent(page, "app:a") == [{"confirmed": True}]


def test_confirm_stays_until_answered(open_page: Any) -> None:
    page = open_page()
    alert = {"message": "Sure?", "type": "confirm", "callback_event": "app:sure", "duration": 10}
    receive(page, ("pywry:alert", alert))
    page.evaluate("() => new Promise((r) => setTimeout(r, 100))")
    assert page.locator(".pywry-toast--confirm").count() == 1


def test_unknown_type_is_logged_and_shown_as_info(open_page: Any) -> None:
    page = open_page()
    receive(page, ("pywry:alert", {"message": "odd", "type": "shout"}))
    assert page.locator(".pywry-toast--info").inner_text().startswith("odd")
    assert any("unknown type" in e for e in page.console_errors)


def test_toast_css_is_added_once_per_document(open_page: Any) -> None:
    page = open_page()
    receive(page, ("pywry:alert", {"message": "1"}), ("pywry:alert", {"message": "2"}))
    assert page.locator("style#pywry-bridge-css").count() == 1
    assert page.locator(".pywry-toast").count() == 2


def test_toast_colours_follow_the_theme(open_page: Any) -> None:
    page = open_page()
    receive(page, ("pywry:alert", {"message": "x", "duration": 0}))
    toast = page.locator(".pywry-toast")
    dark = toast.evaluate("(el) => getComputedStyle(el).backgroundColor")
    receive(page, ("pywry:update-theme", {"theme": "light"}))
    light = toast.evaluate("(el) => getComputedStyle(el).backgroundColor")
    assert dark == "rgb(34, 39, 46)"
    assert light == "rgb(255, 255, 255)"
