"""The WebSocket handshake: checked on uvicorn's event loop, then the socket leaves uvicorn.

uvicorn lets a server choose the protocol class that takes over an upgraded connection
(``uvicorn.Config(ws=...)``). wry's class runs every check of the handshake (Host, the
widget's token, the exact Origin, a well-formed upgrade), answers a refusal with an HTTP
error, and hands an accepted socket (a duplicate of its descriptor) to the socket thread,
which answers the handshake and owns the socket from then on. The ASGI app never sees a
WebSocket, so no route of it can be reached by one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from websockets.http11 import Request
from websockets.server import ServerProtocol

from wry_iframe.connection import CLOSE_WIDGET_CLOSED

if TYPE_CHECKING:
    from wry_iframe.server import IframeServer

log = logging.getLogger("wry.iframe")
#: websockets logs the request line (the token) and frames at DEBUG: never let it.
protocol_log = logging.getLogger("wry.iframe.websockets")
protocol_log.setLevel(logging.WARNING)

#: The UTF-8 bytes one UTF-16 unit (what the page counts) can take: the frame cap's factor.
UTF8_BYTES_PER_CHAR = 3

SOCKET_PATH_PREFIX = "/w/"
SOCKET_PATH_SUFFIX = "/ws"


def _single(request: Request, name: str) -> str | None:
    """The header's value; None when it is missing or repeated (which no browser sends)."""
    values = request.headers.get_all(name)
    return values[0] if len(values) == 1 else None


class WebSocketHandoff(asyncio.Protocol):
    """uvicorn's protocol for an upgraded connection (one per handshake)."""

    def __init__(self, server: IframeServer, **uvicorn_state: Any) -> None:
        self.server = server
        self.transport: asyncio.Transport | None = None
        self.protocol = ServerProtocol(
            max_size=UTF8_BYTES_PER_CHAR * server.max_message_bytes, logger=protocol_log
        )
        self.done = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        if self.done:
            return
        self.protocol.receive_data(data)
        for event in self.protocol.events_received():
            if isinstance(event, Request):
                self._handshake(event)
                return
        if self.protocol.handshake_exc is not None:  # malformed: the protocol answered it
            self._answer_and_close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.done = True

    def _handshake(self, request: Request) -> None:
        server = self.server
        guard = server.guard
        url = urlsplit(request.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        host, origin = _single(request, "Host"), _single(request, "Origin")
        label = None
        if url.path.startswith(SOCKET_PATH_PREFIX) and url.path.endswith(SOCKET_PATH_SUFFIX):
            label = unquote(url.path[len(SOCKET_PATH_PREFIX) : -len(SOCKET_PATH_SUFFIX)])
        if not guard.host_ok(host):
            guard.reject("bad-host", f"Host {host!r} for {url.path!r}")
            return self._refuse(403, "unknown host")
        if not label or "/" in label:
            return self._refuse(404, "not found")
        if not guard.origin_ok(origin, host):
            guard.reject("bad-origin", f"socket of {label!r} from Origin {origin!r}")
            return self._refuse(403, "forbidden")
        if server.closed_with(label, query.get("token")):
            # The widget's own page, back after the widget closed: tell it, so it stops
            # reconnecting (an HTTP refusal would look like a network error to it).
            return self._accept_and_close(request, CLOSE_WIDGET_CLOSED, "widget closed")
        widget = server.authorised(label, query.get("token"), "socket")
        if widget is None:
            return self._refuse(403, "forbidden")
        response = self.protocol.accept(request)
        self.protocol.send_response(response)
        if response.status_code != 101:  # not a valid upgrade (version, key, ...)
            return self._answer_and_close()
        answer = b"".join(self.protocol.data_to_send())
        sock = self._take_socket()
        if sock is None:
            return None
        # Answered here, so a page opens at once even while a long callback keeps the socket
        # thread busy (its frames then wait in the kernel).
        try:
            sent = sock.send(answer)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:
            sock.close()
            return None
        try:
            page_has = int(query.get("r", "0"))
        except ValueError:
            page_has = 0
        instance = query.get("p", "")
        protocol, rest = self.protocol, answer[sent:]
        opened = server.sockets.submit(
            lambda: server.socket_opened(widget, sock, protocol, rest, instance, page_has)
        )
        if not opened:  # the server is stopping
            sock.close()
        return None

    def _take_socket(self) -> socket.socket | None:
        """A descriptor of our own for the connection; uvicorn's transport lets go of its own."""
        transport = self.transport
        assert transport is not None
        self.done = True
        raw = transport.get_extra_info("socket")
        try:
            sock = socket.socket(fileno=os.dup(raw.fileno()))
        except OSError:
            transport.abort()
            return None
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        transport.pause_reading()
        transport.abort()  # closes uvicorn's descriptor only: the connection lives on in ours
        return sock

    def _accept_and_close(self, request: Request, code: int, reason: str) -> None:
        response = self.protocol.accept(request)
        self.protocol.send_response(response)
        if response.status_code == 101:
            self.protocol.send_close(code, reason)
        self._answer_and_close()

    def _refuse(self, status: int, text: str) -> None:
        self.protocol.send_response(self.protocol.reject(status, text + "\n"))
        self._answer_and_close()

    def _answer_and_close(self) -> None:
        self.done = True
        transport = self.transport
        if transport is None:
            return
        with contextlib.suppress(Exception):
            for data in self.protocol.data_to_send():
                if data:
                    transport.write(data)
            transport.close()
