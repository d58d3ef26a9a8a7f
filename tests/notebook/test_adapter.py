"""The notebook adapter's JS in headless Chromium, under a minimal stand-in for anywidget's host.

The widget's real ES module (bridge bundle + adapter) is imported the way anywidget imports it
(a Blob URL) and driven through the anywidget front-end API (``initialize``, ``render``,
``model.get/set/on/send``). This pins down what the page does with batches: fan-out to every
view, exactly once, the buffer for a view that has not rendered, content versions.
"""

from __future__ import annotations

from typing import Any

import pytest

from wry import PyWrySettings
from wry.app import PyWry
from wry_notebook.widget import esm_source

pytestmark = pytest.mark.notebook

HOST = """
async (esm) => {
  const url = URL.createObjectURL(new Blob([esm], { type: 'text/javascript' }));
  const widget = (await import(url)).default;
  const manager = {};
  window.makeModel = (state) => {
    const listeners = {};
    const model = {
      sent: [],
      get: (k) => state[k],
      set: (k, v) => { state[k] = v; },
      // like ipywidgets: the callbacks hear the kernel's status for this update
      save_changes: (callbacks) => {
        model.sent.push({ state: { ...state } });
        model.inFlight = callbacks;
      },
      idle: () => {
        const status = model.inFlight && model.inFlight.iopub && model.inFlight.iopub.status;
        if (status) status({ content: { execution_state: 'idle' } });
      },
      on: (name, cb) => (listeners[name] = listeners[name] || []).push(cb),
      off: () => {},
      send: (m) => model.sent.push(m),
      widget_manager: manager,
      fire: (name, ...args) => (listeners[name] || []).forEach((cb) => cb(...args)),
      change: (k, v) => { state[k] = v; model.fire('change:' + k); },
      display: () => model.fire('msg:custom', { kind: 'display' }),
      batch: (seq, events) =>
        model.fire('msg:custom', { kind: 'batch', seq, events: JSON.stringify(events) }),
    };
    widget.initialize({ model });
    return model;
  };
  window.widget_render = (model, el) => widget.render({ model, el });
  window.renderView = (model) => {
    const el = document.createElement('div');
    document.body.appendChild(el);
    const cleanup = widget.render({ model, el });
    return { el, cleanup, root: el.querySelector('.wry-notebook') };
  };
  return true;
}
"""

STATE = """
(label, html) => ({
  label, theme: 'dark', height: 100, _channel: 'custom', _assets: [], _py_event: {}, _js_event: {},
  _content: { version: 1, payload: { html, css: [], scripts: [], title: null } },
})
"""


def install_host(page: Any) -> Any:
    page.evaluate(HOST, esm_source())
    page.evaluate(f"window.initialState = {STATE}")
    return page


@pytest.fixture
def host(page: Any) -> Any:
    page.set_content("<!doctype html><html><body></body></html>")
    return install_host(page)


@pytest.fixture
def tab_host(page: Any) -> Any:
    """The host at an http origin, where a tab's sessionStorage (a reload keeps it) works."""
    body = "<!doctype html><html><body></body></html>"
    page.route(
        "http://wry.test/**", lambda route: route.fulfill(body=body, content_type="text/html")
    )
    page.goto("http://wry.test/")
    return install_host(page)


COLLECT = """
<ol class="got"></ol>
<script>
pywry.on('app:n', (d) => {
  const li = document.createElement('li'); li.textContent = String(d);
  root.querySelector('.got').appendChild(li);
});
</script>
"""


def got(host: Any, view: str) -> list[str]:
    return list(
        host.evaluate(
            f"() => [...window.{view}.root.querySelectorAll('.got li')].map(li => li.textContent)"
        )
    )


def test_every_view_gets_each_batch_once_even_when_both_channels_carry_it(host: Any) -> None:
    host.evaluate(
        f"""() => {{
          window.m = makeModel(initialState('a', {COLLECT!r}));
          window.v1 = renderView(m);
          window.v2 = renderView(m);
        }}"""
    )
    host.wait_for_function("() => v1.root.querySelector('.got') && v2.root.querySelector('.got')")
    host.evaluate(
        """() => {
          m.batch(1, [{type: 'app:n', data: 1}, {type: 'app:n', data: 2}]);
          m.change('_py_event', {kind: 'batch', seq: 1, events: '[{"type":"app:n","data":1}]'});
          m.batch(2, [{type: 'app:n', data: 3}]);
          m.change('_py_event', {type: 'app:n', data: 'plain'});
        }"""
    )
    host.wait_for_function("() => v2.root.querySelectorAll('.got li').length === 4")
    assert got(host, "v1") == ["1", "2", "3", "plain"]
    assert got(host, "v2") == ["1", "2", "3", "plain"]


