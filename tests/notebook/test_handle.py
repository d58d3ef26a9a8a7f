"""Python side of the notebook transport, with the front end played through recording comms.

No browser here: these tests drive the widget's comm messages and traitlets directly and check
what would reach the page (ordering, pre-render queueing, coalescing, exactly-once) and what
reaches Python callbacks.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from kernel_fakes import RecordingComm

from wry import HtmlContent, PyWrySettings
from wry.app import PyWry
from wry.models import PageAsset
from wry.plugins import get_plugin_manager, hookimpl
from wry.protocol import PayloadError
from wry.transport import choose_transport, installed_transports
from wry.widget import WidgetClosedError
from wry_notebook import NotebookWidget
from wry_notebook.lost import LostEvents
from wry_notebook.outbox import BUDGET, Outbox, QueueFullError, RateBudget
from wry_notebook.widget import route_to_main_shell

pytestmark = pytest.mark.notebook


def show(
    app: PyWry, html: str = "<p id='x'>hi</p>", **kw: Any
) -> tuple[NotebookWidget, RecordingComm]:
    handle = app.show(html, **kw)
    assert isinstance(handle, NotebookWidget)
    comm = handle.widget.comm
    assert isinstance(comm, RecordingComm)
    return handle, comm


def view_appears(comm: RecordingComm, view: str = "v1") -> None:
    comm.custom_from_front_end({"kind": "view", "view": view})


def view_leaves(comm: RecordingComm, view: str = "v1") -> None:
    comm.custom_from_front_end({"kind": "gone", "view": view})


# -- plugin and show -----------------------------------------------------------------------------


def test_the_notebook_transport_is_registered_through_its_entry_point() -> None:
    assert "notebook" in installed_transports()


def test_inside_a_kernel_the_automatic_choice_is_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("wry.transport.in_jupyter_kernel", lambda: True)
    choice = choose_transport()
    assert choice.transport.name == "notebook"
    assert "Jupyter kernel" in choice.reason


def test_show_returns_a_handle_whose_widget_carries_the_content(app: PyWry) -> None:
    handle, _ = show(app, "<b>hello</b>", theme="light", height=321)
    state = handle.widget
    assert state.label == handle.label
    assert state.theme == "light"
    assert state.height == 321
    assert state._content["version"] == 1
    assert state._content["payload"]["html"] == "<b>hello</b>"
    assert "__wry" in state._esm and "export default" in state._esm
    bundle, _metadata = handle._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == state.model_id


def test_the_kernel_hands_the_pages_messages_to_its_main_shell(
    monkeypatch: pytest.MonkeyPatch, comms: list[RecordingComm]
) -> None:  # comms: the widget's comm records what it sends
    """ipykernel 7 asks the comm which subshell gets a message from the page: the one it last
    sent under, which may be gone since. The widget's comm answers the main shell, and still
    lets the kernel do its own bookkeeping (it forgets the replies it awaited)."""
    asked: list[Any] = []

    def kernels_route(comm: RecordingComm, data: Any, addressed: str | None) -> str:
        asked.append((data, addressed))
        return "a subshell deleted since"

    monkeypatch.setattr(RecordingComm, "_reply_subshell_for", kernels_route, raising=False)
    application = PyWry(transport="notebook")
    try:
        _, comm = show(application)
        assert comm._reply_subshell_for({"method": "custom"}, "the page's subshell") is None
        assert asked == [({"method": "custom"}, "the page's subshell")]
        route_to_main_shell(comm)  # routed once only
        assert comm._reply_subshell_for({}, None) is None
        assert len(asked) == 2
    finally:
        application.destroy()


def test_unknown_show_options_are_refused_before_anything_opens(
    app: PyWry, comms: list[RecordingComm]
) -> None:
    heard: list[Any] = []
    app.on("window:closed", lambda d, t, lbl: heard.append(d))
    with pytest.raises(TypeError, match="colour"):
        app.show("<p>x</p>", colour="red")
    with pytest.raises(ValueError, match="channel"):
        app.show("<p>x</p>", channel="pigeon")
    assert heard == []  # no window:closed for a widget show() never returned
    assert comms == [] and app.widgets() == []


def test_plugin_page_assets_reach_the_widget(app: PyWry) -> None:
    class Assets:
        @hookimpl
        def wry_page_assets(self) -> list[PageAsset]:
            return [PageAsset("css", ".a{}", "a"), PageAsset("js", "pywry.x=1", "b")]

    plugin = Assets()
    get_plugin_manager().register(plugin)
    try:
        handle, _ = show(app)
    finally:
        get_plugin_manager().unregister(plugin)
    assert handle.widget._assets == [
        {"kind": "css", "text": ".a{}", "name": "a"},
        {"kind": "js", "text": "pywry.x=1", "name": "b"},
    ]


# -- Python → JS ---------------------------------------------------------------------------------


def test_events_emitted_before_a_view_renders_wait_and_then_arrive_once_in_order(
    app: PyWry,
) -> None:
    handle, comm = show(app)
    for i in range(5):
        handle.emit("app:tick", {"i": i})
    assert comm.batches() == []
    assert handle.pending == 5
    view_appears(comm)
    assert [e["data"]["i"] for e in comm.events()] == [0, 1, 2, 3, 4]
    assert [b["seq"] for b in comm.batches()] == [1]
    view_appears(comm, "v2")  # a second view does not replay anything
    assert len(comm.events()) == 5


def test_an_isolated_event_leaves_at_once(app: PyWry) -> None:
    handle, comm = show(app)
    view_appears(comm)
    handle.emit("app:one", 1)
    assert comm.events() == [{"type": "app:one", "data": 1}]


def test_a_burst_is_coalesced_into_few_messages_in_order(app: PyWry) -> None:
    handle, comm = show(app)
    view_appears(comm)
    n = 5000
    for i in range(n):
        handle.emit("app:n", i)
    assert comm.wait_for(lambda: len(comm.events()) == n)
    assert [e["data"] for e in comm.events()] == list(range(n))
    seqs = [b["seq"] for b in comm.batches()]
    assert seqs == list(range(1, len(seqs) + 1))
    # one message per 10 ms at most: far below Jupyter's 1000 msg/s iopub limit
    assert len(seqs) < 50


def test_emits_from_many_threads_keep_each_threads_order(app: PyWry) -> None:
    import threading

    handle, comm = show(app)
    view_appears(comm)

    def produce(t: int) -> None:
        for i in range(500):
            handle.emit("app:t", [t, i])

    threads = [threading.Thread(target=produce, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert comm.wait_for(lambda: len(comm.events()) == 2000)
    for t in range(4):
        assert [d[1] for d in (e["data"] for e in comm.events()) if d[0] == t] == list(range(500))


def test_all_widgets_share_one_message_budget() -> None:
    import threading

    budget = RateBudget(rate=20, burst=5)
    sent: list[int] = []
    lock = threading.Lock()
    done = threading.Condition(lock)

    def deliver(seq: int, first: int, batch: str, again: object = None) -> None:
        with done:
            sent.append(seq)
            done.notify_all()

    outboxes = [Outbox(deliver, budget=budget, name=f"w{i}") for i in range(20)]
    for box in outboxes:
        box.set_ready(True)
        box.put('{"type":"app:x","data":1}')
    with lock:
        at_once = len(sent)
    assert 5 <= at_once <= 7  # the burst allowance; the rest wait for the budget
    with done:
        assert done.wait_for(lambda: len(sent) == 20, timeout=10)
    for box in outboxes:
        box.close()


def test_many_widgets_share_one_flusher_thread_and_keep_their_order(app: PyWry) -> None:
    """Bursts of 10 widgets leave in order, and no widget starts a thread of its own."""
    import threading

    before = set(threading.enumerate())
    shown = [show(app) for _ in range(10)]
    for _, comm in shown:
        view_appears(comm)
    for i in range(20):
        for handle, _ in shown:
            handle.emit("app:n", i)
    for _, comm in shown:
        assert comm.wait_for(lambda c=comm: len(c.events()) == 20)  # type: ignore[misc]
        assert [e["data"] for e in comm.events()] == list(range(20))
        assert len(comm.batches()) < 20  # the bursts were coalesced
    started = [t.name for t in set(threading.enumerate()) - before]
    assert len(started) <= 1, started  # the flusher, unless an earlier test started it
    pause, deadline = threading.Event(), time.monotonic() + 5
    while BUDGET.delay() > 0 and time.monotonic() < deadline:  # leave later tests a full budget
        pause.wait(0.01)


def test_large_bursts_are_split_into_bounded_batches(app: PyWry) -> None:
    handle, comm = show(app)
    handle._outbox.max_batch_chars = 10_000
    for i in range(100):
        handle.emit("app:big", "x" * 1000 + str(i))
    view_appears(comm)
    batches = comm.batches()
    assert len(batches) >= 10
    assert all(len(b["events"]) <= 12_000 for b in batches)
    assert [e["data"][1000:] for e in comm.events()] == [str(i) for i in range(100)]


def test_when_every_view_has_gone_events_wait_for_the_next_view(app: PyWry) -> None:
    handle, comm = show(app)
    view_appears(comm, "a")
    view_appears(comm, "b")
    view_leaves(comm, "a")
    handle.emit("app:still", 1)  # b is still live
    view_leaves(comm, "b")
    handle.emit("app:later", 2)
    assert [e["type"] for e in comm.events()] == ["app:still"]
    view_appears(comm, "c")
    assert [e["type"] for e in comm.events()] == ["app:still", "app:later"]


def test_events_sent_after_the_last_view_left_unnoticed_are_sent_to_the_next_view(
    app: PyWry,
) -> None:
    """The leave notice says how many events reached the page; the rest go to the next view."""
    handle, comm = show(app)
    view_appears(comm, "a")
    for i in range(4):
        handle.emit("app:n", i)
        handle.flush()
    assert [b["first"] for b in comm.batches()] == [0, 1, 2, 3]
    comm.custom_from_front_end({"kind": "gone", "view": "a", "seen": 2})  # 2 and 3 reached no page
    handle.emit("app:n", 4)
    view_appears(comm, "b")
    assert [e["data"] for e in comm.events()] == [0, 1, 2, 3, 2, 3, 4]
    assert handle.dropped_events == 0


def test_batches_say_which_of_their_events_are_sent_again() -> None:
    """A page that received them the first time skips them (see test_adapter.py)."""
    batches: list[tuple[int, list[Any], object]] = []
    box = Outbox(
        lambda seq, first, batch, again=None: batches.append((first, json.loads(batch), again)),
        max_batch_chars=30,
        queue_limit=4,
        name="again",
    )
    box.set_ready(True)
    for i in range(4):
        box.put(json.dumps({"type": "app:n", "data": i}))  # 26 characters: one per batch
        box.flush()
    box.set_ready(False)
    box.requeue_unseen(1)  # 1, 2 and 3 wait
    box.put(json.dumps({"type": "app:n", "data": 4}))
    box.put(json.dumps({"type": "app:n", "data": 5}))  # the queue is full: 1 makes room
    box.set_ready(True)
    assert [(first, again) for first, _, again in batches[4:]] == [
        (4, (2, 1)),
        (5, (3, 1)),
        (6, None),
        (7, None),
    ]
    assert [events[0]["data"] for _, events, _ in batches[4:]] == [2, 3, 4, 5]
    box.close()


def sent_one_batch_each(handle: NotebookWidget, comm: RecordingComm, count: int) -> None:
    """A view ``a`` appears, then events 0..count-1 leave, one batch each."""
    view_appears(comm, "a")
    for i in range(count):
        handle.emit("app:n", i)
        handle.flush()


def test_two_pages_leaving_resend_only_what_reached_no_view_of_either(app: PyWry) -> None:
    """Two tabs on one notebook leave during a running cell: the kernel reads both notices
    after it. The events the first tab showed are not sent again because the second tab,
    which held them for no view (its output cleared), reported fewer."""
    handle, comm = show(app)
    sent_one_batch_each(handle, comm, 6)
    comm.custom_from_front_end({"kind": "gone", "view": "a", "seen": 4})  # tab A showed 0..3
    comm.custom_from_front_end({"kind": "gone", "view": "", "seen": 1})  # tab B held 1.. for none
    view_appears(comm, "c")
    assert [e["data"] for e in comm.events()][6:] == [4, 5]  # each event once
    assert handle.dropped_events == 0


def test_a_second_leave_notice_after_the_resend_neither_resends_nor_counts_losses(
    app: PyWry, caplog: pytest.LogCaptureFixture
) -> None:
    handle, comm = show(app)
    sent_one_batch_each(handle, comm, 3)
    with caplog.at_level(logging.WARNING, logger="wry.notebook"):
        comm.custom_from_front_end({"kind": "gone", "view": "a", "seen": 2})
        comm.custom_from_front_end({"kind": "gone", "view": "", "seen": 2})  # another tab's
    view_appears(comm, "b")
    assert [e["data"] for e in comm.events()][3:] == [2]
    assert handle.dropped_events == 0
    assert "lost" not in caplog.text


@pytest.fixture
def limited(
    comms: list[RecordingComm],
) -> Iterator[Callable[[int], tuple[NotebookWidget, RecordingComm]]]:
    """``limited(queue_limit)``: a widget of an app with that ``queue_limit``, and its comm."""
    apps: list[PyWry] = []

    def make(queue_limit: int) -> tuple[NotebookWidget, RecordingComm]:
        apps.append(PyWry(PyWrySettings(queue_limit=queue_limit), transport="notebook"))
        handle = apps[-1].show("<p>x</p>")
        assert isinstance(handle, NotebookWidget)
        return handle, comms[-1]

    yield make
    for app in apps:
        app.destroy()


def test_events_past_queue_limit_that_reached_no_page_are_logged_and_counted(
    limited: Callable[[int], tuple[NotebookWidget, RecordingComm]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    handle, comm = limited(10)
    view_appears(comm, "a")
    for i in range(25):
        handle.emit("app:n", i)
        handle.flush()
    with caplog.at_level(logging.WARNING, logger="wry.notebook"):
        comm.custom_from_front_end({"kind": "gone", "view": "a", "seen": 5})
    assert handle.dropped_events == 10  # 5..14: only the last 10 were kept
    assert "10 events sent after its last view left are lost" in caplog.text
    view_appears(comm, "b")
    assert [e["data"] for e in comm.events()][25:] == list(range(15, 25))


def test_events_sent_again_never_make_an_emit_raise_queue_full(
    limited: Callable[[int], tuple[NotebookWidget, RecordingComm]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A thread streams on after the tab reloaded: queue_limit bounds its own emits, and the
    oldest of the events to be sent again make room for them (logged once, counted)."""
    handle, comm = limited(10)
    sent_one_batch_each(handle, comm, 10)
    with caplog.at_level(logging.WARNING, logger="wry.notebook"):
        comm.custom_from_front_end({"kind": "gone", "view": "a", "seen": 0})  # all 10 unseen
        for i in range(10, 13):
            handle.emit("app:n", i)  # raised QueueFullError with 10 resent events waiting
        assert handle.dropped_events == 3
        for i in range(13, 20):
            handle.emit("app:n", i)
    assert handle.dropped_events == 10
    assert caplog.text.count("are lost to make room") == 1
    with pytest.raises(QueueFullError, match="display the widget"):
        handle.emit("app:n", 20)  # the user's own emits still stop at queue_limit
    view_appears(comm, "b")
    assert [e["data"] for e in comm.events()][10:] == list(range(10, 20))


