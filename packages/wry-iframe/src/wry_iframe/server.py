"""The one FastAPI app of the process, served by uvicorn on a background thread.

Routes (every one needs the widget's token; the Host check runs before any of them):

- ``GET /w/{label}/?token=…`` — the page (``wry.page.render_page``)
- ``GET /w/{label}/bridge.js?token=…`` — the bridge bundle + adapter, when not inlined
- ``WS  /w/{label}/ws?token=…&p=<page instance>&r=<last seq the page holds>`` — the socket
- ``GET /favicon.ico`` — an empty answer (no token: it reveals and changes nothing)

Nothing else exists, and no route changes state without a token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

import uvicorn
from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from wry.protocol import escape_lone_surrogates
from wry_iframe.reader import Reader
from wry_iframe.security import Guard, token_matches

if TYPE_CHECKING:
    from wry_iframe.handle import IframeWidget

log = logging.getLogger("wry.iframe")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: WebSocket close codes the adapter understands (it does not reconnect after these).
CLOSE_WIDGET_CLOSED = 4000
CLOSE_REPLACED = 4001
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009

#: The most UTF-8 bytes one UTF-16 unit (what the page counts) can take.
UTF8_BYTES_PER_CHAR = 3

#: Acknowledgements of page events are sent at most this often unless a frame carries them.
ACK_DELAY = 0.025

PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the token is in the URL: never leak it to other sites
    "X-Content-Type-Options": "nosniff",
}


class Connection:
    """One page's live socket, as seen from the event loop."""

    def __init__(
        self, server: IframeServer, widget: IframeWidget, ws: WebSocket, instance: str
    ) -> None:
        self.server = server
        self.widget = widget
        self.ws = ws
        self.instance = instance
        self.loop = server.loop
        self.wake_event = asyncio.Event()
        self.ack_sent = 0
        self.ack_timer = False
        self.received_bytes = 0  # written by the loop only
        self.handled_bytes = 0  # written by the reader only
        self.waiting_for_reader = False
        self.drained = asyncio.Event()
        self.sender: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Ask the sender to look at the outbox (any thread)."""
        with contextlib.suppress(RuntimeError):  # the loop is gone: the server stopped
            self.loop.call_soon_threadsafe(self.wake_event.set)

    def schedule_ack(self) -> None:
        """A frame arrived: acknowledge what the reader handled, soon (loop thread)."""
        if not self.ack_timer:
            self.ack_timer = True
            self.loop.call_later(ACK_DELAY, self._ack_now)

    def _ack_now(self) -> None:
        self.ack_timer = False
        if self.widget.in_seq != self.ack_sent:
            self.wake_event.set()
        if self.behind():  # the reader is still at it: look again later
            self.schedule_ack()

    def handled(self, size: int) -> None:
        """The reader finished a frame of ``size`` bytes (reader thread)."""
        self.handled_bytes += size
        if self.waiting_for_reader and self.behind() <= self.server.max_message_bytes:
            with contextlib.suppress(RuntimeError):
                self.loop.call_soon_threadsafe(self.drained.set)

    def behind(self) -> int:
        """Bytes received from the page that the reader has not handled yet."""
        return self.received_bytes - self.handled_bytes

    async def wait_for_reader(self) -> None:
        """Backpressure: stop reading this socket until the reader has caught up."""
        self.drained.clear()
        self.waiting_for_reader = True
        try:
            if self.behind() > self.server.max_message_bytes:
                await self.drained.wait()
        finally:
            self.waiting_for_reader = False

    def close_soon(self, code: int, reason: str = "") -> None:
        """Close the socket from any thread."""

        async def close() -> None:
            with contextlib.suppress(Exception):
                await self.ws.close(code, reason)

        with contextlib.suppress(RuntimeError):
            asyncio.run_coroutine_threadsafe(close(), self.loop)

    async def send_loop(self) -> None:
        """Send what the outbox holds, in order, coalescing bursts into few frames."""
        outbox = self.widget.outbox
        send = self.ws.send_text
        while True:
            await self.wake_event.wait()
            self.wake_event.clear()
            more = True
            while more:
                first, events, more = outbox.take()
                ack = self.widget.in_seq
                if events:
                    frame = f'{{"s":{first},"a":{ack},"e":[{",".join(events)}]}}'
                elif ack != self.ack_sent:
                    frame = f'{{"a":{ack}}}'
                else:
                    break
                self.ack_sent = ack
                try:
                    await send(frame)
                except UnicodeEncodeError:  # a lone surrogate: UTF-8 cannot hold it as is
                    await send(escape_lone_surrogates(frame))


class HostCheck:
    """ASGI middleware: refuse any request whose Host is not ours (DNS rebinding)."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], guard: Guard):
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = _header(scope, b"host")
            if not self.guard.host_ok(host):
                self.guard.reject("bad-host", f"Host {host!r} for {scope.get('path')!r}")
                if scope["type"] == "http":
                    await PlainTextResponse("unknown host", 403)(scope, receive, send)
                else:
                    await send({"type": "websocket.close", "code": CLOSE_POLICY})
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
    """The shared server: widgets by label, one socket per widget, one reader thread."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        allowed_hosts: tuple[str, ...] = (),
        max_message_bytes: int = 16 * 1024 * 1024,
    ) -> None:
        self.host = host
        self.max_message_bytes = max_message_bytes
        self.guard = Guard(host, allowed_hosts)
        self.widgets: dict[str, IframeWidget] = {}
        self.connections: dict[str, Connection] = {}
        self._lock = threading.Lock()
        self.reader = Reader()
        self.app = self._build_app()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.socket(family, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
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
            ws="websockets-sansio",
            # a text message is limited in characters (below); its UTF-8 may take up to 3 bytes
            # per character, so the frame cap of the WebSocket layer must leave room for that
            ws_max_size=UTF8_BYTES_PER_CHAR * max_message_bytes,
            ws_per_message_deflate=False,
            timeout_graceful_shutdown=1,
        )
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        self._uvicorn = _Uvicorn(config, started)
        self._thread = threading.Thread(target=self._run, name="wry-iframe-server", daemon=True)
        self._thread.start()
        if not started.wait(15):
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
        """Close every socket, stop uvicorn and the reader; never blocks past ``timeout``."""
        with self._lock:
            connections = list(self.connections.values())
            self.connections.clear()
            self.widgets.clear()
        for conn in connections:
            conn.close_soon(1001, "server stopping")
        self._uvicorn.should_exit = True
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        self.reader.stop(timeout)
        if self._thread.is_alive():
            self._uvicorn.force_exit = True
            log.warning("the wry-iframe server did not stop within %.1f s", timeout)

    # -- widgets ---------------------------------------------------------------------------

    def add(self, widget: IframeWidget) -> None:
        """Serve ``widget`` from now on."""
        with self._lock:
            self.widgets[widget.label] = widget

    def remove(self, widget: IframeWidget, code: int = CLOSE_WIDGET_CLOSED) -> None:
        """Stop serving ``widget``: its token stops working, its socket closes."""
        with self._lock:
            if self.widgets.get(widget.label) is widget:
                del self.widgets[widget.label]
            conn = self.connections.pop(widget.label, None)
        if conn is not None:
            conn.close_soon(code, "widget closed")

    def open_widgets(self) -> list[IframeWidget]:
        """Widgets still served (not closed)."""
        with self._lock:
            return [w for w in self.widgets.values() if not w.closed]

    def connection(self, label: str) -> Connection | None:
        """The live socket of widget ``label``, if any."""
        return self.connections.get(label)

    def _authorised(self, label: str, token: str | None, what: str) -> IframeWidget | None:
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
            widget = self._authorised(label, request.query_params.get("token"), "page")
            if widget is None:
                return PlainTextResponse("forbidden", 403)
            return HTMLResponse(widget.page_html(), headers=PAGE_HEADERS)

        @app.get("/w/{label}/bridge.js")
        async def bridge(label: str, request: Request) -> Response:
            widget = self._authorised(label, request.query_params.get("token"), "bridge")
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

        @app.websocket("/w/{label}/ws")
        async def ws(websocket: WebSocket, label: str) -> None:
            await self._serve_socket(websocket, label)

        return HostCheck(app, self.guard)

    async def _serve_socket(self, websocket: WebSocket, label: str) -> None:
        query = websocket.query_params
        widget = self._authorised(label, query.get("token"), "socket")
        if widget is None:
            await websocket.close(CLOSE_POLICY)
            return
        origin, host = websocket.headers.get("origin"), websocket.headers.get("host")
        if not self.guard.origin_ok(origin, host):
            self.guard.reject("bad-origin", f"socket of {label!r} from Origin {origin!r}")
            await websocket.close(CLOSE_POLICY)
            return
        await websocket.accept()
        try:
            page_has = int(query.get("r", "0"))
        except ValueError:
            page_has = 0
        conn = Connection(self, widget, websocket, query.get("p", ""))
        with self._lock:
            if self.widgets.get(label) is not widget:  # closed meanwhile
                await websocket.close(CLOSE_WIDGET_CLOSED)
                return
            old = self.connections.get(label)
            self.connections[label] = conn
        if old is not None:
            if old.sender is not None:
                old.sender.cancel()  # before the rewind: it must not take events any more
            old.close_soon(CLOSE_REPLACED, "another page took over this widget")
        widget.outbox.rewind(page_has)
        self.reader.submit(lambda: widget.page_connected(conn))
        conn.wake_event.set()
        conn.sender = asyncio.create_task(conn.send_loop())
        try:
            await self._receive_loop(conn)
        finally:
            conn.sender.cancel()
            with self._lock:
                current = self.connections.get(label) is conn
                if current:
                    del self.connections[label]
            if current:
                self.reader.submit(lambda: widget.page_disconnected(conn))

    async def _receive_loop(self, conn: Connection) -> None:
        receive = conn.ws.receive
        limit = self.max_message_bytes
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                if message.get("code") == CLOSE_TOO_BIG:
                    self.guard.reject(
                        "oversize",
                        f"a message to {conn.widget.label!r} exceeded "
                        f"max_message_bytes={limit}; socket closed",
                    )
                return
            data: bytes | str | None = message.get("bytes")
            if data is None:
                data = message.get("text") or ""
            size = len(data)
            if size > limit:  # text counted in characters, binary in bytes
                unit = "bytes" if isinstance(data, bytes) else "characters"
                self.guard.reject(
                    "oversize",
                    f"a message of {size} {unit} to {conn.widget.label!r} exceeded "
                    f"max_message_bytes={limit}; socket closed",
                )
                await conn.ws.close(CLOSE_TOO_BIG)
                return
            conn.received_bytes += size
            self.reader.submit(_Frame(conn, data))
            conn.schedule_ack()
            if conn.behind() > 4 * limit:  # the reader is behind: stop reading for now
                await conn.wait_for_reader()


class _Frame:
    """A reader job: hand one frame of a socket to its widget."""

    __slots__ = ("conn", "data")

    def __init__(self, conn: Connection, data: bytes | str) -> None:
        self.conn = conn
        self.data = data

    def __call__(self) -> None:
        try:
            self.conn.widget.receive_frame(self.conn, self.data)
        finally:
            self.conn.handled(len(self.data))
