"""The native transport in real WebKitGTK windows (needs a display: Xvfb + openbox is fine).

Measures, each a median over several runs (medians and p99 in milliseconds):

- spawn → first round trip: ``show()`` with no child running until a Python→JS→Python
  round trip completes (child start, Tauri, WebKit, page, bridge, event).
- second window show → round trip: ``show()`` while the child runs and its warm window loaded.
- ``update()`` → round trip: new content live (``pywry:ready``) and answering.
- round trip median / p99: Python emit → page handler → ``pywry.emit`` → Python callback,
  timed from the thread that emits (so it includes the callback waking that thread), and
  driven by the callback itself (each ``pong`` callback emits the next ``ping``).
- Python→JS and JS→Python events/s (all delivered, in order).
- 10 MB Python→JS (until the page has it and answered).
- PSS of every process (parent, child host, WebKit) with one fresh window, with the default
  warm pool (one hidden window) and without it; each in a fresh Python process that does
  nothing else, so the parent's figure is not that of this benchmark's heap.

    .venv/bin/python benchmarks/native.py [--events 100000] [--runs 5]

Without ``DISPLAY`` it starts its own Xvfb + openbox.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "native"))

from _results import write
from dbus_session import private_session_bus
from native_helpers import XDisplay, descendants, start_openbox, start_xvfb

BIG = 10 * 1024 * 1024
PAGE = """<p>bench</p><script>
var seen = 0, last = -1, inOrder = true;
pywry.on('ping', function (d) { pywry.emit('pong', d); });
pywry.on('n', function (d) { if (d !== last + 1) inOrder = false; last = d; seen++; });
pywry.on('count', function () { pywry.emit('counted', {seen: seen, inOrder: inOrder}); });
pywry.on('burst', function (d) { for (var i = 0; i < d.n; i++) pywry.emit('b', i); });
pywry.on('big', function (d) { pywry.emit('big-ok', d.length); });
</script>"""


class Waiter:
    """Callback that counts events per type and wakes a waiter."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.counts: dict[str, int] = {}
        self.last: dict[str, Any] = {}
        self.order_ok = True
        self.expect_b = 0

    def __call__(self, data: Any, event_type: str, label: str) -> None:
        with self.cond:
            if event_type == "b":
                if data != self.expect_b:
                    self.order_ok = False
                self.expect_b += 1
            self.counts[event_type] = self.counts.get(event_type, 0) + 1
            self.last[event_type] = data
            self.cond.notify_all()

    def wait(self, event_type: str, count: int, timeout: float = 60) -> Any:
        with self.cond:
            if not self.cond.wait_for(lambda: self.counts.get(event_type, 0) >= count, timeout):
                raise TimeoutError(f"{event_type}: {self.counts.get(event_type, 0)} of {count}")
            return self.last.get(event_type)


def callback_ping_pong(handle: Any, trips: int) -> list[float]:
    """Round trips timed between arrivals: each ``ping`` callback emits the next ``ping``."""
    stamps: list[float] = []
    done = threading.Event()

    def again(data: Any, event_type: str, label: str) -> None:
        stamps.append(time.perf_counter())
        if len(stamps) <= trips:
            handle.emit("ping", len(stamps))
        else:
            done.set()

    handle.on("pong", again)
    handle.emit("ping", 0)
    if not done.wait(60):
        raise TimeoutError(f"ping-pong: {len(stamps)} of {trips}")
    handle.off("pong", again)
    return [b - a for a, b in itertools.pairwise(stamps)]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


@contextmanager
def display() -> Iterator[None]:
    """Use $DISPLAY, or start Xvfb + openbox (and a private session bus) for the run.

    Without a session bus GTK autolaunches one, and an accessibility bus, that outlive the run.
    """
    if os.environ.get("DISPLAY"):
        yield
        return
    xvfb, name = start_xvfb()
    openbox = start_openbox(XDisplay(name))
    os.environ["DISPLAY"] = name
    bus = ExitStack()
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        directory = Path(tempfile.mkdtemp(prefix="wry-bench-bus-"))
        bus.callback(shutil.rmtree, directory, True)
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = bus.enter_context(private_session_bus(directory))
        os.environ.setdefault("NO_AT_BRIDGE", "1")  # no accessibility bus on it: say so to GTK
    try:
        yield
    finally:
        bus.close()
        for proc in (openbox, xvfb):
            proc.terminate()
            proc.wait(5)


