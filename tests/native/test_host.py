"""The child host over its wire: every action, bad input, timeouts, signals, crashes, orphans."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from native_helpers import (
    WAIT_S,
    Recorder,
    XDisplay,
    descendants,
    start_openbox,
    start_xvfb,
    wait_until,
)

from wry import HtmlContent, PyWry, PyWrySettings, WidgetClosedError
from wry.protocol import PayloadError, encode_event
from wry_native.host_urls import as_reported
from wry_native.outbox import Send
from wry_native.runtime import (
    NativeCallError,
    NativeHostError,
    NativeRuntime,
    NativeTimeout,
    pipe_sender,
)
from wry_native.transport import native_page

pytestmark = pytest.mark.native

MAX_LINE = 1024 * 1024


class StubHandle:
    """Stands in for a window handle: records what the runtime routes to a label."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.recorder = Recorder()
        self.closed_reason: str | None = None

    def dispatch_from_page(self, event_type: str, data: Any) -> None:
        self.recorder(data, event_type, self.label)

    def mark_closed(self, reason: str = "closed") -> None:
        self.closed_reason = reason
        self.recorder({"reason": reason}, "window:closed", self.label)

    @property
    def closed(self) -> bool:
        return self.closed_reason is not None


@pytest.fixture(scope="module")
def runtime(x_display: XDisplay) -> Iterator[NativeRuntime]:
    """A bare child host (no PyWry app) with a 1 MiB line limit."""
    rt = NativeRuntime(
        PyWrySettings(warm_windows=1), env={"WRYNATIVE_MAX_LINE": str(MAX_LINE)}
    ).start()
    yield rt
    rt.stop()


def open_window(runtime: NativeRuntime, label: str, html: str, **fields: Any) -> StubHandle:
    stub = StubHandle(label)
    runtime.register(stub)  # type: ignore[arg-type]
    page = native_page(HtmlContent(html), label, "dark", label)
    runtime.request("create", {"label": label, "page": page, "title": label, **fields})
    stub.recorder.wait_for("pywry:ready")
    return stub


ECHO = '<p id="p">raw</p><script>pywry.on("echo", d => pywry.emit("echoed", d));</script>'


def test_every_action(runtime: NativeRuntime) -> None:
    stub = open_window(runtime, "raw-1", ECHO, width=420, height=320)

    def get(name: str) -> Any:
        return runtime.request("window_get", {"label": "raw-1", "name": name})

    assert get("inner_size") == {"width": 420, "height": 320}
    assert get("title") == "raw-1"

    runtime.request("emit", {"label": "raw-1", "event": "echo", "payload": {"seed": "form"}})
    assert stub.recorder.wait_for("echoed") == [{"seed": "form"}]

    assert runtime.request("eval_js", {"label": "raw-1", "script": "document.title"}) == "raw-1"

    runtime.request("set_content", {"label": "raw-1", "html": '<p id="q">replaced</p>'})
    stub.recorder.wait_for("pywry:ready", 2)
    script = "document.getElementById('q').textContent"
    assert runtime.request("eval_js", {"label": "raw-1", "script": script}) == "replaced"

    runtime.request("set_theme", {"label": "raw-1", "theme": "light"})
    script = "document.documentElement.classList.contains('pywry-theme-light')"
    assert runtime.request("eval_js", {"label": "raw-1", "script": script}) is True
    with pytest.raises(NativeCallError, match="theme must be"):
        runtime.request("set_theme", {"label": "raw-1", "theme": "pink"})

    runtime.request("hide", {"label": "raw-1"})
    assert get("is_visible") is False
    runtime.request("show", {"label": "raw-1"})
    assert get("is_visible") is True

    # create by URL: a second window opens the page of a third directly
    open_window(runtime, "raw-2", ECHO)
    url_stub = StubHandle("raw-3")
    runtime.register(url_stub)  # type: ignore[arg-type]
    runtime.request("create", {"label": "raw-3", "url": "tauri://localhost/p/raw-2.html"})
    url_stub.recorder.wait_for("pywry:ready")
    assert runtime.request("window_get", {"label": "raw-3", "name": "url"}).endswith("raw-2.html")

    for label in ("raw-1", "raw-2", "raw-3"):
        assert runtime.request("close", {"label": label}) == {"closed": True}
        runtime.unregister(label)
    with pytest.raises(NativeCallError, match="no window labelled 'raw-1'"):
        get("title")
    with pytest.raises(NativeCallError, match="already exists"):
        open_window(runtime, "dup", ECHO)
        runtime.request("create", {"label": "dup", "page": "<p>again</p>"})
    for bad in ("./dup", "q/../dup", "*", "dup\n"):  # the core's label rule, on the wire too
        with pytest.raises(NativeCallError, match="invalid label"):
            runtime.request("create", {"label": bad, "page": "<p>bad</p>"})
    runtime.request("close", {"label": "dup"})


