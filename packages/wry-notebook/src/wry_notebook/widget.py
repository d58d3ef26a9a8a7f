"""The anywidget model: the bridge bundle plus the notebook adapter, and the synced state.

Wire (all JSON; see docs/transports/notebook.md):

- Python → JS: a batch ``{"kind": "batch", "seq": n, "events": "<JSON array>"}`` as an
  anywidget custom message (default), or the same dict in the ``_py_event`` traitlet
  (``channel="traitlets"``).
  The view also fires a plain ``{"type", "data"}`` set into ``_py_event`` by hand.
- JS → Python: ``{"kind": "events", "events": [{type, data}, ...]}`` as a custom message, or the
  ``_js_event`` traitlet (a single ``{type, data}`` or ``{"events": [...]}``).
- Python announces each ``display()`` with ``{"kind": "display"}`` (just before it).
- Views announce themselves with ``{"kind": "view", "view": id}`` (with ``"resume": n`` for
  the first view of a reloaded tab that had shown events up to index n; Python answers with
  ``{"kind": "replay", "view": id, "first": i, "events": "<JSON array>"}``, the events from
  index i on that it still keeps, on the batches' channel) and leave with
  ``{"kind": "gone", "view": id, "seen": n}`` (n: events of Python's that reached a view of
  the page; a batch's ``first`` is the count sent before it); a leaving page sends it with
  ``view: ""`` for a model it holds no view of;
  ``{"kind": "refused", "type", "chars"}`` reports an event too big for one Jupyter message,
  ``{"kind": "dropped", "count", "why", "from", "to"}`` events of Python's the page had no room
  to keep (``from``..``to - 1``: their indices, as ``first`` counts them).

The model only moves messages; the handle (:mod:`wry_notebook.handle`) owns ordering and routing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal

import anywidget
import ipywidgets
import traitlets

from wry.page import bridge_bundle
from wry.protocol import encode_batch, utf8_safe
from wry_notebook.lost import event_index

Channel = Literal["custom", "traitlets"]

#: ``on_view(view, live, seen, resume)``: a view came or went (``seen``: a leave notice's
#: count, ``resume``: an announcement's, see the wire above; else ``None``).
OnView = Callable[[str, bool, int | None, int | None], None]


CHANNELS: tuple[Channel, ...] = ("custom", "traitlets")


def _asset(name: str) -> str:
    return (files("wry_notebook") / "assets" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def esm_source() -> str:
    """The widget's ES module: the core bridge bundle, then the anywidget adapter."""
    return bridge_bundle() + "\n;\n" + _asset("adapter.js")


def route_to_main_shell(comm: Any) -> None:
    """Have the kernel hand every message of the page's on ``comm`` to its main shell.

    ipykernel 7 hands a comm's messages from the page to the subshell of the request it was
    handling when the comm last sent to the page, so that a reply reaches code that awaits it
    there. Nothing of wry's awaits a reply, and wry sends from its own thread too, where that
    request is whichever the kernel handled last, on any subshell: one that JupyterLab
    deletes right after, say (its widget manager's control comm, as a page loads). The
    page's messages then went to a subshell that was gone, and ipykernel dropped them all (a
    reloaded tab's view was never counted) until the widget next sent from the main shell.
    So they go to the main shell, where they went otherwise and where wry's callbacks run
    between cells, never during one: not to the subshell the page addressed either (JupyterLab
    4.6 sends the messages of a widget that was there before the page loaded on a subshell).
    """
    kernels_route = getattr(comm, "_reply_subshell_for", None)
    if kernels_route is None or getattr(kernels_route, "wry_routes", False):
        return  # a kernel without subshells, or routed already

    def to_main_shell(data: Any, addressed: str | None) -> None:
        kernels_route(data, addressed)  # the kernel's own bookkeeping of awaited replies
        return None

    to_main_shell.wry_routes = True  # type: ignore[attr-defined]
    comm._reply_subshell_for = to_main_shell


