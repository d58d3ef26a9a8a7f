"""Hot reload in a real native window: CSS injected in place, scripts reload keeping the scroll."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from native_helpers import XDisplay, wait_until

from wry import HtmlContent, PyWry, PyWrySettings


@pytest.fixture(scope="module")
def reload_app(x_display: XDisplay) -> Iterator[PyWry]:
    application = PyWry(PyWrySettings(transport="native"), hot_reload=True)
    yield application
    application.destroy()


def test_css_change_is_injected_without_reload_and_script_change_reloads_keeping_scroll(
    reload_app: PyWry, tmp_path: Path
) -> None:
    css = tmp_path / "style.css"
    script = tmp_path / "app.js"
    css.write_text("#probe { color: rgb(1, 2, 3); }\n")
    script.write_text("window.scriptVersion = 1;\n")
    tall = "<h1 id='probe'>probe</h1><div style='height: 5000px'></div>"
    handle = reload_app.show(
        HtmlContent(html=tall, css_files=[css], script_files=[script]), title="hot-reload"
    )
    color = "getComputedStyle(document.getElementById('probe')).color"
    try:
        wait_until(lambda: handle.eval_js("window.scriptVersion") == 1, "the first page")
        handle.eval_js("window.marker = 'still here'; scrollTo(0, 1234); null")

        css.write_text("#probe { color: rgb(200, 10, 20); }\n")
        wait_until(lambda: handle.eval_js(color) == "rgb(200, 10, 20)", "the new CSS")
        assert handle.eval_js("window.marker") == "still here"  # no reload happened

        script.write_text("window.scriptVersion = 2;\n")
        wait_until(lambda: handle.eval_js("window.scriptVersion") == 2, "the reloaded page")
        assert handle.eval_js("window.marker === undefined")  # it did reload
        wait_until(lambda: handle.eval_js("scrollY") == 1234, "the scroll position restored")
        assert handle.eval_js(color) == "rgb(200, 10, 20)"  # the current CSS, not the first
    finally:
        handle.close()


def test_a_script_reload_keeps_the_windows_own_theme_and_title(
    reload_app: PyWry, tmp_path: Path
) -> None:
    """The page is rendered again with the window's theme and title, not the settings'.

    A window shown light in a dark app came back dark, titled with the app's default title.
    """
    script = tmp_path / "themed.js"
    script.write_text("window.scriptVersion = 1;\n")
    handle = reload_app.show(
        HtmlContent(html="<p>themed</p>", script_files=[script]), theme="light", title="Mine"
    )
    looks = "[document.title, document.documentElement.classList.contains('pywry-theme-dark')]"
    try:
        wait_until(lambda: handle.eval_js("window.scriptVersion") == 1, "the first page")
        assert handle.eval_js(looks) == ["Mine", False]
        script.write_text("window.scriptVersion = 2;\n")
        wait_until(lambda: handle.eval_js("window.scriptVersion") == 2, "the reloaded page")
        assert handle.eval_js(looks) == ["Mine", False]
        handle.set_theme("dark")  # a theme set since is the one it keeps
        script.write_text("window.scriptVersion = 3;\n")
        wait_until(lambda: handle.eval_js("window.scriptVersion") == 3, "the second reload")
        assert handle.eval_js(looks) == ["Mine", True]
    finally:
        handle.close()