def test_batches_before_any_view_wait_for_the_first_view(host: Any) -> None:
    host.evaluate(
        f"""() => {{
          window.m = makeModel(initialState('b', {COLLECT!r}));
          m.batch(1, [{{type: 'app:n', data: 'early'}}]);
          window.v1 = renderView(m);
        }}"""
    )
    host.wait_for_function("() => v1.root.querySelectorAll('.got li').length === 1")
    assert got(host, "v1") == ["early"]
    views = host.evaluate("() => m.sent.filter(s => s.kind === 'view').length")
    assert views == 1


def test_views_that_render_before_the_stream_moves_on_all_get_the_early_batches(
    host: Any,
) -> None:
    """A cell displays the widget twice and streams before either view has rendered."""
    host.evaluate(
        f"""() => {{
          window.m = makeModel(initialState('two', {COLLECT!r}));
          m.display(); m.display();  // Python announces each display() before it
          m.batch(1, [{{type: 'app:n', data: 'early'}}]);
          window.v1 = renderView(m);
          window.v2 = renderView(m);
        }}"""
    )
    host.wait_for_function("() => v2.root.querySelectorAll('.got li').length === 1")
    host.evaluate("() => m.batch(2, [{type: 'app:n', data: 'next'}])")
    host.wait_for_function("() => v2.root.querySelectorAll('.got li').length === 2")
    assert got(host, "v1") == ["early", "next"]
    assert got(host, "v2") == ["early", "next"]
    host.evaluate("() => { window.v3 = renderView(m); }")  # renders after the stream moved on
    host.wait_for_function("() => v3.root.querySelector('.got')")
    host.evaluate("() => m.batch(3, [{type: 'app:n', data: 'last'}])")
    host.wait_for_function("() => v3.root.querySelectorAll('.got li').length === 1")
    assert got(host, "v3") == ["last"]  # no replay of what the others already had
    assert got(host, "v1") == ["early", "next", "last"]


def test_a_view_displayed_after_the_first_rendered_gets_no_old_batch(host: Any) -> None:
    """A cell emits before its view renders; a later cell displays the widget again."""
    host.evaluate(
        f"""() => {{
          window.m = makeModel(initialState('again', {COLLECT!r}));
          m.display();
          m.batch(1, [{{type: 'app:n', data: 'early'}}]);
          window.v1 = renderView(m);
        }}"""
    )
    host.wait_for_function("() => v1.root.querySelectorAll('.got li').length === 1")
    host.evaluate("() => { m.display(); window.v2 = renderView(m); }")
    host.wait_for_function("() => v2.root.querySelector('.got')")
    host.evaluate("() => m.batch(2, [{type: 'app:n', data: 'later'}])")
    host.wait_for_function("() => v2.root.querySelectorAll('.got li').length === 1")
    assert got(host, "v2") == ["later"]  # not 'early' again: it was sent before this display
    assert got(host, "v1") == ["early", "later"]


def test_the_first_view_after_all_had_gone_gets_what_waited(host: Any) -> None:
    """No display() announced it (a reopened notebook): what came meanwhile is still its."""
    host.evaluate(
        f"""() => {{
          window.m = makeModel(initialState('back', {COLLECT!r}));
          m.batch(1, [{{type: 'app:n', data: 'meanwhile'}}]);
          window.v1 = renderView(m);
        }}"""
    )
    host.wait_for_function("() => v1.root.querySelectorAll('.got li').length === 1")
    assert got(host, "v1") == ["meanwhile"]


