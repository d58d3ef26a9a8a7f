"""The rendered page: script and CSS text cannot end its element early, in any letter case."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from wry.models import HtmlContent
from wry.page import render_page


def core_page(content: HtmlContent) -> str:
    """The HTML a page-based transport serves for ``content`` (any bridge will do here)."""
    return render_page(content, label="t", theme="dark", bridge_html="<script>0</script>")


HOSTILE_JS = 'window.msg = "</SCRIPT><img src=x onerror=alert(1)>"; window.done = 1;'
HOSTILE_CSS = 'p::after { content: "</Style ><img src=x onerror=alert(1)>"; }'


class Elements(HTMLParser):
    """The start tags of a document and the text inside each script and style element."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: dict[str, list[str]] = {"script": [], "style": []}
        self._inside: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)
        self._inside = tag if tag in self.text else None
        if self._inside:
            self.text[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        self._inside = None

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.text[self._inside][-1] += data


@pytest.mark.parametrize("case", [str.upper, str.lower, str.title])
def test_an_end_tag_in_any_case_stays_inside_the_script(case: Any) -> None:
    code = HOSTILE_JS.replace("</SCRIPT>", case("</script>"))
    page = Elements(core_page(HtmlContent(html='<p id="after">after</p>', init_script=code)))
    (text,) = [t for t in page.text["script"] if "window.msg" in t]
    assert text.replace("\\x3C", "<") == code
    assert "img" not in page.tags
    assert page.tags.count("p") == 1


def test_an_end_tag_in_any_case_stays_inside_the_style(tmp_path: Path) -> None:
    css_file = tmp_path / "hostile.css"
    css_file.write_text(HOSTILE_CSS.replace("Style", "STYLE"))
    content = HtmlContent(html="<p>after</p>", css_files=[css_file], inline_css=HOSTILE_CSS)
    page = Elements(core_page(content))
    hostile = [t for t in page.text["style"] if "p::after" in t]
    assert [t.replace("<\\/", "</") for t in hostile] == [css_file.read_text(), HOSTILE_CSS]
    assert "img" not in page.tags


def test_a_system_theme_leaves_the_class_to_the_bridge() -> None:
    """``system`` is resolved in the page (prefers-color-scheme): no ``pywry-theme-system``."""
    page = render_page(HtmlContent(html="<p>x</p>"), label="t", theme="system", bridge_html="")
    assert "pywry-theme-" not in page
    dark = render_page(HtmlContent(html="<p>x</p>"), label="t", theme="dark", bridge_html="")
    assert '<html class="pywry-theme-dark"' in dark
