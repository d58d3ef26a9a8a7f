"""Hot reload: watch the CSS and script files of shown content and push changes.

Files are watched with ``watchfiles`` (Rust notify underneath) in one background thread per app.
The change reaches the transport through the ``wry_hot_reload`` hook; the default
implementation here works on every transport: CSS is re-injected with ``pywry:inject-css``
(no reload), a script change sends ``pywry:refresh`` (reload, scroll position kept).
"""

from __future__ import annotations

import hashlib
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

#: A file's text as last seen, by digest (None: it could not be read).
Seen = str | None


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
        self._seen: dict[Path, Seen] = {}  # each watched file as last pushed or shown
        self.delivered = 0

    def watch(self, widget: BaseWidget) -> None:
        """Watch the widget's current ``css_files`` and ``script_files``."""
        content = widget.content
        if content is None:
            return
        files = [
            (Path(p).resolve(), kind)
            for kind, paths in (("css", content.css_files), ("script", content.script_files))
            for p in paths
        ]
        seen = {path: _digest(path) for path, _ in files}  # what the page was just given
        with self._lock:
            self._forget_locked(widget)
            for path, kind in files:
                self._files[path][widget.label] = (widget, kind)
                self._seen.setdefault(path, seen[path])
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
                self._seen.pop(path, None)

    def _restart(self) -> None:
        # watchfiles cannot add paths to a running watch: restart it with the new set.
        if self._thread is not None:
            self._changed.set()
            return
        self._thread = threading.Thread(target=self._run, name="wry-hot-reload", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._changed.clear()
            dirs = self._existing_dirs()
            if not dirs:
                self._changed.wait(RESCAN_S)
                continue
            try:
                self._watch(dirs)
            except Exception:  # a folder removed while watched, say: watch again
                log.exception("hot reload: watching %s failed; starting again", dirs)
                self._changed.wait(RESCAN_S)

    def _existing_dirs(self) -> list[str]:
        """The watched folders that exist; the others are remembered in ``_missing``."""
        with self._lock:
            wanted = sorted({str(p.parent) for p in self._files})
        # a folder that is gone (a temp dir, a checkout) must not end the watch for all
        dirs = [d for d in wanted if Path(d).is_dir()]
        for gone in set(wanted) - set(dirs) - self._missing:
            log.warning("hot reload: %s does not exist; watching it once it does", gone)
        self._missing = set(wanted) - set(dirs)
        return dirs

    def _watch(self, dirs: list[str]) -> None:
        """One watch of ``dirs``, until stopped, given new files, or a missing folder appears.

        Between two watches nothing is watched: once the next one runs, every file whose text
        differs from what was last pushed is pushed, so a save made in the gap is not lost.
        """
        import watchfiles

        stop = _AnyEvent(self._stop, self._changed, _Appeared(self._missing))
        caught_up = False
        for changes in watchfiles.watch(
            *dirs,
            stop_event=stop,
            debounce=max(self.debounce_ms, 1),
            step=10,
            rust_timeout=200,
            yield_on_timeout=True,  # the first yield says the watch runs, changes or not
        ):
            self._deliver({Path(p).resolve() for _, p in changes})
            if not caught_up:
                with self._lock:
                    watched = set(self._files)
                self._deliver(watched, only_changed=True)
                caught_up = True

    def _deliver(self, paths: set[Path], only_changed: bool = False) -> None:
        from wry.plugins import hook

        for path in sorted(paths):
            with self._lock:
                if path not in self._files:  # another file of a watched folder
                    continue
            text = self._read(path, quiet=only_changed)
            with self._lock:
                targets = list(self._files.get(path, {}).values())
                if not targets:  # forgotten meanwhile
                    continue
                before = self._seen.get(path)
                after = self._seen[path] = None if text is None else _digest_text(text)
            if text is None or (only_changed and after == before):
                continue
            for widget, kind in targets:
                if widget.closed:
                    continue
                try:
                    hook().wry_hot_reload(widget=widget, path=str(path), kind=kind, text=text)
                    self.delivered += 1
                except Exception:
                    log.exception("hot reload of %s into %r failed", path, widget)

    @staticmethod
    def _read(path: Path, quiet: bool) -> str | None:
        """The file's text, or None (deleted or mid-write: the next event brings it back)."""
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            if not quiet:
                log.warning("hot reload: cannot read %s: %s", path, exc)
            return None

    def stop(self) -> None:
        """Stop watching; returns once the thread has ended."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)


class _Settable(Protocol):
    def is_set(self) -> bool: ...


class _Appeared:
    """Set once one of ``folders`` exists; looks every ``RESCAN_S`` seconds, not every step."""

    def __init__(self, folders: set[str]) -> None:
        self._folders = sorted(folders)
        self._next_look = time.monotonic() + RESCAN_S

    def is_set(self) -> bool:
        if not self._folders or time.monotonic() < self._next_look:
            return False
        self._next_look = time.monotonic() + RESCAN_S
        return any(Path(f).is_dir() for f in self._folders)


def _digest_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _digest(path: Path) -> Seen:
    """The digest of the file's text now, or None when it cannot be read."""
    try:
        return _digest_text(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


class _AnyEvent:
    """Looks like a threading.Event to watchfiles; set when any of its parts is."""

    def __init__(self, *events: _Settable) -> None:
        self._events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self._events)
