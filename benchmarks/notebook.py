"""The notebook transport in a real JupyterLab, against a raw anywidget measured in the same run.

Figures (all measured in headless Chromium talking to a real kernel through jupyter_server):

- ``raw_round_trip_ms`` / ``wry_round_trip_ms``: JS → Python → JS, median of sequential trips.
  The raw widget answers a custom message with a custom message; wry goes through
  ``pywry.emit`` → callback → ``handle.emit`` → ``pywry.on``. Target: wry within 1.2 times raw.
- ``raw_py_to_js_events_per_s``: one custom message per event (no batching);
  ``wry_py_to_js_events_per_s``: ``handle.emit`` in a loop, batched. Target ≥ 20,000/s.
- ``wry_js_to_py_events_per_s``: ``pywry.emit`` in a loop until Python has dispatched all.
- ``cell_to_live_s``: run a cell that calls ``app.show`` and emits one event → that event has
  reached the page (content mounted, bridge live). Target ≤ 0.4 s.
- The same for ``channel="traitlets"`` (the seed's ``_py_event``/``_js_event``), to show which
  channel is faster.

The server runs with the iopub rate limit off so raw capacity can be measured; wry's own
message rate is reported (it must stay far below Jupyter's default 1000 msg/s).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from _results import write

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "notebook"))

from lab import JupyterLab, LabPage, with_timeout, write_notebook  # noqa: E402

ROUND_TRIPS = 60
RAW_FLOOD = 5_000
WRY_FLOOD = 20_000
UPLOAD = 20_000
LIVE_RUNS = 7
FLOOD_RUNS = 3

HARNESS = """
(() => {
  const waiting = [];
  let want = 0, got = 0, done = null, upDone = null;
  window.__bench = window.__bench || {};
  window.__bench[NAME] = {
    async rtt(n) {
      const out = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        const answered = new Promise((r) => waiting.push(r));
        SEND_PING(i);
        out.push((await answered) - t);
      }
      return out;
    },
    async flood(n) {
      want = n; got = 0;
      const finished = new Promise((r) => (done = r));
      const t = performance.now();
      SEND_FLOOD(n);
      return (await finished) - t;
    },
    async upload(n) {
      const finished = new Promise((r) => (upDone = r));
      const t = performance.now();
      SEND_UPLOAD(n);
      return (await finished) - t;
    },
  };
  ON_PONG(() => { const r = waiting.shift(); if (r) r(performance.now()); });
  ON_ITEM(() => { got += 1; if (got === want && done) done(performance.now()); });
  ON_UPLOADED(() => upDone && upDone(performance.now()));
})();
"""

WRY_HARNESS = (
    HARNESS.replace("SEND_PING(i)", "pywry.emit('bench:ping', i)")
    .replace("SEND_FLOOD(n)", "pywry.emit('bench:flood', {n})")
    .replace("SEND_UPLOAD(n)", "for (let i = 0; i < n; i++) pywry.emit('bench:up', {i, n})")
    .replace("ON_PONG(", "pywry.on('bench:pong', ")
    .replace("ON_ITEM(", "pywry.on('bench:n', ")
    .replace("ON_UPLOADED(", "pywry.on('bench:uploaded', ")
)

RAW_ESM = """
export default {
  render({ model, el }) {
    el.classList.add('raw-bench');
    el.textContent = 'raw';
    const handlers = {};
    const on = (kind) => (f) => (handlers[kind] = f);
    model.on('msg:custom', (m) => handlers[m.kind] && handlers[m.kind](m));
    const NAME = 'raw';
    HARNESS
  },
};
""".replace(
    "HARNESS",
    HARNESS.replace("SEND_PING(i)", "model.send({kind: 'ping', i})")
    .replace("SEND_FLOOD(n)", "model.send({kind: 'flood', n})")
    .replace("SEND_UPLOAD(n)", "for (let i = 0; i < n; i++) model.send({kind: 'up', i, n})")
    .replace("ON_PONG(", "on('pong')(")
    .replace("ON_ITEM(", "on('n')(")
    .replace("ON_UPLOADED(", "on('uploaded')("),
)

SETUP = f"""
import anywidget
from IPython.display import display
from wry import PyWry

class Raw(anywidget.AnyWidget):
    _esm = {RAW_ESM!r}

def raw_message(w, content, buffers):
    kind = content.get('kind')
    if kind == 'ping':
        w.send({{'kind': 'pong', 'i': content['i']}})
    elif kind == 'flood':
        for i in range(content['n']):
            w.send({{'kind': 'n', 'i': i}})
    elif kind == 'up' and content['i'] == content['n'] - 1:
        w.send({{'kind': 'uploaded'}})

raw = Raw()
raw.on_msg(raw_message)
display(raw)

app = PyWry()
WRY_HARNESS = {WRY_HARNESS!r}

def bench_widget(channel):
    html = '<p>wry ' + channel + '</p><script>{{ const NAME = ' + repr(channel) + ';'
    html += WRY_HARNESS + '}}</script>'
    h = app.show(html, height=120, channel=channel)
    h.on('bench:ping', lambda d, t, l: h.emit('bench:pong', d))
    def flood(d, t, l):
        for i in range(d['n']):
            h.emit('bench:n', i)
    h.on('bench:flood', flood)
    def up(d, t, l):
        if d['i'] == d['n'] - 1:
            h.emit('bench:uploaded', {{}})
    h.on('bench:up', up)
    return h

