"""The event protocol in real WebKitGTK windows: order, volume, payloads, content, eval_js."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from local_site import slow_script
from native_helpers import ECHO_PAGE, Recorder, wait_until

from wry import PayloadError, PyWry, WidgetClosedError
from wry_native.runtime import NativeCallError, NativeTimeout

pytestmark = pytest.mark.native


def show(app: PyWry, recorder: Recorder, html: str = ECHO_PAGE, **kw: Any) -> Any:
    handle = app.show(html, callbacks={"*": recorder}, **kw)
    recorder.wait_for("pywry:ready")
    return handle


def test_round_trip_and_ready(app: PyWry, recorder: Recorder) -> None:
    handle = show(app, recorder)
    assert recorder.of("pywry:ready") == [{"label": handle.label}]
    handle.emit("echo", {"n": 1, "text": "héllo ✓ 日本語 🎉"})
    assert recorder.wait_for("echoed") == [{"n": 1, "text": "héllo ✓ 日本語 🎉"}]
    handle.close()


def test_ten_thousand_events_each_way_in_order(app: PyWry, recorder: Recorder) -> None:
    page = """
    <script>
      var seen = [];
      pywry.on("n", function (d) { seen.push(d); });
      pywry.on("count", function () { pywry.emit("counted", seen); });
      pywry.on("burst", function (d) { for (var i = 0; i < d.n; i++) pywry.emit("b", i); });
    </script>"""
    handle = show(app, recorder, page)
    for i in range(10_000):
        handle.emit("n", i)
    handle.emit("count")
    assert recorder.wait_for("counted")[0] == list(range(10_000))
    handle.emit("burst", {"n": 10_000})
    got = recorder.wait_for("b", 10_000)
    assert got == list(range(10_000))
    handle.close()


def test_ten_megabyte_payloads_both_ways(app: PyWry, recorder: Recorder) -> None:
    handle = show(app, recorder)
    big = "é✓x" * (10 * 1024 * 1024 // 6)  # ~10 MB of UTF-8
    handle.emit("echo", {"big": big})
    (echoed,) = recorder.wait_for("echoed", timeout=60)
    assert echoed["big"] == big
    handle.close()


def test_batches_reach_the_page_as_script_whatever_they_hold(
    app: PyWry, recorder: Recorder
) -> None:
    # The host hands each batch to the page as a script: JSON text pasted as a JS expression.
    page = """<script>
      window.__wryNativeReceive = function () {};  // a page cannot unplug the bridge
      pywry.on("echo", function (d) { pywry.emit("echoed", d); });
    </script>"""
    handle = show(app, recorder, page)
    tricky = "\u2028\u2029 </script> \\ \" ' ${x} `tick` \x00 🎉 lone \ud800"
    handle.emit("echo", {"s": tricky, "nested": [tricky, {"k": tricky}]})
    assert recorder.wait_for("echoed") == [{"s": tricky, "nested": [tricky, {"k": tricky}]}]
    handle.close()


def test_payload_errors_raise_at_emit(app: PyWry, recorder: Recorder) -> None:
    handle = show(app, recorder)
    with pytest.raises(PayloadError):
        handle.emit("x", {1, 2})
    with pytest.raises(PayloadError):
        handle.emit("x", float("nan"))
    handle.close()
    with pytest.raises(WidgetClosedError):
        handle.emit("echo", 1)


def test_update_fragment_and_full_document_fire_ready(app: PyWry, recorder: Recorder) -> None:
    handle = show(app, recorder)
    handle.update('<p id="frag">fragment</p><script>pywry.emit("ran", 1)</script>')
    recorder.wait_for("pywry:ready", 2)
    recorder.wait_for("ran")
    assert handle.eval_js("document.getElementById('frag').textContent") == "fragment"
    assert handle.eval_js("document.getElementById('title')") is None
    handle.update(
        "<!doctype html><html><head><style>#doc{color:rgb(1,2,3)}</style></head>"
        '<body><p id="doc">document</p></body></html>'
    )
    recorder.wait_for("pywry:ready", 3)
    assert handle.eval_js("getComputedStyle(document.getElementById('doc')).color") == (
        "rgb(1, 2, 3)"
    )
    handle.emit("pywry:set-content", {"id": "doc", "text": "changed"})
    assert handle.eval_js("document.getElementById('doc').textContent") == "changed"
    handle.close()


def test_eval_js_values_errors_and_async(app: PyWry, recorder: Recorder) -> None:
    handle = show(app, recorder)
    assert handle.eval_js("1 + 1") == 2
    assert handle.eval_js("document.getElementById('title').textContent") == "native"
    assert handle.eval_js("var a = [1, 'x', null]; a") == [1, "x", None]
    assert handle.eval_js("await new Promise(r => setTimeout(() => r('later'), 50))") == "later"
    assert handle.proxy.eval_js("({k: 'v'})") == {"k": "v"}
    assert handle.eval_js("'\ud800 lone'.length") == 6  # a script UTF-8 cannot hold as is
    with pytest.raises(NativeCallError, match="ReferenceError"):
        handle.eval_js("no_such_name.x")

    async def from_async_code() -> Any:
        return await handle.eval_js_async("document.title.length >= 0")

    # On a thread of its own: a session's Playwright keeps a loop running on the main thread.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, from_async_code()).result(30) is True

    # A callback may call eval_js: callbacks do not run on the thread that reads replies.
    answers = Recorder()
    handle.on("ask", lambda d, t, label: answers(handle.eval_js("40 + 2"), "answer", label))
    handle.eval_js("pywry.emit('ask', {})")
    assert answers.wait_for("answer") == [42]
    handle.close()


def test_an_eval_js_that_never_settles_times_out_and_the_child_forgets_it(
    app: PyWry, recorder: Recorder
) -> None:
    handle = show(app, recorder)
    runtime = handle.runtime

    def waiting_in_child() -> int:
        return int(runtime.request("list_windows", {})["evals"])

    with pytest.raises(NativeTimeout, match="eval_js"):
        handle.eval_js("new Promise(function () {})", timeout=0.3)

    async def never() -> Any:
        return await handle.eval_js_async("new Promise(function () {})", timeout=0.3)

    with ThreadPoolExecutor(1) as pool, pytest.raises(NativeTimeout):
        pool.submit(asyncio.run, never()).result(30)
    wait_until(lambda: waiting_in_child() == 0, "the child to stop waiting for the page")
    # a late answer is an ordinary event, and the window still answers new calls
    handle.eval_js("window.late = new Promise(function (r) { window.settle = r; }); 0")
    with pytest.raises(NativeTimeout):
        handle.eval_js("window.late", timeout=0.3)
    wait_until(lambda: waiting_in_child() == 0, "the child to forget the second call")
    handle.eval_js("window.settle('late'); 0")
    (late,) = recorder.wait_for("pywry:eval-result")
    assert late["value"] == "late"
    assert handle.eval_js("6 * 7") == 42
    handle.close()


def test_emit_reaches_only_its_window(app: PyWry) -> None:
    first, second = Recorder(), Recorder()
    page = '<script>pywry.on("hit", function (d) { pywry.emit("got", d); });</script>'
    one = app.show(page, callbacks={"*": first})
    two = app.show(page, callbacks={"*": second})
    first.wait_for("pywry:ready")
    second.wait_for("pywry:ready")
    app.emit("hit", "to-two", two.label)
    app.emit("hit", "to-one", one.label)
    assert second.wait_for("got") == ["to-two"]
    assert first.wait_for("got") == ["to-one"]
    app.emit("hit", "to-all")
    assert first.wait_for("got", 2)[1] == "to-all"
    assert second.wait_for("got", 2)[1] == "to-all"
    assert len(first.of("got")) == 2 and len(second.of("got")) == 2
    one.close()
    two.close()


def test_builtin_theme_and_set_content_actions(app: PyWry, recorder: Recorder) -> None:
    handle = show(app, recorder, '<div id="box">x</div>', theme="dark")
    assert handle.eval_js("document.documentElement.classList.contains('pywry-theme-dark')")
    handle.set_theme("light")
    assert handle.eval_js("document.documentElement.classList.contains('pywry-theme-light')")
    handle.close()


def test_frames_loading_inside_a_page_do_not_stop_its_events(
    app: PyWry, recorder: Recorder
) -> None:
    """A subframe's navigation is not the page leaving: events go on reaching the page."""
    handle = show(app, recorder)
    frames = """new Promise((resolve) => {
      const frame = document.createElement('iframe');
      frame.onload = () => resolve(frame.contentWindow.location.href);
      frame.src = 'tauri://localhost/wry-warm.html';
      document.body.appendChild(frame);
    })"""
    for n in range(3):  # a frame loads, then navigates twice
        handle.eval_js(
            frames
            if n == 0
            else "document.querySelector('iframe').src = 'about:blank#' + Math.random()"
        )
        handle.emit("echo", n)
        assert recorder.wait_for("echoed", n + 1) == list(range(n + 1))
    assert handle.eval_js("document.querySelectorAll('iframe').length") == 1
    handle.eval_js("location.hash = 'section-2'")  # a same-document navigation: no new page
    handle.emit("echo", "after the hash")
    assert recorder.wait_for("echoed", 4)[-1] == "after the hash"
    with pytest.raises(NativeCallError):  # a navigation refused: the page stays, and listens
        handle.proxy.navigate("not a url at all")
    handle.emit("echo", "after a refused navigation")
    assert recorder.wait_for("echoed", 5)[-1] == "after a refused navigation"
    # and the page itself leaving still holds events for the page that comes next
    handle.proxy.reload()
    handle.emit("echo", 3)
    recorder.wait_for("pywry:ready", 2)
    assert recorder.wait_for("echoed", 6) == [
        0,
        1,
        2,
        "after the hash",
        "after a refused navigation",
        3,
    ]
    handle.close()