def test_a_view_rendered_before_it_is_attached_gets_the_events_that_reached_it(
    host: Any,
) -> None:
    """JupyterLab renders a view, then attaches it: its scripts (handlers) run only then."""
    host.evaluate(
        f"""async () => {{
          window.m = makeModel(initialState('late', {COLLECT!r}));
          const el = document.createElement('div');  // not in the document yet
          window.detached = {{ el, cleanup: widget_render(m, el) }};
          m.batch(1, [{{type: 'app:n', data: 'early'}}]);
          await new Promise((r) => setTimeout(r, 50));  // the mount has long finished
          m.batch(2, [{{type: 'app:n', data: 'next'}}]);
          document.body.appendChild(el);
          detached.root = el.querySelector('.wry-notebook');
        }}"""
    )
    host.wait_for_function("() => detached.root.querySelectorAll('.got li').length >= 2")
    assert got(host, "detached") == ["early", "next"]
    ready = host.evaluate(
        "() => m.sent.filter(s => s.kind === 'events').flatMap(s => s.events)"
        ".filter(e => e.type === 'pywry:ready').length"
    )
    assert ready == 1  # reported once its content is live, not before


def test_a_view_disposed_before_it_was_attached_reports_nothing(host: Any) -> None:
    sent = host.evaluate(
        """async () => {
          window.m = makeModel(initialState('never', '<p>x</p>'));
          const cleanup = widget_render(m, document.createElement('div'));
          await new Promise((r) => setTimeout(r, 50));
          await cleanup();
          await new Promise((r) => setTimeout(r, 50));
          return m.sent.map(s => s.kind);
        }"""
    )
    assert sent == ["view", "gone"]


def test_a_view_announces_itself_reports_ready_and_says_goodbye(host: Any) -> None:
    sent = host.evaluate(
        """async () => {
          window.m = makeModel(initialState('c', '<p>hi</p>'));
          const v = renderView(m);
          for (let i = 0; i < 100 && !m.sent.some(s => s.kind === 'events'); i++)
            await new Promise(r => setTimeout(r, 10));
          v.cleanup();
          return m.sent;
        }"""
    )
    kinds = [s["kind"] for s in sent]
    assert kinds[0] == "view" and kinds[-1] == "gone"
    events = [e for s in sent if s["kind"] == "events" for e in s["events"]]
    assert {"type": "pywry:ready", "data": {"label": "c"}} in events
    assert sent[0]["view"] == sent[-1]["view"]


def test_an_update_the_view_already_shows_is_not_mounted_twice(host: Any) -> None:
    host.evaluate(
        """() => {
          const state = initialState('d', '<p id="one">one</p>');
          const html = '<p id="two">two</p>';
          state._content = {version: 2, payload: {html, css: [], scripts: []}};
          window.m = makeModel(state);
          window.v1 = renderView(m);
        }"""
    )
    host.wait_for_function("() => v1.root.querySelector('#two')")
    host.evaluate(
        """() => m.batch(1, [
          {type: 'pywry:update-content', data: {html: '<p id="stale">stale</p>', version: 2}},
          {type: 'pywry:update-content', data: {html: '<p id="three">three</p>', version: 3}},
        ])"""
    )
    host.wait_for_function("() => v1.root.querySelector('#three')")
    assert host.evaluate("() => v1.root.querySelector('#stale')") is None


def test_page_events_go_to_python_as_one_message_per_tick(host: Any) -> None:
    sent = host.evaluate(
        """async () => {
          window.m = makeModel(initialState('e', '<p>x</p>'));
          const v = renderView(m);
          await new Promise(r => setTimeout(r, 50));
          m.sent.length = 0;
          for (let i = 0; i < 1000; i++) v.root.pywry.emit('app:up', i);
          await new Promise(r => setTimeout(r, 0));
          return m.sent;
        }"""
    )
    assert len(sent) == 1
    assert [e["data"] for e in sent[0]["events"]] == list(range(1000))


def test_the_traitlet_channel_sends_through_js_event(host: Any) -> None:
    sent = host.evaluate(
        """async () => {
          const state = initialState('f', '<p>x</p>');
          state._channel = 'traitlets';
          window.m = makeModel(state);
          const v = renderView(m);
          await new Promise(r => setTimeout(r, 50));
          m.idle();  // the kernel has handled pywry:ready
          m.sent.length = 0;
          v.root.pywry.emit('app:t', 1);
          await new Promise(r => setTimeout(r, 0));
          return m.sent;
        }"""
    )
    (saved,) = sent
    assert saved["state"]["_js_event"]["events"] == [{"type": "app:t", "data": 1}]


