"""The JSON-lines wire between the parent and the child host (docs/transports/native.md).

Shared by both sides and free of pytauri, so the parent never loads WebKit. One JSON object per
line, UTF-8. Requests carry ``action`` and, when they want a reply, ``request_id``; replies echo
the id. Lines from the child without ``request_id`` but with ``type`` are notifications.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from wry.protocol import dumps

#: Longest line the child accepts on stdin (bytes); the env var overrides it.
DEFAULT_MAX_LINE = 64 * 1024 * 1024
MAX_LINE_ENV = "WRYNATIVE_MAX_LINE"


def max_line(env: Mapping[str, str]) -> int:
    """The child's line limit in the environment it runs with (both sides must agree)."""
    value = env.get(MAX_LINE_ENV, DEFAULT_MAX_LINE)
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if limit < 1024:
        raise ValueError(f"{MAX_LINE_ENV} must be a whole number of bytes, 1024 or more: {value!r}")
    return limit


#: Warm hidden windows the child keeps ready (the parent sets it from settings.warm_windows).
WARM_ENV = "WRYNATIVE_WARM_WINDOWS"

#: Page → host messages travel as the Tauri event ``PAGE_CHANNEL_EVENT-<window key>``
#: (assets/page-channel.js); anything sent to the bare name is refused and counted.
PAGE_CHANNEL_EVENT = "wry-page"
#: Page commands the adapter uses.
CMD_EVENTS = "pywry_event"
CMD_ATTACH = "pywry_attach"
CMD_LEFT = "pywry_left"  # the page ran a pywry:refresh/navigate (see PageChannel.left)

#: Requests the page answers (not the child); a parent that stops waiting sends ``forget``.
PAGE_ANSWERED = frozenset({"eval_js", "probe_js"})
#: ``error_kind`` of a reply whose page script threw (the parent raises a ``JsError``).
JS_ERROR_KIND = "javascript"

#: The canonical prefix of a fire-and-forget emit line; the child slices the batch out of it
#: without decoding it (fast path), anything else is decoded normally.
EMIT_PREFIX = '{"action":"emit","label":"'
EMIT_MIDDLE = '","batch":'


class WireError(ValueError):
    """A line that is not a valid request; the message says what is wrong."""


def emit_line(label: str, encoded_batch: str) -> str:
    """A fire-and-forget emit of an already-encoded batch (JSON array of events)."""
    return f"{EMIT_PREFIX}{label}{EMIT_MIDDLE}{encoded_batch}}}\n"


def request_line(action: str, fields: dict[str, Any], request_id: str | None = None) -> str:
    """A request line; ``request_id`` asks for a reply."""
    message = {"action": action, **fields}
    if request_id is not None:
        message["request_id"] = request_id
    return dumps(message) + "\n"


def split_fast_emit(line: str) -> tuple[str, str] | None:
    """``(label, batch JSON)`` when ``line`` has the canonical emit form, else None."""
    if not line.startswith(EMIT_PREFIX):
        return None
    end = line.find('"', len(EMIT_PREFIX))
    if end < 0 or not line.startswith(EMIT_MIDDLE, end):
        return None
    body = line.rstrip("\r\n")
    if not body.endswith("]}"):
        return None
    return line[len(EMIT_PREFIX) : end], body[end + len(EMIT_MIDDLE) : -1]


def parse_request(line: str) -> dict[str, Any]:
    """Decode one request line; raise WireError naming the problem."""
    try:
        message = json.loads(line)
    except json.JSONDecodeError as exc:
        raise WireError(f"malformed JSON line: {exc}") from None
    if not isinstance(message, dict):
        raise WireError(f"a request must be a JSON object, got {type(message).__name__}")
    action = message.get("action")
    if not isinstance(action, str):
        raise WireError("a request needs a string 'action'")
    request_id = message.get("request_id")
    if request_id is not None and not isinstance(request_id, str | int):
        raise WireError("'request_id' must be a string or an integer")
    return message


def reply_line(request_id: Any, result: Any = None, error: str | None = None) -> str:
    """A reply: ``{"request_id", "success": true, "result"}`` or ``success: false, "error"``."""
    if error is not None:
        return dumps({"request_id": request_id, "success": False, "error": error}) + "\n"
    try:
        return dumps({"request_id": request_id, "success": True, "result": result}) + "\n"
    except (TypeError, ValueError) as exc:
        return reply_line(request_id, error=f"result cannot be sent as JSON: {exc}")


def js_error_line(request_id: Any, error: str) -> str:
    """A failed ``eval_js``/``probe_js`` whose script threw: the parent raises ``JsError``."""
    reply = {"request_id": request_id, "success": False, "error": f"JavaScript error: {error}"}
    return dumps({**reply, "error_kind": JS_ERROR_KIND}) + "\n"


def event_line(label: str, event_type: str, data: Any) -> str:
    """One event notification: ``{"type": "event", "label", "event_type", "data"}``."""
    return dumps({"type": "event", "label": label, "event_type": event_type, "data": data}) + "\n"


def tray_event_line(tray_id: str, event_type: str, data: Any) -> str:
    """A tray's event: its own type, so a tray id never reaches the window of that label."""
    message = {"type": "tray_event", "tray_id": tray_id, "event_type": event_type, "data": data}
    return dumps(message) + "\n"


def app_menu_line(app: str | None, spec: dict[str, Any]) -> str:
    """App ``app``'s app-wide menu as it is now (after a run-time change or a check click)."""
    return dumps({"type": "app_menu", "app": app, "menu": spec}) + "\n"


def events_line(label: str, raw_batch: str) -> str:
    """A batch of page events, pasted verbatim; ``type`` and ``label`` come last so they win."""
    return f'{{"events":{raw_batch},"type":"events","label":{json.dumps(label)}}}\n'


def receive_script(raw_batch: str) -> str:
    """The script that hands a batch (JSON array text) to the page's adapter.

    JSON is a JavaScript expression, so the batch is pasted as it is, never re-encoded.
    """
    return f"window.__wryNativeReceive({raw_batch})"