def test_malformed_and_oversize_lines_get_clear_errors(runtime: NativeRuntime) -> None:
    before = len(runtime.host_errors)
    runtime.send_line("this is not json")
    runtime.send_line("[1, 2, 3]")
    runtime.send_line('{"action": 5}')
    runtime.send_line('{"action":"emit","label":"nowhere","batch":[{"type":"x","data":1}]}')
    runtime.send_line(json.dumps({"action": "ping", "pad": "x" * (2 * MAX_LINE)}))
    errors = wait_until(
        lambda: list(runtime.host_errors)[before:] if len(runtime.host_errors) >= before + 5 else 0,
        "five error replies",
    )
    assert errors[0].startswith("malformed JSON line")
    assert "must be a JSON object" in errors[1]
    assert "needs a string 'action'" in errors[2]
    assert "no window labelled 'nowhere'" in errors[3]
    assert errors[4].startswith("line too long") and str(MAX_LINE) in errors[4]
    with pytest.raises(NativeCallError, match=r"unknown action 'fly'; known: .*create"):
        runtime.request("fly", {})
    with pytest.raises(NativeCallError, match="missing field 'label'"):
        runtime.request("close", {})
    # a lone surrogate (Python str can hold one, UTF-8 cannot): named, not "codec can't encode"
    lone = r"lone surrogate \(\\ud800, in '<p>half \\ud800 pair</p>'"
    with pytest.raises(NativeCallError, match=lone):
        runtime.request("create", {"label": "half", "page": "<p>half \ud800 pair</p>"})
    with pytest.raises(NativeCallError, match=r"lone surrogate \(\\udc00, in 'a\\udc00'"):
        runtime.request("create", {"label": "half", "page": "<p>ok</p>", "title": "a\udc00"})
    # the pool window it would have taken is not lost (it stayed "closing" and unused)
    wait_until(lambda: runtime.request("list_windows", {})["closing"] == 0, "nothing closing")
    assert runtime.request("ping", {})["pid"] == runtime.pid  # the child survived all of it
    # a request the child would refuse for its length fails at once, not after a timeout
    open_window(runtime, "big", ECHO)
    with pytest.raises(PayloadError, match=f"a request of .* at most {MAX_LINE} bytes"):
        script = "'é' + '" + "x" * MAX_LINE + "'"
        runtime.request("eval_js", {"label": "big", "script": script}, timeout=3)
    assert runtime.request("eval_js", {"label": "big", "script": "6 * 7"}) == 42
    runtime.request("close", {"label": "big"})


COUNTER = (
    '<script>var n = 0; pywry.on("chunk", () => { n++; });'
    ' pywry.on("count", () => pywry.emit("counted", n));</script>'
)


def test_a_backlog_of_large_emits_reaches_the_page_whole(runtime: NativeRuntime) -> None:
    """The host stalls while 1.6 MB of emits queue up (its lines hold 1 MiB): none is lost.

    They used to be merged into one line the host refused, the last small event with them.
    """
    stub = open_window(runtime, "backlog", COUNTER)
    assert runtime.pid is not None
    chunk = "x" * 40_000
    os.kill(runtime.pid, signal.SIGSTOP)
    try:
        for _ in range(40):
            runtime.emit("backlog", encode_event("chunk", chunk))
        runtime.emit("backlog", encode_event("count"))
    finally:
        os.kill(runtime.pid, signal.SIGCONT)
    assert stub.recorder.wait_for("counted") == [40]
    with pytest.raises(PayloadError, match=f"at most {MAX_LINE} bytes"):
        runtime.emit("backlog", encode_event("chunk", "x" * MAX_LINE))
    runtime.request("close", {"label": "backlog"})
    runtime.unregister("backlog")


@contextlib.contextmanager
def descriptors_in_use(count: int) -> Iterator[None]:
    """Hold ``count`` descriptors open (raising the soft limit if it is too low), as a busy
    server does: descriptors opened meanwhile get numbers above them."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = count + 256
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(count)]
    try:
        yield
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_host_whose_pipe_descriptors_pass_1024_takes_emits_larger_than_the_pipe(
    x_display: XDisplay,
) -> None:
    """The writer thread waits for room in the pipe; select() refused descriptors >= 1024.

    Its ValueError closed the outbox for good while the child lived on: every later emit,
    call and show() with the same settings failed.
    """
    with descriptors_in_use(1100):
        rt = NativeRuntime(PyWrySettings(warm_windows=0)).start()
    try:
        assert rt._proc is not None and rt._proc.stdin is not None
        assert rt._proc.stdin.fileno() >= 1024
        stub = open_window(rt, "high-fd", COUNTER)
        rt.emit("high-fd", encode_event("chunk", "x" * 4_000_000))  # the pipe holds 64 KiB
        rt.emit("high-fd", encode_event("count"))
        assert stub.recorder.wait_for("counted") == [1]
        assert rt.request("eval_js", {"label": "high-fd", "script": "1 + 1"}) == 2
    finally:
        rt.stop()


def open_files_limit(pid: int) -> tuple[str, str]:
    """The soft and hard limits on open files of process ``pid``, as /proc shows them."""
    with open(f"/proc/{pid}/limits") as limits:
        for line in limits:
            if line.startswith("Max open files"):
                soft, hard = line.split()[3:5]
                return soft, hard
    raise AssertionError(f"no open-files limit for {pid}")


def test_the_host_may_open_as_many_descriptors_as_the_hard_limit_allows(
    x_display: XDisplay,
) -> None:
    """A safeguard: a WebKit the view release does not reach keeps a descriptor per window."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))
    try:
        rt = NativeRuntime(PyWrySettings(warm_windows=0)).start()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    try:
        assert rt._proc is not None
        host_soft, host_hard = open_files_limit(rt._proc.pid)
        assert host_soft == host_hard != "256"
        stub = open_window(rt, "many-files", COUNTER)  # and windows still work
        rt.emit("many-files", encode_event("count"))
        assert stub.recorder.wait_for("counted") == [0]
    finally:
        rt.stop()