def test_events_emitted_right_after_refresh_or_navigate_reach_the_next_page(
    app: PyWry, recorder: Recorder
) -> None:
    """``refresh()``/``navigate()`` make the page leave; what follows waits for the next page.

    The events used to reach the leaving page (the host held them only once WebKit reported
    the navigation) and vanish with it.
    """
    handle = show(app, recorder, '<h1 id="t">original</h1>')
    url = handle.proxy.url
    text = "document.getElementById('t').textContent"
    for n, leave in enumerate((handle.refresh, lambda: handle.navigate(url))):
        handle.eval_js("window.leaving = true")
        leave()
        handle.emit("pywry:set-content", {"id": "t", "text": f"set after leaving {n}"})
        recorder.wait_for("pywry:ready", n + 2)
        assert handle.eval_js("window.leaving === undefined"), "the page did not leave"
        assert handle.eval_js(text) == f"set after leaving {n}"
    handle.navigate("#further-down")  # the same document: events go on reaching it at once
    handle.emit("pywry:set-content", {"id": "t", "text": "after a fragment"})
    assert handle.eval_js(f"location.hash + ' ' + {text}") == "#further-down after a fragment"
    # a URL the page does not follow: it stays, and the events held meanwhile reach it
    handle.navigate("javascript:void(0)")
    handle.emit("pywry:set-content", {"id": "t", "text": "after staying"})
    assert handle.eval_js(text) == "after staying"
    assert len(recorder.of("pywry:ready")) == 3
    handle.close()


