"""The iframe transport for wry: pages on a local FastAPI server, events over a WebSocket.

Registered through the ``wry`` entry-point group; use it with ``PyWry(transport="iframe")``.
"""

from wry_iframe.handle import IframeWidget, JsError
from wry_iframe.outbox import QueueFullError

__all__ = ["IframeWidget", "JsError", "QueueFullError"]
