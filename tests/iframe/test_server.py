"""The server's lifetime, browser mode, the notebook IFrame, and the demo."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import textwrap
import time
from typing import Any

import pytest
from iframe.conftest import child_with_page

from wry import PyWry, PyWrySettings
from wry_iframe.plugin import TRANSPORT

pytestmark = pytest.mark.iframe

ENV = {**os.environ, "WRY_OPEN_BROWSER": "false", "PYTHONUNBUFFERED": "1"}


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return True
    return False


def test_server_starts_on_first_use_and_stops_on_destroy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = PyWry(PyWrySettings(open_browser=False), transport="iframe")
    handle = app.show("<p>x</p>")
    assert f"wry: open {handle.url}" in capsys.readouterr().out  # type: ignore[attr-defined]
    port = handle.server.port  # type: ignore[attr-defined]
    assert TRANSPORT.running and not refused(port)
    started = time.monotonic()
    app.destroy()
    assert time.monotonic() - started < 5
    assert not TRANSPORT.running and refused(port)
    assert handle.closed


def test_server_is_kept_while_another_app_uses_it() -> None:
    first = PyWry(PyWrySettings(open_browser=False), transport="iframe")
    second = PyWry(PyWrySettings(open_browser=False), transport="iframe")
    try:
        first.show("<p>1</p>", display=False)
        kept = second.show("<p>2</p>", display=False)
        first.destroy()
        assert TRANSPORT.running and not kept.closed
        kept.emit("app:still", 1)
    finally:
        second.destroy()
    assert not TRANSPORT.running


def test_another_apps_shutdown_racing_show_leaves_the_new_page_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``destroy()`` of the last other app, while this app's ``show()`` is between choosing
    the server and serving its page, must not stop the server under the new page."""
    import threading
    import urllib.request

    from wry_iframe.server import IframeServer

    leaving = PyWry(PyWrySettings(open_browser=False), transport="iframe")
    leaving.show("<p>old</p>", display=False)
    staying = PyWry(PyWrySettings(open_browser=False), transport="iframe")
    add = IframeServer.add
    racer: list[threading.Thread] = []

    def add_while_the_other_app_leaves(server: IframeServer, widget: Any) -> None:
        if not racer:
            racer.append(threading.Thread(target=leaving.destroy))
            racer[0].start()
            racer[0].join(1)  # the time it takes to stop a server, were it free to
        add(server, widget)

    monkeypatch.setattr(IframeServer, "add", add_while_the_other_app_leaves)
    try:
        handle = staying.show("<p>new</p>", display=False)
        racer[0].join(10)
        assert TRANSPORT.running
        with urllib.request.urlopen(handle.url, timeout=10) as answer:  # type: ignore[attr-defined]
            assert b"<p>new</p>" in answer.read()
    finally:
        staying.destroy()


def test_interpreter_exit_never_hangs_with_a_connected_socket() -> None:
    script = textwrap.dedent(
        """
        from urllib.parse import urlsplit
        from websockets.sync.client import connect
        from wry import PyWry
        app = PyWry(transport="iframe")
        handle = app.show("<p>x</p>", display=False)
        url = urlsplit(handle.url)
        ws = connect(
            f"ws://{url.netloc}/w/{handle.label}/ws?token={handle.token}&p=t",
            origin=f"http://{url.netloc}",
        )
        handle.emit("app:x", 1)
        print(ws.recv(timeout=10), flush=True)
        # no destroy, no close: exit must still be prompt
        """
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script], env=ENV, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert '"type":"app:x"' in done.stdout
    assert time.monotonic() - started < 15


def test_sockets_that_come_and_go_leave_no_descriptors_behind() -> None:
    """Each page socket is a descriptor of ours after the handshake: it must close with it."""
    import threading
    from urllib.parse import urlsplit

    from websockets.sync.client import connect

    def descriptors() -> int:
        return len(os.listdir("/proc/self/fd"))

    app = PyWry(PyWrySettings(open_browser=False), transport="iframe")
    try:
        handle = app.show("<p>x</p>", display=False)
        url = urlsplit(handle.url)  # type: ignore[attr-defined]
        before = descriptors()
        for i in range(20):
            with connect(
                f"ws://{url.netloc}/w/{handle.label}/ws?token={handle.token}&p=t&r={i}",  # type: ignore[attr-defined]
                origin=f"http://{url.netloc}",
            ) as ws:
                handle.emit("app:n", i)
                assert f'"data":{i}' in str(ws.recv(timeout=10))
        deadline = time.monotonic() + 10
        while descriptors() > before and time.monotonic() < deadline:
            threading.Event().wait(0.02)
        assert descriptors() <= before
    finally:
        app.destroy()


