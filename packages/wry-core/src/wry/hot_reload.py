"""Hot reload: watch the CSS and script files of shown content and push changes.

Files are watched with ``watchfiles`` (Rust notify underneath) in one background thread per app.
The change reaches the transport through the ``wry_hot_reload`` hook; the default
implementation here works on every transport: CSS is re-injected with ``pywry:inject-css``
(no reload), a script change sends ``pywry:refresh`` (reload, scroll position kept).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from wry.models import asset_id
from wry.plugins import hookimpl

if TYPE_CHECKING:
    from wry.widget import BaseWidget

log = logging.getLogger("wry.hot_reload")

#: Seconds between looks for watched folders that do not exist, and after a failed watch.
RESCAN_S = 1.0


@hookimpl(trylast=True)
def wry_hot_reload(widget: BaseWidget, path: str, kind: str, text: str) -> bool:
    """Default delivery: inject CSS in place, refresh the page for scripts."""
    if kind == "css":
        widget.inject_css(text, asset_id(path))
    else:
        widget.refresh()
    return True


class HotReloader:
    """Watches files for a set of widgets; one thread, stopped with ``stop()``."""

    def __init__(self, debounce_ms: int = 50) -> None:
        self.debounce_ms = debounce_ms
        self._lock = threading.Lock()
        self._files: dict[Path, dict[str, tuple[BaseWidget, str]]] = defaultdict(dict)
        self._stop = threading.Event()
        self._changed = threading.Event()
        self._thread: threading.Thread | None = None
        self._missing: set[str] = set()  # watched folders that do not exist (now)
        self.delivered = 0

    def watch(self, widget: BaseWidget) -> None:
        """Watch the widget's current ``css_files`` and ``script_files``."""
        content = widget.content
        if content is None:
            return
        with self._lock:
            self._forget_locked(widget)
            for kind, paths in (("css", content.css_files), ("script", content.script_files)):
                for p in paths:
                    self._files[Path(p).resolve()][widget.label] = (widget, kind)
        self._restart()

    def forget(self, widget: BaseWidget) -> None:
        """Stop watching files on behalf of ``widget``."""
        with self._lock:
            self._forget_locked(widget)

    def _forget_locked(self, widget: BaseWidget) -> None:
        for path in list(self._files):
            self._files[path].pop(widget.label, None)
            if not self._files[path]:
                del self._files[path]

    def _restart(self) -> None:
        # watchfiles cannot add paths to a running watch: restart it with the new set.
        if self._thread is not None:
            self._changed.set()
            return
        self._thread = threading.Thread(target=self._run, name="wry-hot-reload", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import watchfiles

        while not self._stop.is_set():
            self._changed.clear()
            with self._lock:
                wanted = sorted({str(p.parent) for p in self._files})
            # a folder that is gone (a temp dir, a checkout) must not end the watch for all
            dirs = [d for d in wanted if Path(d).is_dir()]
            for gone in set(wanted) - set(dirs) - self._missing:
                log.warning("hot reload: %s does not exist; watching it once it does", gone)
            self._missing = set(wanted) - set(dirs)
            if not dirs:
                self._changed.wait(RESCAN_S)
                continue
            waits: list[_Settable] = [self._stop, self._changed]
            if self._missing:
                waits.append(_Deadline(RESCAN_S))  # look for them again now and then
            try:
                for changes in watchfiles.watch(
                    *dirs,
                    stop_event=_AnyEvent(*waits),
                    debounce=max(self.debounce_ms, 1),
                    step=10,
                    rust_timeout=200,
                    yield_on_timeout=False,
                ):
                    self._deliver({Path(p).resolve() for _, p in changes})
            except Exception:  # a folder removed while watched, say: watch again
                log.exception("hot reload: watching %s failed; starting again", dirs)
                self._changed.wait(RESCAN_S)

    def _deliver(self, paths: set[Path]) -> None:
        from wry.plugins import hook

        for path in sorted(paths):
            with self._lock:
                targets = list(self._files.get(path, {}).values())
            if not targets:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:  # deleted or mid-write: the next event brings it back
                log.warning("hot reload: cannot read %s: %s", path, exc)
                continue
            for widget, kind in targets:
                if widget.closed:
                    continue
                try:
                    hook().wry_hot_reload(widget=widget, path=str(path), kind=kind, text=text)
                    self.delivered += 1
                except Exception:
                    log.exception("hot reload of %s into %r failed", path, widget)

    def stop(self) -> None:
        """Stop watching; returns once the thread has ended."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)


class _Settable(Protocol):
    def is_set(self) -> bool: ...


class _Deadline:
    """Set once ``seconds`` have passed."""

    def __init__(self, seconds: float) -> None:
        self._at = time.monotonic() + seconds

    def is_set(self) -> bool:
        return time.monotonic() >= self._at


class _AnyEvent:
    """Looks like a threading.Event to watchfiles; set when any of its parts is."""

    def __init__(self, *events: _Settable) -> None:
        self._events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self._events)
