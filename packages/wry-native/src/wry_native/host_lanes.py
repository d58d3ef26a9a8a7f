"""Lanes: a window's calls that wait for its frame hold up no other window.

A window-control call that may wait for the window manager runs on a thread of the window's
own; that window's later calls queue behind it, in order, while the reader thread goes on
with every other window's commands.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

#: Actions that carry events to a page: they keep their place among the window's emits and
#: never queue behind a window-control call waiting in the window's lane (``Lanes.run``).
PAGE_ACTIONS = frozenset({"emit", "eval_js", "probe_js", "set_content", "set_theme"})

#: Actions that never queue behind a window's lane: page events keep their order among the
#: window's emits, and a ``close`` ends the lane's wait instead of waiting for it (a window
#: gone needs no frame).
NOT_QUEUED = PAGE_ACTIONS | {"close"}

#: A command handler's answer meaning "the reply is sent later" (eval_js waits for the page).
DEFERRED = object()

Command = Callable[[dict[str, Any]], Any]


@dataclass
class _Lane:
    """One window's commands run in order on a thread of their own."""

    jobs: deque[Callable[[], None]]
    thread: threading.Thread | None = None


class Lanes:
    """The busy lanes by user label; ``answer(request_id, run)`` runs a job and replies."""

    def __init__(
        self, lock: threading.RLock, answer: Callable[[Any, Callable[[], Any]], None]
    ) -> None:
        self._lock = lock
        self._answer = answer
        #: Per user label: commands waiting behind a call that waits for the window's frame.
        self._lanes: dict[str, _Lane] = {}

    def queue_behind(self, message: dict[str, Any], handler: Command) -> bool:
        """Queue a command for a window whose lane is busy, after what waits there.

        Window-control calls for that window keep their order; page events and ``close``
        do not wait.
        """
        label = message.get("label")
        if not isinstance(label, str) or message["action"] in NOT_QUEUED:
            return False
        with self._lock:
            lane = self._lanes.get(label)
            if lane is None or lane.thread is threading.current_thread():
                return False
            run = partial(handler, message)
            lane.jobs.append(partial(self._answer, message.get("request_id"), run))
        return True

    def run(self, label: str, message: dict[str, Any], run: Callable[[], Any]) -> Any:
        """Run ``run`` on window ``label``'s own thread (it may wait for the window manager).

        Replies later (DEFERRED); the window's next calls queue behind it (``queue_behind``).
        Already on that thread, it runs at once.
        """
        job = partial(self._answer, message.get("request_id"), run)
        with self._lock:
            lane = self._lanes.get(label)
            if lane is not None:
                if lane.thread is threading.current_thread():
                    return run()
                lane.jobs.append(job)
                return DEFERRED
            lane = self._lanes[label] = _Lane(deque([job]))
            lane.thread = threading.Thread(
                target=self._run_lane, args=(label, lane), name=f"wry-lane-{label}", daemon=True
            )
        lane.thread.start()
        return DEFERRED

    def _run_lane(self, label: str, lane: _Lane) -> None:
        while True:
            with self._lock:
                if not lane.jobs:
                    del self._lanes[label]
                    return
                job = lane.jobs.popleft()
            job()