def test_a_full_queue_of_the_users_own_emits_raises_while_events_wait_to_be_sent_again(
    limited: Callable[[int], tuple[NotebookWidget, RecordingComm]],
) -> None:
    """The user's emits already fill the queue when a leave notice puts events to be sent again
    before them: the next emit raises, as it did before the notice, instead of pushing out an
    event the next view should get so that the user's queue grows past queue_limit."""
    handle, comm = limited(10)
    sent_one_batch_each(handle, comm, 4)  # events 0..3
    view_leaves(comm, "a")  # output cleared: the page lives on, events wait in Python
    for i in range(4, 14):
        handle.emit("app:n", i)  # the user's own 10: the queue is full
    comm.custom_from_front_end({"kind": "gone", "view": "", "seen": 2})  # the tab reloads
    with pytest.raises(QueueFullError, match="display the widget"):
        handle.emit("app:n", 14)
    assert handle.dropped_events == 0
    view_appears(comm, "b")
    assert [e["data"] for e in comm.events()][4:] == [2, 3, *range(4, 14)]


def test_events_the_page_had_no_room_for_are_logged_and_counted(
    limited: Callable[[int], tuple[NotebookWidget, RecordingComm]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    handle, comm = limited(50)
    assert handle.widget._queue_limit == 50  # the page keeps as many as Python would
    with caplog.at_level(logging.WARNING, logger="wry.notebook"):
        why = "no view is showing this widget"
        comm.custom_from_front_end({"kind": "dropped", "count": 30, "why": why})
        comm.custom_from_front_end({"kind": "dropped", "count": "many"})
    assert handle.dropped_events == 30
    assert handle.rejected == 1  # the malformed notice
    assert "the page dropped 30 events (no view is showing this widget" in caplog.text


def test_an_event_lost_both_in_the_page_and_in_python_counts_once(
    limited: Callable[[int], tuple[NotebookWidget, RecordingComm]],
) -> None:
    """queue_limit=10. The view's output is cleared while a cell sends 2..21 in batches of 8,
    8 and 4: the page keeps 2..11 for a next view and reports 12..21 dropped; Python keeps
    only its last whole batches of at most 10 events, 18..21. The tab reloads: 18..21 go to
    the next view, and the events lost are 2..17, sixteen, counted once each."""
    handle, comm = limited(10)
    sent_one_batch_each(handle, comm, 2)  # events 0 and 1
    for first, count in ((2, 8), (10, 8), (18, 4)):
        for i in range(first, first + count):
            handle.emit("app:n", i)
        handle.flush()
    view_leaves(comm, "a")  # the kernel reads the page's notices after the cell
    why = "no view is showing this widget"
    comm.custom_from_front_end({"kind": "dropped", "count": 10, "why": why, "from": 12, "to": 22})
    comm.custom_from_front_end({"kind": "gone", "view": "", "seen": 2})
    assert handle.dropped_events == 16
    view_appears(comm, "b")
    assert [e["data"] for e in comm.events()][22:] == [18, 19, 20, 21]


def test_the_traitlet_channel_carries_the_same_batches(app: PyWry) -> None:
    handle, comm = show(app, channel="traitlets")
    handle.emit("app:a", 1)
    view_appears(comm)
    handle.emit("app:b", 2)
    assert comm.wait_for(lambda: len(comm.events("traitlets")) == 2)
    assert comm.batches() == []  # nothing as custom messages
    assert [e["type"] for e in comm.events("traitlets")] == ["app:a", "app:b"]
    assert [b["seq"] for b in comm.batches("traitlets")] == [1, 2]


def test_update_replaces_the_content_state_and_streams_a_versioned_update(app: PyWry) -> None:
    handle, comm = show(app, "<p>one</p>")
    view_appears(comm)
    handle.emit("app:before", None)
    handle.update("<p>two</p>")
    handle.emit("app:after", None)
    assert handle.widget._content["version"] == 2
    assert handle.widget._content["payload"]["html"] == "<p>two</p>"
    assert comm.wait_for(lambda: len(comm.events()) == 3)
    types = [e["type"] for e in comm.events()]
    assert types == ["app:before", "pywry:update-content", "app:after"]
    update = comm.events()[1]["data"]
    assert update["html"] == "<p>two</p>" and update["version"] == 2
    assert comm.state_updates("_content")[-1]["version"] == 2


def test_a_theme_change_is_also_the_theme_of_views_that_render_later(app: PyWry) -> None:
    handle, comm = show(app, theme="dark")
    handle.update_theme("light")
    assert handle.widget.theme == "light"
    assert comm.state_updates("theme") == ["light"]
    view_appears(comm)
    assert comm.events() == [{"type": "pywry:update-theme", "data": {"theme": "light"}}]


def test_unserialisable_payloads_raise_at_emit(app: PyWry) -> None:
    handle, comm = show(app)
    view_appears(comm)
    with pytest.raises(PayloadError, match="app:bad"):
        handle.emit("app:bad", {1, 2})
    with pytest.raises(PayloadError):
        handle.emit("app:nan", float("nan"))
    assert comm.events() == []


def test_too_many_events_waiting_for_a_view_raise_a_clear_error(comms: list[RecordingComm]) -> None:
    app = PyWry(PyWrySettings(queue_limit=10), transport="notebook")
    try:
        handle = app.show("<p>x</p>")
        for i in range(10):
            handle.emit("app:q", i)
        with pytest.raises(QueueFullError, match="display the widget"):
            handle.emit("app:q", 10)
    finally:
        app.destroy()


def test_closing_closes_the_comm_and_later_emits_raise(app: PyWry) -> None:
    closed: list[Any] = []
    handle, comm = show(app)
    handle.on("window:closed", lambda data, t, label: closed.append(data))
    handle.close()
    assert comm._closed
    assert closed == [{"label": handle.label, "reason": "closed"}]
    with pytest.raises(WidgetClosedError):
        handle.emit("app:x", 1)
    assert app.widget(handle.label) is None


# -- JS → Python ----------------------------------------------------------------------------------


def test_page_events_reach_callbacks_in_order_with_the_label(app: PyWry) -> None:
    got: list[tuple[Any, str, str]] = []
    handle, comm = show(app, callbacks={"app:click": lambda d, t, lbl: got.append((d, t, lbl))})
    handle.on("*", lambda d, t, lbl: got.append(("any", t, lbl)))
    comm.custom_from_front_end(
        {"kind": "events", "events": [{"type": "app:click", "data": i} for i in range(3)]}
    )
    label = handle.label
    assert got == [
        (0, "app:click", label),
        ("any", "app:click", label),
        (1, "app:click", label),
        ("any", "app:click", label),
        (2, "app:click", label),
        ("any", "app:click", label),
    ]


def test_pywry_ready_reaches_python(app: PyWry) -> None:
    ready: list[Any] = []
    handle, comm = show(app)
    handle.on("pywry:ready", lambda d, t, lbl: ready.append(d))
    comm.custom_from_front_end(
        {"kind": "events", "events": [{"type": "pywry:ready", "data": {"label": handle.label}}]}
    )
    assert ready == [{"label": handle.label}]


def test_the_js_event_traitlet_still_works(app: PyWry) -> None:
    got: list[Any] = []
    handle, comm = show(app)
    handle.on("app:seed", lambda d, t, lbl: got.append(d))
    comm.state_from_front_end({"_js_event": {"type": "app:seed", "data": {"n": 1}}})
    comm.state_from_front_end(
        {"_js_event": {"seq": 1, "events": [{"type": "app:seed", "data": 2}]}}
    )
    assert got == [{"n": 1}, 2]
    assert comm.state_updates("_js_event") == []  # no echo back to the page


def test_the_py_event_traitlet_fires_each_time_it_is_set(app: PyWry) -> None:
    """The seed's way to send from Python: the same event twice must reach the page twice."""
    handle, comm = show(app)
    for _ in range(2):
        handle.widget._py_event = {"type": "app:tick", "data": None}
    sent = comm.state_updates("_py_event")
    assert [(e["type"], e["data"]) for e in sent] == [("app:tick", None), ("app:tick", None)]


def test_malformed_page_messages_are_logged_counted_and_skipped(
    app: PyWry, caplog: pytest.LogCaptureFixture
) -> None:
    got: list[Any] = []
    handle, comm = show(app)
    handle.on("*", lambda d, t, lbl: got.append(t))
    with caplog.at_level(logging.WARNING, logger="wry.notebook"):
        comm.custom_from_front_end(
            {
                "kind": "events",
                "events": [{"type": "bad name!"}, "text", {"data": 1}, {"type": "app:ok"}],
            }
        )
        comm.custom_from_front_end(["not", "a", "dict"])
    assert got == ["app:ok"]
    assert handle.rejected == 4
    assert caplog.text.count("rejected a message from the page") == 4


def test_a_callback_can_reply_within_the_same_message(app: PyWry) -> None:
    handle, comm = show(app)
    view_appears(comm)
    handle.on("app:ping", lambda d, t, lbl: handle.emit("app:pong", d))
    comm.custom_from_front_end({"kind": "events", "events": [{"type": "app:ping", "data": 7}]})
    assert comm.events() == [{"type": "app:pong", "data": 7}]


# -- display -------------------------------------------------------------------------------------


class FakeShell:
    """What the handle reads of ipykernel's shell: the request it handles and the cell count."""

    def __init__(self) -> None:
        self.parent_header: dict[str, Any] = {}
        self.execution_count = 1

    def handle(self, msg_id: str, msg_type: str = "execute_request") -> None:
        self.parent_header = {"header": {"msg_id": msg_id, "msg_type": msg_type}}


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch) -> FakeShell:
    fake = FakeShell()
    monkeypatch.setattr("IPython.get_ipython", lambda: fake)
    return fake


@pytest.fixture
def displayed(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    shown: list[Any] = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    return shown


def test_a_cell_ending_with_the_handle_does_not_display_it_twice(
    app: PyWry, shell: FakeShell, displayed: list[Any]
) -> None:
    shell.handle("cell-7")
    handle, _ = show(app, display=True)  # what show() does inside a kernel
    handle._ipython_display_()  # the same cell ends with the handle
    assert displayed == [handle.widget]
    shell.handle("cell-8")  # a later cell shows it again: a second view
    handle._ipython_display_()
    assert displayed == [handle.widget, handle.widget]


@pytest.mark.parametrize("outside", ["a comm message", "a thread after the cell"])
def test_a_display_made_between_cells_does_not_hide_the_next_cells(
    app: PyWry, shell: FakeShell, displayed: list[Any], outside: str
) -> None:
    shell.handle("cell-5")
    shell.execution_count = 6  # cell 5 has finished: IPython already counts the next one
    if outside == "a comm message":  # a button's callback shows the widget
        shell.handle("comm-1", "comm_msg")
    handle, _ = show(app, display=True)
    shell.handle("cell-6")  # the user's next cell ends with the handle
    handle._ipython_display_()
    assert displayed == [handle.widget, handle.widget]


def test_in_a_kernel_events_leave_once_displayed_without_waiting_for_the_view(
    app: PyWry, shell: FakeShell, displayed: list[Any]
) -> None:
    """The view's announcement waits behind the running cell; the cell's events must not."""
    shell.kernel = object()  # type: ignore[attr-defined]  # ipykernel's shell has these two
    shell.events = SimpleNamespace(trigger=lambda *args: None)  # type: ignore[attr-defined]
    shell.handle("cell-3")
    handle, comm = show(app, display=True)
    handle.emit("app:progress", 1)
    handle.emit("app:progress", 2)
    handle.flush()
    assert [e["data"] for e in comm.events()] == [1, 2]
    view_appears(comm)
    view_leaves(comm)  # the tab closed: the page says so, and events wait again
    handle.emit("app:progress", 3)
    assert handle.pending == 1
    view_appears(comm, "v2")
    assert [e["data"] for e in comm.events()] == [1, 2, 3]


@pytest.mark.parametrize("channel", ["custom", "traitlets"])
def test_in_a_kernel_each_display_is_announced_to_the_page_before_it(
    app: PyWry, shell: FakeShell, monkeypatch: pytest.MonkeyPatch, channel: str
) -> None:
    """The page keeps early batches for the views announced so, not for later ones."""
    shell.kernel = object()  # type: ignore[attr-defined]
    handle, comm = show(app, display=False, channel=channel)
    announced_at_display: list[int] = []  # announcements sent when each display happened
    monkeypatch.setattr(
        "IPython.display.display", lambda obj: announced_at_display.append(len(comm.custom()))
    )
    handle.display()
    handle.display()
    assert announced_at_display == [1, 2]
    assert comm.custom() == [{"kind": "display"}, {"kind": "display"}]


def test_a_closed_widget_is_not_displayed_again(
    app: PyWry, shell: FakeShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A closed widget has no model: its output would be the anywidget's repr."""
    shown: list[Any] = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    handle, _ = show(app, display=False)
    handle.close()
    with pytest.raises(WidgetClosedError, match="is closed"):
        handle.display()
    shell.handle("cell-9")
    handle._ipython_display_()  # a cell ending with the closed handle says what it is
    assert shown == [{"text/plain": repr(handle)}]
    assert "closed" in repr(handle)
    assert handle._repr_mimebundle_() == {"text/plain": repr(handle)}


def test_outside_a_kernel_show_does_not_display(
    app: PyWry, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    shown: list[Any] = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    with caplog.at_level(logging.WARNING, logger="wry.notebook"):
        show(app)
        # a script run with WRY_TRANSPORT=notebook left set: say why nothing shows
        assert "not one: nothing shows it" in caplog.text
        assert "WRY_TRANSPORT" in caplog.text
        caplog.clear()
        show(app, display=False)  # asked for: nothing to say
        assert caplog.text == ""
    assert shown == []


def test_events_keep_json_types(app: PyWry) -> None:
    handle, comm = show(app)
    view_appears(comm)
    payload = {"s": "é ✓ </script>", "n": 1.5, "l": [1, None, True], "d": {"k": "v"}}
    handle.emit("app:types", payload)
    assert comm.events()[0]["data"] == json.loads(json.dumps(payload))


def test_an_event_too_big_for_jupyter_is_reported_by_the_page_and_counted(
    app: PyWry, caplog: pytest.LogCaptureFixture
) -> None:
    handle, comm = show(app)
    with caplog.at_level(logging.WARNING, logger="wry.notebook"):
        comm.custom_from_front_end(
            {"kind": "refused", "view": "v1", "type": "app:huge", "chars": 12_000_000}
        )
    assert handle.rejected == 1
    assert "'app:huge' (12000000 characters)" in caplog.text


# -- hot reload ----------------------------------------------------------------------------------


@pytest.fixture
def hot_app(comms: list[RecordingComm]) -> Iterator[PyWry]:
    application = PyWry(settings=PyWrySettings(transport="notebook", hot_reload=True))
    try:
        yield application
    finally:
        application.destroy()


def save_until_sent(comm: RecordingComm, path: Path, text: str, event: str) -> None:
    """Save ``path`` until the watcher sends ``event`` carrying the save (it may be starting)."""
    for _ in range(40):
        path.write_text(text)
        if comm.wait_for(lambda: any(event in b["events"] for b in comm.batches()), 0.25):
            return
    raise AssertionError(f"{path} was saved 40 times and {event} never left")


def content_state_before(comm: RecordingComm, event: str) -> dict[str, Any]:
    """The ``_content`` a view had when ``event`` reached it (state and batches share a wire)."""
    state: dict[str, Any] = {}
    for _msg_type, data in comm.published:  # the comm_open, then state updates and batches
        if "_content" in data.get("state", {}):
            state = data["state"]["_content"]
        elif data.get("method") == "custom" and event in data["content"].get("events", ""):
            return state
    raise AssertionError(f"{event} was not sent")


@pytest.mark.parametrize(
    ("files", "event"),
    [("script_files", '"pywry:refresh"'), ("css_files", '"pywry:inject-css"')],
)
def test_a_saved_file_is_in_the_state_views_mount_before_the_views_hear_of_it(
    hot_app: PyWry, tmp_path: Path, files: str, event: str
) -> None:
    saved = tmp_path / "saved.txt"
    saved.write_text("/* v1 */")
    _handle, comm = show(hot_app, HtmlContent(html="<p>x</p>", **{files: [str(saved)]}))
    view_appears(comm)
    save_until_sent(comm, saved, "/* v2 */", event)
    # a script remounts the state, and so do views that render later: it holds the saved file
    state = content_state_before(comm, event)
    key, text = ("scripts", "code") if files == "script_files" else ("css", "css")
    assert [asset[text] for asset in state["payload"][key]] == ["/* v2 */"]
    assert state["version"] > 1
    assert {e["type"] for e in comm.events()} == {event.strip('"')}  # CSS: restyled in place


def test_each_lost_event_counts_once_and_one_sent_again_never() -> None:
    lost = LostEvents()
    assert lost.report(10, 20) == 10
    assert lost.report(15, 25) == 5
    assert lost.report(0, 30) == 15  # 0..9 and 25..29
    assert lost.sent_again(18, 22) == 4
    assert lost.report(17, 23) == 0  # 17 was counted, 18..21 are sent again, 22 was counted
    assert lost.sent_again(40, 50) == 0
    assert lost.report(35, 45) == 5  # 35..39


def test_a_reloaded_tabs_view_gets_what_was_sent_since_it_left_and_no_other_view_does(
    limited: Callable[[int], tuple[NotebookWidget, RecordingComm]],
) -> None:
    """Tab A showed events 0 and 1 and reloads while tab B shows the widget: its new view says
    so (``resume``), and Python replays what it still keeps of 2.. to that view alone (the
    last 10 events: 4..13), on the batches' channel, without sending anything again."""
    handle, comm = limited(10)
    sent_one_batch_each(handle, comm, 14)
    view_appears(comm, "b")
    comm.custom_from_front_end({"kind": "view", "view": "c", "resume": 2})
    comm.custom_from_front_end({"kind": "view", "view": "d", "resume": "x"})  # malformed
    replays = [m for m in comm.custom() if m.get("kind") == "replay"]
    assert [(r["view"], r["first"]) for r in replays] == [("c", 4)]
    assert [e["data"] for e in json.loads(replays[0]["events"])] == list(range(4, 14))
    assert [e["data"] for e in comm.events()] == list(range(14))
    assert handle.views == 4 and handle.dropped_events == 0


def test_the_traitlet_channel_carries_the_replay(app: PyWry) -> None:
    handle, comm = show(app, channel="traitlets")
    view_appears(comm, "a")
    handle.emit("app:n", 0)
    handle.flush()
    comm.custom_from_front_end({"kind": "view", "view": "b", "resume": 0})
    replay = comm.state_updates("_py_event")[-1]
    assert (replay["kind"], replay["view"], replay["first"]) == ("replay", "b", 0)
    assert json.loads(replay["events"]) == [{"type": "app:n", "data": 0}]


def test_closing_also_closes_the_layout_widget_ipywidgets_made_for_it(app: PyWry) -> None:
    """ipywidgets left it open: every widget shown and closed kept a Layout model and comm."""
    handle, _ = show(app)
    layout = handle.widget.layout
    assert layout.comm is not None
    handle.close()
    assert layout.comm is None
