"""The writer thread: it sends what is emitted while the socket thread is not free to.

Emits from user threads, and the second and later emits of one page callback, wake this
thread once per burst; it sends everything queued by then in one frame. So a callback that
runs for a while (reporting progress, say) does not hold back its own events or anyone
else's, and a burst of emits leaves in few frames.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

log = logging.getLogger("wry.iframe")

Job = Callable[[], None]


class Writer:
    """A daemon thread running submitted jobs (flushes) in order."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="wry-iframe-writer", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> None:
        """Run ``job`` after every job submitted before it."""
        self._jobs.put(job)

    def stop(self, timeout: float = 5.0) -> None:
        """Finish the jobs already submitted, then end the thread (never from inside it)."""
        self._jobs.put(None)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                job()
            except Exception:  # a bug here must not end delivery for every page
                log.exception("wry-iframe writer job %r failed", job)
