"""The bridge object: emit batching and order, on/off/wildcard, name checks, _receive."""

from __future__ import annotations

from typing import Any

import pytest
from bridgepage import receive, sent_events, wait_sent

pytestmark = pytest.mark.bridge


def test_emit_batches_per_microtask_and_keeps_order(open_page: Any) -> None:
    page = open_page()
    calls = page.evaluate(
        """async () => {
          window.__sent.length = 0;
          for (let i = 0; i < 3; i++) pywry.emit("app:step", {i});
          const sync = window.__sent.length;
          await Promise.resolve();
          await new Promise((r) => setTimeout(r, 0));
          pywry.emit("app:later", 1);
          await new Promise((r) => setTimeout(r, 0));
          return [sync, window.__sent.map((b) => b.length)];
        }"""
    )
    assert calls == [0, [3, 1]]
    assert [e["data"] for e in sent_events(page)[:3]] == [{"i": 0}, {"i": 1}, {"i": 2}]


def test_result_emits_pywry_result(open_page: Any) -> None:
    page = open_page()
    page.evaluate("() => pywry.result({answer: 42})")
    assert wait_sent(page, "pywry:result") == [{"answer": 42}]


def test_on_wildcard_off_and_unsubscribe(open_page: Any) -> None:
    page = open_page()
    seen = page.evaluate(
        """() => {
          const seen = [];
          const a = (d, t) => seen.push(["a", t, d]);
          const unsubscribe = pywry.on("app:x", a);
          pywry.on("app:x", (d, t) => seen.push(["b", t, d]));
          pywry.on("*", (d, t) => seen.push(["*", t, d]));
          pywry._receive([{type: "app:x", data: 1}, {type: "app:y", data: 2}]);
          unsubscribe();
          pywry._trigger("app:x", 3);
          pywry.off("app:x");
          pywry.dispatch("app:x", 4);
          pywry.off("*");
          pywry._fire("app:x", 5);
          return seen;
        }"""
    )
    assert seen == [
        ["a", "app:x", 1],
        ["b", "app:x", 1],
        ["*", "app:x", 1],
        ["*", "app:y", 2],
        ["b", "app:x", 3],
        ["*", "app:x", 3],
        ["*", "app:x", 4],
    ]


def test_off_one_handler_keeps_the_others(open_page: Any) -> None:
    page = open_page()
    seen = page.evaluate(
        """() => {
          const seen = [];
          const a = () => seen.push("a");
          pywry.on("app:x", a);
          pywry.on("app:x", () => seen.push("b"));
          pywry.off("app:x", a);
          pywry._trigger("app:x", null);
          return seen;
        }"""
    )
    assert seen == ["b"]


@pytest.mark.parametrize("name", ["", "has space", "a::b", ":a", "a:", "*", "a/b", "é"])
def test_emit_rejects_invalid_names(open_page: Any, name: str) -> None:
    page = open_page()
    ok = page.evaluate("(n) => pywry.emit(n, 1)", name)
    assert ok is False
    page.evaluate("() => new Promise((r) => setTimeout(r, 0))")
    assert sent_events(page) == []
    assert any("invalid event name" in e and "letters, digits" in e for e in page.console_errors)


def test_on_rejects_invalid_names_but_accepts_wildcard(open_page: Any) -> None:
    page = open_page()
    page.evaluate("() => { pywry.on('bad name', () => {}); pywry.on('*', () => {}); }")
    errors = [e for e in page.console_errors if "invalid event name" in e]
    assert len(errors) == 1 and '"bad name"' in errors[0]


def test_emit_rejects_data_json_cannot_carry(open_page: Any) -> None:
    page = open_page()
    ok = page.evaluate("() => { const a = {}; a.self = a; return pywry.emit('app:x', a); }")
    assert ok is False
    assert any("cannot be sent as JSON" in e for e in page.console_errors)
    assert page.evaluate("() => pywry.emit('app:x', 10n)") is False  # a BigInt: no JSON form
    assert page.evaluate("() => pywry.emit('app:x', 'x'.repeat(1 << 20))") is True


