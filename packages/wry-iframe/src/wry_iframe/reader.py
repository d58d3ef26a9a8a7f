"""The reader thread: page frames become Python callbacks here, one at a time, in arrival order.

The server's event loop only moves bytes; parsing and callbacks run on this one thread, so a
slow callback never stalls other sockets, and events keep the order the pages sent them in.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

log = logging.getLogger("wry.iframe")

Job = Callable[[], None]


class Reader:
    """A daemon thread running submitted jobs in order."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="wry-iframe-reader", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> None:
        """Run ``job`` after every job submitted before it."""
        self._jobs.put(job)

    def on_reader_thread(self) -> bool:
        """Whether the caller runs on this reader (i.e. inside a page callback)."""
        return threading.current_thread() is self._thread

    def stop(self, timeout: float = 5.0) -> None:
        """Finish the jobs already submitted, then end the thread (never from inside it)."""
        self._jobs.put(None)
        if not self.on_reader_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                job()
            except Exception:  # a bug here must not end delivery for every page
                log.exception("wry-iframe reader job %r failed", job)
