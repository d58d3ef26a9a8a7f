"""The conformance suite: one behaviour, checked on every transport.

Import it into a test module that names its transport in a ``wry_transport`` fixture (or
provides a ``wry_driver`` fixture of its own)::

    from wry.testing.conformance import *  # noqa: F403

JS expressions given to ``session.js`` may use ``pywry`` (the page's bridge object) and ``root``
(the element or document the widget owns).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from wry.testing.driver import Driver, Session

#: ``window.<name>_<label>``: a per-page JS list (notebook pages hold many widgets)
PER_PAGE = "window[{name!r} + pywry.label]"

__all__ = [
    "session",
    "test_builtin_inject_and_remove_css",
    "test_builtin_set_content_and_style",
    "test_builtin_theme",
    "test_callback_calling_sys_exit_leaves_the_page_working",
    "test_callback_can_emit_back_to_its_page",
    "test_close_reports_window_closed_once",
    "test_closed_widget_refuses_display",
    "test_closed_widget_refuses_emits",
    "test_confirm_round_trip",
    "test_eval_js_answers_and_a_throwing_script_raises_js_error",
    "test_events_emitted_before_the_page_is_up_reach_its_handlers",
    "test_events_emitted_right_after_update_reach_the_new_content",
    "test_js_api_is_the_seeds_on_every_transport",
    "test_js_emit_reaches_python_callback",
    "test_js_non_finite_numbers_arrive_as_none",
    "test_large_unicode_payload_crosses_both_ways",
    "test_order_js_to_python",
    "test_order_python_to_js",
    "test_page_cannot_report_lifecycle_events",
    "test_payload_types_survive_both_ways",
    "test_python_emit_reaches_js_handler",
    "test_raising_callback_is_isolated",
    "test_ready_fires_after_update",
    "test_seed_notification_mixin",
    "test_system_theme_given_to_show_resolves_in_the_page",
    "test_theme_given_to_show_survives_update",
    "test_toast_appears",
    "test_update_replaces_content_and_keeps_bridge",
    "test_wildcards_both_ways",
]

PAGE = """
<h1 id="title">conformance</h1>
<p id="status">waiting</p>
<div class="box" id="box">box</div>
"""


@pytest.fixture
def session(wry_driver: Driver) -> Iterator[Session]:
    """A freshly shown page on the driver's transport."""
    s = wry_driver.show(PAGE)
    try:
        yield s
    finally:
        with contextlib.suppress(Exception):  # a test may have closed it already
            s.close()


def listen(session: Session, event_type: str) -> None:
    """Collect ``event_type`` events in ``window.__got[event_type]`` on the JS side."""
    session.js(
        "(window.__got = window.__got || {},"
        f" window.__got[{event_type!r}] = [],"
        f" pywry.on({event_type!r}, (d, t) => window.__got[{event_type!r}].push([d, t])), true)"
    )


def got(session: Session, event_type: str) -> list[Any]:
    return list(session.js(f"window.__got[{event_type!r}]"))


def test_js_emit_reaches_python_callback(session: Session) -> None:
    session.record("app:ping")
    session.js("(pywry.emit('app:ping', {n: 1, s: 'x'}), true)")
    (event,) = session.wait_recorded("app:ping")
    assert event == {"data": {"n": 1, "s": "x"}, "type": "app:ping", "label": session.label}


def test_python_emit_reaches_js_handler(session: Session) -> None:
    listen(session, "app:pong")
    session.emit("app:pong", {"ok": True})
    session.wait_js("window.__got['app:pong'].length === 1")
    assert got(session, "app:pong") == [[{"ok": True}, "app:pong"]]


def test_js_api_is_the_seeds_on_every_transport(session: Session) -> None:
    """``_fire``/``dispatch``/``_trigger`` act locally, ``result`` reaches Python, ``off`` works."""
    missing = session.js(
        "['emit', 'on', 'off', '_trigger', 'dispatch', '_fire', 'result']"
        ".filter(n => typeof pywry[n] !== 'function')"
    )
    assert missing == []
    assert session.js("pywry.label") == session.label
    listen(session, "app:local")
    session.record("app:local")
    session.js(
        "(pywry._fire('app:local', 1), pywry.dispatch('app:local', 2),"
        " pywry._trigger('app:local', 3), true)"
    )
    assert [d for d, _ in got(session, "app:local")] == [1, 2, 3]
    session.record("pywry:result")
    session.js(
        "(window.__offed = 0, pywry.on('app:off', () => window.__offed++), pywry.off('app:off'),"
        " pywry._fire('app:off', 1), pywry.result({v: 'é'}), true)"
    )
    assert session.wait_recorded("pywry:result")[0]["data"] == {"v": "é"}
    assert session.js("window.__offed") == 0
    assert session.recorded("app:local") == []  # local dispatch never went to Python


