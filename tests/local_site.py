"""A throwaway web server on another local origin: an attacker's site, a slow script."""

from __future__ import annotations

import http.server
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class QuietServer(http.server.ThreadingHTTPServer):
    """A server that says nothing when a browser goes away mid-answer (a page navigated)."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def local_site(
    body: bytes, content_type: str, delay: float = 0.0, asked: threading.Event | None = None
) -> Iterator[str]:
    """Serve ``body`` at every path of a new origin, each answer ``delay`` seconds late.

    ``asked`` is set as each request arrives (a navigation to the site is under way).
    """
    late = threading.Event()  # never set: an answer waits out ``delay``

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if asked is not None:
                asked.set()
            late.wait(delay)
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = QuietServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def slow_script(delay: float) -> Iterator[str]:
    """The URL of a script that arrives ``delay`` seconds after it is asked for."""
    with local_site(b"window.slowScriptDone = 1;", "text/javascript", delay) as origin:
        yield origin + "slow.js"


def follow_link(page: Any, href: str, **click: Any) -> None:
    """Make the Playwright ``page`` follow a link to ``href``, as a user clicking it would."""
    page.evaluate(
        "(href) => { const a = document.createElement('a'); a.id = 'wry-test-link';"
        " a.href = href; a.textContent = href; document.body.append(a); }",
        href,
    )
    page.click("#wry-test-link", **click)
