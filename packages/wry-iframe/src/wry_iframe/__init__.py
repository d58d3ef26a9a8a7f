"""The iframe transport for wry: pages on a local FastAPI server, events over a WebSocket.

Registered through the ``wry`` entry-point group; use it with ``PyWry(transport="iframe")``.
"""

from wry.widget import JsError, QueueFullError
from wry_iframe.handle import IframeWidget

__all__ = ["IframeWidget", "JsError", "QueueFullError"]