def test_a_host_the_parent_can_no_longer_write_to_is_ended(
    x_display: XDisplay, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails for another reason than the child's exit ends the child.

    It may hold half a line; alive, it kept its place as the settings' host while every
    emit, call and show() failed.
    """

    def failing_sender(fd: int) -> Send:
        send = pipe_sender(fd)

        def send_until_the_pipe_is_full(data: memoryview, block: bool) -> int:
            if block:  # the writer thread waits for room: it fails there
                raise OSError(errno.EIO, "the writer broke")
            return send(data, block)

        return send_until_the_pipe_is_full

    monkeypatch.setattr("wry_native.runtime.pipe_sender", failing_sender)
    rt = NativeRuntime(PyWrySettings(warm_windows=0)).start()
    rt.emit("nowhere", encode_event("big", "x" * 1_000_000))  # more than the pipe holds
    wait_until(lambda: not rt.alive, "the host to be ended")
    assert rt.exit_code == -signal.SIGKILL


def test_pending_eval_fails_when_its_window_closes(runtime: NativeRuntime) -> None:
    open_window(runtime, "closing", ECHO)
    pending = runtime.call("eval_js", {"label": "closing", "script": "new Promise(() => {})"})
    runtime.request("close", {"label": "closing"})
    runtime.unregister("closing")
    with pytest.raises(NativeCallError, match="window 'closing' was closed"):
        pending.result(10)


def test_a_page_that_never_listens_cannot_grow_the_host(runtime: NativeRuntime) -> None:
    runtime.request("create", {"label": "deaf", "url": "tauri://localhost/wry-warm.html"})
    before = len(runtime.host_errors)
    chunk = json.dumps([{"type": "x", "data": "y" * (MAX_LINE // 2)}])
    for _ in range(10):
        runtime.send_line(f'{{"action":"emit","label":"deaf","batch":{chunk}}}')
    error = wait_until(
        lambda: next((e for e in list(runtime.host_errors)[before:] if "deaf" in e), None),
        "the host to refuse the backlog",
    )
    assert "is not listening" in error and "batch dropped" in error
    assert runtime.request("ping", {})["pid"] == runtime.pid
    runtime.request("close", {"label": "deaf"})


def test_pages_talk_to_the_host_over_postmessage_and_only_for_their_own_window(
    runtime: NativeRuntime,
) -> None:
    stub = open_window(runtime, "channel", ECHO)

    def probe(expression: str) -> Any:
        return runtime.request("probe_js", {"label": "channel", "expression": expression})

    # no ipc:// fetch: Tauri's postMessage interface carries the page's messages
    probe(
        "(() => { window.ipcFetches = 0; const f = window.fetch;"
        " window.fetch = function (u) { if (String(u).startsWith('ipc:')) window.ipcFetches++;"
        " return f.apply(this, arguments); }; })()"
    )
    runtime.request("emit", {"label": "channel", "event": "echo", "payload": 1})
    assert stub.recorder.wait_for("echoed") == [1]
    assert probe("window.ipcFetches") == 0
    # the channel cannot be unplugged or replaced by page scripts
    assert (
        probe(
            "(() => { try { window.__wryNativeSend = null; } catch (e) {} "
            "return typeof window.__wryNativeSend; })()"
        )
        == "function"
    )

    # forged messages (no window's key, not a channel message) are refused and counted
    before = runtime.request("ping", {})["rejected_page_messages"]
    forge = (
        "window.__TAURI_INTERNALS__.invoke('plugin:event|emit', {event: 'wry-page', "
        "payload: %s}).then(() => true)"
    )
    forged_batch = json.dumps([{"type": "forged", "data": 1}])
    assert probe(forge % json.dumps("0" * 32 + "\npywry_event\n" + forged_batch))
    assert probe(forge % "5")
    assert probe(forge % json.dumps("no newline at all"))
    wait_until(
        lambda: runtime.request("ping", {})["rejected_page_messages"] == before + 3,
        "three refused page messages",
    )
    runtime.request("emit", {"label": "channel", "event": "echo", "payload": 2})
    assert stub.recorder.wait_for("echoed", 2) == [1, 2]
    assert stub.recorder.of("forged") == []

    # another page listening to the channel's public name overhears nothing (no key to steal)
    open_window(runtime, "eavesdropper", "<p>listening</p>")
    assert runtime.request(
        "probe_js",
        {
            "label": "eavesdropper",
            "expression": "window.__TAURI__.event.listen('wry-page', (e) => "
            "(window.heard = window.heard || []).push(e.payload)).then(() => 'listening')",
        },
    )
    runtime.request("emit", {"label": "channel", "event": "echo", "payload": 3})
    assert stub.recorder.wait_for("echoed", 3) == [1, 2, 3]
    heard = runtime.request(
        "probe_js", {"label": "eavesdropper", "expression": "window.heard || []"}
    )
    assert heard == []
    runtime.request("close", {"label": "eavesdropper"})
    runtime.request("close", {"label": "channel"})


def test_a_label_closed_and_created_again_at_once_is_the_new_window(runtime: NativeRuntime) -> None:
    """close and create of one label back to back: the old window's end is not the new one's.

    The old window is destroyed by WebKit after the new one took its label; its Destroyed
    event used to drop the new window (and report it closed by the user).
    """
    for attempt in range(3):
        first = open_window(runtime, "again", ECHO)
        runtime.unregister("again", first)  # type: ignore[arg-type]
        second = StubHandle("again")
        runtime.register(second)  # type: ignore[arg-type]
        page = native_page(HtmlContent(ECHO), "again", "dark", "again")
        closing = runtime.call("close", {"label": "again"})
        creating = runtime.call("create", {"label": "again", "page": page, "title": "again"})
        assert closing.result(10) == {"closed": True}
        creating.result(10)
        second.recorder.wait_for("pywry:ready")
        wait_until(
            lambda: runtime.request("list_windows", {})["closing"] == 0, "the old window gone"
        )
        assert "again" in runtime.request("list_windows", {})["windows"]
        runtime.request("emit", {"label": "again", "event": "echo", "payload": attempt})
        assert second.recorder.wait_for("echoed") == [attempt]
        assert second.closed_reason is None
        assert first.recorder.of("echoed") == []
        runtime.request("close", {"label": "again"})
        runtime.unregister("again", second)  # type: ignore[arg-type]


def test_apps_sharing_a_host_cannot_take_each_others_labels(app: PyWry, recorder: Recorder) -> None:
    first = app.show(ECHO, label="shared-label", callbacks={"echoed": recorder})
    other = PyWry(PyWrySettings(transport="native"))  # the same settings: the same child
    try:
        with pytest.raises(ValueError, match=r"already open in this process.*another label"):
            other.show("<p>other</p>", label="shared-label")
        first.emit("echo", 1)
        assert recorder.wait_for("echoed") == [1]
    finally:
        other.destroy()
        first.close()


def test_windows_shown_while_the_pool_window_loads_get_their_pages(x_display: XDisplay) -> None:
    """show() at once after start: the pool's window is still loading its page.

    Claiming it then used to leave a window blank now and then (WebKit dropped the navigation
    or the first load); a pool window is only claimed once its page is up.
    """
    for attempt in range(3):
        rt = NativeRuntime(PyWrySettings(warm_windows=1)).start()
        try:
            stubs = [open_window(rt, f"quick-{attempt}-{n}", f"<h1>page {n}</h1>") for n in (0, 1)]
            for n, stub in enumerate(stubs):
                script = "document.querySelector('h1').textContent"
                assert rt.request("eval_js", {"label": stub.label, "script": script}) == f"page {n}"
        finally:
            rt.stop()


LATE_COUNTER = '<script>var got = 0; pywry.on("n", function () { got += 1; });</script>'


def test_a_page_that_is_up_is_not_replaced_by_a_late_first_load(x_display: XDisplay) -> None:
    """A window shown while the pool window loads is often sent to its page again by the
    host's first load check (WebKit had not begun the load); WebKit may then begin the first
    load after all, once the page is up: it replaced the page, and the events the page had
    been sent with it (``pywry:ready`` came twice). About one fresh host in ten did so."""
    for attempt in range(12):
        rt = NativeRuntime(PyWrySettings(warm_windows=1)).start()
        try:
            label = f"late-{attempt}"
            stub = open_window(rt, label, LATE_COUNTER)
            for _ in range(5):
                rt.request("emit", {"label": label, "event": "n"})

            probe = {"label": label, "expression": "got"}
            wait_until(lambda: rt.request("probe_js", probe) == 5, "the five events")  # noqa: B023
            threading.Event().wait(1.0)  # a late first load began within 0.4 s of the page
            assert rt.request("probe_js", probe) == 5, f"attempt {attempt}: loaded again"
            assert len(stub.recorder.of("pywry:ready")) == 1
        finally:
            rt.stop()


def test_a_page_may_reload_itself_right_after_the_host_sent_it_there_again(
    x_display: XDisplay,
) -> None:
    """Windows opened together on a fresh host are often sent to their page again by the
    first load check. For 3 s after that, a second load of the page was taken for WebKit's
    late first load and refused: the page's own ``location.reload()`` did nothing (about one
    window in four). The late load is now told apart by its URL."""
    resent = 0
    for attempt in range(3):
        rt = NativeRuntime(PyWrySettings(warm_windows=0)).start()
        try:
            stubs, created = [], []
            for n in range(4):  # at once: the host builds four windows, WebKit starts slowly
                label = f"again-{attempt}-{n}"
                stub = StubHandle(label)
                rt.register(stub)  # type: ignore[arg-type]
                page = native_page(HtmlContent("<p>again</p>"), label, "dark", label)
                created.append(rt.call("create", {"label": label, "page": page, "title": label}))
                stubs.append(stub)
            for future, stub in zip(created, stubs, strict=True):
                future.result(WAIT_S)
                stub.recorder.wait_for("pywry:ready")
            for stub in stubs:
                url = rt.request("window_get", {"label": stub.label, "name": "url"})
                assert url == f"tauri://localhost/p/{stub.label}.html"  # what the host asked
                href = rt.request("probe_js", {"label": stub.label, "expression": "location.href"})
                resent += href != url  # the page sees the resend's URL
                rt.request("probe_js", {"label": stub.label, "expression": "location.reload()"})
            for stub in stubs:
                stub.recorder.wait_for("pywry:ready", 2)  # the reload the page asked for
        finally:
            rt.stop()
    assert resent, "no window was sent to its page again: the test proved nothing"


@contextlib.contextmanager
def busy_cpus(count: int = 2) -> Iterator[None]:
    """Keep the CPUs busy: WebKit then begins new windows' loads late, as on a loaded machine."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def test_a_navigate_sent_while_a_new_window_comes_up_is_not_undone_by_its_late_first_load(
    x_display: XDisplay,
) -> None:
    """A window shown on a fresh host, and sent elsewhere at once, on a busy machine.

    The load check sent it to its page again; WebKit then began that resend, the user's
    navigation, and the late first load of the page, in that order, within a few ms. The
    user's navigation had cleared what the host knew of the late load: the page load won and
    the window stayed at its page (half the time under load). Then, refused, the late load
    was taken for one that ended the resend, which was asked for again over the navigation.
    """
    navigate_at_once_after_show("away", "tauri://localhost/p/{}.html?elsewhere")