custom = bench_widget('custom')
traitlets = bench_widget('traitlets')
"""

LIVE_CELL = """
live = app.show(
    '<p>live</p><script>pywry.on("bench:hello", () => { window.__live = performance.now() })'
    '</script>',
    height=60,
)
live.emit('bench:hello', 1)
"""


def run(page: Any, js: str, timeout_ms: int = 120_000) -> Any:
    return page.evaluate(with_timeout(f"return await ({js});", timeout_ms))


def cell_to_live(nb: LabPage, cell_index: int) -> float:
    """Seconds from asking Lab to run the cell to the emitted event reaching the page."""
    return float(
        nb.page.evaluate(
            with_timeout(
                f"""
                const panel = window.jupyterapp.shell.currentWidget;
                panel.content.activeCellIndex = {cell_index};
                window.__live = 0;
                const t0 = performance.now();
                window.jupyterapp.commands.execute('notebook:run-cell');
                while (!window.__live) await new Promise((r) => requestAnimationFrame(r));
                return (window.__live - t0) / 1000;
                """,
                60_000,
            )
        )
    )


def batches_sent(nb: LabPage, handle: str) -> int:
    return int(nb.execute(f"print({handle}._outbox.seq)").strip())


def measure(nb: LabPage) -> dict[str, Any]:
    page = nb.page
    figures: dict[str, Any] = {}
    for name in ("raw", "custom", "traitlets"):
        run(page, f"window.__bench[{name!r}].rtt(5)")  # warm-up
        trips = run(page, f"window.__bench[{name!r}].rtt({ROUND_TRIPS})")
        figures[f"{name}_round_trip_ms"] = round(statistics.median(trips), 2)
    raw_ms = run(page, f"window.__bench.raw.flood({RAW_FLOOD})")
    figures["raw_py_to_js_events_per_s"] = round(RAW_FLOOD / raw_ms * 1000)
    raw_up = run(page, f"window.__bench.raw.upload({UPLOAD // 4})")
    figures["raw_js_to_py_events_per_s"] = round(UPLOAD // 4 / raw_up * 1000)
    floods: dict[str, list[tuple[float, int]]] = {"custom": [], "traitlets": []}
    for _ in range(FLOOD_RUNS):  # alternate, so neither channel gets the quieter moments
        for name in floods:
            before = batches_sent(nb, name)
            ms = run(page, f"window.__bench[{name!r}].flood({WRY_FLOOD})")
            floods[name].append((ms, batches_sent(nb, name) - before))
    for name, runs in floods.items():
        ms, messages = sorted(runs)[len(runs) // 2]
        figures[f"{name}_py_to_js_events_per_s"] = round(WRY_FLOOD / ms * 1000)
        figures[f"{name}_py_to_js_runs_events_per_s"] = [
            round(WRY_FLOOD / m * 1000) for m, _ in runs
        ]
        figures[f"{name}_py_to_js_messages"] = messages
        figures[f"{name}_py_to_js_messages_per_s"] = round(messages / ms * 1000)
        up_ms = run(page, f"window.__bench[{name!r}].upload({UPLOAD})")
        figures[f"{name}_js_to_py_events_per_s"] = round(UPLOAD / up_ms * 1000)
    live = [cell_to_live(nb, 1) for _ in range(LIVE_RUNS)]
    figures["cell_to_live_s"] = round(statistics.median(live), 3)
    figures["cell_to_live_runs_s"] = [round(v, 3) for v in live]
    return figures


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="wry-bench-nb-") as tmp:
        root = Path(tmp)
        write_notebook(root / "bench.ipynb", [SETUP, LIVE_CELL])
        lab = JupyterLab(root, iopub_msg_rate_limit=0).start()
        try:
            from playwright.sync_api import sync_playwright

            from wry.testing.plugin import CHROMIUM_ARGS, chromium_executable

            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.set_default_timeout(60_000)
                nb = LabPage(lab, page).open("bench.ipynb")
                nb.run_all()
                page.wait_for_function(
                    "() => window.__bench && window.__bench.raw && window.__bench.custom"
                    " && window.__bench.traitlets && window.__live"
                )
                nb.wait_kernel_idle()
                figures = measure(nb)
                browser.close()
        finally:
            lab.stop()
    wry_rt = figures["custom_round_trip_ms"]
    figures["wry_round_trip_ms"] = wry_rt
    figures["wry_py_to_js_events_per_s"] = figures["custom_py_to_js_events_per_s"]
    figures["wry_js_to_py_events_per_s"] = figures["custom_js_to_py_events_per_s"]
    figures["round_trip_ratio_wry_over_raw"] = round(wry_rt / figures["raw_round_trip_ms"], 3)
    figures["targets"] = {
        "round_trip_ratio_wry_over_raw": 1.2,
        "wry_py_to_js_events_per_s": 20_000,
        "cell_to_live_s": 0.4,
    }
    print(json.dumps(figures, indent=2))
    write("notebook", figures)


if __name__ == "__main__":
    main()
