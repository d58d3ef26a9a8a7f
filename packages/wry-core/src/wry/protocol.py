"""The wire form of one event, shared by every transport.

An event is the JSON object ``{"type": event_type, "data": data}``; transports send them in
order, usually several to a batch (a JSON array). Encoding happens once, at ``emit()``, so a
payload that cannot be serialised raises there and never reaches a transport.
"""

from __future__ import annotations

import dataclasses
import json
import re
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

from wry.models import check_event_name


class PayloadError(TypeError, ValueError):
    """A payload that JSON cannot carry (a set, an object, NaN, …); the message names it."""


def _default(value: Any) -> Any:
    """What JSON makes of the objects data code emits: models, dataclasses, NumPy values."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if hasattr(value, "dtype") and callable(getattr(value, "tolist", None)):
        return value.tolist()  # a NumPy array or scalar (np.float64, np.int64, ...), as values
    raise TypeError(f"object of type {type(value).__name__} is not JSON serialisable")


# One encoder for every call: json.dumps with options builds a new one each time (~25% of emit).
_ENCODER = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_default
)
# The C encoder behind it, made once: JSONEncoder.encode makes a new one per call, which was
# two thirds of encoding a small event (2.7 µs → 1.0 µs). Without the circular-reference
# check (a shared one would not be thread-safe); a cycle ends in RecursionError instead.
_C_ENCODE = (
    None
    if c_make_encoder is None
    else c_make_encoder(None, _default, encode_basestring, None, ":", ",", False, False, False)
)


def dumps(value: Any) -> str:
    """Compact JSON, UTF-8 kept as is, NaN/Infinity refused (JS ``JSON.parse`` rejects them)."""
    if _C_ENCODE is None:
        return _ENCODER.encode(value)
    try:
        return "".join(_C_ENCODE(value, 0))
    except RecursionError:
        raise ValueError("circular reference, or nesting too deep for JSON") from None


#: From this length on, a string payload is checked with a few ``in`` scans (memchr) for
#: characters JSON must escape; the C encoder's per-character loop is ~5x slower on 10 MB.
BIG_STRING = 1 << 16
# the likeliest first: text that needs escaping is usually found out by the first scan or two
_MUST_ESCAPE = ('"', "\\", "\n", "\t", "\r", *(chr(c) for c in range(0x20) if c not in (9, 10, 13)))


def _plain_big_string(value: Any) -> bool:
    """Whether ``value`` is a long string that JSON carries unchanged between quotes."""
    return (
        type(value) is str
        and len(value) >= BIG_STRING
        and not any(char in value for char in _MUST_ESCAPE)
    )


def encode_event(event_type: str, data: Any = None) -> str:
    """``{"type", "data"}`` as JSON text; raises PayloadError naming the event."""
    check_event_name(event_type)
    if event_type == "*":
        raise ValueError("'*' is for listening; emit a concrete event name")
    if _plain_big_string(data):
        return f'{{"type":{dumps(event_type)},"data":"{data}"}}'
    try:
        return dumps({"type": event_type, "data": data})
    except (TypeError, ValueError) as exc:
        raise PayloadError(f"payload of event {event_type!r} cannot be sent: {exc}") from None


def encode_batch(encoded_events: list[str]) -> str:
    """Join already-encoded events into one JSON array without re-encoding them."""
    return "[" + ",".join(encoded_events) + "]"


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_lone_surrogates(json_text: str) -> str:
    """Write lone surrogates (which UTF-8 cannot hold) as ``\\uXXXX`` escapes.

    In JSON text they can only stand inside strings, where the escape means the same UTF-16
    code unit, so the page receives exactly the string Python sent.
    """
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


def utf8_safe(json_text: str) -> str:
    """``json_text`` with any lone surrogate escaped; itself (not copied) when it has none.

    For senders that hand text to code that encodes it: Jupyter's packer, for one, turns
    U+DC80-U+DCFF into raw bytes (surrogateescape) without raising.
    """
    if json_text.isascii() or not _LONE_SURROGATE.search(json_text):
        return json_text
    return escape_lone_surrogates(json_text)


def json_utf8(json_text: str) -> bytes:
    """UTF-8 of JSON text, lone surrogates escaped (only looked for when encoding fails)."""
    try:
        return json_text.encode("utf-8")
    except UnicodeEncodeError:
        return escape_lone_surrogates(json_text).encode("utf-8")
