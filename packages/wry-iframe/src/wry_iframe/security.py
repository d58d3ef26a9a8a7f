"""The checks every request passes: Host allow-list, exact Origin, per-widget token.

Each refusal is logged and counted by reason, so an attack (or a misconfiguration) is visible
in ``transport.rejections`` and in the ``wry.iframe`` log instead of failing silently.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import Counter
from collections.abc import Iterable

log = logging.getLogger("wry.iframe")

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_WILDCARD_BINDS = ("0.0.0.0", "::", "")


def new_token() -> str:
    """An unguessable per-widget secret (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison; any non-ASCII or missing value is simply a mismatch."""
    if not given:
        return False
    return secrets.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def host_name(host_header: str) -> str:
    """The host part of a ``Host`` header (``[::1]:8000`` → ``::1``), lower-cased."""
    host = host_header.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[1:end] if end > 0 else host
    name, sep, port = host.rpartition(":")
    return name if sep and port.isdigit() else host


def _configured_name(name: str) -> str:
    """A host name from settings: ``::1`` and ``[::1]`` both mean ``::1``; a port is ignored."""
    name = name.strip().lower()
    if name.count(":") > 1 and not name.startswith("["):
        return name  # a bare IPv6 address
    return host_name(name)


class Guard:
    """Decides whether a request may reach a widget, and keeps count of refusals."""

    def __init__(self, bound_host: str, extra_hosts: Iterable[str]) -> None:
        hosts = set(LOOPBACK_HOSTS)
        if bound_host not in _WILDCARD_BINDS:
            hosts.add(_configured_name(bound_host))
        hosts.update(_configured_name(h) for h in extra_hosts if h.strip())
        self.allowed_hosts = frozenset(hosts)
        self.rejections: Counter[str] = Counter()
        self._lock = threading.Lock()

    def host_ok(self, host_header: str | None) -> bool:
        """DNS rebinding defence: the name the browser used must be one of ours."""
        return bool(host_header) and host_name(host_header or "") in self.allowed_hosts

    @staticmethod
    def origin_ok(origin: str | None, host_header: str | None) -> bool:
        """Cross-site WebSocket hijacking defence: only a page served by this server may connect.

        A browser always sends ``Origin`` on a WebSocket handshake; our pages live at
        ``http://<Host>``, so anything else (another site, ``null``, none) is refused.
        """
        return bool(origin and host_header) and origin == f"http://{host_header}"

    def reject(self, reason: str, detail: str) -> None:
        """Log and count one refusal."""
        with self._lock:
            self.rejections[reason] += 1
        log.warning("wry-iframe refused a request (%s): %s", reason, detail)
