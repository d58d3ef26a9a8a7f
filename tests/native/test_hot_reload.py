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