def test_wildcards_both_ways(session: Session) -> None:
    session.js(
        "(window.__all = [],"
        " pywry.on('*', (d, t) => { if (t.startsWith('w:')) window.__all.push(t) }), true)"
    )
    session.emit("w:a", 1)
    session.emit("w:b", 2)
    session.wait_js("window.__all.length === 2")
    assert session.js("window.__all") == ["w:a", "w:b"]
    session.record("*")
    session.js("(pywry.emit('w:c', 3), true)")
    events = session.wait_recorded("*")
    assert ("w:c", 3) in [(e["type"], e["data"]) for e in events]


def test_order_python_to_js(session: Session) -> None:
    listen(session, "seq:n")
    for i in range(2000):
        session.emit("seq:n", i)
    session.wait_js("window.__got['seq:n'].length === 2000", timeout=60)
    assert [d for d, _ in got(session, "seq:n")] == list(range(2000))


def test_order_js_to_python(session: Session) -> None:
    session.record("seq:m")
    session.js("(() => { for (let i = 0; i < 2000; i++) pywry.emit('seq:m', i); return true })()")
    events = session.wait_recorded("seq:m", 2000, timeout=60)
    assert [e["data"] for e in events] == list(range(2000))


PAYLOADS: list[Any] = [
    "héllo wörld — 你好 — 🎉",
    {"nested": {"list": [1, 2.5, None, True, {"deep": ["x"]}]}, "empty": {}},
    [],
    0,
    "",
    "x" * 1_000_000,
    "\u2028\u2029 </script> \\ \" ' ${x} `t` \x00 \t",  # hostile to scripts and to JSON
    "lone \ud800, \udc80 and \udfff surrogates",  # UTF-16 units UTF-8 cannot hold (\udc80:
    # what os.fsdecode makes of a non-UTF-8 byte; Jupyter's packer passes it as a raw byte)
]


def test_payload_types_survive_both_ways(session: Session) -> None:
    listen(session, "p:echo")
    session.record("p:back")
    for payload in PAYLOADS:
        session.emit("p:echo", payload)
    session.wait_js(f"window.__got['p:echo'].length === {len(PAYLOADS)}", timeout=60)
    session.js("(window.__got['p:echo'].forEach(([d]) => pywry.emit('p:back', d)), true)")
    back = session.wait_recorded("p:back", len(PAYLOADS), timeout=60)
    assert [e["data"] for e in back] == PAYLOADS


def test_large_unicode_payload_crosses_both_ways(session: Session) -> None:
    """5 MB of mixed-width text (below every transport's 10 MiB message limit), both ways.

    Python makes and checks the payload itself, so only a verdict crosses the driver.
    """
    listen(session, "p:big")
    listen(session, "p:big-same")
    session.python(
        "big = {'text': 'a\u00e9\u20ac\U0001f389' * 500_000, 'n': list(range(1000))}\n"
        "handle.on('p:big-back', lambda d, t, l: handle.emit('p:big-same', d == big))\n"
        "handle.emit('p:big', big)\n"
    )
    session.wait_js("window.__got['p:big'].length === 1", timeout=60)
    # JS counts UTF-16 units: the emoji is two of them
    assert session.js("window.__got['p:big'][0][0].text.length") == 2_500_000
    session.js("(pywry.emit('p:big-back', window.__got['p:big'][0][0]), true)")
    session.wait_js("window.__got['p:big-same'].length === 1", timeout=60)
    assert got(session, "p:big-same") == [[True, "p:big-same"]]


