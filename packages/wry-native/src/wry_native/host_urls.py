"""URLs as the child host compares and sends them: pure text, no windows, no Tauri.

The load checks and navigation tracking (``host_navigation``) know a load by its URL, so the
URL they ask for must be written as WebKit reports it, and a resend must have a URL of its
own. Kept apart so these rules can be read and tested without a window.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit


def as_reported(url: str) -> str:
    """``url`` written as WebKit reports the load of it (``on_navigation``), for comparison.

    A navigate's URL is compared with the loads WebKit begins: ``/p/./x.html`` or an upper-case
    scheme or host would never match, and the navigation would not be known for the one asked
    for. Lower-cases scheme and host, removes dot segments, gives an empty path with a host
    ``/``; an empty query or fragment stays (the load checks' resends differ by one).
    """
    address, hash_mark, fragment = url.partition("#")
    address, question_mark, query = address.partition("?")
    parts = urlsplit(address)
    if not parts.scheme or not parts.netloc:
        return url
    path = _without_dot_segments(parts.path) or "/"
    head = f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"
    return f"{head}{question_mark}{query}{hash_mark}{fragment}"


def _without_dot_segments(path: str) -> str:
    """``path`` with its ``.`` and ``..`` segments resolved (RFC 3986, 5.2.4)."""
    kept: list[str] = []
    segments = path.split("/")
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment == ".":
            if last:
                kept.append("")
        elif segment == "..":
            if len(kept) > 1:
                kept.pop()
            if last:
                kept.append("")
        else:
            kept.append(segment)
    return "/".join(kept)


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
