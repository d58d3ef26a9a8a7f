"""``IframeTransport``: pages served by one shared server, shown as IFrames or browser tabs."""

from __future__ import annotations

import atexit
import threading
from collections import Counter
from typing import TYPE_CHECKING

from wry.transport import ShowOptions, Transport

if TYPE_CHECKING:
    from wry.app import PyWry
    from wry.models import HtmlContent
    from wry.settings import PyWrySettings
    from wry.widget import BaseWidget
    from wry_iframe.server import IframeServer


class IframeTransport(Transport):
    """The ``iframe`` transport; the server starts on the first ``show()``."""

    name = "iframe"

    def __init__(self) -> None:
        self._server: IframeServer | None = None
        self._lock = threading.Lock()
        #: Inline the bridge bundle into each page (True) or serve it as ``bridge.js``.
        self.inline_assets = True
        self._atexit = False

    def unavailable_reason(self) -> str | None:
        try:
            import fastapi  # noqa: F401
            import uvicorn  # noqa: F401
        except ImportError as exc:
            return f"{exc.name} is missing: pip install wry-iframe"
        return None

    def server(self, settings: PyWrySettings) -> IframeServer:
        """The running server, started with ``settings`` on first use."""
        with self._lock:
            return self._running_server(settings)

    def _running_server(self, settings: PyWrySettings) -> IframeServer:
        from wry_iframe.server import IframeServer

        if self._server is None or not self._server.running:
            self._server = IframeServer(
                host=settings.server_host,
                port=settings.server_port,
                allowed_hosts=tuple(settings.allowed_hosts),
                max_message_bytes=settings.max_message_bytes,
            )
            if not self._atexit:
                atexit.register(self.shutdown, force=True)
                self._atexit = True
        return self._server

    @property
    def running(self) -> bool:
        """Whether the server is up."""
        return self._server is not None and self._server.running

    @property
    def rejections(self) -> Counter[str]:
        """Refused requests and frames by reason (bad-token, bad-host, oversize, …)."""
        return self._server.guard.rejections if self._server is not None else Counter()

    def create(self, app: PyWry, content: HtmlContent, options: ShowOptions) -> BaseWidget:
        from wry_iframe.handle import IframeWidget

        with self._lock:  # another app's shutdown() cannot stop the server before it serves this
            server = self._running_server(app.settings)
            widget = IframeWidget(app, server, content, options, inline_assets=self.inline_assets)
            widget.page_html()  # a missing css/script file raises here, not as a page's HTTP 500
            server.add(widget)
        if options.extra.get("display", True):
            widget.display()
        return widget

    def shutdown(self, force: bool = False) -> None:
        """Stop the server, unless widgets of another app still use it (``force`` stops it)."""
        with self._lock:
            server = self._server
            if server is None or (not force and server.open_widgets()):
                return
            self._server = None
        server.stop()
