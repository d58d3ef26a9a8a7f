"""Python -> page: events for a window go to its listening page, or wait for the next one.

A window's events are held while no page listens (a load, a navigation, a page leaving after
``pywry:refresh``/``pywry:navigate``) and sent, merged, once one attaches; a batch is cut
after an event that makes the page leave. The parent's page commands (emit, eval_js,
probe_js, set_content, set_theme, forget) all travel this way, except probe_js, which goes
through Tauri's own eval so tests can observe a page without the wry bridge.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from wry.protocol import escape_lone_surrogates
from wry_native import wire
from wry_native.host_lanes import DEFERRED
from wry_native.host_window import HostWindow

if TYPE_CHECKING:
    from wry_native.host_app import HostApp

#: Events held for one window whose page is not listening yet: this many maximal lines' worth.
BACKLOG_LINES = 4
#: Built-in events after which the page leaves (the bridge reloads or navigates): what
#: follows them in a batch waits for the next page. Looked for as text before any decoding.
LEAVING_EVENTS = ('"pywry:refresh"', '"pywry:navigate"')

#: Page command that answers ``probe_js``.
CMD_PROBE = "wry_probe"

#: ``probe_js`` wraps the expression in this: Tauri's eval runs it, the page channel (not the
#: wry bridge) brings the value.
PROBE_JS = """(function () {
  var id = %s;
  var send = function (answer) {
    var text;
    try { text = JSON.stringify(answer); }
    catch (e) { text = JSON.stringify({id: id, ok: false, error: "not JSON: " + e}); }
    window.__wryNativeSend("wry_probe", text);
  };
  try {
    Promise.resolve((function (pywry, root) { return (%s
    ); })(window.pywry, document)).then(
      function (v) {
        if (v === undefined) v = null;
        if (v instanceof Node) v = v.outerHTML || v.nodeName;  // a node answers as its markup
        send({id: id, ok: true, value: v});
      },
      function (e) { send({id: id, ok: false, error: String(e)}); });
  } catch (e) { send({id: id, ok: false, error: String(e)}); }
})();"""


class Delivery:
    """The parent's page commands for one host's windows."""

    def __init__(self, host: HostApp) -> None:
        self.host = host

    def emit_batch(self, label: str, batch: str) -> None:
        """Send a batch (JSON array text) to the page, or hold it until the page listens.

        A page that never listens (a foreign URL, a broken page) cannot make the host grow
        without bound: past ``BACKLOG_LINES`` maximal lines the batch is refused with an error.
        """
        window = self.host.window(label)
        with window.lock:
            if window.attached:
                deliver(window, batch)
                return
            held = sum(len(b) for b in window.backlog)
            if held + len(batch) > BACKLOG_LINES * self.host.max_line:
                raise RuntimeError(
                    f"window {label!r} is not listening (its page has no wry bridge or has not "
                    f"loaded) and already holds {held} characters of events: batch dropped"
                )
            window.backlog.append(batch)

    def _emit_events(self, label: str, events: list[dict[str, Any]]) -> None:
        self.emit_batch(label, _batch_text(events))

    def cmd_emit(self, message: dict[str, Any]) -> None:
        """``{label, event, payload}`` (the seed's form) or ``{label, batch: [...]}``."""
        label = message["label"]
        if "batch" in message:
            batch = message["batch"]
            if not isinstance(batch, list):
                raise ValueError("'batch' must be a list of {type, data} events")
            self._emit_events(label, batch)
            return
        event = message.get("event")
        if not isinstance(event, str):
            raise ValueError("emit needs 'event' (a string) or 'batch'")
        self._emit_events(label, [{"type": event, "data": message.get("payload")}])

    def cmd_eval_js(self, message: dict[str, Any]) -> Any:
        """Run ``script`` in the page; the reply carries its value (promises are awaited)."""
        label, script = message["label"], message.get("script")
        if not isinstance(script, str):
            raise ValueError("eval_js needs 'script' as a string")
        request_id = message.get("request_id")
        window = self.host.window(label)
        if request_id is None:
            self._emit_events(label, [{"type": "pywry:eval", "data": {"id": "", "script": script}}])
            return None
        eval_id = f"e{request_id}"
        with window.lock:
            window.evals[eval_id] = request_id
        self._emit_events(
            label, [{"type": "pywry:eval", "data": {"id": eval_id, "script": script}}]
        )
        return DEFERRED

    def cmd_probe_js(self, message: dict[str, Any]) -> Any:
        """Evaluate ``expression`` through Tauri's own eval and IPC, not the wry bridge.

        Tests observe pages through this channel, so a broken bridge cannot hide its own
        mistakes. The value comes back through the ``wry_probe`` page command.
        """
        expression, request_id = message.get("expression"), message.get("request_id")
        if not isinstance(expression, str) or request_id is None:
            raise ValueError("probe_js needs 'expression' (a string) and a 'request_id'")
        window = self.host.window(message["label"])
        probe_id = f"p{request_id}"
        with window.lock:
            window.evals[probe_id] = request_id
        window.native.eval(PROBE_JS % (json.dumps(probe_id), expression))
        return DEFERRED

    def cmd_forget(self, message: dict[str, Any]) -> dict[str, int]:
        """The parent stopped waiting for request ``id``: stop waiting for its page's answer.

        A late answer is then an ordinary ``pywry:eval-result`` event.
        """
        request_id = message.get("id")
        with self.host.lock:
            windows = list(self.host.windows.by_label.values())
        forgotten = 0
        for window in windows:
            with window.lock:
                for key in [k for k, v in window.evals.items() if v == request_id]:
                    del window.evals[key]
                    forgotten += 1
        return {"forgotten": forgotten}

    def cmd_set_content(self, message: dict[str, Any]) -> None:
        """Replace the page's content with ``html`` (the bridge stays, ``pywry:ready`` fires)."""
        html = message.get("html")
        if not isinstance(html, str):
            raise ValueError("set_content needs 'html' as a string")
        payload: dict[str, Any] = {"html": html, "css": [], "scripts": []}
        payload["title"] = message.get("title")
        self._emit_events(message["label"], [{"type": "pywry:update-content", "data": payload}])

    def cmd_set_theme(self, message: dict[str, Any]) -> None:
        """Switch the page between ``dark`` and ``light``."""
        theme = message.get("theme")
        if theme not in ("dark", "light"):
            raise ValueError(f"theme must be 'dark' or 'light', not {theme!r}")
        self._emit_events(
            message["label"], [{"type": "pywry:update-theme", "data": {"theme": theme}}]
        )


def start_sending(window: HostWindow) -> None:
    """The page listens: send what waited, then everything at once (lock held)."""
    window.attached = True
    backlog, window.backlog = window.backlog, []
    if backlog:
        deliver(window, _merge_batches(backlog))


def deliver(window: HostWindow, batch: str) -> None:
    """Send ``batch`` to the listening page, up to an event that makes it leave (lock held).

    The rest is held for the next page, from now: the leaving page evaluates what it gets
    until it is gone, and drops it with itself, as with a proxy reload or navigation.
    """
    split = _split_after_leaving(batch)
    if split is None:
        _emit_now(window, batch)
        return
    now, rest = split
    _emit_now(window, now)
    window.attached = False
    if rest is not None:
        window.backlog.append(rest)


def _emit_now(window: HostWindow, batch: str) -> None:
    try:
        window.native.eval(wire.receive_script(batch))
    except UnicodeEncodeError:  # a lone surrogate (eval_js, set_content): Rust refuses it
        window.native.eval(wire.receive_script(escape_lone_surrogates(batch)))


def _batch_text(events: list[Any]) -> str:
    """A batch as the page receives it (JSON array text)."""
    return json.dumps(events, ensure_ascii=False, allow_nan=False)


def _split_after_leaving(batch: str) -> tuple[str, str | None] | None:
    """``(events up to the first that makes the page leave, the rest or None)``; None if none.

    A plain text search first: most batches have no such event and are never decoded.
    """
    if not any(name in batch for name in LEAVING_EVENTS):
        return None
    events = json.loads(batch)
    for index, event in enumerate(events):
        if _leaves(event):
            rest = events[index + 1 :]
            return _batch_text(events[: index + 1]), _batch_text(rest) if rest else None
    return None


def _leaves(event: Any) -> bool:
    """Whether the bridge leaves the page for ``event``.

    Not for a navigate it ignores (no URL) or one to a ``#fragment`` of the same document.
    """
    if not isinstance(event, dict):
        return False
    if event.get("type") == "pywry:refresh":
        return True
    data = event.get("data")
    url = data.get("url") if isinstance(data, dict) else None
    return (
        event.get("type") == "pywry:navigate"
        and isinstance(url, str)
        and url != ""
        and not url.startswith("#")
    )


def _merge_batches(batches: list[str]) -> str:
    """Join JSON array texts into one array, in order, without decoding them."""
    inner = [b.strip()[1:-1].strip() for b in batches]
    return "[" + ",".join(part for part in inner if part) + "]"
