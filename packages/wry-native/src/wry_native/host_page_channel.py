"""Page -> parent: what a window's pages send on its page channel, checked and passed on.

Messages arrive on tokio threads, one Tauri event per message named with the window's
secret key (``assets/page-channel.js``): each is checked (known window and command, no
events from a pool page), refused messages are logged and counted, and the rest become
lines to the parent. Handlers write a line and never block long or raise.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from pytauri import Event

from wry_native import wire
from wry_native.host_delivery import start_sending
from wry_native.host_navigation import LEAVING_CHECKS_S
from wry_native.host_window import HostWindow

if TYPE_CHECKING:
    from wry_native.host_app import HostApp

log = logging.getLogger("wry_native.host")


class PageChannel:
    """Hears one host's pages; the page commands themselves are ``host.invoke_commands``."""

    def __init__(self, host: HostApp) -> None:
        self.host = host
        #: Page messages refused (unknown key or command, a pool page's events); each is logged.
        self.rejected = 0

    def on_page_message(self, key: str, event: Event) -> None:
        """A message on window ``key``'s channel: ``command \n text`` (page-channel.js)."""
        try:
            message = json.loads(event.payload)
            command, text = message.split("\n", 1)
        except (ValueError, TypeError, AttributeError):
            self._reject("it is not a page channel message")
            return
        try:
            window = self.host.windows.by_key.get(key)
            handler = self.host.invoke_commands.get(command)
            if window is None:
                self._reject(f"{command!r} from a window that is closing")
            elif handler is None:
                self._reject(f"no page command {command!r}")
            elif window.label is None and command != wire.CMD_ATTACH:
                self._reject(f"{command!r} from a pool window")
            else:
                handler(window, text)
        except Exception:
            log.exception("page command %r failed", command)

    def on_public_channel(self, event: Event) -> None:
        """A message on the bare channel name: no window's, so a forgery."""
        self._reject(f"{wire.PAGE_CHANNEL_EVENT!r} names no window")

    def _reject(self, why: str) -> None:
        with self.host.lock:
            self.rejected += 1
            count = self.rejected
        log.warning("page message refused (%d so far): %s", count, why)

    def attach(self, window: HostWindow, body: str) -> None:
        """``pywry_attach``: a page's hello (it is up) or its adapter's (it listens)."""
        # The wry adapter attaches with its label; every page first says hello with its URL.
        try:
            info = json.loads(body)
        except ValueError:
            info = None
        if not isinstance(info, dict):
            info = {}
        page_label = info.get("label")
        if page_label is None:  # the page channel's hello: a page came up (or is still there)
            url, doc = info.get("url"), info.get("doc")
            with window.lock:
                if info.get("again"):
                    # asked after a navigation: the listening page stayed (a frame navigated)
                    still_there = (
                        doc is not None
                        and doc == window.listening_doc
                        and not info.get("leaving")
                        and window.label is not None
                    )
                    if still_there and not window.attached:
                        start_sending(window)
                    return
                window.doc = doc if isinstance(doc, str) else None
                if url is not None and url == window.begun:
                    window.begun_up = True
                first = not window.started
                up = url is not None and url == window.loading
                if up:
                    window.loading = None
                    window.warm_loaded = window.label is None
            if first:
                self.host.navigation.load_started(window)
            if up:
                self.host.windows.reveal(window)
            return
        if window.label is None:
            return
        with window.lock:
            window.listening_doc = window.doc
            window.loading = None
            start_sending(window)
        self.host.windows.refill_warm()

    def left(self, window: HostWindow, body: str) -> None:
        """The page ran the pywry:refresh/navigate it was sent (it may wait behind an update).

        A page that stays after all (a ``javascript:`` URL) is asked, as after a navigation,
        and gets what was held; one that leaves is replaced by the page that attaches next.
        """
        with window.lock:
            holding = not window.attached and window.listening_doc is not None
        if holding:
            self.host.navigation.check_still_there(window, LEAVING_CHECKS_S)

    def page_events(self, window: HostWindow, body: str) -> None:
        """``pywry_event``: a batch the page emitted, to the parent (eval results taken out)."""
        if window.evals and "pywry:eval-result" in body:
            body = self._take_eval_results(window, body)
        if "\n" in body or "\r" in body:  # not what JSON.stringify writes: re-encode
            body = json.dumps(json.loads(body), ensure_ascii=False)
        if window.label is not None and body != "[]":
            self.host.out.write(wire.events_line(window.label, body))

    def _take_eval_results(self, window: HostWindow, body: str) -> str:
        events = json.loads(body)
        kept = []
        for event in events:
            data = event.get("data") if isinstance(event, dict) else None
            if not isinstance(data, dict):
                kept.append(event)
                continue
            eval_id = data.get("id")
            request_id = None
            if event.get("type") == "pywry:eval-result" and isinstance(eval_id, str):
                with window.lock:  # a ``forget`` may take it meanwhile: the event then stays
                    request_id = window.evals.pop(eval_id, None)
            if request_id is None:
                kept.append(event)
            elif data.get("ok"):
                self.host.out.write(wire.reply_line(request_id, data.get("value")))
            else:
                error = data.get("error") or "the script failed"
                self.host.out.write(wire.js_error_line(request_id, error))
        return json.dumps(kept, ensure_ascii=False)

    def probe_result(self, window: HostWindow, body: str) -> None:
        """``wry_probe``: the value of a ``probe_js`` expression, the reply to its request."""
        answer = json.loads(body)
        with window.lock:
            request_id = window.evals.pop(str(answer.get("id")), None)
        if request_id is None:
            return
        if answer.get("ok"):
            self.host.out.write(wire.reply_line(request_id, answer.get("value")))
        else:
            self.host.out.write(wire.js_error_line(request_id, str(answer.get("error"))))
