"""URLs as the child host compares and sends them: text, no windows (Tauri parses only).

The load checks and navigation tracking (``host_navigation``) know a load by its URL, so the
URL they ask for must be written as WebKit reports it, and a resend must have a URL of its
own. Kept apart so these rules can be read and tested without a window.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

#: Schemes the URL standard calls special: their hosts are domains, their ports have defaults.
DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21"}
SPECIAL_SCHEMES = {*DEFAULT_PORTS, "file"}
#: ASCII characters the URL standard percent-encodes in each part (controls, space and
#: anything past ASCII always); an existing ``%xx`` is kept as it is.
PATH_ESCAPED = frozenset(' "#<>?^`{}')
QUERY_ESCAPED = frozenset(' "#<>')
SPECIAL_QUERY_ESCAPED = QUERY_ESCAPED | {"'"}
FRAGMENT_ESCAPED = frozenset(' "<>`')


def as_reported(url: str) -> str:
    """``url`` written as WebKit reports the load of it (``on_navigation``), for comparison.

    A navigate's URL is compared with the loads WebKit begins, which Tauri reports as the URL
    standard writes them (checked against real loads in tests/native/test_native_urls.py):
    a ``/p/./x.html``, an upper-case scheme, a space or an ``ü`` in the path would never
    match, and the navigation would not be known for the one asked for. So: the scheme in
    lower case, dot segments removed, spaces, quotes and non-ASCII characters percent-encoded
    (UTF-8) as the part they are in requires; for http(s), ws(s), ftp and file also the host
    in lower case and IDNA (``xn--``), no default port, ``\\`` as ``/`` and ``/`` for an empty
    path. An empty query or fragment stays (the load checks' resends differ by one). A URL
    this cannot take apart comes back as it is.

    The URL is first written as Tauri's own parser writes it (``_as_tauri_parses``): Tauri
    hands WebKit that form on ``navigate`` and reads WebKit's report back with it, and it
    knows the host and port forms these rules do not (``127.1``, ``[0:0::1]``, ``:080``,
    ``%31`` in a host, ``http:/host``, ``file://localhost/``, tabs, spaces around the URL).
    """
    address, hash_mark, fragment = _as_tauri_parses(url).partition("#")
    address, question_mark, query = address.partition("?")
    scheme, colon, rest = address.partition(":")
    scheme = scheme.lower()
    special = scheme in SPECIAL_SCHEMES
    if special:
        rest = rest.replace("\\", "/")
    if not colon or not rest.startswith("//"):
        return url
    authority, slash, path = rest[2:].partition("/")
    if special:
        written = _special_authority(scheme, authority)
        if written is None:
            return url
        authority = written
    path = _without_dot_segments(slash + path)
    if special and not path:
        path = "/"
    query_escaped = SPECIAL_QUERY_ESCAPED if special else QUERY_ESCAPED
    head = f"{scheme}://{authority}{_escape(path, PATH_ESCAPED)}"
    tail = f"{question_mark}{_escape(query, query_escaped)}"
    return f"{head}{tail}{hash_mark}{_escape(fragment, FRAGMENT_ESCAPED)}"


def _as_tauri_parses(url: str) -> str:
    """``url`` as Tauri's URL type (the ``url`` crate) writes it; as given if it refuses it.

    Never raises: a URL Tauri cannot parse (a bad port, a lone surrogate) is refused by
    ``navigate`` itself, so any form of it serves.
    """
    try:
        from pytauri.ffi import WebviewUrl

        return str(WebviewUrl.External(url)[0])
    except Exception:
        return url


def _special_authority(scheme: str, authority: str) -> str | None:
    """``user@host:port`` with the host lower-cased and in IDNA and a default port dropped."""
    userinfo, at, hostport = authority.rpartition("@")
    if hostport.startswith("["):  # an IPv6 address: kept as written
        host, bracket, port = hostport.partition("]")
        host += bracket
        port = port.removeprefix(":")
    else:
        host, _, port = hostport.partition(":")
        try:
            host = host.encode("idna").decode("ascii") if host else host
        except UnicodeError:
            return None
    host = host.lower()
    if port == DEFAULT_PORTS.get(scheme):
        port = ""
    return f"{userinfo}{at}{host}{':' if port else ''}{port}"


def _escape(text: str, escaped: frozenset[str]) -> str:
    """``text`` with what the URL standard percent-encodes in its part encoded as UTF-8."""
    if text.isascii() and not any(c in escaped or c < " " or c == "\x7f" for c in text):
        return text
    out = []
    for char in text:
        if char.isascii() and char not in escaped and " " <= char != "\x7f":
            out.append(char)
        else:
            out.append("".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass")))
    return "".join(out)


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