def test_a_navigate_to_a_url_written_otherwise_is_not_undone_by_the_late_first_load(
    x_display: XDisplay,
) -> None:
    """As above, to a URL WebKit reports written otherwise (``/./`` in its path).

    The host knew the navigation by the URL as given, so WebKit's load of it was not known
    for the one asked for: the refused late load ended it unasked again, and the window
    stayed at its page or at no URL at all (4 runs of 4 under load).
    """
    navigate_at_once_after_show("dot", "tauri://localhost/p/./{}.html?elsewhere")


def test_a_navigate_to_a_url_with_a_space_is_not_undone_by_the_late_first_load(
    x_display: XDisplay,
) -> None:
    """As above, to a URL WebKit reports percent-encoded (a space and an ``ü`` in it)."""
    navigate_at_once_after_show("space", "tauri://localhost/p/{}.html?else where=\u00fc")


def navigate_at_once_after_show(prefix: str, target_format: str) -> None:
    """Six fresh hosts, busy CPUs: show a window, navigate it at once; it stays there."""
    with busy_cpus():
        for attempt in range(6):
            rt = NativeRuntime(PyWrySettings(warm_windows=1)).start()
            try:
                label = f"{prefix}-{attempt}"
                stub = StubHandle(label)
                rt.register(stub)  # type: ignore[arg-type]
                page = native_page(HtmlContent("<p>first</p>"), label, "dark", label)
                created = rt.call("create", {"label": label, "page": page, "title": label})
                target = target_format.format(label)
                landed = {target, as_reported(target)}  # as WebKit writes it
                away = {"label": label, "method": "navigate", "args": [target]}
                rt.request("window_call", away, timeout=WAIT_S)
                created.result(WAIT_S)
                url = {"label": label, "name": "url"}
                wait_until(lambda: rt.request("window_get", url) in landed, "the navigation")  # noqa: B023
                threading.Event().wait(2.0)  # past the load checks (0.25, 0.75, 1.75 s)
                assert rt.request("window_get", url) in landed, f"attempt {attempt}: sent back"
            finally:
                rt.stop()


