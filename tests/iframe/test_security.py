"""Every attack on the iframe server is refused, logged and counted."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from http.client import HTTPConnection
from typing import Any
from urllib.parse import urlsplit

import pytest
from iframe.conftest import Recorder, Show, open_page
from local_site import local_site

from wry import PyWry, PyWrySettings
from wry_iframe.plugin import TRANSPORT

pytestmark = pytest.mark.iframe


def parts(handle: Any) -> tuple[int, str, str]:
    """(port, label, token) of a widget."""
    url = urlsplit(handle.url)
    return url.port or 80, handle.label, handle.token


class Answer:
    """Status, body and headers of one HTTP request."""

    def __init__(self, status_code: int, text: str, headers: dict[str, str]) -> None:
        self.status_code = status_code
        self.text = text
        self.headers = headers


def request(method: str, url: str, host: str | None = None, content: bytes = b"") -> Answer:
    """One plain HTTP request; ``host`` overrides the Host header (as a rebinding page would)."""
    parsed = urlsplit(url)
    conn = HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port or 80, timeout=10)
    try:
        path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
        conn.request(method, path, body=content or None, headers={"Host": host} if host else {})
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        headers = {k.lower(): v for k, v in response.getheaders()}
        return Answer(response.status, body, headers)
    finally:
        conn.close()


def handshake(port: int, path: str, host: str | None = None, origin: str | None = None) -> int:
    """Send a WebSocket upgrade request by hand; return the HTTP status of the answer."""
    headers = [
        f"GET {path} HTTP/1.1",
        f"Host: {host if host is not None else f'127.0.0.1:{port}'}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13",
    ]
    if origin is not None:
        headers.append(f"Origin: {origin}")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(("\r\n".join(headers) + "\r\n\r\n").encode())
        status_line = s.recv(4096).split(b"\r\n", 1)[0]
    return int(status_line.split()[1])


@pytest.fixture
def two(show: Show) -> Iterator[tuple[Any, Any, Any]]:
    first, page = show("<p id='secret'>first page</p>")
    second, _ = show("<p>second page</p>")
    yield first, second, page


def rejections(reason: str) -> int:
    return TRANSPORT.rejections[reason]


def test_page_and_bridge_need_the_widgets_own_token(two: tuple[Any, Any, Any]) -> None:
    first, second, _ = two
    port, label, token = parts(first)
    base = f"http://127.0.0.1:{port}/w/{label}"
    before = rejections("bad-token")
    for path in ("/", "/bridge.js"):
        for query in ("", "?token=", "?token=wrong", f"?token={second.token}", "?token=%C3%A9"):
            response = request("GET", base + path + query)
            assert response.status_code == 403, (path, query)
            assert "first page" not in response.text
    assert rejections("bad-token") == before + 10
    page = request("GET", f"{base}/?token={token}")
    assert page.status_code == 200 and "first page" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert request("GET", f"{base}/bridge.js?token={token}").status_code == 200


def test_socket_needs_the_widgets_own_token(two: tuple[Any, Any, Any]) -> None:
    first, second, _ = two
    port, label, token = parts(first)
    origin = f"http://127.0.0.1:{port}"
    before = rejections("bad-token")
    for query in ("", "?token=wrong", f"?token={second.token}"):
        assert handshake(port, f"/w/{label}/ws{query}", origin=origin) == 403
    # the second widget's socket with the first widget's token: a socket addresses its own only
    assert handshake(port, f"/w/{second.label}/ws?token={token}", origin=origin) == 403
    assert rejections("bad-token") == before + 4


def test_dns_rebinding_is_refused_by_the_host_check(two: tuple[Any, Any, Any]) -> None:
    first, _, _ = two
    port, label, token = parts(first)
    before = rejections("bad-host")
    page = request(
        "GET", f"http://127.0.0.1:{port}/w/{label}/?token={token}", f"attacker.example:{port}"
    )
    assert page.status_code == 403 and "first page" not in page.text
    evil = f"http://attacker.example:{port}"
    assert handshake(port, f"/w/{label}/ws?token={token}", f"attacker.example:{port}", evil) == 403
    assert rejections("bad-host") == before + 2
    assert request("GET", f"http://localhost:{port}/w/{label}/?token={token}").status_code == 200


def test_allowed_hosts_extend_the_host_check(browser: Any) -> None:
    TRANSPORT.shutdown()  # a fresh server that reads the settings below
    app = PyWry(PyWrySettings(open_browser=False, allowed_hosts=["wry.test"]), transport="iframe")
    try:
        handle = app.show("<p>named</p>", display=False)
        port, label, token = parts(handle)
        url = f"http://127.0.0.1:{port}/w/{label}/?token={token}"
        assert request("GET", url, f"wry.test:{port}").status_code == 200
        assert request("GET", url, f"other.test:{port}").status_code == 403
    finally:
        app.destroy()


def test_socket_origin_must_be_the_page_itself(two: tuple[Any, Any, Any]) -> None:
    first, _, _ = two
    port, label, token = parts(first)
    path = f"/w/{label}/ws?token={token}"
    before = rejections("bad-origin")
    assert handshake(port, path, origin="http://attacker.example") == 403
    assert handshake(port, path, origin="null") == 403
    assert handshake(port, path, origin=None) == 403
    assert handshake(port, path, origin=f"http://localhost:{port}") == 403  # another origin
    assert rejections("bad-origin") == before + 4


@pytest.fixture
def attacker_site() -> Iterator[str]:
    """Another origin on this machine, serving an empty page the attack script runs in."""
    with local_site(b"<!doctype html><title>attacker</title>", "text/html") as url:
        yield url


def test_cross_site_websocket_hijacking_fails_in_a_real_browser(
    two: tuple[Any, Any, Any], browser: Any, attacker_site: str
) -> None:
    first, _, first_page = two
    port, label, token = parts(first)
    hit = Recorder()
    first.on("*", hit)
    before = rejections("bad-origin")
    contexts: list[Any] = []
    try:
        evil = open_page(browser, attacker_site, contexts)
        outcome = evil.evaluate(
            """(url) => new Promise((resolve) => {
                const ws = new WebSocket(url);
                ws.onopen = () => { ws.send('{"s":1,"e":[{"type":"app:pwned","data":1}]}');
                                    resolve('open'); };
                ws.onclose = (e) => resolve('closed ' + e.code);
            })""",
            f"ws://127.0.0.1:{port}/w/{label}/ws?token={token}",
        )
    finally:
        for context in contexts:
            context.close()
    assert outcome == "closed 1006"  # the handshake was refused
    assert rejections("bad-origin") == before + 1
    # the real page still owns its socket and nothing reached Python
    assert first_page.evaluate("document.documentElement.dataset.wryConnection") == "open"
    assert [c for c in hit.calls if c[1] == "app:pwned"] == []


@pytest.fixture
def limited(browser: Any) -> Iterator[tuple[Any, Any, Recorder]]:
    """(handle, page, recorder of app:text and app:big) on a server limited to 4096."""
    TRANSPORT.shutdown()
    app = PyWry(PyWrySettings(open_browser=False, max_message_bytes=4096), transport="iframe")
    contexts: list[Any] = []
    try:
        ready, hit = Recorder(), Recorder()
        handle = app.show("<p>small</p>", display=False, callbacks={"pywry:ready": ready})
        handle.on("app:text", hit)
        handle.on("app:big", hit)
        page = open_page(browser, handle.url, contexts)  # type: ignore[attr-defined]
        ready.wait()
        yield handle, page, hit
    finally:
        for context in contexts:
            context.close()
        app.destroy()


def socket_path(handle: Any) -> dict[str, str]:
    return {"ws": f"/w/{handle.label}/ws?token={handle.token}"}


def test_text_is_limited_in_characters_and_binary_in_bytes(
    limited: tuple[Any, Any, Recorder],
) -> None:
    handle, page, hit = limited
    # 3,000 characters, 6,000 bytes of UTF-8: within the limit as text
    page.evaluate("pywry.emit('app:text', 'é'.repeat(3000))")
    assert hit.wait()[0][0] == "é" * 3000
    # a socket of the page's origin may send the same JSON as binary, counted in bytes
    before = rejections("oversize")
    codes = page.evaluate(
        """async (cfg) => {
            const send = (n, p) => new Promise((resolve) => {
                const ws = new WebSocket('ws://' + location.host + cfg.ws + '&p=' + p);
                const frame = {s: 1, e: [{type: 'app:text', data: 'é'.repeat(n)}]};
                ws.onopen = () => ws.send(new TextEncoder().encode(JSON.stringify(frame)));
                // the small one is closed here once Python acknowledges it (an
                // acknowledgement of the page's own socket may come first: any will do);
                // the big one waits for the server to refuse it
                ws.onmessage = (m) => {
                    if (p === 'small' && JSON.parse(m.data).a !== undefined) ws.close(1000);
                };
                ws.onclose = (e) => resolve(e.code);
            });
            return [await send(1000, 'small'), await send(3000, 'big')];
        }""",
        socket_path(handle),
    )
    assert codes[1] == 1009
    assert rejections("oversize") == before + 1
    assert hit.wait(2)[1][0] == "é" * 1000  # the binary frame within the limit arrived


def test_oversize_messages_are_refused_logged_and_counted(
    limited: tuple[Any, Any, Recorder], caplog: pytest.LogCaptureFixture
) -> None:
    handle, page, hit = limited
    # the adapter refuses to send it, and says so
    with page.expect_console_message(lambda m: "max_message_bytes" in m.text):
        page.evaluate("pywry.emit('app:big', 'x'.repeat(10000))")
    # The page's notice of that refusal is counted too, as its socket thread gets to it: an
    # event sent after it is handled after it, so ``before`` no longer races the notice.
    synced = Recorder()
    handle.on("app:sync", synced)
    page.evaluate("pywry.emit('app:sync', {})")
    synced.wait()
    # a hand-made socket of the page that ignores the limit is cut off by the server
    before = rejections("oversize")
    code = page.evaluate(
        """(cfg) => new Promise((resolve) => {
            const ws = new WebSocket('ws://' + location.host + cfg.ws + '&p=raw');
            ws.onopen = () => ws.send(JSON.stringify(
                {s: 1, e: [{type: 'app:big', data: 'y'.repeat(10000)}]}));
            ws.onclose = (e) => resolve(e.code);
        })""",
        socket_path(handle),
    )
    assert code == 1009
    assert rejections("oversize") == before + 1
    assert "max_message_bytes" in caplog.text
    assert hit.calls == []


def test_a_burst_of_small_emits_over_the_limit_leaves_in_several_frames(
    limited: tuple[Any, Any, Recorder],
) -> None:
    """The bridge batches a microtask's emits: the limit is per message, not per burst."""
    _, page, hit = limited
    # five events of 1,500 characters: 7,500 in one batch, over the 4,096 limit together
    with page.expect_console_message(lambda m: "max_message_bytes" in m.text) as refused:
        page.evaluate(
            """for (let i = 0; i < 5; i++) {
                pywry.emit('app:text', i + ':' + 'x'.repeat(1500));
                if (i === 2) pywry.emit('app:big', 'y'.repeat(5000));  // too big on its own
            }"""
        )
    assert '"app:big" event' in refused.value.text
    calls = hit.wait(5)
    assert [c[0][:2] for c in calls] == ["0:", "1:", "2:", "3:", "4:"]
    assert [c[1] for c in calls] == ["app:text"] * 5
    assert page.evaluate("document.documentElement.dataset.wryConnection") == "open"


