"""The wire form of events: what every transport sends is plain, compact JSON."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from wry import PyWry
from wry.protocol import (
    BIG_STRING,
    PayloadError,
    encode_batch,
    encode_event,
    escape_lone_surrogates,
    json_utf8,
    utf8_safe,
)


def reference(event_type: str, data: object) -> str:
    return json.dumps({"type": event_type, "data": data}, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize(
    "text",
    [
        "x" * BIG_STRING,  # the fast path: pasted between quotes
        "x" * (BIG_STRING - 1),  # just below it: the encoder
        "x" * BIG_STRING + '"',  # a quote must be escaped
        "\\" + "x" * BIG_STRING,  # so must a backslash
        "x" * BIG_STRING + "\n",  # and every control character
        "\x1f" + "x" * BIG_STRING,
        "é✓ \u2028 😀" * (BIG_STRING // 4),  # non-ASCII stays as it is (ensure_ascii=False)
    ],
)
def test_large_strings_encode_exactly_as_json_does(text: str) -> None:
    encoded = encode_event("big:text", text)
    assert encoded == reference("big:text", text)
    assert json.loads(encoded)["data"] == text


def test_small_payloads_and_batches() -> None:
    assert (
        encode_event("a:b", {"n": [1, 2.5, None, True]})
        == '{"type":"a:b","data":{"n":[1,2.5,null,true]}}'
    )
    assert encode_batch([encode_event("a:b"), encode_event("c:d", "é")]) == (
        '[{"type":"a:b","data":null},{"type":"c:d","data":"é"}]'
    )


def test_bad_names_and_payloads_raise_before_any_transport() -> None:
    with pytest.raises(ValueError, match="'\\*' is for listening"):
        encode_event("*", "x" * BIG_STRING)
    with pytest.raises(ValueError):
        encode_event("no spaces allowed", "x" * BIG_STRING)
    with pytest.raises(PayloadError, match="'a:b'"):
        encode_event("a:b", {1, 2})


@pytest.mark.parametrize(
    "data",
    [
        {"s": 'é \u2028 😀 " \\ \n\x00', "f": [0.1, -2.5e-300, 1e300], "n": [None, True, False]},
        [1, [2, [3, {"k": ""}]]],
        "plain",
        12345678901234567890,
        -0.0,
    ],
)
def test_small_payloads_encode_exactly_as_json_does(data: object) -> None:
    assert encode_event("a:b", data) == reference("a:b", data)


def test_circular_deep_and_non_finite_payloads_raise_payload_errors() -> None:
    cycle: list[object] = []
    cycle.append(cycle)
    with pytest.raises(PayloadError, match=r"'a:b'.*circular"):
        encode_event("a:b", {"x": cycle})
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(PayloadError, match="too deep"):
        encode_event("a:b", deep)
    with pytest.raises(PayloadError, match=r"'a:b'.*float"):
        encode_event("a:b", float("nan"))
    assert encode_event("a:b", [1]) == '{"type":"a:b","data":[1]}'  # the encoder still works


def test_event_names_are_checked_every_time() -> None:
    assert encode_event("app:fine") == '{"type":"app:fine","data":null}'
    for _ in range(2):  # a name refused once is refused again (only good names are memoised)
        with pytest.raises(ValueError, match="invalid event name"):
            encode_event("app:not fine")


@pytest.mark.parametrize("name", ["app:save\n", "*\n", "app:save\r\n", "\napp:save"])
def test_a_name_with_a_line_break_is_refused_everywhere(app: PyWry, name: str) -> None:
    handle = app.show("a")
    with pytest.raises(ValueError, match="invalid event name"):
        handle.emit(name, 1)
    with pytest.raises(ValueError, match="invalid event name"):
        handle.on(name, lambda d, t, lab: None)
    with pytest.raises(ValueError, match="invalid event name"):
        app.on(name, lambda d, t, lab: None)
    assert handle.sent == []  # type: ignore[attr-defined]


def test_lone_surrogates_become_escapes_only_when_utf8_cannot_hold_them() -> None:
    plain = encode_event("a:b", "é🎉")
    assert json_utf8(plain) == plain.encode("utf-8")
    lone = encode_event("a:b", {"s": "x\ud800y\udfff"})
    assert json_utf8(lone) == b'{"type":"a:b","data":{"s":"x\\ud800y\\udfff"}}'
    assert json.loads(json_utf8(lone))["data"]["s"] == "x\ud800y\udfff"
    assert escape_lone_surrogates('"\udc80"') == '"\\udc80"'
    text = encode_event("a:b", "\udc80 é")
    assert utf8_safe(text) == '{"type":"a:b","data":"\\udc80 é"}'
    assert json.loads(utf8_safe(text))["data"] == "\udc80 é"
    kept = encode_event("a:b", "é🎉")
    assert utf8_safe(kept) is kept


class NumpyLike:
    """Stands for a NumPy array or scalar: a ``dtype`` and ``tolist()``, as NumPy has."""

    def __init__(self, values: Any) -> None:
        self.dtype = "float64"
        self.values = values

    def tolist(self) -> Any:
        return self.values


@dataclasses.dataclass
class Point:
    x: int
    label: str


class ModelLike:
    """Stands for a pydantic model: ``model_dump(mode="json")``."""

    def model_dump(self, mode: str) -> dict[str, Any]:
        assert mode == "json"
        return {"when": "2026-12-07"}


def test_numpy_values_dataclasses_and_models_encode_as_their_values() -> None:
    data = {"a": NumpyLike([[1.5, 2.0]]), "s": NumpyLike(3), "p": Point(1, "é"), "m": ModelLike()}
    assert json.loads(encode_event("a:b", data))["data"] == {
        "a": [[1.5, 2.0]],
        "s": 3,
        "p": {"x": 1, "label": "é"},
        "m": {"when": "2026-12-07"},
    }
    with pytest.raises(PayloadError, match=r"'a:b'.*float"):
        encode_event("a:b", NumpyLike([float("nan")]))  # NaN is refused from NumPy too