def test_a_window_waiting_for_its_frame_holds_up_no_other_window(x_display: XDisplay) -> None:
    """An app started before the window manager (a session's autostart, say).

    ``center()`` and the geometry getters of a window shown a moment ago wait, up to 2 s, for
    its frame. That wait held the host's command thread: another window's events waited
    behind it. And once one wait had timed out, no window was waited for again in that host:
    a window shown after the window manager had started answered ``outer_size`` 0x0.
    """
    xvfb, name = start_xvfb()  # no window manager yet
    display = XDisplay(name)
    openbox = None
    rt = NativeRuntime(PyWrySettings(warm_windows=1), env={"DISPLAY": name}).start()
    try:
        echo = open_window(rt, "other", ECHO)

        def warm() -> bool:
            return bool(rt.request("list_windows", {})["loaded"] == 1)

        wait_until(warm, "a warm window")  # a pool window has no frame until it is shown
        open_window(rt, "unframed", "<p>unframed</p>", width=400, height=300)
        center = rt.call("window_call", {"label": "unframed", "method": "center", "args": []})
        title = rt.call("window_get", {"label": "unframed", "name": "title"})
        rt.request("emit", {"label": "other", "event": "echo", "payload": 1})
        assert echo.recorder.wait_for("echoed") == [1]
        assert not center.done(), "the other window's event waited for the frame"
        assert not title.done(), "a call overtook an earlier one to the same window"
        assert center.result(WAIT_S) is None  # no window manager: given up after 2 s
        assert title.result(WAIT_S) == "unframed"

        openbox = start_openbox(display)
        wait_until(warm, "a warm window")
        open_window(rt, "framed", "<p>framed</p>", width=400, height=300)
        size = {"label": "framed", "name": "outer_size"}
        outer = rt.request("window_get", size)  # at once: it waits for the frame
        assert outer["width"] >= 400 and outer["height"] > 300, outer
    finally:
        rt.stop()
        for proc in (openbox, xvfb):
            if proc is not None:
                proc.terminate()
                proc.wait(10)


