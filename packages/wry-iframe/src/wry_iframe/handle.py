"""``IframeWidget``: the wry handle of one page served by the shared server."""

from __future__ import annotations

import html
import itertools
import json
import logging
import threading
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from wry.models import HtmlContent, check_event_name
from wry.page import bridge_bundle, render_page, script_tag
from wry.protocol import encode_event
from wry.transport import running_request
from wry.widget import BaseWidget, JsError, WidgetClosedError, content_payload
from wry_iframe.outbox import Outbox
from wry_iframe.security import new_token

if TYPE_CHECKING:
    from wry.app import PyWry
    from wry.transport import ShowOptions
    from wry_iframe.connection import Connection
    from wry_iframe.server import IframeServer

log = logging.getLogger("wry.iframe")


#: Page instances whose event count is kept after another page took the widget over.
MAX_REMEMBERED_PAGES = 8
#: What the adapter sends in place of an event too big for one message (ws-adapter.js).
REFUSED_NOTICE = "pywry:refused"
#: Seconds a page still here after its ``navigate()``/``refresh()`` ran waits before it counts
#: as having stayed (a download, an HTTP 204 answer) and takes the events emitted after it.
#: The browser tells a page nothing while its navigation waits for an answer, so this is also
#: how slow a navigation may be before the leaving page takes the next page's events.
STAY_CHECK = 10.0


@lru_cache(maxsize=1)
def adapter_js() -> str:
    """The WebSocket adapter: the only transport-specific JS of an iframe page."""
    return (files("wry_iframe") / "assets" / "ws-adapter.js").read_text(encoding="utf-8")


