"""The sse transport: a stdlib HTTP server, one page and one event stream per widget."""

from __future__ import annotations

import html
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from typing import Any
from urllib.parse import parse_qs, urlparse

from wry import BaseWidget, HtmlContent, PyWry, Transport
from wry.page import bridge_bundle, render_page, script_tag
from wry.protocol import encode_batch, json_utf8
from wry.transport import ShowOptions

ADAPTER = (files("wry_sse") / "adapter.js").read_text(encoding="utf-8")


class SseWidget(BaseWidget):
    """One page; events wait in ``outbox`` until the page's event stream takes them."""

    transport_name = "sse"

    def __init__(self, app: PyWry, label: str, server: SseServer, options: ShowOptions) -> None:
        super().__init__(app, label)
        self.server = server
        self.options = options
        self.token = secrets.token_urlsafe(24)
        self.outbox: list[str] = []
        self.wakeup = threading.Condition()

    @property
    def url(self) -> str:
        """The page's address, token included."""
        return f"{self.server.base}/w/{self.label}?t={self.token}"

    def _send(self, encoded_event: str) -> None:
        with self.wakeup:
            self.outbox.append(encoded_event)
            self.wakeup.notify_all()

    def take(self, timeout: float) -> list[str]:
        """Everything queued, in order (waits up to ``timeout`` for something)."""
        with self.wakeup:
            if not self.outbox and not self.closed:
                self.wakeup.wait(timeout)
            batch, self.outbox = self.outbox, []
        return batch

    def display(self) -> None:
        self._check_open()
        print(f"wry-sse: open {self.url}", flush=True)

    def _close(self) -> None:
        self.server.widgets.pop(self.label, None)
        with self.wakeup:
            self.wakeup.notify_all()

    def page(self) -> str:
        config = json.dumps(
            {
                "label": self.label,
                "theme": self.options.theme,
                "events": f"/w/{self.label}/events?t={self.token}",
                "post": f"/w/{self.label}/send?t={self.token}",
            }
        )
        attribute = html.escape(config, quote=True)
        adapter = script_tag(ADAPTER).replace("<script>", f'<script data-wry="{attribute}">', 1)
        return render_page(
            self.content or HtmlContent(),
            label=self.label,
            theme=self.options.theme,
            title=self.options.title,
            bridge_html=script_tag(bridge_bundle()) + adapter,
        )


class SseServer:
    """A ThreadingHTTPServer on 127.0.0.1 serving every sse widget of the process."""

    def __init__(self) -> None:
        self.widgets: dict[str, SseWidget] = {}
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, name="wry-sse", daemon=True).start()

    def widget(self, path: str, query: str) -> tuple[SseWidget | None, str]:
        parts = path.strip("/").split("/")
        widget = self.widgets.get(parts[1]) if len(parts) >= 2 and parts[0] == "w" else None
        token = parse_qs(query).get("t", [""])[0]
        if widget is None or not secrets.compare_digest(token, widget.token):
            return None, ""
        return widget, parts[2] if len(parts) > 2 else ""

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler_for(server: SseServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            url = urlparse(self.path)
            widget, action = server.widget(url.path, url.query)
            if widget is None:
                self.send_error(404)
            elif action == "":
                body = widget.page().encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif action == "events":
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                while not widget.closed:
                    batch = widget.take(timeout=15)
                    frame = f"data: {encode_batch(batch)}\n\n" if batch else ": keep-alive\n\n"
                    try:
                        self.wfile.write(json_utf8(frame))
                        self.wfile.flush()
                    except OSError:  # the page went away: keep the events for the next stream
                        with widget.wakeup:
                            widget.outbox[:0] = batch
                        return
            else:
                self.send_error(404)

        def do_POST(self) -> None:
            url = urlparse(self.path)
            widget, action = server.widget(url.path, url.query)
            if widget is None or action != "send":
                self.send_error(404)
                return
            length = int(self.headers.get("Content-Length", "0"))
            events = json.loads(self.rfile.read(length))
            for event in events:  # before answering: the page sends its next batch after that
                widget.dispatch_from_page(event["type"], event.get("data"))
            self.send_response(204)
            self.end_headers()

    return Handler


class SseTransport(Transport):
    """Shows each widget as a page at a tokened URL; ``display()`` prints it."""

    name = "sse"

    def __init__(self) -> None:
        self._server: SseServer | None = None
        self._lock = threading.Lock()

    def create(self, app: PyWry, content: HtmlContent, options: ShowOptions) -> BaseWidget:
        with self._lock:
            if self._server is None:
                self._server = SseServer()
            server = self._server
        widget = SseWidget(app, options.label, server, options)
        widget.content = content
        server.widgets[widget.label] = widget
        return widget

    def shutdown(self) -> None:
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.stop()