def pss_kb(pid: int) -> int:
    """Proportional set size of one process (kB)."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    return [pid, *descendants(pid)]


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def wait_warm(runtime: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while runtime.request("list_windows", {})["loaded"] < 1:
        if time.monotonic() > deadline:
            raise TimeoutError("the warm window did not load")
        threading.Event().wait(0.02)


def memory(warm_windows: int) -> dict[str, Any]:
    """PSS of every process (parent, child host, WebKit) with one fresh window showing PAGE."""
    from wry import PyWry, PyWrySettings
    from wry_native.runtime import stop_all

    app = PyWry(PyWrySettings(transport="native", warm_windows=warm_windows))
    waiter = Waiter()
    handle = app.show(PAGE, callbacks={"*": waiter})
    handle.emit("ping", 1)
    waiter.wait("pong", 1)
    runtime = handle.runtime  # type: ignore[attr-defined]
    if warm_windows:
        wait_warm(runtime)
    pids = tree(runtime.pid)
    child = sum(pss_kb(p) for p in pids)
    parent = pss_kb(os.getpid())
    app.destroy()
    stop_all()
    suffix = "" if warm_windows else "_no_warm_pool"
    return {
        f"pss_all_one_window{suffix}_mb": round((child + parent) / 1024, 1),
        f"pss_child_tree_one_window{suffix}_mb": round(child / 1024, 1),
        f"pss_parent{suffix}_mb": round(parent / 1024, 1),
        f"processes_in_child_tree{suffix}": len(pids),
    }


def run(events: int, runs: int) -> dict[str, Any]:
    from wry import PyWry, PyWrySettings
    from wry_native.runtime import stop_all

    figures: dict[str, Any] = {}

    # spawn → first round trip (a fresh child each run)
    spawn: list[float] = []
    for _ in range(runs):
        stop_all()
        app = PyWry(PyWrySettings(transport="native"))
        waiter = Waiter()

        def first() -> None:
            handle = app.show(PAGE, callbacks={"*": waiter})  # noqa: B023
            handle.emit("ping", 1)
            waiter.wait("pong", 1)  # noqa: B023

        spawn.append(timed(first))
        app.destroy()
    figures["spawn_to_first_round_trip_ms"] = ms(statistics.median(spawn))
    figures["spawn_to_first_round_trip_runs_ms"] = [ms(v) for v in spawn]

    app = PyWry(PyWrySettings(transport="native"))
    waiter = Waiter()
    main = app.show(PAGE, callbacks={"*": waiter})
    main.emit("ping", 0)
    waiter.wait("pong", 1)
    runtime = main.runtime  # type: ignore[attr-defined]

    # second window show → round trip (warm window loaded, as after any pause)
    second: list[float] = []
    for i in range(runs * 2):
        wait_warm(runtime)
        other = Waiter()

        def show_second() -> Any:
            handle = app.show(PAGE, callbacks={"*": other})  # noqa: B023
            handle.emit("ping", i)  # noqa: B023
            other.wait("pong", 1)  # noqa: B023
            return handle

        start = time.perf_counter()
        handle = show_second()
        second.append(time.perf_counter() - start)
        handle.close()
    figures["second_window_show_to_round_trip_ms"] = ms(statistics.median(second))
    figures["second_window_runs_ms"] = [ms(v) for v in second]

    # update() → round trip
    updates: list[float] = []
    for i in range(runs * 4):
        before = waiter.counts.get("pong", 0)

        def update() -> None:
            main.update(PAGE.replace("<p>bench</p>", f"<p>update {i}</p>"))  # noqa: B023
            main.emit("ping", i)  # noqa: B023
            waiter.wait("pong", before + 1)  # noqa: B023

        updates.append(timed(update))
    figures["update_to_round_trip_ms"] = ms(statistics.median(updates))

    # round trip
    trips: list[float] = []
    for i in range(2000):
        before = waiter.counts.get("pong", 0)
        start = time.perf_counter()
        main.emit("ping", i)
        waiter.wait("pong", before + 1)
        trips.append(time.perf_counter() - start)
    trips = trips[200:]
    figures["round_trip_median_ms"] = ms(statistics.median(trips))
    figures["round_trip_p99_ms"] = ms(pct(trips, 0.99))
    # the same trip driven by the callback itself (as an app answering its page would): no
    # hand-over to this thread, which is the benchmark's and not the transport's
    periods = callback_ping_pong(main, 2000)[200:]
    figures["round_trip_median_ms_callback_driven"] = ms(statistics.median(periods))
    figures["round_trip_p99_ms_callback_driven"] = ms(pct(periods, 0.99))

    # Python → JS
    start = time.perf_counter()
    for i in range(events):
        main.emit("n", i)
    main.emit("count")
    counted = waiter.wait("counted", 1)
    elapsed = time.perf_counter() - start
    assert counted == {"seen": events, "inOrder": True}, counted
    figures["py_to_js_events_per_s"] = round(events / elapsed)

    # JS → Python
    start = time.perf_counter()
    main.emit("burst", {"n": events})
    waiter.wait("b", events, timeout=120)
    elapsed = time.perf_counter() - start
    assert waiter.order_ok and waiter.counts["b"] == events
    figures["js_to_py_events_per_s"] = round(events / elapsed)

    # 10 MB Python → JS
    big_times: list[float] = []
    big = "x" * BIG
    for n in range(1, runs + 1):

        def send_big() -> None:
            main.emit("big", big)
            waiter.wait("big-ok", n)  # noqa: B023

        big_times.append(timed(send_big))
    figures["py_to_js_10mb_ms"] = ms(statistics.median(big_times))

    app.destroy()
    stop_all()
    for warm in (1, 0):
        figures.update(memory_in_fresh_process(warm))
    return figures


def memory_in_fresh_process(warm_windows: int) -> dict[str, Any]:
    """``memory(warm_windows)`` run by a new interpreter (same display)."""
    script = Path(__file__).resolve()
    out = subprocess.run(
        [sys.executable, str(script), "--memory", str(warm_windows)],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--memory", type=int, choices=(0, 1), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory is not None:  # the child of memory_in_fresh_process
        print(json.dumps(memory(args.memory)))
        return
    if shutil.which("Xvfb") is None and not os.environ.get("DISPLAY"):
        raise SystemExit("needs a display or Xvfb (apt-get install xvfb openbox x11-utils)")
    with display():
        figures = run(args.events, args.runs)
    write("native", figures)


if __name__ == "__main__":
    main()
