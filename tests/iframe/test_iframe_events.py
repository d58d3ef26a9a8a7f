"""Events both ways through the iframe transport, in real headless Chromium."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from iframe.conftest import Recorder, Show
from local_site import slow_script

import wry_iframe.handle
from wry import PyWry, PyWrySettings, WidgetClosedError
from wry_iframe import JsError, QueueFullError

pytestmark = pytest.mark.iframe


def listen(page: Any, event_type: str) -> None:
    """Collect ``event_type`` events in ``window.__got[event_type]`` on the page."""
    page.evaluate(
        """(t) => { window.__got = window.__got || {}; window.__got[t] = [];
        pywry.on(t, (d, type) => window.__got[t].push([d, type])); }""",
        event_type,
    )


def test_js_to_python_callback_gets_payload_type_and_label(show: Show) -> None:
    rec = Recorder()
    handle, page = show()
    handle.on("app:ping", rec)
    page.evaluate("pywry.emit('app:ping', {n: 1, text: 'héllo 🎉', list: [1, null, true]})")
    assert rec.wait() == [
        ({"n": 1, "text": "héllo 🎉", "list": [1, None, True]}, "app:ping", handle.label)
    ]


def test_sys_exit_in_a_callback_leaves_every_page_served(
    show: Show, caplog: pytest.LogCaptureFixture
) -> None:
    """SystemExit on the socket thread would end it silently: no page would be heard again."""
    import sys

    rec = Recorder()
    handle, page = show()
    other, other_page = show()
    handle.on("app:quit", lambda d, t, lab: sys.exit(0))
    handle.on("app:after", rec)
    other.on("app:after", rec)
    page.evaluate("pywry.emit('app:quit', {}); pywry.emit('app:after', 1)")
    other_page.evaluate("pywry.emit('app:after', 2)")
    assert sorted(c[0] for c in rec.wait(2)) == [1, 2]
    assert "called sys.exit(), which ends no program" in caplog.text


def test_python_to_js_and_back(show: Show) -> None:
    rec = Recorder()
    handle, page = show()
    handle.on("app:pong", rec)
    page.evaluate("pywry.on('app:ping', (d) => pywry.emit('app:pong', {got: d})); true")
    handle.emit("app:ping", {"x": [1, 2]})
    assert rec.wait()[0][0] == {"got": {"x": [1, 2]}}


def test_events_emitted_before_the_page_opens_arrive_in_order(app: PyWry, browser: Any) -> None:
    handle = app.show(
        "<p id='log'></p><script>pywry.on('early', d => "
        "document.getElementById('log').textContent += d + ',')</script>",
        display=False,
    )
    for i in range(50):
        handle.emit("early", i)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(handle.url)  # type: ignore[attr-defined]
        expected = ",".join(str(i) for i in range(50)) + ","
        page.wait_for_function(f"document.getElementById('log').textContent === '{expected}'")
    finally:
        context.close()


def test_a_page_opened_after_an_update_mounts_the_new_content_once(
    app: PyWry, browser: Any
) -> None:
    """The served page already shows the update: replaying its event would run it twice."""
    ready, back = Recorder(), Recorder()
    handle = app.show("<p>first</p>", display=False, callbacks={"pywry:ready": ready})
    handle.on("app:back", back)
    handle.update(
        "<p id='second'>second</p><script>window.__runs = (window.__runs || 0) + 1;"
        "pywry.on('app:marker', () => pywry.emit('app:back', window.__runs))</script>"
    )
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(handle.url)  # type: ignore[attr-defined]
        ready.wait()
        handle.emit("app:marker")  # behind anything replayed, so its answer comes after
        assert back.wait()[0][0] == 1
        assert len(ready.calls) == 1
        assert page.evaluate("document.getElementById('second').textContent") == "second"
    finally:
        context.close()


def test_ten_thousand_events_python_to_js_in_order(show: Show) -> None:
    handle, page = show()
    listen(page, "seq:n")
    for i in range(10_000):
        handle.emit("seq:n", i)
    page.wait_for_function("window.__got['seq:n'].length === 10000", timeout=60_000)
    assert page.evaluate("window.__got['seq:n'].map(x => x[0])") == list(range(10_000))


def test_ten_thousand_events_js_to_python_in_order(show: Show) -> None:
    rec = Recorder()
    handle, page = show()
    handle.on("seq:m", rec)
    page.evaluate("for (let i = 0; i < 10000; i++) pywry.emit('seq:m', i)")
    rec.wait(10_000, timeout=60)
    assert rec.data == list(range(10_000))


def test_two_widgets_are_isolated(show: Show) -> None:
    first, first_page = show()
    second, second_page = show()
    got_first, got_second = Recorder(), Recorder()
    first.on("app:hello", got_first)
    second.on("app:hello", got_second)
    listen(first_page, "app:news")
    listen(second_page, "app:news")
    first.emit("app:news", "for the first")
    second.emit("app:news", "for the second")
    first_page.wait_for_function("window.__got['app:news'].length === 1")
    second_page.wait_for_function("window.__got['app:news'].length === 1")
    assert first_page.evaluate("window.__got['app:news'][0][0]") == "for the first"
    assert second_page.evaluate("window.__got['app:news'][0][0]") == "for the second"
    first_page.evaluate("pywry.emit('app:hello', 1)")
    second_page.evaluate("pywry.emit('app:hello', 2)")
    assert got_first.wait() == [(1, "app:hello", first.label)]
    assert got_second.wait() == [(2, "app:hello", second.label)]


def test_update_replaces_content_keeps_bridge_and_fires_ready(show: Show) -> None:
    ready = Recorder()
    handle, page = show()
    handle.on("pywry:ready", ready)
    handle.update("<p id='fresh'>fresh</p><script>window.__ran = (window.__ran || 0) + 1</script>")
    ready.wait()
    page.wait_for_function("document.getElementById('fresh') !== null")
    assert page.evaluate("document.getElementById('status')") is None
    assert page.evaluate("window.__ran") == 1
    rec = Recorder()
    handle.on("app:after", rec)
    page.evaluate("pywry.emit('app:after', 'still here')")
    assert rec.wait()[0][0] == "still here"


def test_a_reloaded_page_shows_the_updated_content(show: Show) -> None:
    handle, page = show()
    ready = Recorder()
    handle.on("pywry:ready", ready)
    handle.update("<p id='second'>second</p>")
    ready.wait()
    page.reload()
    ready.wait(2)
    assert page.evaluate("document.getElementById('second').textContent") == "second"


def test_a_reloaded_page_keeps_the_theme_last_applied(show: Show) -> None:
    """As in a native window: the theme Python switched to survives a reload (F5)."""
    handle, page = show()
    ready = Recorder()
    handle.on("pywry:ready", ready)
    handle.update_theme("light")
    page.wait_for_function("document.documentElement.classList.contains('pywry-theme-light')")
    page.reload()
    ready.wait()
    assert "pywry-theme-light" in page.evaluate("document.documentElement.className")
    assert "pywry-theme-dark" not in page.evaluate("document.documentElement.className")


BUILTINS: list[tuple[str, dict[str, Any], str]] = [
    ("pywry:set-content", {"id": "status", "text": "<done>"}, "#status"),
    ("pywry:set-content", {"selector": "#title", "html": "<em>new</em>"}, "#title"),
    ("pywry:set-style", {"id": "box", "styles": {"color": "rgb(255, 0, 0)"}}, "#box"),
]


def test_builtin_content_and_style(show: Show) -> None:
    handle, page = show()
    for event, data, _ in BUILTINS:
        handle.emit(event, data)
    page.wait_for_function("document.getElementById('box').style.color === 'rgb(255, 0, 0)'")
    assert page.evaluate("document.getElementById('status').textContent") == "<done>"
    assert page.evaluate("document.getElementById('title').innerHTML") == "<em>new</em>"


def test_builtin_css_theme_and_toasts(show: Show) -> None:
    handle, page = show()
    handle.inject_css("#box { margin-left: 37px; }", id="t-css")
    page.wait_for_function("getComputedStyle(document.getElementById('box')).marginLeft === '37px'")
    handle.remove_css("t-css")
    page.wait_for_function("getComputedStyle(document.getElementById('box')).marginLeft === '0px'")
    handle.update_theme("light")
    page.wait_for_function("document.documentElement.classList.contains('pywry-theme-light')")
    handle.update_theme("dark")
    page.wait_for_function("document.documentElement.classList.contains('pywry-theme-dark')")
    handle.alert("Saved!", title="Done", type="success")
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.pywry-toast')).some("
        "t => t.textContent.includes('Saved!') && t.textContent.includes('Done'))"
    )


def test_confirm_toast_answers_python(show: Show) -> None:
    rec = Recorder()
    handle, page = show()
    handle.on("app:answer", rec)
    handle.confirm("Deploy?", callback_event="app:answer")
    page.click(".pywry-toast__ok, .pywry-toast [data-pywry-confirm='ok']")
    assert rec.wait()[0][0] == {"confirmed": True}


def test_builtin_download(show: Show) -> None:
    handle, page = show()
    with page.expect_download() as info:
        handle.download("a,b\n1,2\n", "table.csv", "text/csv")
    download = info.value
    assert download.suggested_filename == "table.csv"
    with open(download.path(), encoding="utf-8") as f:
        assert f.read() == "a,b\n1,2\n"


def test_builtin_refresh_and_navigate(show: Show) -> None:
    handle, page = show()
    ready = Recorder()
    handle.on("pywry:ready", ready)
    page.evaluate("window.__before_refresh = 1")
    handle.refresh()
    ready.wait()
    page.wait_for_function("window.__before_refresh === undefined")
    page.wait_for_function("document.documentElement.dataset.wryConnection === 'open'")
    # the refresh was acknowledged before the reload: the new page does not replay it
    handle.emit("pywry:set-content", {"id": "status", "text": "after"})
    page.wait_for_function("document.getElementById('status').textContent === 'after'")
    assert len(ready.calls) == 1
    handle.navigate("about:blank")
    page.wait_for_url("about:blank")


def test_events_after_a_refresh_or_navigate_reach_the_page_that_follows(show: Show) -> None:
    page_html = (
        '<p id="status">initial</p><script>pywry.on("app:data", function (d) {'
        ' document.getElementById("status").textContent = "got " + d;'
        ' pywry.emit("app:seen", {d: d, at: location.hash}); });</script>'
    )
    handle, page = show(page_html)
    ready, seen = Recorder(), Recorder()
    handle.on("pywry:ready", ready)
    handle.on("app:seen", seen)
    page.evaluate("window.__old = 1")
    handle.refresh()
    handle.emit("app:data", 1)  # in the refresh's frame or the next: for the reloaded page
    ready.wait()
    page.wait_for_function("document.getElementById('status').textContent === 'got 1'")
    assert page.evaluate("window.__old") is None  # applied by the new page, not the old one
    assert seen.wait()[0][0] == {"d": 1, "at": ""}
    # a navigation that does not leave (a fragment): the page itself applies what follows
    handle.navigate("#here")
    handle.emit("app:data", 2)
    assert seen.wait(2)[1][0] == {"d": 2, "at": "#here"}
    assert len(seen.calls) == 2 and len(ready.calls) == 1


def test_events_after_a_refresh_waiting_behind_an_update_reach_the_next_page(
    show: Show, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refresh runs only once the update's script has loaded: the page stays meanwhile,
    and what was emitted after the refresh still waits for the page that follows."""
    monkeypatch.setattr(wry_iframe.handle, "STAY_CHECK", 2.0)  # shorter than the script's wait
    handle, page = show('<h1 id="t">original</h1>')
    ready = Recorder()
    handle.on("pywry:ready", ready)
    page.evaluate("window.__old = 1")
    with slow_script(3.0) as url:  # longer than the adapter's check after a navigation
        handle.update(f'<h1 id="t">updated</h1><script src="{url}"></script>')
        handle.refresh()
        handle.emit("pywry:set-content", {"id": "t", "text": "set after leaving"})
        ready.wait(2, timeout=30)  # the update, then the reloaded page
    page.wait_for_function("document.getElementById('t').textContent === 'set after leaving'")
    assert page.evaluate("window.__old") is None  # set on the page that followed