def test_js_non_finite_numbers_arrive_as_none(session: Session) -> None:
    """JSON has no NaN or Infinity: from the page they arrive as None (Python refuses them)."""
    session.record("p:odd")
    session.js(
        "(pywry.emit('p:odd', {nan: NaN, inf: -Infinity, list: [NaN, undefined], gone: undefined,"
        " n: -0}), pywry.emit('p:odd', NaN), pywry.emit('p:odd', undefined), true)"
    )
    events = session.wait_recorded("p:odd", 3)
    assert [e["data"] for e in events] == [
        {"nan": None, "inf": None, "list": [None, None], "n": 0},
        None,
        None,
    ]


def test_builtin_set_content_and_style(session: Session) -> None:
    session.emit("pywry:set-content", {"id": "status", "text": "<done>"})
    session.emit("pywry:set-content", {"selector": "#title", "html": "<em>new</em>"})
    session.emit("pywry:set-style", {"id": "box", "styles": {"color": "rgb(255, 0, 0)"}})
    session.wait_js("root.querySelector('#box').style.color === 'rgb(255, 0, 0)'")
    assert session.js("root.querySelector('#status').textContent") == "<done>"
    assert session.js("root.querySelector('#title').innerHTML") == "<em>new</em>"


def test_builtin_inject_and_remove_css(session: Session) -> None:
    session.emit("pywry:inject-css", {"id": "conf-css", "css": "#box { margin-left: 37px; }"})
    session.wait_js("getComputedStyle(root.querySelector('#box')).marginLeft === '37px'")
    session.emit("pywry:remove-css", {"id": "conf-css"})
    session.wait_js("getComputedStyle(root.querySelector('#box')).marginLeft === '0px'")


def test_builtin_theme(session: Session) -> None:
    session.emit("pywry:update-theme", {"theme": "light"})
    session.wait_js("(root.documentElement || root).classList.contains('pywry-theme-light')")
    session.emit("pywry:update-theme", {"theme": "dark"})
    session.wait_js("(root.documentElement || root).classList.contains('pywry-theme-dark')")


def test_toast_appears(session: Session) -> None:
    session.emit("pywry:alert", {"message": "Saved!", "title": "Done", "type": "success"})
    text = session.wait_js(
        "Array.from(root.querySelectorAll('.pywry-toast')).map(t => t.textContent).join('|')"
    )
    assert "Saved!" in text and "Done" in text


def test_confirm_round_trip(session: Session) -> None:
    session.record("app:answer")
    session.emit(
        "pywry:alert", {"message": "Sure?", "type": "confirm", "callback_event": "app:answer"}
    )
    session.wait_js("root.querySelector('.pywry-toast [data-pywry-confirm=\"ok\"]')")
    session.js("(root.querySelector('.pywry-toast [data-pywry-confirm=\"ok\"]').click(), true)")
    (event,) = session.wait_recorded("app:answer")
    assert event["data"] == {"confirmed": True}


def test_seed_notification_mixin(session: Session) -> None:
    """The seed's component, verbatim, through ``handle``: a toast, then a confirm round trip."""
    session.record("app:confirmed")
    session.python(
        "from wry.state_mixins import EmittingWidget\n"
        "class NotificationMixin(EmittingWidget):\n"
        "    def notify(self, title, body, level='info'):\n"
        "        self.emit('pywry:alert', {'message': body, 'title': title, 'type': level})\n"
        "    def confirm(self, question, callback_event):\n"
        "        self.emit('pywry:alert', {'message': question, 'type': 'confirm',"
        " 'callback_event': callback_event})\n"
        "n = NotificationMixin(handle)\n"
        "n.notify('Build', 'finished', 'success')\n"
        "n.confirm('Deploy?', 'app:confirmed')\n"
    )
    session.wait_js("root.querySelector('.pywry-toast [data-pywry-confirm=\"cancel\"]')")
    assert "finished" in session.js(
        "Array.from(root.querySelectorAll('.pywry-toast')).map(t => t.textContent).join('|')"
    )
    session.js("(root.querySelector('.pywry-toast [data-pywry-confirm=\"cancel\"]').click(), true)")
    (event,) = session.wait_recorded("app:confirmed")
    assert event["data"] == {"confirmed": False}


