"""Native hot reload and native extras: file saved → style applied; menu and tray creation.

Run on a display (``xvfb-run -a``) with a session bus for the tray
(``dbus-run-session -- xvfb-run -a python benchmarks/hot_reload.py``).

- ``css_saved_to_applied_ms``: from writing a watched CSS file until the page reports the new
  computed colour (a MutationObserver in the page emits it back); includes the debounce
  (``hot_reload_debounce_ms``, default 50 ms) and the event's trip back to Python.
- ``set_menu_ms``: ``app.set_menu(menu, handle)`` for a 3-submenu, 12-item menu (round trip
  to the child, which builds the GTK menu).
- ``tray_create_ms`` / ``tray_remove_ms``: ``TrayProxy.create`` with a 3-item menu, and removal.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from queue import Empty, Queue
from typing import Any

from _results import write

from wry import (
    CheckMenuItemConfig,
    HtmlContent,
    MenuConfig,
    MenuItemConfig,
    PyWry,
    SubmenuConfig,
    TrayProxy,
)

SAVES = 30
MENUS = 20
TRAYS = 20

WATCH_JS = """
const el = document.getElementById('probe');
let last = getComputedStyle(el).color;
new MutationObserver(() => {
  const now = getComputedStyle(el).color;
  if (now !== last) { last = now; pywry.emit('bench:applied', {color: now}); }
}).observe(document.documentElement, {childList: true, subtree: true, characterData: true});
pywry.emit('bench:watching', {color: last});
"""


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median": round(statistics.median(ordered), 2),
        "p90": round(ordered[int(len(ordered) * 0.9) - 1], 2),
        "min": round(ordered[0], 2),
        "max": round(ordered[-1], 2),
    }


def wait_for(queue: Queue[Any], predicate: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the page did not report in time")
        try:
            item = queue.get(timeout=remaining)
        except Empty:
            continue
        if predicate(item):
            return item


def css_latency(app: PyWry, folder: Path) -> list[float]:
    css = folder / "bench.css"
    script = folder / "watch.js"
    css.write_text("#probe { color: rgb(0, 0, 0); }\n")
    script.write_text(WATCH_JS)
    events: Queue[tuple[str, Any]] = Queue()
    handle = app.show(
        HtmlContent(html="<h1 id='probe'>probe</h1>", css_files=[css], script_files=[script]),
        title="hot-reload-bench",
        callbacks={"*": lambda d, t, label: events.put((t, d))},
    )
    wait_for(events, lambda e: e[0] == "bench:watching")
    samples = []
    for i in range(1, SAVES + 1):
        expected = f"rgb({i}, 0, 0)"
        start = time.perf_counter()
        css.write_text(f"#probe {{ color: {expected}; }}\n")
        wait_for(events, lambda e, x=expected: e[0] == "bench:applied" and e[1]["color"] == x)
        samples.append((time.perf_counter() - start) * 1000)
    handle.close()
    return samples


def editor_menu(n: int) -> MenuConfig:
    def noop(data: Any, event_type: str, label: str) -> None:
        return None

    return MenuConfig(
        id=f"bench-menu-{n}",
        items=[
            SubmenuConfig(
                text=name,
                items=[
                    MenuItemConfig(id=f"{name}-{j}", text=f"{name} {j}", handler=noop)
                    for j in range(3)
                ]
                + [CheckMenuItemConfig(id=f"{name}-check", text="Toggle", handler=noop)],
            )
            for name in ("File", "Edit", "View")
        ],
    )


def menu_times(app: PyWry) -> list[float]:
    handle = app.show("<p>menus</p>", title="menu-bench")
    samples = []
    for n in range(MENUS):
        menu = editor_menu(n)
        start = time.perf_counter()
        app.set_menu(menu, handle)
        samples.append((time.perf_counter() - start) * 1000)
    handle.close()
    return samples


def tray_times(app: PyWry) -> tuple[list[float], list[float]]:
    created, removed = [], []
    for n in range(TRAYS):
        menu = MenuConfig(
            id="tray-menu", items=[MenuItemConfig(id=f"i{j}", text=f"Item {j}") for j in range(3)]
        )
        start = time.perf_counter()
        tray = TrayProxy.create(tray_id=f"bench-tray-{n}", tooltip="bench", menu=menu, app=app)
        created.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        tray.remove()
        removed.append((time.perf_counter() - start) * 1000)
    return created, removed


def main() -> None:
    app = PyWry(transport="native", hot_reload=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            css = css_latency(app, Path(tmp))
        menus = menu_times(app)
        trays_created, trays_removed = tray_times(app)
    finally:
        app.destroy()
    write(
        "hot_reload",
        {
            "css_saved_to_applied_ms": summary(css),
            "set_menu_ms": summary(menus),
            "tray_create_ms": summary(trays_created),
            "tray_remove_ms": summary(trays_removed),
            "debounce_ms": app.settings.hot_reload_debounce_ms,
            "samples": {"css": SAVES, "menus": MENUS, "trays": TRAYS},
            "targets": {"css_saved_to_applied_ms.median": 150},
        },
    )


if __name__ == "__main__":
    main()
