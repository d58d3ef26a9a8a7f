"""``python -m wry.demo``: a small live app on whichever transport fits this machine.

Buttons call Python, Python pushes a clock and the counter back, toasts confirm actions. It uses
only the protocol (``on``/``emit``), so it runs unchanged in a native window, a notebook, or a
browser tab (the iframe transport prints the URL to open).
"""

from __future__ import annotations

import argparse
import threading
import time
from typing import Any

from wry.app import PyWry
from wry.widget import BaseWidget

PAGE = """
<style>
  .demo { font: 16px system-ui, sans-serif; padding: 1.5rem; max-width: 32rem; }
  .demo .count { font-size: 3rem; font-weight: 600; margin: .5rem 0; }
  .demo button { font: inherit; padding: .4rem .9rem; margin-right: .4rem; cursor: pointer; }
  .demo .muted { opacity: .7; }
</style>
<div class="demo">
  <h1>wry demo</h1>
  <p class="muted">transport: <b id="transport">?</b> · clock from Python: <b id="clock">…</b></p>
  <div class="count" id="count">0</div>
  <p>
    <button id="add" onclick="pywry.emit('demo:add', {by: 1})">+1</button>
    <button id="reset" onclick="pywry.emit('demo:reset', {})">Reset</button>
    <button id="toast" onclick="pywry.emit('demo:toast', {})">Toast</button>
    <button id="theme" onclick="pywry.emit('demo:theme', {})">Theme</button>
  </p>
  <p class="muted" id="rtt">round trip: …</p>
</div>
<script>
  pywry.on('demo:state', (s) => {
    document.getElementById('count').textContent = s.count;
    document.getElementById('clock').textContent = s.clock;
    document.getElementById('transport').textContent = s.transport;
  });
  // measure one round trip through Python every few seconds
  let sentAt = 0;
  pywry.on('demo:pong', () => {
    document.getElementById('rtt').textContent =
      'round trip: ' + (performance.now() - sentAt).toFixed(2) + ' ms';
  });
  setInterval(() => { sentAt = performance.now(); pywry.emit('demo:ping', {}); }, 2000);
</script>
"""


class Demo:
    """The demo's state and callbacks; one instance per shown page."""

    def __init__(self, app: PyWry) -> None:
        self.app = app
        self.count = 0
        self.dark = True
        self.handle: BaseWidget | None = None
        self.stop = threading.Event()

    def push(self) -> None:
        """Send the current state to the page."""
        if self.handle is None or self.handle.closed:
            return
        self.handle.emit(
            "demo:state",
            {
                "count": self.count,
                "clock": time.strftime("%H:%M:%S"),
                "transport": self.handle.transport_name,
            },
        )

    def on_add(self, data: Any, event_type: str, label: str) -> None:
        self.count += int(data.get("by", 1)) if isinstance(data, dict) else 1
        print(f"demo: count = {self.count}", flush=True)
        self.push()

    def on_reset(self, data: Any, event_type: str, label: str) -> None:
        self.count = 0
        self.push()
        if self.handle is not None:
            self.handle.alert("Counter reset", title="wry", type="warning", duration=2000)

    def on_toast(self, data: Any, event_type: str, label: str) -> None:
        if self.handle is not None:
            self.handle.alert(f"Python says hi; count is {self.count}", title="wry", type="success")

    def on_theme(self, data: Any, event_type: str, label: str) -> None:
        self.dark = not self.dark
        if self.handle is not None:
            self.handle.update_theme("dark" if self.dark else "light")

    def on_ping(self, data: Any, event_type: str, label: str) -> None:
        if self.handle is not None:
            self.handle.emit("demo:pong", {})

    def clock(self) -> None:
        """Push the clock once a second until stopped."""
        while not self.stop.wait(1.0):
            try:
                self.push()
            except Exception:  # the page closed between the check and the emit
                return

    def show(self, transport: str | None) -> BaseWidget:
        """Show the page with every callback wired."""
        self.handle = self.app.show(
            PAGE,
            title="wry demo",
            width=560,
            height=420,
            transport=transport,
            callbacks={
                "demo:add": self.on_add,
                "demo:reset": self.on_reset,
                "demo:toast": self.on_toast,
                "demo:theme": self.on_theme,
                "demo:ping": self.on_ping,
                "pywry:ready": lambda d, t, lab: self.push(),
            },
        )
        threading.Thread(target=self.clock, name="wry-demo-clock", daemon=True).start()
        return self.handle


def main(argv: list[str] | None = None) -> int:
    """Run the demo until its window closes, Ctrl+C, or ``--seconds`` elapse."""
    parser = argparse.ArgumentParser(prog="python -m wry.demo", description=__doc__)
    parser.add_argument(
        "--transport", help="native, notebook, iframe or a plugin's name (default: automatic)"
    )
    parser.add_argument(
        "--seconds", type=float, default=None, help="exit after this many seconds (CI smoke test)"
    )
    args = parser.parse_args(argv)
    app = PyWry()
    demo = Demo(app)
    try:
        handle = demo.show(args.transport)
        print(f"demo: running on the {handle.transport_name} transport", flush=True)
        app.block(timeout=args.seconds)
    except KeyboardInterrupt:
        pass
    finally:
        demo.stop.set()
        app.destroy()
    print("demo: bye", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
