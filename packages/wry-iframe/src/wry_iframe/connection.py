"""One page's WebSocket after the handshake, driven by the socket thread.

websockets' Sans-I/O protocol parses what the page sends (masking, fragments, control frames,
the size limit, the closing handshake); the frames to the page are built here, because a
server frame is just a header in front of the bytes and the big ones should not be copied.
Reading, the protocol and closing run on the socket thread; sending on whichever thread
emits first (see ``IframeServer.wake``); waiting for room in the kernel on the writer thread.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import selectors
import socket
import struct
import termios
import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from websockets.exceptions import PayloadTooBig
from websockets.frames import Frame, Opcode
from websockets.protocol import OPEN
from websockets.server import ServerProtocol

from wry.protocol import escape_lone_surrogates

if TYPE_CHECKING:
    from wry_iframe.handle import IframeWidget
    from wry_iframe.server import IframeServer

log = logging.getLogger("wry.iframe")

#: Frames that carry (the end of) a page's message; the rest are the protocol's own.
DATA_OPCODES = frozenset({Opcode.TEXT, Opcode.BINARY, Opcode.CONT})

#: WebSocket close codes the adapter understands (it does not reconnect after these).
CLOSE_WIDGET_CLOSED = 4000
CLOSE_REPLACED = 4001
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009

#: Acknowledgements of page events are sent at most this often unless a frame carries them.
ACK_DELAY = 0.025
#: How long a page may take to answer our close frame before the socket is simply closed.
CLOSE_TIMEOUT = 2.0
#: Bytes read from a socket at a time.
RECV_SIZE = 256 * 1024
#: A page silent this long gets a ping; a page that does not answer it in as long again is
#: gone (sleep, a dropped network): its socket closes. Browsers never ping; only we can tell.
PING_INTERVAL = 20.0
#: The first byte of an unfragmented pong frame.
PONG_HEADER = 0x8A


def text_frame_header(size: int) -> bytes:
    """The header of one unmasked, final text frame of ``size`` bytes (RFC 6455 §5.2)."""
    if size < 126:
        return bytes((0x81, size))
    if size < 1 << 16:
        return struct.pack("!BBH", 0x81, 126, size)
    return struct.pack("!BBQ", 0x81, 127, size)


class Connection:
    """A page's live socket: reads frames into the widget, writes its outbox to the page.

    Reading, the protocol's state and closing belong to the socket thread. Sending may happen
    on any thread (a callback's first emit leaves at once from the socket thread; other
    emits from the writer thread), so every write to the socket, and every event taken from
    the outbox for it, happens under :attr:`lock`.
    """

    def __init__(
        self,
        server: IframeServer,
        widget: IframeWidget,
        sock: socket.socket,
        protocol: ServerProtocol,
        instance: str,
    ) -> None:
        self.server = server
        self.widget = widget
        self.sock = sock
        self.protocol = protocol
        self.instance = instance
        self.thread = server.sockets
        self.writer = server.writer
        self.lock = threading.Lock()
        self.ack_sent = 0
        self.retired = False  # replaced or closing: takes no more events from the outbox
        self.closed = False
        self.flushed_in_event = False  # a callback running now has sent its first emit
        self._broken = False  # a send failed: the socket thread closes the socket
        self._ack_timer = False
        self._out: deque[memoryview] = deque()  # bytes the kernel had no room for yet
        self._eof = False  # the protocol asked to close the TCP connection once _out drains
        self._parts: list[bytes] = []  # the fragments of a message still arriving
        self._binary = False
        self._failed = False  # we refused a message: ignore whatever follows it
        self._heard = True  # something arrived since the last keepalive check
        self._ping_sent = False
        self._sent_bytes = 0  # progress of writes, for the closing timeout and keepalive
        self._keepalive_sent = 0
        self._pong_queued = False  # a pong waits in _out
        self._lingering = False  # the server stopped: the writer waits for the page's answer
        #: close() waiting for the outbox to drain: (code, reason, then)
        self._closing: tuple[int, str, Callable[[], None] | None] | None = None

    # -- any thread -------------------------------------------------------------------------

    def close_soon(self, code: int, reason: str = "", flush: bool = False) -> None:
        """Close the socket with ``code`` (the page sees it), from any thread.

        With ``flush``, what the outbox holds goes first (see :meth:`close`).
        """
        self.thread.submit(lambda: self.close(code, reason, flush))

    def close_while_held(self, code: int, reason: str) -> None:
        """Send what the outbox holds, then the close frame, from outside the socket thread.

        Only while the socket thread is held in a running callback (the server stops
        without waiting for it): the page learns at once that it should not reconnect, and
        the socket thread closes the socket once the callback returns.
        """
        with self.lock:
            self._flush_locked()
            self.retired = True
            if self.closed or self._broken or self.protocol.state is not OPEN:
                return
            self.protocol.send_close(code, reason)
            for data in self.protocol.data_to_send():
                if data:
                    self._send([data])

    def flush(self) -> None:
        """Send the outbox's unsent events (and the page's acknowledgement), a frame at a time.

        Stops while the kernel has no room, so a page that does not read costs the outbox's
        bounded memory and no more; :meth:`writable` goes on when there is room again.
        """
        with self.lock:
            self._flush_locked()
            closing = self._closing is not None and not self._unsent()
        # everything emitted before close() has gone: the close frame follows (from here,
        # on the stopping writer, once the socket thread has ended)
        if closing and not self.thread.submit(self._close_when_flushed):
            self._close_when_flushed()

    def _flush_locked(self) -> None:
        if self.retired or self._out or self._broken or self.protocol.state is not OPEN:
            return
        widget = self.widget
        outbox = widget.outbox
        more = True
        while more and not self._out and not self._broken:
            first, events, more = outbox.take()
            ack = widget.in_seq
            if events:
                frame = f'{{"s":{first},"a":{ack},"e":[{",".join(events)}]}}'
            elif ack != self.ack_sent:
                frame = f'{{"a":{ack}}}'
            else:
                return
            self.ack_sent = ack
            try:
                payload = frame.encode()
            except UnicodeEncodeError:  # a lone surrogate: UTF-8 cannot hold it as is
                payload = escape_lone_surrogates(frame).encode()
            self._send([text_frame_header(len(payload)), payload])

    def _unsent(self) -> bool:
        """Whether the outbox holds events not yet handed to this socket (lock held)."""
        outbox = self.widget.outbox
        return outbox.sent_seq < outbox.next_seq - 1 and not self._broken

    # -- socket thread ----------------------------------------------------------------------

    def answer(self, rest_of_handshake: bytes) -> None:
        """Send what the handshake's answer still lacks, and start reading the socket."""
        if rest_of_handshake:
            with self.lock:
                self._send([rest_of_handshake])
        if not self.closed:
            self.thread.watch(self)
            self.thread.call_later(PING_INTERVAL, self._keepalive)

    def event_done(self) -> None:
        """The callback that sent its first emit at once has returned: send the rest now."""
        self.flushed_in_event = False
        self.flush()

    def close(
        self,
        code: int,
        reason: str = "",
        flush: bool = False,
        then: Callable[[], None] | None = None,
    ) -> None:
        """Start the closing handshake; the socket closes when the page answers (or soon).

        With ``flush``, every event the outbox holds goes first: a page still reading a
        backlog gets the rest as it reads (while it makes progress), then the close frame.
        ``then`` runs once the close frame is queued.
        """
        if flush:
            self.flush()
            with self.lock:
                waiting = self._unsent() and self.protocol.state is OPEN
                if waiting:
                    self._closing = (code, reason, then)
            if waiting:
                self._closing_deadline(self._sent_bytes)
                return
        self._close_now(code, reason)
        if then is not None:
            then()

    def _close_when_flushed(self) -> None:
        with self.lock:
            pending, self._closing = self._closing, None
        if pending is not None:
            code, reason, then = pending
            self._close_now(code, reason)
            if then is not None:
                then()

    def _closing_deadline(self, sent_before: int) -> None:
        """A page that stops reading its backlog does not hold the close: it comes anyway."""

        def check() -> None:
            if self._closing is None:
                return
            if self._sent_bytes == sent_before or self.closed:
                self._close_when_flushed()  # what was not sent is dropped with the outbox
            else:
                self._closing_deadline(self._sent_bytes)

        self.thread.call_later(CLOSE_TIMEOUT, check)

    def _close_now(self, code: int, reason: str) -> None:
        with self.lock:  # a flush on another thread finishes first, and none starts after
            self.retired = True
            if self.closed:
                return
            # close_while_held may have sent the close frame from another thread meanwhile:
            # a second send_close would raise InvalidState
            opened = self.protocol.state is OPEN
            if opened:
                self.protocol.send_close(code, reason)
            queued = bool(self._out) and not self._broken
        if opened:
            self._write_protocol()
            self._close_deadline()
        elif queued:  # our close frame waits behind bytes the page has not read yet
            self._close_deadline()
        else:
            self.abort()

    def thread_ending(self) -> None:
        """The socket thread stops: the close frame follows what waits, then the socket closes.

        What the kernel had no room for yet, the close frame last, is left to the stopping
        writer thread, which sends it while the page reads, and closes the socket once the
        page has answered the close frame (see :meth:`_linger`): aborting here would cut the
        page off without its close code. A ``close(flush=True)`` still waiting for room (the
        server stopping at exit, say) is left to it as well: the writer sends the rest of the
        outbox, then that close frame.
        """
        if self._closing is not None:
            self.flush()  # what the close waits for goes first; it follows once all has gone
        with self.lock:
            adopted = not (self.closed or self._broken) and self.writer.adopt(self)
            waiting = self._closing is not None and bool(self._out) and not self.retired
        if not waiting:  # else the writer's flush ends with the pending close
            self._close_when_flushed()  # a close() still waiting: its code, its then
            if self.protocol.state is OPEN:  # else our close frame went already
                self._close_now(CLOSE_WIDGET_CLOSED, "server stopping")
        if not adopted or not self.writer.submit(self._linger):
            self.abort()

    def _linger(self) -> None:
        """(stopping writer) Keep reading the socket until the page answers our close frame.

        Closing a socket that has unread bytes (the page's acknowledgements, its events) makes
        the kernel reset the connection, which drops what the page had not read yet, the close
        frame too: the page would lose the last events and reconnect in vain.
        """
        with self.lock:
            if self.closed or self._eof:  # the handshake is over: it closes once _out is sent
                return
            self._lingering = True
            self._watch_on_writer(bool(self._out))

    def _watch_on_writer(self, write: bool) -> None:
        """(writer, lock held) Watch for room to write, and for the page's answer if lingering."""
        events = (selectors.EVENT_WRITE if write else 0) | (
            selectors.EVENT_READ if self._lingering else 0
        )
        if events:
            self.writer.watch(self, events)
        else:
            self.writer.forget(self)

    def readable(self) -> None:
        """Read what arrived and hand every complete message to the widget.

        On the socket thread; on the stopping writer while it lingers (see :meth:`_linger`).
        """
        if self.closed:
            return
        try:
            data = self.sock.recv(RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        self._heard = True
        if data:
            self.protocol.receive_data(data)
        else:
            self.protocol.receive_eof()
            self.thread.forget(self)  # a socket at its end is always readable: stop looking
        if self._lingering:  # the server stopped: the page's events reach no callback now
            unheard = sum(
                1
                for event in self.protocol.events_received()
                if isinstance(event, Frame) and event.fin and event.opcode in DATA_OPCODES
            )
            if unheard:
                log.info(
                    "%s: %d message(s) the page sent after the server stopped reach no callback",
                    self.widget.label,
                    unheard,
                )
            self._write_protocol()  # the page's answer to our close frame: the socket closes
            if not data:
                self.abort()
            return
        # not kept in a name: the frames (a flood of pings) are freed once dispatched
        for event in self.protocol.events_received():
            if isinstance(event, Frame):
                try:
                    self._frame(event)
                except Exception:  # one bad message must not cost the ones after it
                    log.exception("wry-iframe: a message from %r failed", self.widget.label)
        self._write_protocol()

    def writable(self) -> None:
        """The kernel has room again (writer thread): send what waits, then the outbox."""
        with self.lock:
            out = self._out
            while out and not self._broken:
                chunk = out[0]
                try:
                    sent = self.sock.send(chunk)
                except (BlockingIOError, InterruptedError):
                    return
                except OSError:
                    self._broken = True
                    break
                self._sent_bytes += sent
                if sent < len(chunk):
                    out[0] = chunk[sent:]
                    return
                out.popleft()
            self._pong_queued = False
            self._watch_on_writer(False)
            done = self._eof or self._broken
        if done:
            self._abort_soon()
        else:
            self.flush()

    def abort(self) -> None:
        """Close the TCP connection now and tell the server (once).

        On the socket thread; on the writer once the socket thread has stopped. A close()
        still waiting for the outbox ends here too: its ``then`` runs (the stopping writer
        gave up on a page that does not read, and no timer of the socket thread is left).
        """
        with self.lock:
            if self.closed:
                return
            self.closed = self.retired = True
            self._out.clear()
            closing, self._closing = self._closing, None
        self.thread.forget(self)
        # The writer may still watch the descriptor: it lets go before the descriptor closes,
        # so a new socket that reuses the number is never mistaken for this one.
        if not self.writer.submit(self._release):
            self._release()
        if isinstance(self.protocol.parser_exc, PayloadTooBig):
            self.server.guard.reject(
                "oversize",
                f"a message to {self.widget.label!r} exceeded "
                f"max_message_bytes={self.server.max_message_bytes}; socket closed",
            )
        self.server.socket_closed(self)
        if closing is not None and closing[2] is not None:
            closing[2]()

    def _abort_soon(self) -> None:
        """Abort on the socket thread, or here once it has stopped (no one else would)."""
        if not self.thread.submit(self.abort):
            self.abort()

    def _release(self) -> None:
        self.writer.forget(self)
        with contextlib.suppress(OSError):
            self.sock.close()

    # -- inside -----------------------------------------------------------------------------

    def _frame(self, frame: Frame) -> None:
        if self._failed:
            return
        if frame.opcode is Opcode.TEXT or frame.opcode is Opcode.BINARY:
            self._binary = frame.opcode is Opcode.BINARY
            self._parts = [bytes(frame.data)]
        elif frame.opcode is Opcode.CONT:
            self._parts.append(bytes(frame.data))
        else:
            return  # ping, pong, close: the protocol answers those itself
        if not frame.fin:
            return
        raw = self._parts[0] if len(self._parts) == 1 else b"".join(self._parts)
        self._parts = []
        limit = self.server.max_message_bytes
        data: bytes | str
        if self._binary:
            data = raw
        else:
            try:
                data = raw.decode()
            except UnicodeDecodeError:
                self.widget.reject("malformed", "a text message that is not UTF-8; socket closed")
                self._fail(1007, "invalid UTF-8")
                return
        if len(data) > limit:  # text counted in characters, binary in bytes
            unit = "bytes" if self._binary else "characters"
            self.server.guard.reject(
                "oversize",
                f"a message of {len(data)} {unit} to {self.widget.label!r} exceeded "
                f"max_message_bytes={limit}; socket closed",
            )
            self._fail(CLOSE_TOO_BIG, "message too big")
            return
        self.widget.receive_frame(self, data)
        if not self._ack_timer:
            self._ack_timer = True
            self.thread.call_later(ACK_DELAY, self._ack_now)

    def _fail(self, code: int, reason: str) -> None:
        self._failed = True
        with self.lock:
            self.retired = True
        self.protocol.fail(code, reason)

    def _ack_now(self) -> None:
        self._ack_timer = False
        if self.widget.in_seq != self.ack_sent:
            self.flush()

    def _keepalive(self) -> None:
        if self.closed:
            return
        delivered, waiting = self._delivered_bytes()
        progress = waiting > 0 and delivered != self._keepalive_sent  # still reading our data
        self._keepalive_sent = delivered
        # A page still reading a large frame is alive; one that stopped while we still write
        # to it is TCP's to judge (it gives up on unacknowledged data by itself).
        if self._heard or progress or self._out:
            self._heard = self._ping_sent = False
        elif self._ping_sent:
            log.info(
                "wry-iframe: the page of %r stopped answering; socket closed", self.widget.label
            )
            self.abort()
            return
        else:
            self._ping_sent = True
            self.protocol.send_ping(b"wry")
            self._write_protocol()
        self.thread.call_later(PING_INTERVAL, self._keepalive)

    def _delivered_bytes(self) -> tuple[int, int]:
        """(bytes the page took from the kernel so far, bytes still waiting in the kernel)."""
        try:
            waiting = int(
                struct.unpack("i", fcntl.ioctl(self.sock, termios.TIOCOUTQ, b"\0" * 4))[0]
            )
        except (OSError, ValueError):
            waiting = 0
        return self._sent_bytes - waiting, waiting

    def _close_deadline(self, sent_before: int | None = None) -> None:
        """Abort in CLOSE_TIMEOUT, later only while the page still reads what waits for it.

        What was queued before the close frame goes first; a page that keeps reading it gets
        its close code rather than a cut connection, one that stopped reading does not hold
        the socket.
        """
        if self.closed:
            return
        if sent_before is not None and (not self._out or self._sent_bytes == sent_before):
            self.abort()
            return
        sent = self._sent_bytes
        self.thread.call_later(CLOSE_TIMEOUT, lambda: self._close_deadline(sent))

    def _write_protocol(self) -> None:
        """Write what the protocol produced (pongs, close frames, the end of the stream)."""
        with self.lock:
            for data in self.protocol.data_to_send():
                if data and data[0] == PONG_HEADER and self._out:
                    # a page that pings but does not read gets one pong in the queue, not many
                    if self._pong_queued:
                        continue
                    self._pong_queued = True
                    self._send([data])
                elif data:
                    self._send([data])
                elif not self._eof:
                    self._eof = True
                    if self._out:  # a page that stops reading must not keep the socket open
                        self._close_deadline()
            done = (self._eof and not self._out) or self._broken
        if done:
            self.abort()

    def _send(self, chunks: list[bytes]) -> None:
        """Write ``chunks`` after what waits, keeping the rest for later (lock held)."""
        if self.closed or self._broken:
            return
        if self._out:
            self._out.extend(memoryview(c) for c in chunks)
            return
        try:
            sent = self.sock.sendmsg(chunks)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:
            self._broken = True
            self.thread.submit(self.abort)  # the lock is held: never abort here
            return
        self._sent_bytes += sent
        for chunk in chunks:
            if sent >= len(chunk):
                sent -= len(chunk)
                continue
            self._out.append(memoryview(chunk)[sent:])
            sent = 0
        if self._out:  # the writer thread waits for room, whoever sent this
            if self.writer.on_thread():
                self._watch_on_writer(True)
            else:
                self.writer.submit(self._watch_writable)

    def _watch_writable(self) -> None:
        with self.lock:
            if self._out and not self.closed:
                self._watch_on_writer(True)