def test_eval_js_returns_values_and_raises_page_errors(show: Show) -> None:
    handle, _page = show()
    assert handle.eval_js("document.getElementById('title').textContent") == "iframe"  # type: ignore[attr-defined]
    assert handle.eval_js("Promise.resolve({a: [1, 2]})") == {"a": [1, 2]}  # type: ignore[attr-defined]
    with pytest.raises(JsError, match="nope"):
        handle.eval_js("throw new Error('nope')")  # type: ignore[attr-defined]


def test_eval_js_times_out_without_a_page(app: PyWry) -> None:
    handle = app.show("<p>nobody looks</p>", display=False)
    with pytest.raises(TimeoutError, match="no page is connected"):
        handle.eval_js("1", timeout=0.2)  # type: ignore[attr-defined]


def test_eval_js_inside_a_callback_raises_instead_of_deadlocking(show: Show) -> None:
    handle, page = show()
    outcome: list[BaseException | None] = []
    done = threading.Event()

    def callback(data: Any, event_type: str, label: str) -> None:
        try:
            handle.eval_js("1")  # type: ignore[attr-defined]
            outcome.append(None)
        except RuntimeError as exc:
            outcome.append(exc)
        done.set()

    handle.on("app:go", callback)
    page.evaluate("pywry.emit('app:go', 1)")
    assert done.wait(30)
    assert isinstance(outcome[0], RuntimeError) and "callback" in str(outcome[0])