def test_the_traitlet_channel_sends_one_update_at_a_time_and_loses_nothing(host: Any) -> None:
    """ipywidgets merges updates made while one is in flight, the last value winning."""
    sent = host.evaluate(
        """async () => {
          const state = initialState('t', '<p>x</p>');
          state._channel = 'traitlets';
          window.m = makeModel(state);
          const v = renderView(m);
          await new Promise(r => setTimeout(r, 50));
          m.idle();  // the kernel has handled pywry:ready
          m.sent.length = 0;
          for (let i = 0; i < 4; i++) {
            v.root.pywry.emit('app:t', i);
            await new Promise(r => setTimeout(r, 0));  // one batch per tick
          }
          const whileInFlight = m.sent.length;
          m.idle();
          const afterIdle = m.sent.length;
          m.idle();
          return {whileInFlight, afterIdle, sent: m.sent.map(s => s.state._js_event)};
        }"""
    )
    assert sent["whileInFlight"] == 1
    assert sent["afterIdle"] == 2  # what waited leaves together, in one update
    assert [[e["data"] for e in js["events"]] for js in sent["sent"]] == [[0], [1, 2, 3]]
    first = sent["sent"][0]["seq"]
    assert [js["seq"] for js in sent["sent"]] == [first, first + 1]


def test_big_batches_go_in_several_messages_and_a_too_big_event_is_refused(host: Any) -> None:
    sent = host.evaluate(
        """async () => {
          window.m = makeModel(initialState('g', '<p>x</p>'));
          const v = renderView(m);
          await new Promise(r => setTimeout(r, 50));
          m.sent.length = 0;
          const mb = 'x'.repeat(1024 * 1024);
          for (let i = 0; i < 5; i++) v.root.pywry.emit('app:mb', i + mb);
          v.root.pywry.emit('app:huge', 'y'.repeat(11 * 1024 * 1024));
          v.root.pywry.emit('app:after', 1);
          await new Promise(r => setTimeout(r, 0));
          return m.sent.map(s => s.kind === 'events'
            ? {kind: s.kind, events: s.events.map(e => [e.type, String(e.data)[0]])}
            : s);
        }"""
    )
    kinds = [s["kind"] for s in sent]
    assert kinds[0] == "refused" and sent[0]["type"] == "app:huge"
    events = [e for s in sent if s["kind"] == "events" for e in s["events"]]
    assert events == [["app:mb", str(i)] for i in range(5)] + [["app:after", "1"]]
    assert kinds.count("events") >= 3  # 5 MiB went in chunks of at most 2 MiB


def test_events_past_queue_limit_waiting_for_a_view_are_refused_and_reported(
    host: Any,
) -> None:
    """As Python refuses the event past queue_limit, the page keeps the first ones and says so."""
    host.on("console", lambda m: host.errors.append(m.text) if m.type == "error" else None)
    host.errors = []
    host.evaluate(
        f"""() => {{
          window.m = makeModel({{ ...initialState('full', {COLLECT!r}), _queue_limit: 5 }});
          m.batch(1, [0, 1, 2].map((n) => ({{type: 'app:n', data: n}})));
          m.batch(2, [3, 4, 5, 6].map((n) => ({{type: 'app:n', data: n}})));
          m.batch(3, [{{type: 'app:n', data: 7}}]);
          window.v1 = renderView(m);
        }}"""
    )
    host.wait_for_function("() => v1.root.querySelectorAll('.got li').length === 5")
    assert got(host, "v1") == ["0", "1", "2", "3", "4"]
    notices = host.evaluate("() => m.sent.filter(s => s.kind === 'dropped')")
    assert [n["count"] for n in notices] == [2, 1]
    assert "5 events wait (queue_limit); 2 more were dropped" in host.errors[0]


# -- Python's resend, played against the page ----------------------------------------------------


