"""The hot reload watcher: a vanished folder or a restarted watch must not lose saves."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from wry.hot_reload import HotReloader
from wry.models import HtmlContent


class WatchedWidget:
    """Stands in for a widget: records the stylesheets the watcher injects."""

    closed = False

    def __init__(self, label: str, css: Path) -> None:
        self.label = label
        self.content = HtmlContent(css_files=[css])
        self.injected: list[str] = []
        self.arrived = threading.Event()

    def inject_css(self, text: str, asset: str) -> None:
        self.injected.append(text)
        self.arrived.set()

    def refresh(self) -> None:
        raise AssertionError("a stylesheet change must not reload the page")


def edit_until_injected(widget: WatchedWidget, css: Path, tries: int = 40) -> None:
    """Save the file until the watcher delivers it (the watch may still be starting)."""
    for n in range(tries):
        css.write_text(f"/* {widget.label} {n} */")
        if widget.arrived.wait(0.25):
            return
    raise AssertionError(f"{css} was saved {tries} times and never injected")


def test_a_vanished_folder_does_not_stop_hot_reload_for_the_others(tmp_path: Path) -> None:
    folders = {name: tmp_path / name for name in ("a", "b")}
    for folder in folders.values():
        folder.mkdir()
        (folder / "style.css").write_text("/* 0 */")
    a = WatchedWidget("a", folders["a"] / "style.css")
    b = WatchedWidget("b", folders["b"] / "style.css")
    reloader = HotReloader(debounce_ms=20)
    try:
        reloader.watch(a)  # type: ignore[arg-type]
        shutil.rmtree(folders["a"])
        reloader.watch(b)  # type: ignore[arg-type]  # the watch restarts with a missing folder
        edit_until_injected(b, folders["b"] / "style.css")
        folders["a"].mkdir()  # and once the folder is back, it is watched again
        edit_until_injected(a, folders["a"] / "style.css")
        assert reloader._thread is not None and reloader._thread.is_alive()
    finally:
        reloader.stop()


class SlowWidget(WatchedWidget):
    """Its first stylesheet is taken slowly: the watch is busy until ``release`` is set."""

    def __init__(self, label: str, css: Path) -> None:
        super().__init__(label, css)
        self.release = threading.Event()
        self.changed = threading.Condition()

    def inject_css(self, text: str, asset: str) -> None:
        with self.changed:
            super().inject_css(text, asset)
            self.changed.notify_all()
        self.release.wait(10)


def test_a_save_made_while_the_watch_restarts_is_not_lost(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    css = tmp_path / "a" / "style.css"
    css.write_text("/* 0 */")
    (tmp_path / "b" / "style.css").write_text("/* b */")
    a = SlowWidget("a", css)
    reloader = HotReloader(debounce_ms=20)
    try:
        reloader.watch(a)  # type: ignore[arg-type]
        edit_until_injected(a, css)  # the watcher is now inside a's inject_css
        css.write_text("/* saved meanwhile */")
        # a new page's files: the watch stops and starts again with them
        reloader.watch(WatchedWidget("b", tmp_path / "b" / "style.css"))  # type: ignore[arg-type]
        a.release.set()
        with a.changed:
            assert a.changed.wait_for(lambda: a.injected[-1] == "/* saved meanwhile */", 5)
    finally:
        a.release.set()
        reloader.stop()