def test_display_in_a_jupyter_kernel_renders_an_iframe() -> None:
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", env=ENV)
    try:
        code = textwrap.dedent(
            """
            from wry import PyWry
            app = PyWry(transport="iframe")
            handle = app.show("<p>in a notebook</p>", height=321)
            print(handle.url)
            """
        )
        outputs: list[dict[str, Any]] = []
        reply = client.execute_interactive(
            code, timeout=60, output_hook=lambda m: outputs.append(m)
        )
        assert reply["content"]["status"] == "ok", reply["content"]
        html = [
            m["content"]["data"].get("text/html", "")
            for m in outputs
            if m["msg_type"] == "display_data"
        ]
        printed = "".join(
            m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream"
        )
        url = printed.strip().splitlines()[-1]
        assert len(html) == 1 and "<iframe" in html[0]
        assert url.replace("&", "&amp;") in html[0] or url in html[0]
        assert 'height="321"' in html[0]
        assert "wry: open" not in printed  # not browser mode
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_a_display_between_cells_does_not_hide_the_next_cells() -> None:
    # A display made after a cell ended (a callback, a timer) was taken for one made by the
    # next cell, whose count IPython already holds: that cell ending with the handle showed
    # nothing.
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", env=ENV)
    try:
        first = textwrap.dedent(
            """
            import threading
            from wry import PyWry
            app = PyWry(transport="iframe")
            handle = app.show("<p>shown</p>", display=False)
            threading.Timer(0.3, handle.display).start()
            """
        )
        assert client.execute_interactive(first, timeout=60)["content"]["status"] == "ok"
        deadline = time.monotonic() + 30
        while True:  # the timer's IFrame, displayed once the cell has ended
            message = client.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            if message["msg_type"] == "display_data":
                break
        shown: list[dict[str, Any]] = []
        reply = client.execute_interactive(
            "handle", timeout=60, output_hook=lambda m: shown.append(m)
        )
        assert reply["content"]["status"] == "ok", reply["content"]
        frames = [m for m in shown if m["msg_type"] in ("display_data", "execute_result")]
        assert len(frames) == 1 and "<iframe" in frames[0]["content"]["data"]["text/html"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_demo_runs_and_answers_clicks(browser: Any) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "wry.demo", "--transport", "iframe", "--seconds", "20"],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    context = browser.new_context()
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"(http://\S+)", line)
        assert match, line
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(match.group(1))
        page.wait_for_function("document.getElementById('transport').textContent === 'iframe'")
        page.click("#add")
        page.click("#add")
        page.wait_for_function("document.getElementById('count').textContent === '2'")
        page.click("#toast")
        page.wait_for_function(
            "Array.from(document.querySelectorAll('.pywry-toast')).some("
            "t => t.textContent.includes('count is 2'))"
        )
        clock = page.evaluate("document.getElementById('clock').textContent")
        page.wait_for_function(f"document.getElementById('clock').textContent !== '{clock}'")
    finally:
        context.close()
    out, err = process.communicate(timeout=40)
    assert process.returncode == 0, err
    assert "demo: count = 2" in out and "demo: bye" in out


def test_demo_exits_after_seconds_without_a_browser() -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "wry.demo", "--transport", "iframe", "--seconds", "1"],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "wry: open http://127.0.0.1:" in done.stdout
    assert time.monotonic() - started < 30


def test_closing_the_browser_tab_closes_the_widget_in_browser_mode(browser: Any) -> None:
    from iframe.conftest import Recorder, open_page

    app = PyWry(PyWrySettings(open_browser=False), transport="iframe")
    contexts: list[Any] = []
    try:
        ready, closed = Recorder(), Recorder()
        handle = app.show("<p>tab</p>", callbacks={"pywry:ready": ready, "window:closed": closed})
        page = open_page(browser, handle.url, contexts)  # type: ignore[attr-defined]
        ready.wait()
        page.reload()  # a reload is not a close
        ready.wait(2)
        contexts.pop().close()
        assert closed.wait(timeout=30)[0][0]["reason"] == "page closed"
        assert app.block(timeout=5)
    finally:
        for context in contexts:
            context.close()
        app.destroy()


def test_a_missing_content_file_raises_from_show_and_update_and_the_page_keeps_serving(
    tmp_path: Any,
) -> None:
    """Like the other transports, show() and update() read the files and raise; no HTTP 500."""
    from urllib.request import urlopen

    from wry import HtmlContent

    missing = str(tmp_path / "gone.css")
    app = PyWry(PyWrySettings(open_browser=False), transport="iframe")
    try:
        with pytest.raises(FileNotFoundError):
            app.show(HtmlContent(html="<p>x</p>", css_files=[missing]), display=False)
        assert app.widgets() == []
        handle = app.show("<p id='kept'>kept</p>", display=False)
        with pytest.raises(FileNotFoundError):
            handle.update(HtmlContent(html="<p>new</p>", css_files=[missing]))
        with urlopen(handle.url, timeout=10) as answer:  # type: ignore[attr-defined]
            assert answer.status == 200
            assert "id='kept'" in answer.read().decode()
    finally:
        app.destroy()


def test_a_port_in_use_is_named_with_the_settings_that_chose_it() -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    TRANSPORT.shutdown()  # a server left by an earlier test would be reused, not bound
    assert not TRANSPORT.running
    app = PyWry(PyWrySettings(open_browser=False, server_port=port), transport="iframe")
    try:
        with pytest.raises(OSError, match=rf"cannot listen on 127.0.0.1:{port} .*WRY_SERVER_PORT"):
            app.show("<p>x</p>", display=False)
    finally:
        app.destroy()
        taken.close()


def test_a_page_whose_process_exits_stops_reconnecting_without_a_refusal(browser: Any) -> None:
    """Its server is gone for good: the page says closed, no 'refused' warning about it."""
    script = textwrap.dedent(
        """
        import sys
        from wry import PyWry
        app = PyWry(transport="iframe")
        app.show("<p>x</p>")
        sys.stdin.readline()  # exit without destroy(), as at the end of a script
        """
    )
    with child_with_page(browser, script) as (child, page):
        _, err = child.communicate("\n", timeout=30)
        page.wait_for_function(
            "document.documentElement.dataset.wryConnection === 'closed'", timeout=10_000
        )
    assert child.returncode == 0, err
    assert "refused" not in err, err
