"""URLs as the child host compares and sends them: text, no windows (Tauri parses only).

The load checks and navigation tracking (``host_navigation``) know a load by its URL, so the
URL they ask for must be written as WebKit reports it, and a resend must have a URL of its
own. Kept apart so these rules can be read and tested without a window.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit


def as_reported(url: str) -> str:
    """``url`` written as WebKit reports the load of it (``on_navigation``), for comparison.

    A navigate's URL is compared with the loads WebKit begins: ``/p/./x.html``, an
    upper-case scheme, a space or an ``ü`` in the path, a default port or an IDNA host would
    never match as given, and the navigation would not be known for the one asked for.
    Tauri's own URL type (the ``url`` crate) hands WebKit the URL on ``navigate`` and reads
    WebKit's report back, so its form is the one reported, with one rewrite of WebKit's own:
    a ``^`` in the path is percent-encoded (checked against real loads in
    tests/native/test_native_urls.py). A URL Tauri refuses comes back as given: ``navigate``
    refuses it too. Never raises.
    """
    try:
        from pytauri.ffi import WebviewUrl

        parsed = str(WebviewUrl.External(url)[0])
    except Exception:
        return url
    cut = min((i for i in (parsed.find("?"), parsed.find("#")) if i >= 0), default=len(parsed))
    return parsed[:cut].replace("^", "%5E") + parsed[cut:]


def again_url(url: str, resend: int) -> str:
    """The URL of resend number ``resend`` of our page ``url``: the same page, another URL.

    The first adds an empty query, or an empty parameter to the query there is
    (``location.search`` unchanged); a rare second one, a parameter of its own, so no two
    loads asked for share a URL. A ``#fragment`` stays last.
    """
    address, hash_mark, fragment = url.partition("#")
    extra = "" if resend == 1 else f"wry-load={resend}"
    separator = "&" if "?" in address else "?"
    return f"{address}{separator}{extra}{hash_mark}{fragment}"


def absolute_url(args: list[Any]) -> str:
    """The URL a held navigate goes to, refused now as Tauri would refuse it later."""
    if not args:
        raise ValueError("navigate: missing argument(s), got []")
    url = str(args[0])
    if not urlsplit(url).scheme:
        raise ValueError(f"invalid url {url!r}: give a whole URL (https://..., tauri://...)")
    return url