def test_update_replaces_content_and_keeps_bridge(session: Session) -> None:
    session.js("(window.__old = 0, pywry.on('app:old', () => window.__old++), true)")
    session.record("pywry:ready")
    session.update("<p id='fresh'>fresh</p><script>window.__ran = (window.__ran || 0) + 1</script>")
    session.wait_recorded("pywry:ready")
    assert session.js("!!root.querySelector('#fresh') && root.querySelector('#status') === null")
    assert session.js("window.__ran") == 1
    session.emit("app:old", 1)  # handlers of the old content are gone ...
    listen(session, "app:probe")  # ... the bridge itself is not
    session.emit("app:probe", 2)
    session.wait_js("window.__got['app:probe'].length === 1")
    assert session.js("window.__old") == 0
    session.record("app:after")
    session.js("(pywry.emit('app:after', 1), true)")
    assert session.wait_recorded("app:after")[0]["data"] == 1


def test_ready_fires_after_update(session: Session) -> None:
    session.record("pywry:ready")
    session.update("<p id='again'>again</p>")
    session.wait_recorded("pywry:ready")
    assert session.js("!!root.querySelector('#again')")


def test_page_cannot_report_lifecycle_events(session: Session) -> None:
    # window:closed and window:hidden are the transport's to report: a page saying its window
    # closed would have Python forget a window that is open.
    session.record("window:closed")
    session.record("window:hidden")
    session.record("app:after")
    session.js(
        "(pywry.emit('window:closed', {label: 'forged'}), pywry.emit('window:hidden', {}),"
        " pywry.emit('app:after', 1), true)"
    )
    session.wait_recorded("app:after")  # in order: the two before it were dispatched or not
    assert session.recorded("window:closed") == []
    assert session.recorded("window:hidden") == []
    assert list(session.python("result = [handle.closed, handle.rejected]")) == [False, 2]


def test_raising_callback_is_isolated(session: Session) -> None:
    session.python(
        "def boom(data, event_type, label):\n"
        "    raise RuntimeError('boom')\n"
        "handle.on('app:boom', boom)\n"
    )
    session.record("app:boom")
    session.js("(pywry.emit('app:boom', 1), pywry.emit('app:boom', 2), true)")
    assert [e["data"] for e in session.wait_recorded("app:boom", 2)] == [1, 2]


def test_callback_calling_sys_exit_leaves_the_page_working(session: Session) -> None:
    """``sys.exit()`` in a callback is an error like any other: it ends no transport."""
    session.python("import sys\nhandle.on('app:quit', lambda d, t, l: sys.exit(0))\n")
    session.record("app:after")
    session.js("(pywry.emit('app:quit', 1), pywry.emit('app:after', 2), true)")
    assert [e["data"] for e in session.wait_recorded("app:after")] == [2]
    listen(session, "app:still")
    session.emit("app:still", 3)
    session.wait_js("window.__got['app:still'].length === 1")
    assert session.python("result = handle.closed") is False


def test_closed_widget_refuses_emits(session: Session) -> None:
    session.close()
    raised = session.python(
        "from wry import WidgetClosedError\n"
        "try:\n"
        "    handle.emit('app:x', 1)\n"
        "    result = False\n"
        "except WidgetClosedError:\n"
        "    result = True\n"
    )
    assert raised is True


def test_closed_widget_refuses_display(session: Session) -> None:
    """A closed widget has no page to show: ``display()`` says so instead of showing a husk."""
    session.close()
    raised = session.python(
        "from wry import WidgetClosedError\n"
        "try:\n"
        "    handle.display()\n"
        "    result = 'no error'\n"
        "except WidgetClosedError as exc:\n"
        "    result = str(exc)\n"
    )
    assert "is closed" in raised


def _collector(name: str, event_type: str) -> str:
    """A content script that collects ``event_type`` data in a per-page list called ``name``."""
    target = PER_PAGE.format(name=name)
    return f"<script>{target} = []; pywry.on({event_type!r}, d => {target}.push(d));</script>"


def test_events_emitted_before_the_page_is_up_reach_its_handlers(wry_driver: Driver) -> None:
    """``emit()`` right after ``show()``: the content's handlers and the built-ins get it all."""
    early: list[tuple[str, Any]] = [("app:early", i) for i in range(3)]
    early.append(("pywry:set-content", {"id": "spot", "text": "set early"}))
    s = wry_driver.show("<p id='spot'>-</p>" + _collector("__early_", "app:early"), early=early)
    try:
        s.wait_js(f"{PER_PAGE.format(name='__early_')}.length === 3")
        assert s.js(PER_PAGE.format(name="__early_")) == [0, 1, 2]
        assert s.js("root.querySelector('#spot').textContent") == "set early"
    finally:
        with contextlib.suppress(Exception):
            s.close()