def test_emit_to_a_closed_widget_raises(show: Show) -> None:
    handle, page = show()
    closed = Recorder()
    handle.on("window:closed", closed)
    handle.close()
    assert closed.wait()[0][1] == "window:closed"
    with pytest.raises(WidgetClosedError):
        handle.emit("app:x", 1)
    page.wait_for_function("document.documentElement.dataset.wryConnection === 'closed'")


def test_queue_limit_raises_a_clear_error(browser: Any) -> None:
    app = PyWry(PyWrySettings(open_browser=False, queue_limit=10), transport="iframe")
    try:
        handle = app.show("<p>unseen</p>", display=False)
        for i in range(10):
            handle.emit("app:n", i)
        with pytest.raises(QueueFullError, match="queue_limit=10"):
            handle.emit("app:n", 10)
        context = browser.new_context()  # once a page takes them, there is room again
        try:
            page = context.new_page()
            page.goto(handle.url)  # type: ignore[attr-defined]
            page.wait_for_function("document.documentElement.dataset.wryConnection === 'open'")
            assert handle.wait_delivered(30)  # type: ignore[attr-defined]
            handle.emit("app:n", 10)
        finally:
            context.close()
    finally:
        app.destroy()


def test_events_the_page_cannot_queue_are_logged_and_counted_in_python(
    browser: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # A callback that takes long holds the page's events; past queue_limit the page drops
    # them. That was in the browser's console only: Python now hears how many, once it has
    # caught up.
    app = PyWry(PyWrySettings(open_browser=False, queue_limit=10), transport="iframe")
    release = threading.Event()
    got = Recorder()
    try:
        handle = app.show("<p>queue</p>", display=False, callbacks={"app:n": got})
        handle.on("app:slow", lambda d, t, lab: release.wait(30))
        context = browser.new_context()
        page = context.new_page()
        page.goto(handle.url)  # type: ignore[attr-defined]
        page.wait_for_function("document.documentElement.dataset.wryConnection === 'open'")
        page.evaluate(
            """() => new Promise((resolve) => {
                pywry.emit('app:slow', 0);  // Python's socket thread waits in its callback
                let i = 0;
                const next = () => {
                    if (i === 30) return resolve(true);
                    pywry.emit('app:n', i++);  // one frame each
                    setTimeout(next, 0);
                };
                setTimeout(next, 0);
            })"""
        )
        release.set()
        deadline = time.monotonic() + 30  # the notice follows Python's acknowledgements

        def dropped() -> int:
            return handle.dropped_events  # type: ignore[attr-defined,no-any-return]

        while dropped() + len(got.calls) < 30 and time.monotonic() < deadline:
            threading.Event().wait(0.05)
        arrived = [call[0] for call in got.calls]
        assert 0 < len(arrived) < 10 and arrived == list(range(len(arrived)))  # queue_limit=10
        assert dropped() == 30 - len(arrived)
        assert any(f"dropped {dropped()} events" in r.getMessage() for r in caplog.records)
        context.close()
    finally:
        release.set()
        app.destroy()
