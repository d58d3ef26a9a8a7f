"""The child host knows a navigation by its URL as WebKit reports it: the rule, checked on
real loads.

A navigate's URL is compared with the loads WebKit begins (``host_urls.as_reported``). Written
otherwise (a space, an ``ü``, a default port, an upper-case host), the navigation was not known
for the one asked for, and a new window's late first load could take the window back.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from local_site import local_site
from native_helpers import Recorder, wait_until

from wry import PyWry
from wry_native.host_urls import as_reported


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with local_site(b"<p>elsewhere</p>", "text/html") as base:
        yield base.rstrip("/")


def written_otherwise(site: str) -> list[str]:
    """URLs WebKit reports written otherwise than given (one path of their own each)."""
    port = site.rsplit(":", 1)[1]
    return [
        f"{site}/a b/\u00fc.html?q=\u00e4 x#f g",
        f"HTTP://LOCALHOST:{port}/upper",
        f'{site}/quote"<>`{{}}|^.html',
        f"{site}/p?a b&c=\u00e4#x y\u00e4",
        f"{site}/back\\slash",
        f"{site}/dots/./x/../y",
        f"{site}?empty-path",
    ]


def test_as_reported_is_what_webkit_reports_for_real_loads(
    app: PyWry, recorder: Recorder, site: str
) -> None:
    handle = app.show("<p>urls</p>", callbacks={"*": recorder})
    recorder.wait_for("pywry:ready")
    for url in [*written_otherwise(site), f"{site}/%7e/%41?%zz#kept"]:
        handle.proxy.navigate(url)
        expected = as_reported(url)
        wait_until(lambda: handle.proxy.url == expected, f"{url!r} reported as {expected!r}")  # noqa: B023


def test_hosts_ports_and_forms_written_otherwise_are_known_as_webkit_reports_them(
    app: PyWry, recorder: Recorder, site: str, tmp_path: Path
) -> None:
    """Forms the URL standard rewrites beyond the path: each as WebKit reported it on a load.

    Written as given, the navigation was not known for the one asked for (as above).
    """
    (tmp_path / "f.html").write_text("<p>file</p>", encoding="utf-8")
    port = site.rsplit(":", 1)[1]
    there = f"http://127.0.0.1:{port}"
    cases = {
        f"http://127.0.0.1:0{port}/lead0": f"{there}/lead0",
        f"http:/127.0.0.1:{port}/one-slash": f"{there}/one-slash",
        f"http:127.0.0.1:{port}/no-slash": f"{there}/no-slash",
        f"http://127.1:{port}/short": f"{there}/short",
        f"http://127.0.0.1.:{port}/dot": f"{there}/dot",
        f"http://%31%32%37.0.0.1:{port}/pct": f"{there}/pct",
        f"http://[0:0::1]:{port}/v6": f"http://[::1]:{port}/v6",
        f"http://\u00fc@127.0.0.1:{port}/user": f"http://%C3%BC@127.0.0.1:{port}/user",
        f"{there}/a/%2e%2E/b": f"{there}/b",
        f"{there}/t\tab": f"{there}/tab",
        f"  {there}/spaces ": f"{there}/spaces",
        f"file://localhost{tmp_path}/f.html": f"file://{tmp_path}/f.html",
        f"file:{tmp_path}/f.html": f"file://{tmp_path}/f.html",
    }
    handle = app.show("<p>urls</p>", callbacks={"*": recorder})
    recorder.wait_for("pywry:ready")
    for url, reported in cases.items():
        assert as_reported(url) == reported
        handle.proxy.navigate(url)
        wait_until(lambda: handle.proxy.url == reported, f"{url!r} reported as {reported!r}")  # noqa: B023


@pytest.mark.parametrize(
    ("given", "reported"),
    [
        ("http://127.0.0.1:80/port", "http://127.0.0.1/port"),
        ("https://b\u00fccher.example:443/p", "https://xn--bcher-kva.example/p"),
        ("wss://Example.COM:443", "wss://example.com/"),
        ("http://[::1]:8080/v6", "http://[::1]:8080/v6"),
        ("http://user:pw@Host:81/cred", "http://user:pw@host:81/cred"),
        ("tauri://localhost/p/a b.html", "tauri://localhost/p/a%20b.html"),
        ("tauri://LocalHost/p/%7e.html", "tauri://LocalHost/p/%7e.html"),  # not a special scheme
        ("TAURI://localhost/p/./x.html?", "tauri://localhost/p/x.html?"),
        ("tauri://localhost/p/x.html#", "tauri://localhost/p/x.html#"),
        ("about:blank", "about:blank"),
        ("javascript:void(0)", "javascript:void(0)"),
        ("http://bad\udcff.example/", "http://bad\udcff.example/"),  # not a host: as given
        ("http://host:99999/", "http://host:99999/"),  # Tauri refuses it: as given
        ("http://host:port/", "http://host:port/"),
        ("http://[::1/", "http://[::1/"),
        ("file:", "file:///"),
    ],
)
def test_as_reported_rules(given: str, reported: str) -> None:
    assert as_reported(given) == reported
    assert as_reported(reported) == reported  # WebKit's own form stays as it is
