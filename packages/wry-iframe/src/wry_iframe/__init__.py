"""The iframe transport for wry: pages on a local FastAPI server, events over a WebSocket.

Registered through the ``wry`` entry-point group; use it with ``PyWry(transport="iframe")``.
"""

from wry.widget import QueueFullError
from wry_iframe.handle import IframeWidget, JsError

__all__ = ["IframeWidget", "JsError", "QueueFullError"]
