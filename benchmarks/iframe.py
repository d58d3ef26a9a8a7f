"""The iframe transport against a raw WebSocket echo, in the same headless Chromium.

Measures: show() → first round trip (navigation included; bundle inline and over HTTP),
round trip median/p99, Python→JS and JS→Python events/s, and a 10 MB payload both ways
compared with a raw ``websockets`` echo of the same bytes. Writes benchmarks/results/iframe.json.

    .venv/bin/python benchmarks/iframe.py [--events 50000] [--shows 10]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("WRY_OPEN_BROWSER", "false")

from _results import write

from wry import PyWry, PyWrySettings
from wry.testing.plugin import CHROMIUM_ARGS, chromium_executable
from wry_iframe.plugin import TRANSPORT

BIG = 10 * 1024 * 1024

# The page greets Python as soon as the bridge runs: that is the first round trip.
FIRST_TRIP = """<p>bench</p><script>
pywry.on('bench:pong', () => pywry.emit('bench:done', {}));
pywry.emit('bench:ping', {});
</script>"""

PING_PONG = """(n) => new Promise((resolve) => {
  const times = []; let t0 = 0;
  pywry.on('bench:pong', () => {
    times.push(performance.now() - t0);
    if (times.length < n) { t0 = performance.now(); pywry.emit('bench:ping', times.length); }
    else resolve(times);
  });
  t0 = performance.now(); pywry.emit('bench:ping', 0);
})"""

BIG_TRIP = """(size) => new Promise((resolve) => {
  const payload = 'x'.repeat(size);
  const off = pywry.on('bench:big', (d) => {
    const ms = performance.now() - t0;
    off();
    resolve([ms, d.length]);
  });
  const t0 = performance.now();
  pywry.emit('bench:big', payload);
})"""

RAW_PING = """([url, n]) => new Promise((resolve) => {
  const ws = new WebSocket(url); const times = []; let t0 = 0;
  ws.onopen = () => { t0 = performance.now(); ws.send('x'); };
  ws.onmessage = () => {
    times.push(performance.now() - t0);
    if (times.length >= n) { ws.close(); resolve(times); return; }
    t0 = performance.now(); ws.send('x');
  };
})"""

# Like BIG_TRIP, the timed part serialises the payload, sends it and parses the echo.
RAW_BIG = """([url, size, rounds]) => new Promise((resolve) => {
  const ws = new WebSocket(url); const payload = 'x'.repeat(size); const times = []; let t0 = 0;
  const go = () => {
    t0 = performance.now();
    ws.send(JSON.stringify({s: 1, e: [{type: 'bench:big', data: payload}]}));
  };
  ws.onopen = go;
  ws.onmessage = (m) => {
    JSON.parse(m.data); times.push(performance.now() - t0);
    if (times.length < rounds) go(); else { ws.close(); resolve(times); }
  };
})"""


def periods_ms(stamps: list[float]) -> list[float]:
    """Time between consecutive arrivals of a ping-pong: one round trip each, on Python's clock.

    Chromium rounds ``performance.now()`` to 0.1 ms on these pages; Python's clock does not.
    """
    return [(b - a) * 1000 for a, b in itertools.pairwise(stamps)]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class RawEcho:
    """A plain ``websockets`` echo server (no compression) that also serves an empty page."""

    def __init__(self) -> None:
        self.port = 0
        self.stamps: list[float] = []  # when each message arrived (Python's clock)
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        threading.Thread(
            target=self._loop.run_until_complete, args=(self._main(),), daemon=True
        ).start()
        self._ready.wait(10)

    async def _main(self) -> None:
        from websockets.asyncio.server import serve
        from websockets.datastructures import Headers
        from websockets.http11 import Response

        async def echo(ws: Any) -> None:
            async for message in ws:
                self.stamps.append(time.perf_counter())
                await ws.send(message)

        def page(connection: Any, request: Any) -> Any:
            if request.path == "/":
                body = b"<!doctype html><title>raw</title>"
                headers = Headers({"Content-Type": "text/html", "Content-Length": str(len(body))})
                return Response(200, "OK", headers, body)
            return None

        async with serve(
            echo, "127.0.0.1", 0, compression=None, max_size=None, process_request=page
        ) as server:
            self.port = server.sockets[0].getsockname()[1]
            self._ready.set()
            await asyncio.Future()


def first_round_trips(app: PyWry, browser: Any, shows: int, inline: bool) -> list[float]:
    TRANSPORT.inline_assets = inline
    times = []
    for _ in range(shows):
        done = threading.Event()
        context = browser.new_context()
        page = context.new_page()
        started = time.perf_counter()
        handle = app.show(
            FIRST_TRIP,
            display=False,
            callbacks={
                "bench:ping": lambda d, t, lab: app.emit("bench:pong", {}, lab),
                "bench:done": lambda d, t, lab, done=done: done.set(),
            },
        )
        page.goto(handle.url, wait_until="commit")  # type: ignore[attr-defined]
        if not done.wait(30):
            raise RuntimeError("the first round trip never completed")
        times.append(time.perf_counter() - started)
        handle.close()
        context.close()
    TRANSPORT.inline_assets = True
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    # below queue_limit (100,000): a burst larger than that in one JS tick is refused by design
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--shows", type=int, default=10)
    parser.add_argument("--pings", type=int, default=2000)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    raw = RawEcho()
    app = PyWry(PyWrySettings(open_browser=False), transport="iframe")
    figures: dict[str, Any] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            app.show("<p>warm-up</p>", display=False).close()  # start the server once
            print("iframe: first_round_trips …", flush=True)
            first_round_trips(app, browser, 2, True)  # warm Chromium and the code paths
            inline = first_round_trips(app, browser, args.shows, True)
            http = first_round_trips(app, browser, args.shows, False)
            figures["show_to_first_round_trip_s_median_inline"] = round(
                statistics.median(inline), 4
            )
            figures["show_to_first_round_trip_s_median_http_script"] = round(
                statistics.median(http), 4
            )

            ready = threading.Event()
            handle = app.show(
                "<p>bench</p>", display=False, callbacks={"pywry:ready": lambda *a: ready.set()}
            )
            ping_stamps: list[float] = []

            def pong(d: Any, t: str, lab: str) -> None:
                ping_stamps.append(time.perf_counter())
                handle.emit("bench:pong", d)

            handle.on("bench:ping", pong)
            context = browser.new_context()
            page = context.new_page()
            page.set_default_timeout(120_000)
            page.goto(handle.url)  # type: ignore[attr-defined]
            ready.wait(30)

            print("iframe: round trips, alternating with the raw echo …", flush=True)
            raw_page = browser.new_page()
            raw_page.set_default_timeout(120_000)
            raw_page.goto(f"http://127.0.0.1:{raw.port}/")
            url = f"ws://127.0.0.1:{raw.port}/ws"
            page.evaluate(PING_PONG, 200)  # warm-up
            raw_page.evaluate(RAW_PING, [url, 200])
            # alternate rounds, so both see the same load on this shared machine
            rtt: list[float] = []
            raw_rtt: list[float] = []
            py_rtt: list[float] = []
            raw_py_rtt: list[float] = []
            rounds = 4
            for _ in range(rounds):
                ping_stamps.clear()
                raw.stamps.clear()
                rtt += page.evaluate(PING_PONG, args.pings // rounds)
                raw_rtt += raw_page.evaluate(RAW_PING, [url, args.pings // rounds])
                py_rtt += periods_ms(ping_stamps)
                raw_py_rtt += periods_ms(raw.stamps)
            figures["round_trip_ms_median_python_clock"] = round(statistics.median(py_rtt), 3)
            figures["raw_echo_round_trip_ms_median_python_clock"] = round(
                statistics.median(raw_py_rtt), 3
            )
            figures["round_trip_ms_median"] = round(statistics.median(rtt), 3)
            figures["round_trip_ms_p99"] = round(percentile(rtt, 0.99), 3)

            # Python → JS: back-to-back emits until the page has counted every one
            n = args.events
            got_all = threading.Event()
            handle.on("bench:got", lambda d, t, lab: got_all.set())
            page.evaluate(
                f"""() => {{ let c = 0; pywry.on('bench:e', () => {{
                    if (++c === {n}) {{ c = 0; pywry.emit('bench:got', {{}}); }} }}); }}"""
            )
            started = time.perf_counter()
            for i in range(n):
                handle.emit("bench:e", {"i": i})
            got_all.wait(120)
            figures["py_to_js_events_per_s"] = round(n / (time.perf_counter() - started))

            print("iframe: JS → Python …", flush=True)
            # JS → Python
            count = [0]
            all_in = threading.Event()

            def count_one(d: Any, t: str, lab: str) -> None:
                count[0] += 1
                if count[0] == n:
                    all_in.set()

            handle.on("bench:m", count_one)
            started = time.perf_counter()
            page.evaluate(f"for (let i = 0; i < {n}; i++) pywry.emit('bench:m', {{i}})")
            all_in.wait(120)
            figures["js_to_py_events_per_s"] = round(n / (time.perf_counter() - started))

            print("iframe: 10 MB up and back, alternating with the raw echo …", flush=True)
            # 10 MB up and back: wry vs raw echo of the same frame, in alternate rounds
            handle.on("bench:big", lambda d, t, lab: handle.emit("bench:big", d))
            wry_big: list[float] = []
            raw_big: list[float] = []
            for _ in range(11):
                ms, length = page.evaluate(BIG_TRIP, BIG)
                assert length == BIG
                wry_big.append(ms)
                raw_big += raw_page.evaluate(RAW_BIG, [url, BIG, 1])
            context.close()
            raw_page.close()
        finally:
            browser.close()
            app.destroy()

    figures["raw_echo_round_trip_ms_median"] = round(statistics.median(raw_rtt), 3)
    figures["raw_echo_round_trip_ms_p99"] = round(percentile(raw_rtt, 0.99), 3)
    figures["payload_10mb_round_trip_ms_median"] = round(statistics.median(wry_big), 1)
    figures["raw_echo_10mb_round_trip_ms_median"] = round(statistics.median(raw_big), 1)
    figures["payload_10mb_vs_raw_ratio"] = round(
        statistics.median(wry_big) / statistics.median(raw_big), 3
    )
    figures["events"] = args.events
    figures["cpu_count"] = os.cpu_count()
    write("iframe", figures)


if __name__ == "__main__":
    main()