class WryWidget(anywidget.AnyWidget):  # type: ignore[misc]
    """One wry page inside a notebook output area; every view of it shows the same content."""

    _esm = esm_source()
    _css = _asset("widget.css")

    label = traitlets.Unicode("").tag(sync=True)
    #: random and never reused: the page finds this model's state by it (labels can repeat)
    _uid = traitlets.Unicode().tag(sync=True)
    theme = traitlets.Unicode("dark").tag(sync=True)
    height = traitlets.Int(600).tag(sync=True)
    #: ``{"version": n, "payload": update-content payload}``; a view mounts it when it renders.
    _content = traitlets.Dict().tag(sync=True)
    #: JS/CSS contributed by plugins (``wry_page_assets``): ``[{"kind", "text"}]``.
    _assets: traitlets.List[Any] = traitlets.List().tag(sync=True)
    #: which channel carries batches in both directions: ``custom`` messages or ``traitlets``.
    _channel = traitlets.Unicode("custom").tag(sync=True)
    #: most events the page keeps for views not rendered yet (``PyWrySettings.queue_limit``)
    _queue_limit = traitlets.Int(100_000).tag(sync=True)
    _py_event = traitlets.Dict().tag(sync=True)
    _js_event = traitlets.Dict().tag(sync=True, echo_update=False)

    @traitlets.default("_uid")
    def _new_uid(self) -> str:
        return secrets.token_hex(8)

    @traitlets.observe("comm")
    def _route_page_messages_to_main_shell(self, change: dict[str, Any]) -> None:
        route_to_main_shell(change["new"])

    @traitlets.validate("_py_event")
    def _every_set_fires(self, proposal: Any) -> Any:
        """A hand-set ``{"type", "data"}`` gets a count, so setting it again fires again.

        traitlets drops a set equal to the current value: the same event twice in a row
        would reach the page once. Batches need no count (each has its own ``seq``).
        """
        value = proposal["value"]
        if isinstance(value, dict) and "type" in value and value.get("kind") != "batch":
            self._py_sets = getattr(self, "_py_sets", 0) + 1
            return {**value, "n": self._py_sets}
        return value

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_page_events: Callable[[list[Any]], None] = lambda events: None
        self._on_view: OnView = lambda view, live, seen, resume: None
        self._on_refused: Callable[[dict[str, Any]], None] = lambda info: None
        self._on_dropped: Callable[[dict[str, Any]], None] = lambda info: None
        self.on_msg(self._handle_custom)
        self.observe(self._handle_js_trait, names="_js_event")

    def close(self) -> None:
        """Close the widget and the ``Layout`` widget ipywidgets made for it.

        ipywidgets leaves that one open: each widget shown and closed kept a Layout model (and
        its comm) in the kernel, and in the front end, for as long as they ran.
        """
        layout = self._trait_values.get("layout")
        super().close()
        if isinstance(layout, ipywidgets.Widget):
            layout.close()

    def attach(
        self,
        on_page_events: Callable[[list[Any]], None],
        on_view: OnView,
        on_refused: Callable[[dict[str, Any]], None],
        on_dropped: Callable[[dict[str, Any]], None],
    ) -> None:
        """Route page events, view arrivals/departures, refused and dropped events."""
        self._on_page_events = on_page_events
        self._on_view = on_view
        self._on_refused = on_refused
        self._on_dropped = on_dropped

    def send_batch(
        self, seq: int, first: int, events_json: str, again: tuple[int, int] | None = None
    ) -> None:
        """Put one batch (already JSON) on the wire through the configured channel.

        ``first`` (how many events were sent before it) lets a leaving view tell how many it
        received, so that Python can send the rest again to the next view; ``again`` marks
        those (see ``Deliver``), so that a page that has them already does not show them twice.
        """
        # A lone surrogate cannot travel as UTF-8: Jupyter's packer raises for some and turns
        # others (U+DC80-U+DCFF, surrogateescape) into bytes the server reads as U+FFFD.
        message: dict[str, Any] = {
            "kind": "batch",
            "seq": seq,
            "first": first,
            "events": utf8_safe(events_json),
        }
        if again is not None:
            message["again"] = list(again)
        self._put_on_wire(message)

    def send_replay(self, view: str, first: int, events: list[str]) -> None:
        """Send ``view`` (only) the events from index ``first`` on: its tab reloaded.

        On the batches' channel, so that it stays in order with them (ipywidgets applies a
        state update later than a custom message that follows it).
        """
        events_json = utf8_safe(encode_batch(events))
        self._put_on_wire({"kind": "replay", "view": view, "first": first, "events": events_json})

    def announce_display(self) -> None:
        """Tell the page that a view is about to be displayed (sent just before it).

        The page keeps the batches that arrive before a view renders for the views announced
        this way, and only for them: a view displayed later starts with later events. Always a
        custom message, so that it stays in order with the display and the batches after it.
        """
        self.send({"kind": "display"})

    def _put_on_wire(self, message: dict[str, Any]) -> None:
        if self._channel == "traitlets":
            self._py_event = message
        else:
            self.send(message)

    # -- from the front end --------------------------------------------------------------------

    def _handle_custom(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            self._on_page_events([content])  # the handle rejects it with a clear log
            return
        kind = content.get("kind")
        if kind == "events":
            events = content.get("events")
            self._on_page_events(events if isinstance(events, list) else [events])
        elif kind in ("view", "gone"):
            view, live = str(content.get("view")), kind == "view"
            self._on_view(
                view, live, event_index(content.get("seen")), event_index(content.get("resume"))
            )
        elif kind == "refused":
            self._on_refused(content)
        elif kind == "dropped":
            self._on_dropped(content)
        elif kind != "anywidget-command":  # anywidget's own RPC shares the channel
            self._on_page_events([content])

    def _handle_js_trait(self, change: dict[str, Any]) -> None:
        value = change["new"]
        if isinstance(value, dict) and "events" in value:
            events = value["events"]
            self._on_page_events(events if isinstance(events, list) else [events])
        elif value:
            self._on_page_events([value])