def test_closing_a_window_ends_the_wait_for_its_frame(x_display: XDisplay) -> None:
    """A ``close`` sent while ``center()`` waits for the frame used to queue behind the wait.

    The close answered only after the 2 s wait had given up, and that wait counted as one
    more sign that no window manager runs: two windows closed that way turned the wait off
    for the whole host. Now the close goes at once and ends the wait; the waiting call fails.
    """
    xvfb, name = start_xvfb()  # no window manager: a window's frame never comes
    rt = NativeRuntime(PyWrySettings(warm_windows=1), env={"DISPLAY": name}).start()

    def warm() -> bool:
        return bool(rt.request("list_windows", {})["loaded"] == 1)

    try:
        for label in ("first", "second", "third"):
            wait_until(warm, "a warm window")  # a pool window has no frame until it is shown
            open_window(rt, label, f"<p>{label}</p>", width=400, height=300)
            center = rt.call("window_call", {"label": label, "method": "center", "args": []})
            if label == "third":
                break
            closed = rt.call("close", {"label": label})
            assert closed.result(1.0) == {"closed": True}, "the close waited for the frame"
            with contextlib.suppress(NativeCallError):  # the window went: a clear error
                center.result(1.0)  # answered at once, not after the 2 s wait
        # the closes counted no timeout: this window is still waited for (not 0x0 at once)
        with pytest.raises(TimeoutError):
            center.result(0.5)
        assert center.result(WAIT_S) is None
    finally:
        rt.stop()
        xvfb.terminate()
        xvfb.wait(10)


WEDGED_CHILD = (
    'import signal, sys; sys.stdout.write(\'{"type": "ready"}\\n\'); sys.stdout.flush(); '
    "signal.pause()"  # alive, never reading: until stop() kills it
)


class WedgedRuntime(NativeRuntime):
    """A child that says it is ready, then never reads again (its main thread hung)."""

    def _command(self) -> list[str]:
        return [sys.executable, "-c", WEDGED_CHILD]


def test_a_child_that_stops_reading_holds_no_call_past_its_timeout_nor_stop() -> None:
    rt = WedgedRuntime().start()
    outcome: list[BaseException] = []

    def call() -> None:
        big = "x" * 300_000  # more than the pipe holds
        rt.emit("w", encode_event("big", big))
        try:
            rt.request("eval_js", {"label": "w", "script": big}, timeout=1.0)
        except BaseException as exc:
            outcome.append(exc)

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    caller.join(10)
    assert not caller.is_alive(), "the caller waited for room in the pipe"
    assert len(outcome) == 1 and isinstance(outcome[0], NativeTimeout)
    stopping = threading.Thread(target=rt.stop, kwargs={"timeout": 1.0}, daemon=True)
    stopping.start()
    stopping.join(15)
    assert not stopping.is_alive(), "stop() hung on the pipe"
    assert not rt.alive
    assert rt._proc is not None and rt._proc.poll() is not None


CLOSE_RACE_CHILD = """
import json, sys
def say(message):
    sys.stdout.write(json.dumps(message) + "\\n")
    sys.stdout.flush()
say({"type": "ready"})
for line in sys.stdin:
    message = json.loads(line)
    if message["action"] == "close":
        held = message  # busy: answered on "catch_up"
    elif message["action"] == "catch_up":  # the user had closed the window too
        label = held["label"]
        data = {"label": label, "reason": "closed by the user"}
        say({"type": "event", "label": label, "event_type": "window:closed", "data": data})
        say({"request_id": held["request_id"], "success": True, "result": {"closed": False}})
        say({"type": "events", "label": label, "events": [{"type": "after", "data": None}]})
    else:
        say({"request_id": message.get("request_id"), "success": True, "result": None})
"""


