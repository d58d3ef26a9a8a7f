"""The native guide and every native-features example run as written, in real windows.

Each example makes its own ``PyWry()``; ``app.block()`` becomes a no-op and the test then acts
as the user (keys, file edits, the tray over DBus) and checks what the example promises.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dbus_session import TrayOnBus, hosts_on_private_bus
from doc_examples import block
from native_helpers import Recorder, XDisplay, wait_until

from wry import PyWry

pytestmark = pytest.mark.native


@pytest.fixture
def example_app(x_display: XDisplay, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Where an example's ``app`` goes; destroyed after the test, child hosts stopped."""
    monkeypatch.setenv("WRY_TRANSPORT", "native")
    apps: list[Any] = []
    yield apps
    for app in apps:
        app.destroy()
    from wry_native.runtime import stop_all

    stop_all()


def run(relative: str, first_line: str, apps: list[Any], **names: Any) -> dict[str, Any]:
    namespace = block(relative, first_line).run(**names)
    if isinstance(namespace.get("app"), PyWry):
        apps.append(namespace["app"])
    return namespace


def test_native_guide(example_app: list[Any]) -> None:
    printed = Recorder()
    run("docs/transports/native.md", "from wry import PyWry", example_app,
        print=lambda *v: printed(v, "print", ""))  # fmt: skip
    assert printed.of("print")[-1] == ("42",)


def test_menu_example_accelerator_reaches_the_window_clicked(
    example_app: list[Any], x_display: XDisplay
) -> None:
    names = run("docs/native-features.md", "menu = MenuConfig(", example_app)
    handle = names["handle"]
    handle.eval_js("pywry.on('app:save', (d) => { window.savedTo = d.path }), true")
    wid = x_display.window_id("Editor")
    x_display.run("xdotool", "windowactivate", "--sync", wid)
    x_display.run("xdotool", "mousemove", "--window", wid, "100", "100", "key", "ctrl+s")
    wait_until(lambda: handle.eval_js("window.savedTo") == "current.json", "on_save's emit")


def test_hot_reload_example_injects_a_saved_stylesheet(
    example_app: list[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "styles").mkdir()
    (tmp_path / "scripts").mkdir()
    css = tmp_path / "styles" / "dashboard.css"
    css.write_text("h1 { color: rgb(1, 2, 3); }\n")
    (tmp_path / "scripts" / "chart.js").write_text("window.chartLoaded = true;\n")
    handle = run("docs/native-features.md", "PyWry(hot_reload=True)", example_app)["handle"]
    color = "getComputedStyle(document.querySelector('h1')).color"
    assert handle.eval_js("window.chartLoaded") is True
    assert handle.eval_js(color) == "rgb(1, 2, 3)"
    handle.eval_js("window.notReloaded = true")
    css.write_text("h1 { color: rgb(4, 5, 6); }\n")
    wait_until(lambda: handle.eval_js(color) == "rgb(4, 5, 6)", "the saved style")
    assert handle.eval_js("window.notReloaded") is True


def png(width: int = 16, height: int = 16) -> bytes:
    """A small opaque red PNG (for the tray example's ``icon.png``)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00\xff" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_tray_example_on_a_private_bus(
    example_app: list[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wry_native.runtime import get_runtime

    monkeypatch.chdir(tmp_path)
    (tmp_path / "icon.png").write_bytes(png())
    (tmp_path / "bus").mkdir()
    # The example's tray starts the default child host: on this bus.
    with hosts_on_private_bus(tmp_path / "bus") as address:
        # Run the example in two parts, to look at the icon before it is hidden and removed.
        example = block("docs/native-features.md", "TrayProxy.create(").runnable()
        shown, hidden = example.split("tray.set_visible(False)")
        names: dict[str, Any] = {}
        exec(compile(shown, "tray example", "exec"), names)
        pid = int(get_runtime(None).request("ping", {})["pid"])
        bus = wait_until(lambda: TrayOnBus(address, pid), "the tray on the bus")
        assert bus.status() == "Active"
        wait_until(lambda: "About" in bus.items(), "the replaced menu")
        assert "Show Window" not in bus.items()
        assert bus.label() == "3 new"
        exec(compile("tray.set_visible(False)" + hidden, "tray example", "exec"), names)
        assert bus.status() == "Passive"
        tray = names["tray"]
        with pytest.raises(RuntimeError, match="removed"):
            tray.set_title("gone")
