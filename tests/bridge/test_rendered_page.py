"""A page as the core renders it, in Chromium: script text that looks like markup stays code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bridgepage import Routes, rendered_page_html, wait_sent

from wry.models import HtmlContent

pytestmark = pytest.mark.bridge


def test_scripts_keep_their_values_and_the_page_its_elements(
    page: Any, routes: Routes, tmp_path: Path
) -> None:
    """``</SCRIPT>`` in any case, and ``<!--`` then ``<script``, no longer end the script."""
    script_file = tmp_path / "tricky.js"
    script_file.write_text(
        'window.tricky = ["<!--<script>", "\\\\</SCRIPT>", /<!--x/u.test("<!--x")];'
    )
    hostile = 'window.msg = "</SCRIPT><img src=x onerror=alert(1)>"; window.done = 1;'
    legacy = tmp_path / "legacy.js"  # the old HTML-comment wrapper is still a valid script
    legacy.write_text("<!--\nwindow.legacy = [1].filter((i) => i<scripts.length + 1);\n//-->\n")
    content = HtmlContent(
        html='<p id="after">after</p>',
        init_script="var scripts = [0];\n" + hostile,
        script_files=[script_file, legacy],
    )
    page.goto(routes.add("/rendered.html", rendered_page_html(content)))
    wait_sent(page, "pywry:ready")
    assert page.evaluate("() => [window.msg, window.done]") == [
        "</SCRIPT><img src=x onerror=alert(1)>",
        1,
    ]
    assert page.evaluate("() => window.tricky") == ["<!--<script>", "\\</SCRIPT>", True]
    assert page.evaluate("() => window.legacy") == [1]
    assert page.evaluate("() => document.querySelectorAll('img').length") == 0
    assert page.text_content("#after") == "after"
    assert page.console_errors == []