class CloseRaceRuntime(NativeRuntime):
    """A child that answers ``close`` late, after reporting that the user closed the window."""

    def _command(self) -> list[str]:
        return [sys.executable, "-c", CLOSE_RACE_CHILD]


def test_a_window_closed_while_the_apps_close_is_unanswered_is_the_old_window() -> None:
    """The app's close timed out and a new handle took the label; the child, catching up,
    reports the old window closed by the user, then answers the close.

    That report used to close the new handle (its window then orphaned in the child).
    """
    rt = CloseRaceRuntime().start()
    try:
        old = StubHandle("taken")
        rt.register(old)  # type: ignore[arg-type]
        rt.request("create", {"label": "taken"})
        rt.unregister("taken", old)  # type: ignore[arg-type]
        with pytest.raises(NativeTimeout):
            rt.request("close", {"label": "taken"}, timeout=0.2)
        new = StubHandle("taken")
        rt.register(new)  # type: ignore[arg-type]
        rt.request("create", {"label": "taken"})
        rt.send_line('{"action": "catch_up"}')
        new.recorder.wait_for("after")
        assert new.closed_reason is None
    finally:
        rt.stop()


def test_a_bad_line_limit_in_the_environment_fails_the_start_at_once(x_display: XDisplay) -> None:
    runtime = NativeRuntime(env={"WRYNATIVE_MAX_LINE": "64M"})
    with pytest.raises(NativeHostError, match="WRYNATIVE_MAX_LINE must be a whole number"):
        runtime.start(timeout=20)  # the old code failed only when this ran out
    assert runtime.exit_code is None and runtime.pid is None  # no child was started
    assert not os.path.exists(runtime.workdir)  # before start() returns: the app may exit now


def test_a_timed_out_call_does_not_shift_later_replies(runtime: NativeRuntime) -> None:
    stub = open_window(runtime, "slow", ECHO)
    slow = "await new Promise(r => setTimeout(() => r('late'), 800))"
    with pytest.raises(NativeTimeout):
        runtime.request("eval_js", {"label": "slow", "script": slow}, timeout=0.1)
    for i in range(5):
        assert runtime.request("eval_js", {"label": "slow", "script": f"{i} * 10"}) == i * 10
    wait_until(lambda: stub.recorder.events or True, "nothing")  # keep the stub referenced
    late = runtime.call("eval_js", {"label": "slow", "script": slow})
    assert late.result(10) == "late"
    assert runtime.request("eval_js", {"label": "slow", "script": "'next'"}) == "next"

    async def cancelled() -> None:  # an awaiting caller that gives up (wait_for cancels it)
        never = {"label": "slow", "script": "new Promise(() => {})"}
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(runtime.request_async("eval_js", never), 0.2)

    asyncio.run(cancelled())
    assert runtime._pending == {}, "a cancelled call left its reply slot behind"
    runtime.request("close", {"label": "slow"})


def test_sigterm_and_stdin_eof_exit_cleanly_and_remove_the_temp_dir(x_display: XDisplay) -> None:
    for stop in ("sigterm", "eof"):
        rt = NativeRuntime(PyWrySettings(warm_windows=1)).start()
        workdir = Path(rt.workdir)
        assert (workdir / "tauri.conf.json").exists()
        assert rt.pid is not None
        if stop == "sigterm":
            os.kill(rt.pid, signal.SIGTERM)
            wait_until(lambda: not rt.alive, "the host to exit on SIGTERM")  # noqa: B023
        else:
            rt.stop()
        assert rt.exit_code == 0, stop
        assert not workdir.exists()


def blocked_signals(pid: int) -> set[int]:
    """The signals process ``pid`` blocks (its main thread's ``SigBlk``); none once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return set()
    for line in status.splitlines():
        if line.startswith("SigBlk:"):
            mask = int(line.split()[1], 16)
            return {n for n in range(1, 65) if mask & (1 << (n - 1))}
    raise AssertionError(f"no SigBlk line for {pid}")


def test_sigterm_is_blocked_neither_in_the_host_nor_in_its_webkit_helpers(
    app: PyWry, recorder: Recorder
) -> None:
    """A blocked mask is inherited across exec: the helpers ignored SIGTERM while it was."""
    handle = app.show("<p>signals</p>", callbacks={"*": recorder})
    try:  # closed in any case: the module's later tests count the host's windows
        recorder.wait_for("pywry:ready")
        host = handle.runtime.pid  # type: ignore[attr-defined]
        helpers = wait_until(
            lambda: {p for p in descendants(host) if alive(p)} or None, "the WebKit helpers"
        )

        def blocking() -> set[int]:
            return {p for p in {host, *helpers} if signal.SIGTERM in blocked_signals(p)}

        # a web process blocks every signal for a few ms of its own start-up (the warm pool
        # starts one at any time): only a mask that stays is the host's, inherited
        wait_until(lambda: not blocking(), "no process of the host to block SIGTERM", 5)
        web = next(p for p in helpers if b"WebProcess" in Path(f"/proc/{p}/cmdline").read_bytes())
        os.kill(web, signal.SIGTERM)  # the helper itself ends at once, as any process would
        wait_until(lambda: not alive(web), "the web process to end on SIGTERM", 2)
    finally:
        handle.close()


def open_pipes() -> dict[int, str]:
    """This process's descriptors that are pipe ends, with what they point at."""
    found = {}
    for name in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the listing's own descriptor is gone already
            target = os.readlink(f"/proc/self/fd/{name}")
            if target.startswith("pipe:"):
                found[int(name)] = target
    return found


