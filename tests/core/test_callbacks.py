"""The callback registry: routing by label and type, wildcards, order, isolation, threads."""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any

import pytest

from wry.callbacks import MEMO_SIZE, CallbackRegistry


def recorder() -> tuple[list[tuple[Any, str, str]], Any]:
    seen: list[tuple[Any, str, str]] = []
    return seen, lambda data, event_type, label: seen.append((data, event_type, label))


def test_routes_by_label_and_type() -> None:
    reg = CallbackRegistry()
    a, cb_a = recorder()
    b, cb_b = recorder()
    reg.register("w1", "grid:row-selected", cb_a)
    reg.register("w2", "grid:row-selected", cb_b)
    reg.dispatch("w1", "grid:row-selected", {"rows": [1]})
    assert a == [({"rows": [1]}, "grid:row-selected", "w1")]
    assert b == []


def test_wildcards_for_type_and_label() -> None:
    reg = CallbackRegistry()
    any_type, cb1 = recorder()
    any_label, cb2 = recorder()
    reg.register("w1", "*", cb1)
    reg.register("*", "app:x", cb2)
    reg.dispatch("w1", "app:y", 1)
    reg.dispatch("w2", "app:x", 2)
    assert any_type == [(1, "app:y", "w1")]
    assert any_label == [(2, "app:x", "w2")]


def test_raising_callback_is_logged_and_others_still_run(caplog: pytest.LogCaptureFixture) -> None:
    reg = CallbackRegistry()
    seen, cb = recorder()

    def boom(data: Any, event_type: str, label: str) -> None:
        raise RuntimeError("boom")

    reg.register("w", "e", boom)
    reg.register("w", "e", cb)
    with caplog.at_level(logging.ERROR, logger="wry.callbacks"):
        assert reg.dispatch("w", "e", 5) == 2
    assert seen == [(5, "e", "w")]
    assert reg.errors == 1
    assert "boom" in caplog.text


def test_dispatch_order_is_registration_then_emission_order() -> None:
    reg = CallbackRegistry()
    order: list[str] = []
    reg.register("w", "e", lambda d, t, lab: order.append(f"first{d}"))
    reg.register("w", "*", lambda d, t, lab: order.append(f"second{d}"))
    for i in range(3):
        reg.dispatch("w", "e", i)
    assert order == ["first0", "second0", "first1", "second1", "first2", "second2"]


def test_unregister_and_remover() -> None:
    reg = CallbackRegistry()
    seen, cb = recorder()
    remove = reg.register("w", "e", cb)
    remove()
    reg.register("w", "e", cb)
    assert reg.unregister("w", "e") == 1
    assert reg.dispatch("w", "e", 1) == 0
    assert seen == []


def test_bad_registration_is_refused() -> None:
    reg = CallbackRegistry()
    with pytest.raises(ValueError, match="invalid event name"):
        reg.register("w", "has space", lambda *a: None)
    with pytest.raises(TypeError, match="callable"):
        reg.register("w", "e", "not callable")  # type: ignore[arg-type]


def test_register_while_dispatching_from_other_threads() -> None:
    reg = CallbackRegistry()
    count = 0
    lock = threading.Lock()

    def cb(d: Any, t: str, lab: str) -> None:
        nonlocal count
        with lock:
            count += 1

    reg.register("w", "e", cb)
    stop = threading.Event()

    def churn() -> None:
        while not stop.is_set():
            reg.register("w", "other", cb)()

    t = threading.Thread(target=churn)
    t.start()
    try:
        for _ in range(5000):
            reg.dispatch("w", "e", None)
    finally:
        stop.set()
        t.join()
    assert count == 5000


def test_changes_after_a_dispatch_take_effect_at_the_next_one() -> None:
    reg = CallbackRegistry()
    order: list[str] = []
    reg.register("w", "e", lambda d, t, lab: order.append(f"own{d}"))
    assert reg.dispatch("w", "e", 1) == 1
    remove_any = reg.register("*", "*", lambda d, t, lab: order.append(f"any{d}"))
    assert reg.dispatch("w", "e", 2) == 2
    remove_any()
    reg.unregister("w", "e")
    assert reg.dispatch("w", "e", 3) == 0
    assert not reg.has("w", "e")
    assert order == ["own1", "own2", "any2"]


def test_a_callback_registered_by_a_callback_hears_the_next_event() -> None:
    reg = CallbackRegistry()
    seen: list[tuple[str, Any]] = []

    def first(d: Any, t: str, lab: str) -> None:
        seen.append(("first", d))
        if d == 1:
            reg.register("w", "e", lambda d, t, lab: seen.append(("late", d)))

    reg.register("w", "e", first)
    reg.dispatch("w", "e", 1)
    reg.dispatch("w", "e", 2)
    assert seen == [("first", 1), ("first", 2), ("late", 2)]


def test_many_event_names_keep_routing_and_the_lookup_memo_bounded() -> None:
    reg = CallbackRegistry()
    seen, cb = recorder()
    reg.register("w", "*", cb)
    names = [f"app:e{i}" for i in range(MEMO_SIZE + 10)]
    for name in names:
        assert reg.dispatch("w", name, None) == 1
        assert reg.dispatch("other", name, None) == 0
    assert [t for _, t, _ in seen] == names
    assert len(reg._state[1]) <= MEMO_SIZE


def test_sys_exit_on_the_main_thread_of_a_script_still_ends_it() -> None:
    """Only transports' threads and kernels ignore it; a plain program's main thread exits."""
    reg = CallbackRegistry()
    reg.register("w", "app:quit", lambda d, t, lab: sys.exit(3))
    with pytest.raises(SystemExit):
        reg.dispatch("w", "app:quit", None)
    assert reg.errors == 0