class _Pending:
    """One ``eval_js`` call waiting for its ``pywry:eval-result``."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: dict[str, Any] = {}


class IframeWidget(BaseWidget):
    """A page at ``url``: shown as an IFrame in a notebook, in a browser tab otherwise.

    Python → page events are numbered and kept until the page acknowledges them, so a page
    that opens late or reconnects receives everything, in order. Page → Python events are
    dispatched on the server's socket thread, in the order the page sent them.
    """

    transport_name = "iframe"

    def __init__(
        self,
        app: PyWry,
        server: IframeServer,
        content: HtmlContent,
        options: ShowOptions,
        *,
        inline_assets: bool = True,
    ) -> None:
        super().__init__(app, options.label, options.theme)
        self.server = server
        self.content = content
        self.options = options
        self.inline_assets = inline_assets
        self.token = new_token()
        self.outbox = Outbox(app.settings.queue_limit, f"iframe widget {options.label!r}")
        self.in_instance = ""  # the page instance whose events we count (socket thread)
        self.in_seq = 0  # last page event dispatched (socket thread)
        #: Seconds a page may stay away (reload, network) before the widget counts as closed;
        #: None keeps the widget open while no page is connected (notebook IFrames).
        self.close_after_disconnect: float | None = None
        self._evals: dict[str, _Pending] = {}
        self._instance_seqs: dict[str, int] = {}  # pages that had the widget before (socket thread)
        self._eval_ids = itertools.count(1)
        self._connected = threading.Event()
        self._arrivals = 0  # sockets that went live (socket thread)
        self._count_from_first_frame = False  # see page_connected (socket thread)
        self._releasing = False  # closing: eval_js no longer waits
        self._displayed_in: str | int | None = None  # the kernel request that displayed it
        #: The seq of the last update()'s event: a page rendered after it already shows it.
        self._content_seq = 0
        self.dropped_events = 0  # events the page could not queue for Python (queue_limit)
        self._content_lock = threading.Lock()

    # -- where it lives ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The page's address, token included: whoever has it can use the page."""
        return f"{self.server.base_url}/w/{self.label}/?token={self.token}"

    @property
    def connected(self) -> bool:
        """Whether a page is connected right now."""
        return self._connected.is_set()

    def wait_connected(self, timeout: float | None = None) -> bool:
        """Block until a page is connected; False on timeout (RuntimeError in a callback)."""
        self._not_in_callback("wait_connected()")
        return self._connected.wait(timeout)

    @property
    def pending(self) -> int:
        """Events the page has not acknowledged yet."""
        return self.outbox.pending

    def wait_delivered(self, timeout: float | None = None) -> bool:
        """Block until the page has acknowledged every event emitted so far.

        False on timeout, or when the widget closed before the page had them all;
        RuntimeError inside a page callback.
        """
        self._not_in_callback("wait_delivered()")
        return self.outbox.wait_acknowledged(timeout)

    def _not_in_callback(self, call: str, hint: str = "") -> None:
        """Waiting on the socket thread would block what it waits for: refuse, saying so."""
        if self.server.sockets.on_thread():
            raise RuntimeError(
                f"{call} cannot wait inside a page callback: what it waits for arrives on "
                f"the thread running this callback. Call it from another thread{hint}."
            )

    # -- the protocol ----------------------------------------------------------------------

    def display(self) -> None:
        """An IFrame in a notebook; outside one (or with ``open_browser``) a browser tab."""
        from wry_iframe.present import present

        self._check_open()  # its page is gone: the IFrame or tab would show an error
        self._displayed_in = present(self)

    def _ipython_display_(self) -> None:
        # ``app.show(...)`` as a cell's last line: show() already displayed it in this cell.
        if self._displayed_in is not None and self._displayed_in == running_request():
            return
        if self.closed:  # a cell ending with a closed handle says so instead of raising
            print(repr(self))
            return
        self.display()

    def update(self, content: str | HtmlContent) -> None:
        """Replace the content; a page that loads later renders it and skips this event.

        Without the skip, a page opened (or reloaded) before the page had acknowledged the
        event would mount the new content twice: its scripts would run twice, and
        ``pywry:ready`` would fire twice.
        """
        self._check_open()
        content = HtmlContent.of(content)
        encoded = encode_event("pywry:update-content", content_payload(content))
        with self._content_lock:  # a page rendered meanwhile sees content and seq agree
            self._content_seq, wake = self.outbox.put_numbered(encoded)
            self.content = content
        self.app._watch_content(self)
        if wake:
            self.server.wake(self.label)

    def eval_js(self, script: str, timeout: float = 10.0) -> Any:
        """Evaluate ``script`` in the page and return its value (a Promise is awaited).

        Raises :class:`JsError` when the script throws, ``TimeoutError`` when no answer comes
        in ``timeout`` seconds, and ``RuntimeError`` when called inside a page callback (the
        answer would arrive on the very thread that waits for it).
        """
        self._not_in_callback(
            "eval_js()", ", or emit 'pywry:eval' with an id and listen for 'pywry:eval-result'"
        )
        request_id = f"{self.label}:{next(self._eval_ids)}"
        pending = _Pending()
        self._evals[request_id] = pending
        if self._releasing:  # closing: _release_evals may have run before we registered
            self._evals.pop(request_id, None)
            raise WidgetClosedError(f"{self!r} is closing")
        try:
            self.emit("pywry:eval", {"id": request_id, "script": script})
            if not pending.done.wait(timeout):
                state = "" if self.connected else " (no page is connected: open handle.url)"
                raise TimeoutError(f"{self!r} did not answer eval_js within {timeout} s{state}")
        finally:
            self._evals.pop(request_id, None)
        result = pending.result
        if result.get("closed"):
            raise WidgetClosedError(f"{self!r} closed while eval_js was waiting")
        if not result.get("ok"):
            raise JsError(str(result.get("error", "the script failed")))
        return result.get("value")

    # -- transport -------------------------------------------------------------------------

    def _send(self, encoded_event: str) -> None:
        if self.outbox.put(encoded_event):
            self.server.wake(self.label)

    def _close(self) -> None:
        # what was emitted before close() still leaves, ahead of the close frame
        self.server.remove(self, then=self._drop_unacknowledged)
        self._connected.clear()
        self._release_evals()

    def _drop_unacknowledged(self) -> None:
        dropped = self.outbox.clear()
        if dropped:
            log.info("%r closed with %d events its page never acknowledged", self, dropped)

    def _release_evals(self) -> None:
        """Every waiting ``eval_js`` learns that the widget closed (and no new one waits)."""
        self._releasing = True
        for pending in list(self._evals.values()):
            pending.result = {"closed": True}
            pending.done.set()

    # -- the page --------------------------------------------------------------------------

    def _config(self, content_seq: int) -> str:
        return json.dumps(
            {
                "label": self.label,
                "theme": self.page_theme,
                "ws": f"/w/{self.label}/ws?token={self.token}",
                "queueLimit": self.app.settings.queue_limit,
                "maxMessageBytes": self.server.max_message_bytes,
                "contentSeq": content_seq,
                "stayCheckMs": round(STAY_CHECK * 1000),
            }
        )

    def bridge_js(self) -> str:
        """The bundle and the adapter as one script (the non-inline way)."""
        return f"{bridge_bundle()}\n;{adapter_js()}"

    def page_html(self) -> str:
        """The page for the current content (an ``update()`` is kept across reloads)."""
        with self._content_lock:
            content, content_seq = self.content, self._content_seq
        config = f'data-wry="{html.escape(self._config(content_seq), quote=True)}"'
        if self.inline_assets:
            adapter = script_tag(adapter_js()).replace("<script>", f"<script {config}>", 1)
            bridge_html = script_tag(bridge_bundle()) + adapter
        else:  # one script: the adapter reads its config from document.currentScript
            src = html.escape(f"/w/{self.label}/bridge.js?token={self.token}", quote=True)
            bridge_html = f'<script src="{src}" {config}></script>'
        return render_page(
            content or HtmlContent(),
            label=self.label,
            theme=self.page_theme,
            title=self.options.title,
            bridge_html=bridge_html,
        )

    # -- from the page (socket thread) -------------------------------------------------------

    def page_connected(self, conn: Connection) -> None:
        """A socket opened; a new page instance counts its events from 1."""
        if conn.instance != self.in_instance:
            # Remember where the page we leave was: it may take the widget back (a second
            # tab closing, a flaky network), and its events go on from there.
            self._remember(self.in_instance, self.in_seq)
            self.in_instance = conn.instance
            self.in_seq = self._instance_seqs.pop(conn.instance, 0)
            # a page forgotten meanwhile resends only what we never acknowledged: its first
            # frame says where its events go on (a new page starts at 1 anyway)
            self._count_from_first_frame = self.in_seq == 0
        self._arrivals += 1
        self._connected.set()

    def _remember(self, instance: str, seq: int) -> None:
        """Keep where the events of a page that no longer has the widget went up to."""
        self._instance_seqs[instance] = seq
        while len(self._instance_seqs) > MAX_REMEMBERED_PAGES:
            del self._instance_seqs[next(iter(self._instance_seqs))]

    def page_disconnected(self, conn: Connection) -> None:
        """The socket went away; maybe the widget with it (browser mode, after a grace time)."""
        self._connected.clear()
        grace = self.close_after_disconnect
        if grace is None or self.closed:
            return
        arrivals = self._arrivals

        def check() -> None:  # closes only if no page came since this one left
            if not self.closed and self._arrivals == arrivals:
                self.server.remove(self, then=self._drop_unacknowledged)
                self._release_evals()
                with self.server.sockets.running_callbacks():  # window:closed's
                    self.mark_closed("page closed")

        self.server.sockets.call_later(grace, check)

    def receive_frame(self, conn: Connection, data: bytes | str) -> None:
        """Parse one frame ``{"s", "a", "e"}`` and dispatch its new events in order."""
        try:
            frame = json.loads(data)
            if not isinstance(frame, dict):
                raise ValueError("a frame must be a JSON object")
            ack = frame.get("a")
            ack = None if ack is None else int(ack)
            events = frame.get("e")
            first = 0 if events is None else int(frame["s"])
            if events is not None and not isinstance(events, list):
                raise ValueError("'e' must be a list of events")
        except (ValueError, TypeError, KeyError, OverflowError, RecursionError) as exc:
            self.reject("malformed", f"{type(exc).__name__}: {exc}: {str(data)[:200]!r}")
            return
        # A replaced page's late frame was sent before the page learnt of the takeover: its
        # acknowledgements are not for this outbox, but its events are the user's all the same.
        current = conn.instance == self.in_instance
        if ack is not None and current:
            self.outbox.ack(ack)
        if events is None:
            return
        if not current:  # 0: the page had sent nothing yet, or came back forgotten
            seq = self._instance_seqs.get(conn.instance) or first - 1
        elif self._count_from_first_frame:
            self._count_from_first_frame = False
            seq = self.in_seq = max(self.in_seq, first - 1)
        else:
            seq = self.in_seq
        skip = seq + 1 - first  # events already dispatched (a resend after reconnect)
        if skip > 0:
            events = events[skip:]
        elif skip < 0:
            self.reject("gap", f"frame starts at {first}, expected {seq + 1}")
            return
        if not current:
            self._remember(conn.instance, seq + len(events))
        with self.server.sockets.running_callbacks():
            for event in events:
                if current:
                    self.in_seq += 1
                try:
                    self._dispatch_one(event)
                except Exception:  # one broken event must not cost the ones after it
                    log.exception("%r: an event from the page failed: %.200r", self, event)

    def _dispatch_one(self, event: Any) -> None:
        try:
            if not isinstance(event, dict):
                raise ValueError("an event must be an object {type, data}")
            event_type = event.get("type")
            if check_event_name(event_type) == "*":  # type: ignore[arg-type]
                raise ValueError("'*' is for listening, not for emitting")
        except (ValueError, TypeError) as exc:
            self.reject("malformed", f"{exc}: {str(event)[:200]!r}")
            return
        target = event.get("label")
        if target is not None and target != self.label:
            self.reject("foreign-label", f"page of {self.label!r} addressed {target!r}")
            return
        data = event.get("data")
        if event_type == REFUSED_NOTICE and isinstance(data, dict):
            self._page_refused(data)
            return
        if event_type == "pywry:eval-result" and isinstance(data, dict):
            pending = self._evals.get(str(data.get("id")))
            if pending is not None:
                pending.result = data
                pending.done.set()
        self.dispatch_from_page(str(event_type), data)

    def _page_refused(self, notice: dict[str, Any]) -> None:
        """The page could not send events (ws-adapter.js): log and count them here too."""
        settings = self.app.settings
        dropped = notice.get("dropped")
        if isinstance(dropped, int) and dropped > 0:
            self.dropped_events += dropped
            self.reject(
                "queue-full",
                f"the page dropped {dropped} events: more than queue_limit={settings.queue_limit}"
                " waited for Python (callbacks that take long hold the page's events)",
            )
            return
        self.reject(
            "oversize",
            f"the page could not send a {notice.get('type')!r} event of {notice.get('chars')} "
            f"characters: more than max_message_bytes={settings.max_message_bytes}",
        )

    def reject(self, reason: str, detail: str) -> None:
        """Log and count a frame or event refused from the page."""
        self.rejected += 1
        self.server.guard.reject(reason, f"{self!r}: {detail}")
