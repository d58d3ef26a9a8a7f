"""The HTML page that page-based transports (native, iframe) serve for one widget.

Layout: bridge bundle and adapter first (so ``window.pywry`` exists before any user script),
then plugin page assets, user CSS, the content, user scripts, and a final call that reports
``pywry:ready``. A full HTML document keeps its own head and body; a fragment is wrapped.
"""

from __future__ import annotations

import html as html_lib
import re
from functools import lru_cache
from importlib.resources import files

from wry.models import HtmlContent, PageAsset

_HEAD_OPEN = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)
_BODY_OPEN = re.compile(r"<body(\s[^>]*)?>", re.IGNORECASE)
_BODY_CLOSE = re.compile(r"</body\s*>", re.IGNORECASE)
_DOCUMENT = re.compile(r"^\s*(<!--.*?-->\s*)*(<!doctype|<html)", re.IGNORECASE | re.DOTALL)
#: ``<`` of an end tag ``</script`` (any case), and of a start tag ``<script`` after which,
#: once the code has held ``<!--``, the parser would skip the real end tag; see ``script_tag``.
_END_TAG = re.compile(r"<(?=/script)", re.IGNORECASE)
_START_TAG = re.compile(r"<(?=/script|script[\s/>])", re.IGNORECASE)
_STYLE_UNSAFE = re.compile(r"</(?=style)", re.IGNORECASE)


@lru_cache(maxsize=1)
def bridge_bundle() -> str:
    """The one JS bridge bundle shipped in ``wry/assets/bridge.js``."""
    return (files("wry") / "assets" / "bridge.js").read_text(encoding="utf-8")


def is_full_document(html: str) -> bool:
    """Whether ``html`` is a whole document rather than a fragment."""
    return bool(_DOCUMENT.match(html))


def script_tag(code: str, element_id: str | None = None) -> str:
    """An inline ``<script>`` whose code cannot close the tag early, nor hide its end tag.

    ``<`` becomes ``\\x3C`` before ``/script`` (end tags ignore case) and, in code that holds
    ``<!--`` (after which a ``<script`` makes the parser skip the real end tag), before
    ``script`` too. Such text belongs in strings, regular expressions and comments, where
    ``\\x3C`` is the same ``<``; ``<!--`` itself stays (old scripts use it as a comment).
    """
    if "</" not in code and "<!--" not in code:
        return _tag("script", code, element_id)  # nothing to look for (most scripts)
    pattern = _START_TAG if "<!--" in code else _END_TAG
    return _tag("script", _escape_less_than(code, pattern), element_id)


def _escape_less_than(code: str, pattern: re.Pattern[str]) -> str:
    """Write each ``<`` that ``pattern`` finds as ``\\x3C``.

    A backslash escaping that ``<`` (the odd one in ``\\<`` or ``\\\\\\<``, not those of
    ``\\\\<``, which escape one another) is taken in, or it would escape the new backslash.
    """
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(code):
        at = start = match.start()
        while at > last and code[at - 1] == "\\":
            at -= 1
        if (start - at) % 2:
            start -= 1
        parts += (code[last:start], "\\x3C")
        last = match.end()
    parts.append(code[last:])
    return "".join(parts)


def style_tag(css: str, element_id: str | None = None) -> str:
    """An inline ``<style>`` whose text cannot close the tag early (``</STYLE`` included)."""
    return _tag("style", _STYLE_UNSAFE.sub(r"<\\/", css), element_id)


def _tag(name: str, text: str, element_id: str | None) -> str:
    attr = f' id="{html_lib.escape(element_id)}"' if element_id else ""
    return f"<{name}{attr}>{text}</{name}>"


def page_assets() -> list[PageAsset]:
    """JS/CSS contributed by plugins through ``wry_page_assets``, in registration order."""
    from wry.plugins import collect

    return [asset for group in collect("wry_page_assets") for asset in group or ()]


def render_page(
    content: HtmlContent, *, label: str, theme: str, bridge_html: str, title: str = "wry"
) -> str:
    """A complete HTML page for ``content``; ``bridge_html`` holds the bundle + adapter tags."""
    assets = page_assets()
    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        bridge_html,
        *(style_tag(a.text) for a in assets if a.kind == "css"),
        *(script_tag(a.text) for a in assets if a.kind == "js"),
        script_tag("pywry._sealPersistent();"),
    ]
    css = [style_tag(text, i) for i, text in content.read_css()]
    if content.inline_css:
        css.append(style_tag(content.inline_css, "wry-inline-css"))
    scripts = [script_tag(text, i) for i, text in content.read_scripts()]
    if content.init_script:
        head.append(script_tag(content.init_script, "wry-init-script"))
    tail = [*scripts, script_tag("pywry._contentLoaded();")]
    html = content.html
    # "system" is resolved by the bridge from prefers-color-scheme: no class of its own
    theme_class = f' class="pywry-theme-{theme}"' if theme in ("dark", "light") else ""
    if is_full_document(html):
        head_html = "\n".join(head + css)
        m = _HEAD_OPEN.search(html)
        if m:
            html = html[: m.end()] + head_html + html[m.end() :]
        else:
            body = _BODY_OPEN.search(html)
            at = body.start() if body else len(html)
            html = html[:at] + f"<head>{head_html}</head>" + html[at:]
        close = _BODY_CLOSE.search(html)
        at = close.start() if close else len(html)
        return html[:at] + "\n".join(tail) + html[at:]
    page_title = html_lib.escape(content.title or title)
    return (
        f'<!doctype html>\n<html{theme_class} data-wry-label="{html_lib.escape(label)}">'
        f"<head><title>{page_title}</title>{''.join(head + css)}</head>"
        f"<body><div data-wry-content>{html}</div>{''.join(tail)}</body></html>"
    )