def test_events_emitted_right_after_update_reach_the_new_content(session: Session) -> None:
    """``update()`` then ``emit()`` without waiting: the new content's handlers hear it."""
    new_content = "<p id='next'>next</p>" + _collector("__next_", "app:next")
    session.python(
        f"handle.update({new_content!r})\n"
        "handle.emit('app:next', 1)\n"
        "handle.emit('pywry:set-content', {'id': 'next', 'text': 'set'})\n"
        "handle.emit('app:next', 2)\n"
    )
    target = PER_PAGE.format(name="__next_")
    session.wait_js(f"({target} || []).length === 2")
    assert session.js(target) == [1, 2]
    assert session.js("root.querySelector('#next').textContent") == "set"


def test_callback_can_emit_back_to_its_page(session: Session) -> None:
    """A callback that answers with ``handle.emit`` reaches the page, in order."""
    listen(session, "app:pong")
    session.python(
        "def pong(data, event_type, label):\n"
        "    handle.emit('app:pong', {'got': data, 'label': label})\n"
        "handle.on('app:ping', pong)\n"
    )
    session.js("(pywry.emit('app:ping', 'é🎉'), pywry.emit('app:ping', 2), true)")
    session.wait_js("window.__got['app:pong'].length === 2")
    assert [d for d, _ in got(session, "app:pong")] == [
        {"got": "é🎉", "label": session.label},
        {"got": 2, "label": session.label},
    ]


def test_theme_given_to_show_survives_update(wry_driver: Driver) -> None:
    """``show(theme=)`` is the page's theme; a later theme change is kept by ``update()``."""
    s = wry_driver.show(PAGE, theme="light")
    theme_root = "(root.documentElement || root)"
    try:
        assert s.js(f"{theme_root}.classList.contains('pywry-theme-light')")
        assert not s.js(f"{theme_root}.classList.contains('pywry-theme-dark')")
        s.emit("pywry:update-theme", {"theme": "dark"})
        s.record("pywry:ready")
        s.update("<p id='after'>after</p>")
        s.wait_recorded("pywry:ready")
        assert s.js(f"{theme_root}.classList.contains('pywry-theme-dark')")
        assert not s.js(f"{theme_root}.classList.contains('pywry-theme-light')")
    finally:
        with contextlib.suppress(Exception):
            s.close()


def test_system_theme_given_to_show_resolves_in_the_page(wry_driver: Driver) -> None:
    """``show(theme="system")`` is the browser's colour scheme: one theme class, dark or light."""
    s = wry_driver.show(PAGE, theme="system")
    try:
        classes = s.js(
            "Array.from((root.documentElement || root).classList)"
            ".filter(c => c.startsWith('pywry-theme-'))"
        )
        scheme = s.js("matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'")
        assert classes == [f"pywry-theme-{scheme}"]
    finally:
        with contextlib.suppress(Exception):
            s.close()


def test_close_reports_window_closed_once(session: Session) -> None:
    """``close()`` (twice) tells ``window:closed`` listeners once; the app forgets the widget."""
    session.record("window:closed")
    state = session.python(
        "handle.close()\nhandle.close()\nresult = [handle.closed, handle in app.widgets()]\n"
    )
    assert state == [True, False]
    (event,) = session.wait_recorded("window:closed")
    assert event["data"]["label"] == session.label
    assert session.recorded("window:closed") == [event]


def test_eval_js_answers_and_a_throwing_script_raises_js_error(session: Session) -> None:
    """Where a transport has ``eval_js``: the value comes back; a throw is ``wry.JsError``."""
    outcome = session.python(
        "from wry import JsError\n"
        "if not hasattr(handle, 'eval_js'):\n"
        "    result = None\n"
        "else:\n"
        "    value = handle.eval_js('21 * 2')\n"
        "    try:\n"
        "        handle.eval_js(\"throw new Error('nope from the page')\")\n"
        "        result = [value, 'no error']\n"
        "    except JsError as exc:\n"
        "        result = [value, str(exc)]\n"
    )
    if outcome is None:
        pytest.skip("this transport's widgets have no eval_js")
    value, error = outcome
    assert value == 42
    assert "nope from the page" in error
