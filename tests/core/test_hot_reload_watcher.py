"""The hot reload watcher: a folder that vanishes must not end the watch for the others."""

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