def test_hosts_that_exited_leave_no_pipe_open(x_display: XDisplay) -> None:
    """A runtime stays referenced after its child exits (every handle keeps its own).

    Its end of the child's stdout stayed open with it: one descriptor per host.
    """
    before = open_pipes()
    runtimes = []
    for _ in range(3):
        rt = NativeRuntime(PyWrySettings(warm_windows=0)).start()
        rt.stop()
        runtimes.append(rt)
    assert all(not rt.alive for rt in runtimes)
    left = {fd: target for fd, target in open_pipes().items() if before.get(fd) != target}
    assert left == {}


def test_last_window_closing_keeps_the_host_up(app: PyWry, recorder: Recorder) -> None:
    handle = app.show("<p>only</p>", callbacks={"*": recorder})
    recorder.wait_for("pywry:ready")
    runtime = handle.runtime  # type: ignore[attr-defined]
    handle.close()
    assert runtime.request("list_windows", {})["windows"] == []
    again = app.show("<p>next</p>")
    assert again.runtime is runtime and runtime.alive  # type: ignore[attr-defined]
    again.close()


def test_child_killed_mid_stream(app: PyWry, recorder: Recorder) -> None:
    handle = app.show("<p>doomed</p>", callbacks={"*": recorder})
    recorder.wait_for("pywry:ready")
    runtime = handle.runtime  # type: ignore[attr-defined]
    stop = threading.Event()
    stream_error: list[BaseException] = []

    def stream() -> None:
        i = 0
        while not stop.is_set():
            try:
                handle.emit("tick", i)
            except WidgetClosedError as exc:
                stream_error.append(exc)
                return
            i += 1

    streamer = threading.Thread(target=stream)
    streamer.start()
    outcome: list[BaseException] = []

    def wait_forever() -> None:
        try:
            handle.eval_js("new Promise(() => {})", 30)
        except NativeHostError as exc:
            outcome.append(exc)

    waiter = threading.Thread(target=wait_forever)
    waiter.start()
    wait_until(lambda: runtime._pending, "the eval request to be pending")
    started = time.monotonic()
    os.kill(runtime.pid, signal.SIGKILL)
    waiter.join(10)
    failed_after = time.monotonic() - started
    assert outcome and "killed by signal 9" in str(outcome[0])
    assert failed_after < 5
    closed = recorder.wait_for("window:closed")
    assert closed[0]["reason"] == "the native host exited"
    assert handle.closed
    stop.set()
    streamer.join(10)
    assert stream_error or handle.closed
    fresh = app.show("<p>reborn</p>", callbacks={"*": recorder})
    recorder.wait_for("pywry:ready", 2)
    assert fresh.runtime.pid != runtime.pid  # type: ignore[attr-defined]
    fresh.close()


PARENT_SCRIPT = """
import json, sys, threading
from wry import PyWry, PyWrySettings
app = PyWry(PyWrySettings(transport="native"))
ready = threading.Event()
handle = app.show("<p>orphan?</p>", callbacks={"pywry:ready": lambda *a: ready.set()})
handle2 = app.show("<p>two</p>")
ready.wait(30)
rt = handle.runtime
print(json.dumps({"pid": rt.pid, "dir": rt.workdir}), flush=True)
threading.Event().wait()
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_parent_sigkill_leaves_no_orphans(x_display: XDisplay) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT_SCRIPT], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    info = json.loads(parent.stdout.readline())
    child = info["pid"]
    helpers = wait_until(
        lambda: (
            {p for p in descendants(child) if alive(p)}
            if len([p for p in descendants(child) if alive(p)]) >= 2
            else set()
        ),
        "the WebKit helper processes",
    )
    doomed = {child, *helpers}
    parent.kill()
    parent.wait()
    started = time.monotonic()
    wait_until(lambda: not any(alive(p) for p in doomed), "host and WebKit helpers to exit", 5)
    gone_after = time.monotonic() - started
    assert gone_after < 2.0, f"took {gone_after:.2f} s"
    wait_until(lambda: not Path(info["dir"]).exists(), "the temp dir to be removed", 5)
