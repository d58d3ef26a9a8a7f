"""The one FastAPI app of the process, served by uvicorn on a background thread.

Routes (every one needs the widget's token; the Host check runs before any of them):

- ``GET /w/{label}/?token=…`` — the page (``wry.page.render_page``)
- ``GET /w/{label}/bridge.js?token=…`` — the bridge bundle + adapter, when not inlined
- ``WS  /w/{label}/ws?token=…&p=<page instance>&r=<last seq the page holds>`` — the socket,
  checked by ``wry_iframe.handoff`` and then served by ``wry_iframe.connection``
- ``GET /favicon.ico`` — an empty answer (no token: it reveals and changes nothing)

Nothing else exists, and no route changes state without a token.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import socket
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from websockets.server import ServerProtocol

from wry_iframe.connection import CLOSE_REPLACED, CLOSE_WIDGET_CLOSED, Connection
from wry_iframe.handoff import WebSocketHandoff
from wry_iframe.security import Guard, token_matches
from wry_iframe.socket_thread import SocketThread

if TYPE_CHECKING:
    from wry_iframe.handle import IframeWidget

log = logging.getLogger("wry.iframe")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: Closed widgets whose returning page is told so (close code 4000) instead of refused.
MAX_REMEMBERED_CLOSED = 256

PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the token is in the URL: never leak it to other sites
    "X-Content-Type-Options": "nosniff",
}


class HostCheck:
    """ASGI middleware: refuse any request whose Host is not ours (DNS rebinding).

    WebSocket handshakes never reach the app: ``wry_iframe.handoff`` checks those.
    """

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], guard: Guard):
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = _header(scope, b"host")
            if not self.guard.host_ok(host):
                self.guard.reject("bad-host", f"Host {host!r} for {scope.get('path')!r}")
                await PlainTextResponse("unknown host", 403)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


class _Uvicorn(uvicorn.Server):
    """uvicorn that tells us when it listens, and never touches signal handlers."""

    def __init__(self, config: uvicorn.Config, started: threading.Event) -> None:
        super().__init__(config)
        self._started_event = started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self._started_event.set()


class IframeServer:
    """The shared server: widgets by label, one socket per widget, one socket thread."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        allowed_hosts: tuple[str, ...] = (),
        max_message_bytes: int = 16 * 1024 * 1024,
    ) -> None:
        if host.startswith("[") and host.endswith("]"):  # "[::1]", as in a URL
            host = host[1:-1]
        self.host = host
        self.max_message_bytes = max_message_bytes
        self.guard = Guard(host, allowed_hosts)
        self.widgets: dict[str, IframeWidget] = {}
        self.connections: dict[str, Connection] = {}
        self._live: set[Connection] = set()  # every socket not closed yet, closing ones too
        self._closed_tokens: dict[str, str] = {}  # label → token of widgets closed lately
        self._lock = threading.Lock()
        self.app = self._build_app()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.socket(family, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._socket.bind((host, port))
        except OSError as exc:
            self._socket.close()
            raise OSError(
                exc.errno,
                f"the wry-iframe server cannot listen on {host}:{port} ({exc.strerror}); "
                "check server_host and server_port (WRY_SERVER_HOST, WRY_SERVER_PORT)",
            ) from exc
        self.port = self._socket.getsockname()[1]
        url_host = f"[{host}]" if family == socket.AF_INET6 else host
        if host in ("0.0.0.0", "::"):
            url_host = "127.0.0.1"
        self.base_url = f"http://{url_host}:{self.port}"
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws=functools.partial(WebSocketHandoff, self),  # type: ignore[arg-type]
            timeout_graceful_shutdown=1,
        )
        self.sockets = SocketThread()
        self.writer = SocketThread("wry-iframe-writer", drain_on_stop=True)
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        self._uvicorn = _Uvicorn(config, started)
        self._thread = threading.Thread(target=self._run, name="wry-iframe-server", daemon=True)
        self._thread.start()
        if not started.wait(15):
            self.stop(1.0)
            self._socket.close()
            raise RuntimeError(f"the wry-iframe server did not start on {host}:{self.port}")

    # -- lifetime --------------------------------------------------------------------------

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._uvicorn.serve(sockets=[self._socket]))
        except Exception:
            log.exception("the wry-iframe server failed")
        finally:
            with contextlib.suppress(Exception):
                self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()

    @property
    def running(self) -> bool:
        """Whether the server thread is alive."""
        return self._thread.is_alive()

    def stop(self, timeout: float = 5.0) -> None:
        """Close every socket, stop uvicorn and the socket thread; never blocks past ``timeout``.

        A page of this server can never come back (a new server has other tokens), so its
        socket closes as its widget's would: the page stops reconnecting, and one that comes
        back meanwhile is told so rather than refused as a stranger.
        """
        with self._lock:
            connections = list(self.connections.values())
            self.connections.clear()
            for label, widget in self.widgets.items():
                self._closed_tokens[label] = widget.token
            self.widgets.clear()
        for conn in connections:
            conn.close_soon(CLOSE_WIDGET_CLOSED, "server stopping", flush=True)
        self._uvicorn.should_exit = True
        deadline = time.monotonic() + timeout
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        self.sockets.stop(max(0.1, deadline - time.monotonic()), while_busy=self._close_held)
        self.writer.stop(max(0.1, deadline - time.monotonic()))
        if self._thread.is_alive():
            self._uvicorn.force_exit = True
            log.warning("the wry-iframe server did not stop within %.1f s", timeout)

    def _close_held(self) -> None:
        """A callback holds the socket thread as the server stops: close the sockets here."""
        with self._lock:
            live = list(self._live)
        for conn in live:
            conn.close_while_held(CLOSE_WIDGET_CLOSED, "server stopping")

    # -- widgets ---------------------------------------------------------------------------

    def add(self, widget: IframeWidget) -> None:
        """Serve ``widget`` from now on.

        Raises ValueError when another open widget has the label: every app of the process
        shares this server, which tells pages apart by label.
        """
        with self._lock:
            other = self.widgets.get(widget.label)
            if other is not None and other is not widget and not other.closed:
                raise ValueError(
                    f"an iframe page labelled {widget.label!r} is already served in this "
                    "process (another PyWry app shares the iframe server): choose another label"
                )
            self.widgets[widget.label] = widget

    def remove(
        self,
        widget: IframeWidget,
        code: int = CLOSE_WIDGET_CLOSED,
        then: Callable[[], None] | None = None,
    ) -> None:
        """Stop serving ``widget``: its token stops working, its socket closes.

        The socket first sends what was queued before, then the close frame; ``then`` runs
        after that (at once when no page is connected).
        """
        with self._lock:
            if self.widgets.get(widget.label) is widget:
                del self.widgets[widget.label]
                self._closed_tokens[widget.label] = widget.token
                while len(self._closed_tokens) > MAX_REMEMBERED_CLOSED:
                    del self._closed_tokens[next(iter(self._closed_tokens))]
            conn = self.connections.get(widget.label)
            if conn is not None and conn.widget is widget:
                del self.connections[widget.label]
            else:
                conn = None

        if conn is None:
            if then is not None:
                then()
            return
        if not self.sockets.submit(lambda: conn.close(code, "widget closed", True, then)):
            conn.close(code, "widget closed", True, then)

    def closed_with(self, label: str, token: str | None) -> bool:
        """Whether ``token`` was widget ``label``'s before it closed (its page may come back)."""
        with self._lock:
            old = self._closed_tokens.get(label)
        return old is not None and token_matches(token, old)

    def open_widgets(self) -> list[IframeWidget]:
        """Widgets still served (not closed)."""
        with self._lock:
            return [w for w in self.widgets.values() if not w.closed]

    def connection(self, label: str) -> Connection | None:
        """The live socket of widget ``label``, if any."""
        return self.connections.get(label)

    def authorised(self, label: str, token: str | None, what: str) -> IframeWidget | None:
        widget = self.widgets.get(label)
        if widget is None or not token_matches(token, widget.token):
            # The same answer for an unknown label and a wrong token: nothing to probe.
            self.guard.reject("bad-token", f"{what} of {label!r} without its token")
            return None
        return widget

    # -- the app ---------------------------------------------------------------------------

    def _build_app(self) -> Any:
        app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

        @app.get("/w/{label}/")
        async def page(label: str, request: Request) -> Response:
            widget = self.authorised(label, request.query_params.get("token"), "page")
            if widget is None:
                return PlainTextResponse("forbidden", 403)
            return HTMLResponse(widget.page_html(), headers=PAGE_HEADERS)

        @app.get("/w/{label}/bridge.js")
        async def bridge(label: str, request: Request) -> Response:
            widget = self.authorised(label, request.query_params.get("token"), "bridge")
            if widget is None:
                return PlainTextResponse("forbidden", 403)
            return Response(
                widget.bridge_js(),
                media_type="text/javascript",
                headers={**PAGE_HEADERS, "Cache-Control": "private, max-age=3600"},
            )

        @app.get("/favicon.ico")
        async def favicon() -> Response:  # static and empty: spares pages a console error
            return Response(status_code=204, headers={"Cache-Control": "max-age=86400"})

        return HostCheck(app, self.guard)

    # -- sockets (socket thread) --------------------------------------------------------------

    def socket_opened(
        self,
        widget: IframeWidget,
        sock: socket.socket,
        protocol: ServerProtocol,
        rest_of_handshake: bytes,
        instance: str,
        page_has: int,
    ) -> None:
        """A handshake passed every check: the page's socket goes live (replacing any other).

        The new connection is published only once the old one has stopped taking events,
        the handshake is answered, the outbox is rewound to what this page holds and the
        widget counts this page's events: an emit on another thread meanwhile waits in the
        outbox and leaves with the first flush, with the right acknowledgement.
        """
        conn = Connection(self, widget, sock, protocol, instance)
        label = widget.label
        with self._lock:
            self._live.add(conn)
            old = self.connections.get(label)
        if old is not None:
            old.close(CLOSE_REPLACED, "another page took over this widget")
        conn.answer(rest_of_handshake)
        with self._lock:
            served = self.widgets.get(label) is widget
            if served:
                widget.outbox.rewind(page_has)
                widget.page_connected(conn)  # counts this page's events before any flush
                self.connections[label] = conn
        if not served:  # closed meanwhile
            conn.close(CLOSE_WIDGET_CLOSED, "widget closed")
            return
        conn.flush()

    def socket_closed(self, conn: Connection) -> None:
        """A socket is gone; its widget learns of it if it was the widget's live one."""
        with self._lock:
            self._live.discard(conn)
            current = self.connections.get(conn.widget.label) is conn
            if current:
                del self.connections[conn.widget.label]
        if current:
            conn.widget.page_disconnected(conn)

    def wake(self, label: str) -> None:
        """New events wait in widget ``label``'s outbox: send them (any thread).

        A page callback's first emit leaves at once, from the socket thread: a round trip
        crosses no thread. Later emits of the same callback, and emits from other threads,
        wake the writer thread, which sends everything queued by then in one frame.
        """
        if self.sockets.on_thread():
            conn = self.connections.get(label)
            if conn is None:
                return
            if conn.flushed_in_event:
                self.writer.submit(conn.flush)
                return
            conn.flushed_in_event = True
            conn.flush()
            self.sockets.after_event(id(conn), conn.event_done)
        else:
            self.writer.submit(lambda: self._flush(label))

    def _flush(self, label: str) -> None:
        conn = self.connections.get(label)
        if conn is not None:
            conn.flush()
