"""What the child host knows about one Tauri window, shared by the host's modules.

One record per window, guarded by its own locks, so the modules that track its loads,
deliver its events and hear its page all read and write the same state.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from pytauri.webview import WebviewWindow


@dataclass
class HostWindow:
    """One Tauri window and what the host knows about it."""

    tauri_label: str
    native: WebviewWindow
    key: str  # the page channel's secret: messages on its event name come from this window
    listener: Any  # the Tauri listener of that event name (an EventId)
    label: str | None = None  # the user's label; None while the window waits in the pool
    attached: bool = False  # the page's listener is registered: emits may go out
    warm_loaded: bool = False  # a pool window's page is up: only then may it be claimed
    loading: str | None = None  # the URL it was sent to and has not reported up yet
    doc: str | None = None  # the id of the document that said hello last
    listening_doc: str | None = None  # the id of the document whose adapter attached
    backlog: list[str] = field(default_factory=list)
    evals: dict[str, Any] = field(default_factory=dict)  # eval id -> request_id
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Held from deciding where the window goes to asking Tauri to go there (the host's own
    #: sends and the parent's navigate/reload), so a load check cannot decide on what it saw
    #: before a proxy.navigate() and send the window back after it. Never taken on the GTK
    #: thread (on_navigation), so it may be held across a navigate.
    nav_lock: threading.Lock = field(default_factory=threading.Lock)
    state: dict[str, Any] = field(default_factory=dict)  # values Tauri cannot read back
    show_when_up: bool = False  # created visible: shown when its page is up (see reveal)
    app: str | None = None  # the parent's app that opened it (menus_host: app-wide menus)
    started: bool = False  # WebKit has begun a load: a new window's first may begin late
    deferred: str | None = None  # a navigate asked for before that, sent once it has
    sent_to: str = ""  # the URL the host last sent it to (load checks may resend it)
    asked: set[str] = field(default_factory=set)  # sent_to, resends, proxy navigations since
    resent_urls: set[str] = field(default_factory=set)  # the URLs a load check resent it to
    last_asked: str | None = None  # the last of ``asked``, whether WebKit has begun it or not
    resends: int = 0  # times a load check sent it to its page again since
    begun: str | None = None  # the last of ``asked`` whose load WebKit began (on_navigation)
    begun_up: bool = False  # ... and its page has said hello since
    superseded: set[str] = field(default_factory=set)  # URLs a load check replaced
    superseded_until: float = 0.0  # time.monotonic() after which no load counts as the late one
    resend_unbegun: bool = False  # WebKit has begun no load asked for since the last resend