def test_a_throwing_handler_is_logged_and_the_others_still_run(open_page: Any) -> None:
    page = open_page()
    page.evaluate(
        """() => {
          window.seen = [];
          pywry.on("app:x", () => { throw new Error("boom"); });
          pywry.on("app:x", (d) => seen.push(d));
        }"""
    )
    receive(page, ("app:x", 1), ("app:x", 2))
    assert page.evaluate("() => seen") == [1, 2]
    assert sum("boom" in e for e in page.console_errors) == 2


def test_ten_thousand_events_each_way_keep_order_in_few_batches(open_page: Any) -> None:
    page = open_page()
    got = page.evaluate(
        """async () => {
          const seen = [];
          pywry.on("app:n", (d) => seen.push(d));
          const batch = [];
          for (let i = 0; i < 10000; i++) batch.push({type: "app:n", data: i});
          pywry._receive(batch);
          window.__sent.length = 0;
          for (let i = 0; i < 10000; i++) pywry.emit("app:m", i);
          await new Promise((r) => setTimeout(r, 0));
          const out = window.__sent.flat().map((e) => e.data);
          return {seen, out, calls: window.__sent.length};
        }"""
    )
    assert got["seen"] == list(range(10000))
    assert got["out"] == list(range(10000))
    assert got["calls"] == 1


def test_content_loaded_emits_ready_with_label(open_page: Any) -> None:
    page = open_page()
    page.evaluate("() => pywry._contentLoaded()")
    assert wait_sent(page, "pywry:ready") == [{"label": "w-test"}]
    assert page.evaluate("() => [pywry.label, typeof __wry.version]") == ["w-test", "string"]


def test_a_throwing_send_is_logged_and_later_batches_still_go(open_page: Any) -> None:
    adapter = """
    window.__sent = []; let calls = 0;
    window.pywry = __wry.createBridge({root: document, label: "w-test",
      send(b) { calls += 1; if (calls === 1) throw new Error("socket gone"); __sent.push(b); }});
    """
    page = open_page(adapter=adapter)
    page.evaluate(
        """async () => {
          pywry.emit("app:a", 1); pywry.emit("app:b", 2);
          await new Promise((r) => setTimeout(r, 0));
          pywry.emit("app:c", 3);
        }"""
    )
    assert wait_sent(page, "app:c") == [3]
    assert [e["type"] for e in sent_events(page)] == ["app:c"]
    assert any("2 event(s) were not delivered" in e for e in page.console_errors)


def test_destroy_flushes_then_ignores_everything(open_page: Any) -> None:
    page = open_page()
    got = page.evaluate(
        """() => {
          const seen = [];
          pywry.on("app:x", (d) => seen.push(d));
          pywry.emit("app:last", 1);
          pywry._destroy();
          const accepted = pywry.emit("app:after", 2);
          pywry._receive([{type: "app:x", data: 3}]);
          return [accepted, seen, window.__sent.flat()];
        }"""
    )
    assert got == [False, [], [{"type": "app:last", "data": 1}]]


def test_system_theme_follows_the_browser(open_page: Any) -> None:
    page = open_page()
    page.emulate_media(color_scheme="light")
    receive(page, ("pywry:update-theme", {"theme": "system"}))
    assert page.evaluate("() => document.documentElement.dataset.theme") == "light"
    page.emulate_media(color_scheme="dark")
    receive(page, ("pywry:update-theme", {"theme": "system"}))
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"


def test_when_done_runs_after_the_events_before_it_even_those_that_wait(
    open_page: Any,
) -> None:
    """``_whenDone`` is how adapters learn that a refresh or navigate has run: it waits for
    the events received before it, an update whose script is still loading included."""
    page = open_page('<p id="t">x</p>')
    log = page.evaluate(
        """() => new Promise((resolve) => {
          const log = [];
          pywry.on("app:a", () => log.push("a"));
          pywry.on("app:b", () => { log.push("b"); resolve(log); });
          pywry._sealPersistent();  // kept across the update, as an adapter's are
          pywry._receive([{type: "app:a", data: 1}, {type: "pywry:update-content", data: {
            html: '<p id="t">y</p><script src="/missing.js"></script>'}}]);
          pywry._whenDone(() => log.push("done:" + document.getElementById("t").textContent));
          pywry._receive([{type: "app:b", data: 2}]);
        })"""
    )
    assert log == ["a", "done:y", "b"]
