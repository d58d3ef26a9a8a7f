"""``NotebookWidget``: the wry handle of one notebook widget (on/emit/update/display)."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from wry.models import HtmlContent, check_event_name
from wry.transport import in_jupyter_kernel, running_request
from wry.widget import BaseWidget, WidgetClosedError, content_payload
from wry_notebook.lost import LostEvents, event_index
from wry_notebook.outbox import Outbox, OutboxClosedError
from wry_notebook.widget import CHANNELS, Channel, WryWidget

if TYPE_CHECKING:
    from wry.app import PyWry
    from wry.models import PageAsset

log = logging.getLogger("wry.notebook")


class NotebookWidget(BaseWidget):
    """A wry page shown as an anywidget in a notebook output area.

    ``widget`` is the anywidget object; a cell that ends with this handle displays it, unless
    ``app.show()`` already displayed it in the same cell.
    """

    transport_name = "notebook"

    def __init__(
        self,
        app: PyWry,
        label: str,
        content: HtmlContent,
        *,
        theme: str = "dark",
        height: int = 600,
        assets: list[PageAsset] | None = None,
        channel: Channel = "custom",
        interval: float = 0.01,
    ) -> None:
        if channel not in CHANNELS:
            raise ValueError(f"channel must be one of {CHANNELS}, not {channel!r}")
        super().__init__(app, label)
        self.content = content
        self._content_version = 1
        self._content_lock = threading.Lock()
        self.widget = WryWidget(
            label=label,
            theme=theme,
            height=height,
            _content={"version": 1, "payload": content_payload(content)},
            _assets=[{"kind": a.kind, "text": a.text, "name": a.name} for a in assets or ()],
            _channel=channel,
            _queue_limit=app.settings.queue_limit,
        )
        self._outbox = Outbox(
            self.widget.send_batch,
            interval=interval,
            queue_limit=app.settings.queue_limit,
            name=f"notebook widget {label!r}",
            displaced=self._on_resent_displaced,
        )
        self._views: set[str] = set()
        self._views_lock = threading.Lock()
        # display() ran in a kernel and no view has spoken since: its view is on its way
        self._view_expected = False
        self._displayed_in: str | int | None = None  # the request that displayed it last
        self.dropped_events = 0  # events that could reach no view and were lost (logged)
        self._lost = LostEvents()  # which of them, so that several reports count them once
        # the most events any leaving page said reached its views (see _on_view)
        self._seen_most = 0
        self.widget.attach(
            self._on_page_events, self._on_view, self._on_refused, self._on_page_dropped
        )

    # -- the protocol --------------------------------------------------------------------------

    def _set_page_theme(self, theme: str) -> None:
        """A theme change also becomes the theme of views that render later."""
        super()._set_page_theme(theme)
        self.widget.theme = theme

    def _content_event(self, payload: dict[str, Any]) -> dict[str, Any]:
        """New content is also what views that render later mount, under a new version."""
        return {**payload, "version": self._set_content_state(payload)}

    def reload_content(self) -> None:
        """Read the content's files again into the state that views mount (hot reload).

        A view that renders later, or remounts on ``pywry:refresh``, then shows the files as
        saved, not as they were at ``show()``. Live views are left alone.
        """
        if self.content is None or self.closed:
            return
        try:
            payload = content_payload(self.content)
        except OSError as exc:  # one of its files is mid-save or gone: keep the last state
            log.warning("%r: cannot read the content's files again: %s", self, exc)
            return
        self._set_content_state(payload)

    def _set_content_state(self, payload: dict[str, Any]) -> int:
        """Make ``payload`` the content views mount, under a new version; returns it."""
        with self._content_lock:
            self._content_version += 1
            version = self._content_version
            self.widget._content = {"version": version, "payload": payload}
        return version

    def display(self) -> None:
        """Show a view of the widget in the current output area.

        Inside a kernel, events leave from now on instead of waiting for the view to announce
        itself: that announcement is a comm message, which the kernel handles only after the
        running cell, so a cell that displays the widget and then streams to it would show
        nothing until it ended. The page keeps what arrives before the view renders.
        """
        from IPython.display import display

        self._check_open()  # a closed widget has no model: the output would show its repr
        self._displayed_in = running_request()
        in_kernel = in_jupyter_kernel()
        if in_kernel:  # the page keeps early batches for this view, not for later ones
            self.widget.announce_display()
        display(self.widget)  # type: ignore[no-untyped-call]
        if in_kernel:
            with self._views_lock:  # held, so that a view message cannot interleave
                self._view_expected = True
                self._outbox.set_ready(True)

    def _ipython_display_(self) -> None:
        # ``app.show(...)`` as a cell's last line: show() already displayed it in this cell.
        running = running_request()
        if self._displayed_in is not None and running == self._displayed_in:
            return
        if self.closed:  # a cell ending with a closed handle says so instead of raising
            from IPython.display import display

            display({"text/plain": repr(self)}, raw=True)  # type: ignore[no-untyped-call]
            return
        self.display()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The widget-view bundle, for front ends that render mimebundles themselves."""
        if self.closed:  # ipywidgets raises TypeError for a closed widget
            return {"text/plain": repr(self)}
        return self.widget._repr_mimebundle_(**kwargs)

    # -- transport -----------------------------------------------------------------------------

    def _send(self, encoded_event: str) -> None:
        try:
            self._outbox.put(encoded_event)
        except OutboxClosedError as exc:  # closed by another thread after the open check
            raise WidgetClosedError(str(exc)) from None

    def _close(self) -> None:
        self._outbox.close()
        self.widget.close()

    def flush(self) -> None:
        """Send queued events now instead of at the end of the current burst."""
        self._outbox.flush()

    @property
    def views(self) -> int:
        """How many views have announced themselves and not yet left."""
        with self._views_lock:
            return len(self._views)

    @property
    def pending(self) -> int:
        """Events waiting for a view to render (or for the current burst to end)."""
        return self._outbox.pending

    # -- from the front end --------------------------------------------------------------------

    def _on_view(
        self, view_id: str, live: bool, seen: int | None = None, resume: int | None = None
    ) -> None:
        with self._views_lock:
            if live:
                self._views.add(view_id)
            else:
                self._views.discard(view_id)
            # the page has spoken since display(): from now on it tells which views are live
            self._view_expected = False
            if self.closed:
                return
            self._outbox.set_ready(bool(self._views))
            if live and resume is not None:  # a reloaded tab: what it missed, to it alone
                self._outbox.replay(
                    resume, lambda first, events: self.widget.send_replay(view_id, first, events)
                )
            if not live and seen is not None:
                # Tabs on one notebook leave one after the other, each saying how far it got.
                # Every page receives every batch, so what any of them showed reached a view:
                # only what is past the furthest of them reached none and is sent again.
                self._seen_most = max(self._seen_most, seen)
                if not self._views:
                    self._requeue_unseen(self._seen_most)

    def _requeue_unseen(self, seen: int) -> None:
        """The last view left having received ``seen`` events: the rest wait for the next view.

        Those a page had reported dropped (no room to keep them) are not lost if sent again
        now; those Python no longer has are, once, even if a page reported them too.
        """
        lost = self._outbox.requeue_unseen(seen)
        back = self._lost.sent_again(*self._outbox.last_resent)
        if back:
            self.dropped_events -= back
            log.info(
                "%r: %d events a page had reported dropped are sent again to the next view",
                self,
                back,
            )
        if lost:
            self.dropped_events += self._lost.report(*self._outbox.last_lost)
            log.warning(
                "%r: %d events sent after its last view left are lost: the next view gets "
                "only the last %d (queue_limit, at most 16 MiB of JSON) sent meanwhile",
                self,
                lost,
                self._outbox.queue_limit,
            )

    def _on_resent_displaced(self, count: int) -> None:
        """An emit found the queue full of events sent again: the oldest of them made room.

        The user's own emits are what ``queue_limit`` bounds; ``QueueFullError`` for events
        the user did not emit would break a cell that streams across a reload.
        """
        self.dropped_events += 1
        if count == 1:  # once per resend, not once per event
            log.warning(
                "%r: emitting while no view shows it, with queue_limit=%d events waiting; the "
                "oldest events to be sent again to the next view are lost to make room",
                self,
                self._outbox.queue_limit,
            )

    def _on_refused(self, info: dict[str, Any]) -> None:
        self.rejected += 1
        log.warning(
            "%r: the page could not send %r (%s characters): more than one Jupyter message "
            "carries (jupyter_server closes the WebSocket above 10 MiB)",
            self,
            info.get("type"),
            info.get("chars"),
        )

    def _on_page_dropped(self, info: dict[str, Any]) -> None:
        """The page had no room for events of ours (queue_limit): log and count them here.

        Every tab receives every batch, so several pages may report the same events (``from``
        and ``to``: their indices); each counts once.
        """
        count = info.get("count")
        if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
            self._on_page_events([info])  # malformed: rejected, logged and counted there
            return
        start, stop = event_index(info.get("from")), event_index(info.get("to"))
        if start is not None and stop is not None and stop - start == count:
            new = self._lost.report(start, stop)
        else:  # a notice that does not name its events: counted as it says
            new = count
        if not new:
            log.info("%r: %d events another page reported dropped are counted once", self, count)
            return
        self.dropped_events += new
        log.warning(
            "%r: the page dropped %d events (%s, and queue_limit=%d events already wait "
            "there); emit fewer before a view shows, or raise PyWrySettings.queue_limit",
            self,
            new,
            str(info.get("why") or "no room"),
            self.app.settings.queue_limit,
        )

    def _on_page_events(self, events: list[Any]) -> None:
        for event in events:
            kind = event.get("type") if isinstance(event, dict) else None
            try:
                check_event_name(kind)  # type: ignore[arg-type]
            except ValueError as exc:
                self.rejected += 1
                log.warning("%r: rejected a message from the page (%s): %.200r", self, exc, event)
                continue
            self.dispatch_from_page(str(kind), event.get("data"))
