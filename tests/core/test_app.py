"""PyWry over a recording transport: show, emit routing, callbacks, update, close, modes."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from recording import RecordingTransport

from wry import HtmlContent, PayloadError, PyWry, WidgetClosedError
from wry.window_manager import MultiWindowMode, NewWindowMode, SingleWindowMode


def test_show_returns_handle_with_callbacks(app: PyWry, recording: RecordingTransport) -> None:
    got: list[Any] = []
    handle = app.show(
        "<p>x</p>", callbacks={"app:click": lambda d, t, lab: got.append((d, t, lab))}
    )
    handle.dispatch_from_page("app:click", {"n": 1})
    assert got == [({"n": 1}, "app:click", handle.label)]
    assert recording.created == [handle]


def test_app_emit_targets_one_label_or_all(app: PyWry) -> None:
    h1, h2 = app.show("a"), app.show("b")
    app.emit("x:y", 1, h2.label)
    app.emit("x:z", 2)
    assert [e["type"] for e in h1.sent] == ["x:z"]  # type: ignore[attr-defined]
    assert [e["type"] for e in h2.sent] == ["x:y", "x:z"]  # type: ignore[attr-defined]
    with pytest.raises(WidgetClosedError, match="no open window"):
        app.emit("x:y", 1, "nope")


def test_payload_errors_raise_at_emit(app: PyWry) -> None:
    handle = app.show("a")
    with pytest.raises(PayloadError, match=r"'x:y'.*set"):
        handle.emit("x:y", {1, 2})
    with pytest.raises(PayloadError, match=r"NaN|Out of range"):
        handle.emit("x:y", math.nan)
    with pytest.raises(ValueError, match="invalid event name"):
        handle.emit("bad name", 1)
    with pytest.raises(ValueError, match="concrete"):
        handle.emit("*", 1)
    assert handle.sent == []  # type: ignore[attr-defined]


def test_update_sends_content_with_css_and_scripts(app: PyWry, tmp_path: Any) -> None:
    css = tmp_path / "a.css"
    css.write_text("p{color:red}")
    js = tmp_path / "a.js"
    js.write_text("window.x=1")
    handle = app.show("a")
    handle.update(HtmlContent(html="<p>b</p>", css_files=[css], script_files=[js]))
    (event,) = handle.sent  # type: ignore[attr-defined]
    assert event["type"] == "pywry:update-content"
    assert event["data"]["html"] == "<p>b</p>"
    assert event["data"]["css"][0]["css"] == "p{color:red}"
    assert event["data"]["scripts"][0]["code"] == "window.x=1"


def test_close_reports_window_closed_once_and_refuses_emits(app: PyWry) -> None:
    closed: list[Any] = []
    app.on("window:closed", lambda d, t, lab: closed.append(lab))
    handle = app.show("a")
    handle.close()
    handle.close()
    assert closed == [handle.label]
    assert app.widgets() == []
    with pytest.raises(WidgetClosedError):
        handle.emit("x:y")


def test_duplicate_label_is_refused(app: PyWry) -> None:
    app.show("a", label="main")
    with pytest.raises(ValueError, match="already open") as refused:
        app.show("b", label="main")
    # the usual way here is a notebook cell run again: the message says how to get on
    assert "app.widget('main').close()" in str(refused.value)
    assert "SingleWindowMode" in str(refused.value)


@pytest.mark.parametrize("label", ["*", "a/b", "x?y", "two words", ".", "..", "-x", "é", 7])
def test_a_label_that_would_break_urls_or_callbacks_is_refused(
    app: PyWry, recording: RecordingTransport, label: Any
) -> None:
    everywhere: list[str] = []
    app.on("app:click", lambda d, t, lab: everywhere.append(lab))
    with pytest.raises(ValueError, match=rf"invalid label {re.escape(repr(label))}: use a letter"):
        app.show("a", label=label)
    assert recording.created == []
    app.show("b", label="main").dispatch_from_page("app:click", {})
    assert everywhere == ["main"]  # the app-wide listener is still there


@pytest.mark.parametrize("label", ["main", "chart-2", "w_1.v2", "ns:main", "9", "a" * 200])
def test_labels_of_letters_digits_and_separators_are_kept(app: PyWry, label: str) -> None:
    assert app.show("a", label=label).label == label
    assert app.show("b").label.startswith("w-")  # generated labels follow the same rule
    assert app.show("c", label="").label.startswith("w-")  # an empty label is none given


def test_a_label_longer_than_200_is_refused(app: PyWry) -> None:
    with pytest.raises(ValueError, match="up to 199"):
        app.show("a", label="a" * 201)


@pytest.mark.parametrize("label", [None, "main"])  # "main": a cell run again
def test_single_window_mode_replaces_content(
    recording: RecordingTransport, label: str | None
) -> None:
    app = PyWry(transport="recording", mode=SingleWindowMode())
    h1 = app.show("one", label=label)
    h2 = app.show("two", label=label)
    assert h1 is h2 and len(recording.created) == 1
    assert h1.sent[-1]["data"]["html"] == "two"  # type: ignore[attr-defined]
    app.emit("app:tick", 1, label=h2.label)
    assert h1.sent[-1]["type"] == "app:tick"  # type: ignore[attr-defined]
    app.destroy()


def test_single_window_mode_refuses_a_label_other_than_the_open_windows(
    recording: RecordingTransport,
) -> None:
    app = PyWry(transport="recording", mode=SingleWindowMode())
    first = app.show("one", label="first")
    with pytest.raises(ValueError, match=r"labelled 'first'.*label='second'"):
        app.show("two", label="second")
    assert first.sent == []  # type: ignore[attr-defined]  # its content was left alone
    first.close()
    assert app.show("two", label="second").label == "second"  # closed: a new window
    app.destroy()


def test_new_window_mode_opens_independent_windows(recording: RecordingTransport) -> None:
    app = PyWry(transport="recording", mode=NewWindowMode())
    h1, h2 = app.show("one"), app.show("two")
    h1.close()
    assert app.widgets() == [h2]
    app.destroy()


def test_multi_window_mode_closes_secondaries_with_primary(recording: RecordingTransport) -> None:
    app = PyWry(transport="recording", mode=MultiWindowMode())
    primary, second, third = app.show("1"), app.show("2"), app.show("3")
    second.close()
    assert third.closed is False
    primary.close()
    assert third.closed is True
    assert app.widgets() == []
    app.destroy()


def test_multi_window_mode_closes_the_other_secondaries_when_one_fails_to_close(
    recording: RecordingTransport, caplog: pytest.LogCaptureFixture
) -> None:
    app = PyWry(transport="recording", mode=MultiWindowMode())
    primary, stuck, third = app.show("1"), app.show("2"), app.show("3")

    def refuse() -> None:
        raise TimeoutError("the host did not answer")

    stuck._close = refuse  # type: ignore[method-assign]
    primary.close()
    assert third.closed is True
    assert app.widgets() == [stuck]
    assert "closing" in caplog.text and "TimeoutError" in caplog.text
    app.destroy()


def test_destroy_closes_all_and_shuts_transports_down(recording: RecordingTransport) -> None:
    app = PyWry(transport="recording")
    handles = [app.show("x") for _ in range(3)]
    app.destroy()
    assert all(h.closed for h in handles)
    assert recording.shutdowns == 1


def test_block_returns_when_everything_closed(app: PyWry) -> None:
    handle = app.show("x")
    assert app.block(timeout=0.01) is False
    handle.close()
    assert app.block(timeout=1) is True


def test_mixins_argument_adds_component_methods(app: PyWry) -> None:
    from wry.state_mixins import EmittingWidget

    class Counter(EmittingWidget):
        def bump(self, n: int) -> None:
            self.emit("counter:bump", {"n": n})

    handle = app.show("x", mixins=[Counter])
    handle.bump(3)  # type: ignore[attr-defined]
    assert handle.sent == [{"type": "counter:bump", "data": {"n": 3}}]  # type: ignore[attr-defined]


def test_a_closed_widgets_callbacks_go_and_its_label_starts_afresh(app: PyWry) -> None:
    calls: list[str] = []
    everywhere: list[str] = []
    app.on("app:click", lambda d, t, lab: everywhere.append(lab))  # every label: stays
    for n in range(3):
        handle = app.show(
            "a",
            label="main",
            callbacks={"app:click": lambda d, t, lab, n=n: calls.append(f"show{n}")},
        )
        handle.on("window:closed", lambda d, t, lab, n=n: calls.append(f"closed{n}"))
        handle.dispatch_from_page("app:click", {})
        handle.close()
        with pytest.raises(WidgetClosedError):
            handle.on("app:click", lambda d, t, lab: None)
    assert calls == ["show0", "closed0", "show1", "closed1", "show2", "closed2"]
    assert everywhere == ["main"] * 3
    assert app.callbacks.owned_by("main") == ()


def test_a_broadcast_reaches_every_widget_even_if_one_fails(app: PyWry) -> None:
    first, broken, last = app.show("a"), app.show("b"), app.show("c")

    def refuse(encoded_event: str) -> None:
        raise RuntimeError("this page is full")

    broken._send = refuse  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="full"):
        app.emit("x:all", 1)
    assert [e["type"] for e in first.sent] == ["x:all"]  # type: ignore[attr-defined]
    assert [e["type"] for e in last.sent] == ["x:all"]  # type: ignore[attr-defined]


def test_single_window_mode_runs_only_the_latest_shows_callbacks(
    recording: RecordingTransport,
) -> None:
    app = PyWry(transport="recording", mode=SingleWindowMode())
    got: list[str] = []
    for run in range(3):  # a notebook cell run three times
        handle = app.show(
            f"content {run}",
            callbacks={
                "app:click": lambda d, t, lab, run=run: got.append(f"click {run}"),
                f"app:only-{run}": lambda d, t, lab, run=run: got.append(f"only {run}"),
            },
        )
        if run == 0:
            handle.on("app:click", lambda d, t, lab: got.append("handle.on"))
            app.on("app:click", lambda d, t, lab: got.append("app.on"))
    for event in ("app:click", "app:only-0", "app:only-2"):
        handle.dispatch_from_page(event, {})
    assert got == ["handle.on", "app.on", "click 2", "only 2"]
    app.destroy()


@pytest.mark.parametrize("theme", ["purple", "Dark", '"><script>alert(1)</script>'])
def test_show_refuses_a_theme_no_page_knows(
    app: PyWry, recording: RecordingTransport, theme: str
) -> None:
    """The page would log the theme as unknown and show none: say so at the call instead."""
    with pytest.raises(ValueError, match="theme must be 'dark', 'light' or 'system'"):
        app.show("<p>x</p>", theme=theme)
    assert recording.created == []


@pytest.mark.parametrize("theme", ["dark", "light", "system"])
def test_show_and_update_theme_take_every_theme_the_bridge_knows(app: PyWry, theme: str) -> None:
    handle = app.show("<p>x</p>", theme=theme)
    handle.update_theme(theme)  # type: ignore[arg-type]
    assert handle.sent[-1] == {"type": "pywry:update-theme", "data": {"theme": theme}}  # type: ignore[attr-defined]