def test_a_reload_keeps_what_update_and_the_theme_changed(app: PyWry, recorder: Recorder) -> None:
    """The host serves the page show() rendered: a reload must not bring that content (or
    theme) back over an update(), as the iframe and notebook transports do not either."""
    handle = show(app, recorder, '<h1 id="t">original</h1>', theme="dark")
    state = "[document.getElementById('t').textContent, document.documentElement.dataset.theme]"
    handle.update('<h1 id="t">updated</h1>')
    handle.set_theme("light")
    handle.refresh()
    recorder.wait_for("pywry:ready", 3)  # show(), the update, the reloaded page
    assert handle.eval_js(state) == ["updated", "light"]
    handle.update('<h1 id="t">updated again</h1>')
    handle.proxy.reload()
    recorder.wait_for("pywry:ready", 5)
    assert handle.eval_js(state) == ["updated again", "light"]
    handle.close()


def test_a_reload_sent_by_hand_keeps_the_theme_sent_by_hand(app: PyWry, recorder: Recorder) -> None:
    """The built-in events emitted directly count as refresh() and update_theme() do."""
    handle = show(app, recorder, '<h1 id="t">original</h1>', theme="dark")
    handle.emit("pywry:update-theme", {"theme": "light"})
    handle.emit("pywry:refresh", {})
    recorder.wait_for("pywry:ready", 2)  # show(), the reloaded page
    assert handle.eval_js("document.documentElement.dataset.theme") == "light"
    handle.close()


def test_events_after_a_refresh_waiting_behind_an_update_reach_the_next_page(
    app: PyWry, recorder: Recorder
) -> None:
    """The refresh runs only once the update's script has loaded: the page stays meanwhile,
    and what was emitted after the refresh still waits for the page that follows."""
    handle = show(app, recorder, '<h1 id="t">original</h1>')
    text = "document.getElementById('t').textContent"
    handle.eval_js("window.__old = 1")
    with slow_script(1.5) as url:  # longer than the child's checks after a navigation
        handle.update(f'<h1 id="t">updated</h1><script src="{url}"></script>')
        handle.refresh()
        handle.emit("pywry:set-content", {"id": "t", "text": "set after leaving"})
        recorder.wait_for("pywry:ready", 3)  # show(), the update, the reloaded page
    assert handle.eval_js(f"[{text}, window.__old]") == ["set after leaving", None]
    handle.close()
