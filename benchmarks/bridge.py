"""The JS bridge alone, in headless Chromium (no transport): what the bundle itself costs.

- ``emit_10k_ms`` / ``emit_10k_send_calls``: 10,000 ``pywry.emit`` calls in one task, until the
  batch reaches ``send`` (and how many ``send`` calls that took).
- ``receive_10k_ms``: one ``_receive`` batch of 10,000 events through a handler.
- ``update_content_ms``: median ``pywry:update-content`` of a 200-row table with one inline
  script, to ``pywry:ready``.
- ``eval_ms``: median ``pywry:eval`` of a small expression, to ``pywry:eval-result``.
- ``bundle_bytes`` and ``bundle_eval_ms`` (mean time to compile and run the bundle's script).
"""

from __future__ import annotations

from typing import Any

from _results import write
from playwright.sync_api import sync_playwright

from wry.page import bridge_bundle
from wry.testing.plugin import CHROMIUM_ARGS, chromium_executable

ROUNDS = 20
ADAPTER = """
window.__sent = [];
window.pywry = __wry.createBridge({root: document, label: "bench", theme: "dark",
  send(batch) { __sent.push(batch); }});
"""

MEASURE = """
async (rounds) => {
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const tick = () => new Promise((r) => setTimeout(r, 0));
  __sent.length = 0;
  let t = performance.now();
  for (let i = 0; i < 10000; i++) pywry.emit("bench:n", i);
  await Promise.resolve();
  const emitMs = performance.now() - t;
  const sendCalls = __sent.length;
  let n = 0;
  pywry.on("bench:in", () => { n += 1; });
  const batch = [];
  for (let i = 0; i < 10000; i++) batch.push({type: "bench:in", data: i});
  t = performance.now();
  pywry._receive(batch);
  const receiveMs = performance.now() - t;
  let rows = "";
  for (let i = 0; i < 200; i++) rows += `<tr><td>${i}</td><td>row ${i}</td></tr>`;
  const html = `<table>${rows}</table><script>window.mounted = 1;<\\/script>`;
  const updates = [];
  const evals = [];
  for (let r = 0; r < rounds; r++) {
    __sent.length = 0;
    t = performance.now();
    pywry._receive([{type: "pywry:update-content", data: {html}}]);
    while (!__sent.flat().some((e) => e.type === "pywry:ready")) await Promise.resolve();
    updates.push(performance.now() - t);
    __sent.length = 0;
    t = performance.now();
    pywry._receive([{type: "pywry:eval", data: {id: r, script: "document.title.length + 1"}}]);
    while (!__sent.flat().some((e) => e.type === "pywry:eval-result")) await Promise.resolve();
    evals.push(performance.now() - t);
    await tick();
  }
  const bundle = document.getElementById("bundle").textContent;
  t = performance.now();
  for (let r = 0; r < rounds; r++) (0, eval)(bundle + "\\n//" + r); // distinct source: no cache
  const parse = (performance.now() - t) / rounds;
  return {emitMs, sendCalls, receiveMs, received: n, update: median(updates),
          evalMs: median(evals), parse};
}
"""


def main() -> None:
    """Run the measurements once in a fresh headless Chromium and write the figures."""
    bundle = bridge_bundle()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        safe = bundle.replace("</script", "<\\/script")
        page.set_content(
            f"<!doctype html><html><head><script id='bundle'>{safe}</script>"
            f"<script>{ADAPTER}</script></head><body><div data-wry-content></div></body></html>"
        )
        got: dict[str, Any] = page.evaluate(MEASURE, ROUNDS)
        browser.close()
    assert got["received"] == 10000
    write(
        "bridge",
        {
            "emit_10k_ms": round(got["emitMs"], 2),
            "emit_10k_send_calls": got["sendCalls"],
            "receive_10k_ms": round(got["receiveMs"], 2),
            "update_content_ms": round(got["update"], 2),
            "eval_ms": round(got["evalMs"], 3),
            "bundle_bytes": len(bundle.encode()),
            "bundle_eval_ms": round(got["parse"], 3),
        },
    )


if __name__ == "__main__":
    main()