class Tabs:
    """One widget's Python side (a recording comm) and its models in several "tabs" of the page.

    Each tab is a model of its own label (a page shares state by label when there is no
    ``_uid``); ``pump`` hands Python's messages sent since the last pump to the tabs still open,
    as every tab on one kernel receives every comm message.
    """

    def __init__(self, host: Any, app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr("wry_notebook.handle.in_jupyter_kernel", lambda: True)
        monkeypatch.setattr("IPython.display.display", lambda obj: None)
        self.host = host
        self.handle = app.show("<p>x</p>")
        self.comm = self.handle.widget.comm
        self.pumped = 0

    def open(self, tab: str) -> None:
        state = f"initialState({tab!r}, {COLLECT!r})"
        self.host.evaluate(f"() => {{ window.{tab} = makeModel({state}); }}")

    def render(self, tab: str, view: str) -> None:
        self.host.evaluate(f"() => {{ window.{view} = renderView({tab}); }}")
        self.host.wait_for_function(f"() => {view}.root.querySelector('.got')")

    def emit(self, *numbers: int) -> None:
        for n in numbers:
            self.handle.emit("app:n", n)
            self.handle.flush()

    def pump(self, *tabs: str) -> None:
        messages = self.comm.custom()[self.pumped :]
        self.pumped += len(messages)
        self.host.evaluate(
            "([tabs, messages]) => tabs.forEach("
            "(t) => messages.forEach((m) => window[t].fire('msg:custom', m)))",
            [list(tabs), messages],
        )

    def tell_python(self, tab: str, kind: str, **extra: Any) -> None:
        """Hand Python the last ``kind`` message the tab sent, as the kernel reads it late."""
        sent = self.host.evaluate(f"() => {tab}.sent.filter((s) => s.kind === {kind!r}).pop()")
        self.comm.custom_from_front_end({**sent, **extra})

    def leaves(self, tab: str, seen: int) -> None:
        """The tab closed or reloaded having seen ``seen`` events: the notice its page sent."""
        view = self.host.evaluate(f"() => {tab}.sent.filter((s) => s.kind === 'view').pop().view")
        self.comm.custom_from_front_end({"kind": "gone", "view": view, "seen": seen})
        assert self.handle.views == 0

    def shows(self, view: str, count: int) -> list[str]:
        items = f"{view}.root.querySelectorAll('.got li')"
        self.host.wait_for_function(f"() => {items}.length >= {count}")
        return got(self.host, view)


def test_a_view_that_rendered_before_another_tabs_leave_notice_was_read_gets_nothing_twice(
    host: Any, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tab B shows the widget; a running cell displays it again in tab A, and tab B closes
    meanwhile. The kernel reads B's notice (seen 4) before the new view's announcement: Python
    sends 4.. again, which tab A received the first time and shows already."""
    tabs = Tabs(host, app, monkeypatch)
    tabs.open("tabA")
    tabs.open("tabB")
    tabs.render("tabB", "vb")
    tabs.tell_python("tabB", "view")
    tabs.emit(0, 1, 2, 3)
    tabs.pump("tabA", "tabB")  # tab B closes here, having seen 4
    tabs.handle.display()
    tabs.emit(4, 5, 6, 7)
    tabs.pump("tabA")
    tabs.render("tabA", "vc")
    assert tabs.shows("vc", 8) == [str(n) for n in range(8)]
    tabs.leaves("tabB", 4)
    tabs.tell_python("tabA", "view")
    tabs.emit(8)
    tabs.pump("tabA")
    assert tabs.shows("vc", 9) == [str(n) for n in range(9)]  # not 4..7 again


def test_events_sent_again_are_not_sent_again_to_a_page_that_showed_them(
    host: Any, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tab A reloads; its new view gets 2 and 3 again, then its output is cleared (the page
    stays). Tab C, which held everything for no view, closes: Python resends the resend, and a
    view that a later cell displays in tab A would show 2 and 3 a third time."""
    tabs = Tabs(host, app, monkeypatch)
    tabs.open("tabA")
    tabs.open("tabC")
    tabs.render("tabA", "va")
    tabs.tell_python("tabA", "view")
    tabs.emit(0, 1)
    tabs.pump("tabA", "tabC")
    tabs.emit(2, 3)
    tabs.pump("tabC")  # tab A reloaded before these arrived
    tabs.leaves("tabA", 2)
    tabs.open("tabA2")
    tabs.render("tabA2", "va2")
    tabs.tell_python("tabA2", "view")
    tabs.pump("tabA2", "tabC")
    assert tabs.shows("va2", 2) == ["2", "3"]
    host.evaluate("() => va2.cleanup()")  # Edit → Clear Output
    tabs.tell_python("tabA2", "gone")
    tabs.comm.custom_from_front_end({"kind": "gone", "view": "", "seen": 0})  # tab C closes
    tabs.handle.display()  # a later cell
    tabs.pump("tabA2")
    tabs.render("tabA2", "vd")
    tabs.tell_python("tabA2", "view")
    tabs.emit(4)
    tabs.pump("tabA2")
    assert tabs.shows("vd", 1) == ["4"]  # not 2 and 3 again


def test_events_a_page_had_no_room_for_and_python_sends_again_are_not_counted_lost(
    host: Any, comms: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """queue_limit=10. Tab A's output is cleared while a cell streams 2..21: the page keeps
    2..11 for a view and reports 12..21 dropped. The tab reloads: Python still has the last ten
    it sent (12..21) and sends them to the next view, so 2..11 are lost, not twenty events."""
    app = PyWry(PyWrySettings(queue_limit=10), transport="notebook")
    try:
        tabs = Tabs(host, app, monkeypatch)
        state = f"{{ ...initialState('tabA', {COLLECT!r}), _queue_limit: 10 }}"
        host.evaluate(f"() => {{ window.tabA = makeModel({state}); }}")
        tabs.render("tabA", "va")
        tabs.tell_python("tabA", "view")
        tabs.emit(0, 1)
        tabs.pump("tabA")
        assert tabs.shows("va", 2) == ["0", "1"]
        host.evaluate("() => va.cleanup()")  # Edit → Clear Output, while the cell runs on
        tabs.emit(*range(2, 22))
        tabs.pump("tabA")
        tabs.tell_python("tabA", "gone")  # the kernel reads the page's notices after the cell
        for notice in host.evaluate("() => tabA.sent.filter((s) => s.kind === 'dropped')"):
            tabs.comm.custom_from_front_end(notice)  # 12..21: no room
        host.evaluate("() => window.dispatchEvent(new PageTransitionEvent('pagehide'))")
        tabs.tell_python("tabA", "gone")  # the reload's notice for the model it held
        host.evaluate(f"() => {{ window.tabA2 = makeModel({state}); }}")
        tabs.render("tabA2", "va2")
        tabs.tell_python("tabA2", "view")
        tabs.pump("tabA2")
        assert tabs.shows("va2", 10) == [str(n) for n in range(12, 22)]
        assert tabs.handle.dropped_events == 10  # 2..11
    finally:
        app.destroy()


def test_a_page_never_shows_events_sent_again_after_later_ones_it_holds(
    host: Any, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tab C joins while tab A reloads: it holds 4 and 5, not 2 and 3, which only tab A's old
    page had. Python sends 2..5 again to A's reloaded view; tab C must not put 2 and 3 after
    the 4 and 5 it holds, so that a view it renders later shows events in the order emitted."""
    tabs = Tabs(host, app, monkeypatch)
    tabs.open("tabA")
    tabs.render("tabA", "va")
    tabs.tell_python("tabA", "view")
    tabs.emit(0, 1)
    tabs.pump("tabA")
    tabs.emit(2, 3)
    tabs.pump()  # tab A is reloading, tab C not open yet: these reach no page
    tabs.open("tabC")
    tabs.emit(4, 5)
    tabs.pump("tabC")
    tabs.leaves("tabA", 2)
    tabs.open("tabA2")
    tabs.render("tabA2", "va2")
    tabs.tell_python("tabA2", "view")
    tabs.pump("tabA2", "tabC")
    assert tabs.shows("va2", 4) == ["2", "3", "4", "5"]
    tabs.render("tabC", "vc")  # the view of tab C renders at last (a reopened notebook's)
    tabs.tell_python("tabC", "view")
    tabs.emit(6)
    tabs.pump("tabA2", "tabC")
    assert tabs.shows("va2", 5) == ["2", "3", "4", "5", "6"]
    assert tabs.shows("vc", 3) == ["4", "5", "6"]


def test_a_drop_that_several_pages_report_counts_once(
    host: Any, comms: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """queue_limit=10. Tab A shows the widget; tabs B and C hold the notebook with no view of
    it, and each keeps the first 10 events for a view of its own and has no room for 10..19. Both
    report the same ten events dropped: ``dropped_events`` counts them once."""
    app = PyWry(PyWrySettings(queue_limit=10), transport="notebook")
    try:
        tabs = Tabs(host, app, monkeypatch)
        for tab in ("tabA", "tabB", "tabC"):
            state = f"{{ ...initialState({tab!r}, {COLLECT!r}), _queue_limit: 10 }}"
            host.evaluate(f"() => {{ window.{tab} = makeModel({state}); }}")
        tabs.render("tabA", "va")
        tabs.tell_python("tabA", "view")
        tabs.emit(*range(20))
        tabs.pump("tabA", "tabB", "tabC")
        assert tabs.shows("va", 20) == [str(n) for n in range(20)]
        for tab in ("tabB", "tabC"):
            for notice in host.evaluate(f"() => {tab}.sent.filter((s) => s.kind === 'dropped')"):
                tabs.comm.custom_from_front_end(notice)
        assert tabs.handle.dropped_events == 10
    finally:
        app.destroy()


def test_a_reloaded_tab_gets_what_another_tab_showed_while_it_was_away_in_order(
    tab_host: Any, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tab A shows 0 and 1 and reloads; tab B shows the widget throughout, so Python sends
    nothing again. 2 and 3 leave while tab A is away, 4 once its page has the widget's model
    but not yet its view. The reloaded view asks for what came after 1 and shows 2, 3, 4, then
    5, once each; tab B, which receives the replay too, does not show it."""
    host = tab_host
    tabs = Tabs(host, app, monkeypatch)
    tabs.open("tabA")
    tabs.open("tabB")
    for tab, view in (("tabA", "va"), ("tabB", "vb")):
        tabs.render(tab, view)
        tabs.tell_python(tab, "view")
    tabs.emit(0, 1)
    tabs.pump("tabA", "tabB")
    assert tabs.shows("va", 2) == ["0", "1"]
    host.evaluate("() => window.dispatchEvent(new PageTransitionEvent('pagehide'))")
    tabs.tell_python("tabA", "gone")  # tab A reloads; tab B stays
    tabs.emit(2, 3)
    tabs.pump("tabB")
    state = f"initialState('tabA', {COLLECT!r})"  # the same widget's model, in the new page
    host.evaluate(f"() => {{ window.tabA2 = makeModel({state}); }}")
    tabs.emit(4)
    tabs.pump("tabA2", "tabB")
    tabs.render("tabA2", "va2")
    tabs.tell_python("tabA2", "view")
    assert host.evaluate("() => tabA2.sent.find((s) => s.kind === 'view').resume") == 2
    tabs.pump("tabA2", "tabB")
    assert tabs.shows("va2", 3) == ["2", "3", "4"]
    tabs.emit(5)
    tabs.pump("tabA2", "tabB")
    assert tabs.shows("va2", 4) == ["2", "3", "4", "5"]
    assert tabs.shows("vb", 6) == [str(n) for n in range(6)]
    assert tabs.handle.dropped_events == 0


def test_a_reloaded_view_whose_replay_never_comes_shows_what_came_after_a_while(
    tab_host: Any, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kernel never answers the reloaded view's request (busy for long): the batches that
    arrive meanwhile are not held for ever, but shown, in order, once the wait is over."""
    host = tab_host
    tabs = Tabs(host, app, monkeypatch)
    tabs.open("tabA")
    tabs.render("tabA", "va")
    tabs.tell_python("tabA", "view")
    tabs.emit(0)
    tabs.pump("tabA")
    assert tabs.shows("va", 1) == ["0"]
    host.evaluate("() => window.dispatchEvent(new PageTransitionEvent('pagehide'))")
    host.evaluate(f"() => {{ window.tabA2 = makeModel(initialState('tabA', {COLLECT!r})); }}")
    tabs.render("tabA2", "va2")  # its request for a replay never reaches Python
    tabs.emit(1, 2)
    tabs.pump("tabA2")
    host.wait_for_function("() => va2.root.querySelectorAll('.got li').length >= 2", timeout=10_000)
    assert got(host, "va2") == ["1", "2"]
    tabs.emit(3)
    tabs.pump("tabA2")
    assert tabs.shows("va2", 3) == ["1", "2", "3"]
