"""Where a window's page goes: load checks, navigation tracking, held and refused loads.

WebKit now and then never begins a new window's first load, or begins it late, after the
host sent the window to its page again; a subframe's navigation is reported like the page's
own. This module watches each load the host asks for, sends a stalled window again (under
another URL, so a late first load can be told apart and refused), holds a navigate until
WebKit has begun the window's first load, and asks a page whether it is still there after a
navigation, so the window's events wait only while a page is really leaving.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from wry_native import window_control
from wry_native.host_delivery import start_sending
from wry_native.host_urls import absolute_url, again_url, as_reported
from wry_native.host_window import HostWindow

if TYPE_CHECKING:
    from wry_native.host_app import HostApp

log = logging.getLogger("wry_native.host")

#: After a window is sent to a page: the pauses between checks that WebKit is loading it. Now
#: and then a new window never starts its first load; it is sent to its page again (quietly
#: in the first second).
LOAD_CHECKS_S = (0.25, 0.5, 1.0, 2.0, 4.0)
#: After a navigation in a window, seconds at which the host asks whether the listening
#: document is still there (a subframe navigated, not the page); it then sends on.
STILL_THERE_CHECKS_S = (0.1, 0.5, 2.0)
#: The same once the page ran pywry:refresh or pywry:navigate: not sooner, so the document
#: has surely started to leave (beforeunload) if it is going to.
LEAVING_CHECKS_S = (0.5, 2.0)
#: After a load check sent a window to its page again (under another URL, see ``again_url``):
#: for this long, a load of the URL it was first sent to is WebKit beginning that first load,
#: late, and is refused (see ``_late_first_load``); and until this long after WebKit began the
#: first load asked for since, if that is later: at a load average of 11-20, WebKit began
#: nothing for up to 5.5 s after a resend, then the late load within 0.85 s of the first.
LATE_LOAD_S = 3.0


class Navigation:
    """Tracks the loads of one host's windows (timers, the GTK thread and the reader's)."""

    def __init__(self, host: HostApp) -> None:
        self.host = host

    def watch_load(self, window: HostWindow, url: str, attempt: int = 0) -> None:
        """Check, later, that ``window`` is loading ``url``; send it there again if not."""
        if attempt == 0:
            with window.lock:  # a new page for the window: no load is a late first one
                window.superseded.clear()
                window.resend_unbegun = False
                window.loading, window.sent_to, window.resends = url, url, 0
                window.asked, window.resent_urls, window.last_asked = {url}, set(), url
        if attempt < len(LOAD_CHECKS_S):
            timer = threading.Timer(
                LOAD_CHECKS_S[attempt], self._check_load, (window, url, attempt)
            )
            timer.daemon = True
            timer.start()

    def _check_load(self, window: HostWindow, url: str, attempt: int) -> None:
        try:
            if self.host.windows.is_gone(window):
                return
            self.host.windows.reveal(window)  # its page is slow to come up: show it all the same
            with window.nav_lock:
                if window.loading != url:
                    return  # up, or sent elsewhere since
                try:
                    current = str(window.native.url())
                except Exception:  # no URL at all: the first load never started
                    current = ""
                # A URL is no sign that the first load began, so a navigate held until then stays
                # held: WebKit reports the URL of a load as soon as it is asked for, and began
                # it (on_navigation) over 2 s later at a load average of 11-13.
                ours = url.startswith(self.host.base_url)
                with window.lock:
                    # a load WebKit reports, or has begun, is on its way
                    stalled = (
                        window.loading == url
                        and window.begun != url
                        and (current == "" or (ours and current != url))
                    )
                    if stalled:
                        url = self._send_again(window, url, ours)
                if stalled:
                    level = logging.INFO if attempt < 2 else logging.WARNING
                    log.log(
                        level,
                        "window %s is not loading its page (at %r): sent to %s",
                        window.tauri_label,
                        current,
                        url,
                    )
                    window.native.navigate(url)
            self.watch_load(window, url, attempt + 1)
        except Exception:
            log.exception("checking that window %s loads failed", window.tauri_label)

    def _send_again(self, window: HostWindow, url: str, ours: bool) -> str:
        """Where a load check sends a window that is not loading ``url`` (lock held).

        One of our pages goes to another URL for the same page (``again_url``): WebKit may
        still begin the load of ``url`` late, and that load, not a reload the page asks for
        itself, is then refused (``_late_first_load``). A foreign URL is sent as it is: it has
        no bridge whose events a second load could lose.
        """
        if not ours:
            return url
        window.resends += 1
        again = again_url(window.sent_to, window.resends)
        window.asked.add(again)
        window.resent_urls.add(again)
        window.last_asked = again
        window.superseded.add(url)
        window.superseded_until = time.monotonic() + LATE_LOAD_S
        window.resend_unbegun = True
        window.loading = again
        return again

    def navigating(self, tauri_label: str, target: str) -> bool:
        """Tauri's ``on_navigation`` (GTK thread): whether the load of ``target`` may go on.

        Never raises (an exception in Tauri's callback would end the host): a failure is
        logged and the load goes on.
        """
        try:
            return self._may_load(tauri_label, target)
        except Exception:
            log.exception("window %s: deciding on the load of %s failed", tauri_label, target)
            return True

    def _may_load(self, tauri_label: str, target: str) -> bool:
        # A new page may be loading: hold emits until its adapter attaches, or until the page
        # that listened says it is still there (the navigation was a frame's inside it).
        window = self.host.windows.by_tauri.get(tauri_label)
        if window is not None and self._late_first_load(window, str(target)):
            return False
        if window is not None and not window.started:
            self.load_started(window)
        if window is not None and window.attached:
            window.attached = False
            self.check_still_there(window, STILL_THERE_CHECKS_S)
        return True

    def _late_first_load(self, window: HostWindow, target: str) -> bool:
        """Whether ``target`` is the load a load check gave up on, begun late (refused then).

        WebKit may begin a new window's first load only after the check sent the window to
        its page again: the page then loads twice, and the second load replaced the first
        once it was up, with the events it had been sent (and ``pywry:ready`` fired twice).
        The check sends the window to another URL for the page, so that late load is told
        apart by its URL: a ``location.reload()`` of the page goes to the URL it has. A late
        load that begins while the page's own load (or reload) is under way ends that one, so
        the refusal asks for it again.
        """
        with window.lock:
            late = target in window.superseded and time.monotonic() <= window.superseded_until
            if not late:
                if target in window.asked:
                    window.begun, window.begun_up = target, False
                    if window.resend_unbegun:  # WebKit gets on: the late load follows soon
                        window.resend_unbegun = False
                        until = time.monotonic() + LATE_LOAD_S
                        window.superseded_until = max(window.superseded_until, until)
                return False
            interrupted = window.begun if not window.begun_up else None
        log.info("window %s: the late first load of %s refused", window.tauri_label, target)
        if interrupted is not None:
            self.host.tasks.put(lambda: self._load_again(window, interrupted))
        return True

    def _load_again(self, window: HostWindow, url: str) -> None:
        """Ask again for the load of ``url`` a refused late load ended, if still wanted.

        Not if the window came up meanwhile, or was sent elsewhere (``proxy.navigate()``).
        """
        with window.nav_lock:
            with window.lock:
                wanted = (
                    bool(window.superseded)
                    and window.last_asked == url  # asked for nothing since (navigation lock)
                    and window.begun == url
                    and not window.begun_up
                )
            if wanted:
                window.native.navigate(url)

    def _expect_navigation(self, window: HostWindow, url: str) -> None:
        """The window is sent to ``url`` on purpose: a load of it is no late first one.

        Only that URL: WebKit may still begin the late first load after this navigation (it
        did, 35 ms after a navigate sent while the page came up, and took the window back).
        Asked for, its load is the one a refused late load interrupts (``_load_again``).
        """
        url = as_reported(url)
        with window.lock:
            window.superseded.discard(url)
            window.asked.add(url)
            window.last_asked = url

    def load_started(self, window: HostWindow) -> None:
        """WebKit has begun a load in ``window``: a navigate held until then may go now."""
        with window.lock:
            window.started = True
            pending = window.deferred is not None
        if pending:
            self.host.tasks.put(lambda: self._send_deferred(window))

    def _send_deferred(self, window: HostWindow) -> None:
        with window.nav_lock:
            with window.lock:
                url, window.deferred = window.deferred, None
                if url is None:
                    return
                window.attached, window.listening_doc, window.loading = False, None, None
                asked = as_reported(url)
                window.superseded.discard(asked)
                window.asked.add(asked)
                window.last_asked = asked
            try:
                window.native.navigate(url)
            except Exception:
                log.exception("window %s could not be sent to %s", window.tauri_label, url)

    def check_still_there(self, window: HostWindow, delays: tuple[float, ...]) -> None:
        """Ask the page ``delays`` seconds from now whether the listening document stayed."""
        for delay in delays:
            timer = threading.Timer(delay, self._ask_still_there, (window,))
            timer.daemon = True
            timer.start()

    def _ask_still_there(self, window: HostWindow) -> None:
        gone = self.host.windows.is_gone(window)
        if gone or window.attached or window.listening_doc is None:
            return
        with contextlib.suppress(Exception):
            window.native.eval("window.__wryNativeHello && window.__wryNativeHello()")

    def url_asked(self, window: HostWindow, url: str) -> str:
        """The URL the window was sent to, for the one a load check sent it to instead.

        The page itself sees the resend's URL (``again_url``); the parent, what it asked.
        """
        with window.lock:
            resent = url in window.resent_urls
            return window.sent_to if resent else url

    def navigate_window(self, window: HostWindow, method: str, args: list[Any]) -> Any:
        """``proxy.navigate()`` or ``proxy.reload()`` (navigation lock held)."""
        # a reload goes to the URL the page has, never one a load check gave up on
        if method == "navigate" and args:
            self._expect_navigation(window, str(args[0]))
        # Now, not when Tauri reports the navigation: an emit in between would reach the page
        # that is leaving; and that page can no longer claim to be the one that listens.
        with window.lock:
            was_listening, listening_doc = window.attached, window.listening_doc
            window.attached, window.listening_doc = False, None
            if method == "navigate" and not window.started:
                # WebKit has not begun this new window's first load, and would begin it over
                # this navigation: held until it does (load_started).
                window.deferred = absolute_url(args)
                return None
            loading = window.loading
            if method == "navigate":
                window.loading = None  # sent elsewhere: the load check must not bring it back
        try:
            return window_control.call(window.native, method, args, window.state)
        except BaseException:
            with window.lock:  # refused (a bad URL, say): the page stays, and so do its events
                if window.loading is None:
                    window.loading = loading
                if was_listening and not window.attached:
                    window.listening_doc = listening_doc
                    start_sending(window)
            raise