def test_an_event_too_big_to_send_is_logged_and_counted_in_python(
    limited: tuple[Any, Any, Recorder], caplog: pytest.LogCaptureFixture
) -> None:
    # Refused in the page, it was only in the browser's console: Python never knew.
    handle, page, hit = limited
    before = rejections("oversize")
    page.evaluate("pywry.emit('app:big', 'y'.repeat(5000)); pywry.emit('app:text', 'after')")
    assert hit.wait(1) == [("after", "app:text", handle.label)]  # in order: the notice came
    assert handle.rejected == 1 and rejections("oversize") == before + 1
    (warning,) = [r.getMessage() for r in caplog.records if "'app:big' event" in r.getMessage()]
    assert "max_message_bytes=4096" in warning


def test_a_page_cannot_address_another_widget(two: tuple[Any, Any, Any]) -> None:
    first, second, first_page = two
    got_first, got_second = Recorder(), Recorder()
    first.on("app:hit", got_first)
    second.on("app:hit", got_second)
    before = rejections("foreign-label")
    first_page.evaluate(
        """([ws, other]) => new Promise((resolve) => {
            const sock = new WebSocket('ws://' + location.host + ws + '&p=raw');
            sock.onopen = () => sock.send(JSON.stringify({s: 1, e: [
                {type: 'app:hit', data: 'stolen', label: other},
                {type: 'app:hit', data: 'own'}]}));
            sock.onmessage = (m) => { if (JSON.parse(m.data).a === 2) resolve(true); };
        })""",
        [f"/w/{first.label}/ws?token={first.token}", second.label],
    )
    assert got_first.wait() == [("own", "app:hit", first.label)]
    assert rejections("foreign-label") == before + 1
    assert got_second.calls == []


def test_no_route_changes_state_without_a_token(two: tuple[Any, Any, Any]) -> None:
    first, _, _ = two
    port, label, token = parts(first)
    base = f"http://127.0.0.1:{port}"
    for path in ("/docs", "/openapi.json", "/redoc", "/", "/w/", f"/w/{label}/other"):
        assert request("GET", base + path).status_code in (403, 404), path
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = request(method, f"{base}/w/{label}/?token={token}", content=b"{}")
        assert response.status_code == 405, method
    server = first.server
    paths = sorted(route.path for route in server.app.app.routes)
    assert paths == ["/favicon.ico", "/w/{label}/", "/w/{label}/bridge.js"]
    # sockets never reach the app: the handshake is checked before the socket thread takes it
    origin = f"http://127.0.0.1:{port}"
    for path in ("/", "/ws", f"/w/{label}/", f"/w/{label}/other/ws?token={token}", "/w//ws"):
        assert handshake(port, path, origin=origin) in (403, 404), path
