"""What a transport is, and how wry picks one.

A transport plugin returns :class:`Transport` objects from the ``wry_transports`` hook. The
choice is: explicit argument > settings/``WRY_TRANSPORT`` > automatic (DESIGN §3).
"""

from __future__ import annotations

import os
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wry.app import PyWry
    from wry.models import HtmlContent, MenuConfig
    from wry.widget import BaseWidget

#: Distributions that provide the built-in transports, for "pip install ..." hints.
BUILTIN_DISTRIBUTIONS = {"native": "wry-native", "notebook": "wry-notebook", "iframe": "wry-iframe"}


class TransportNotAvailable(RuntimeError):
    """The requested transport is not installed or cannot run here; the message says the fix."""


@dataclass
class ShowOptions:
    """Everything ``show()`` passes to a transport besides the content."""

    label: str
    title: str = "wry"
    width: int = 800
    height: int = 600
    theme: str = "dark"
    menu: MenuConfig | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: whether the caller chose ``label`` (False: show() made it up)
    label_given: bool = False


class Transport(ABC):
    """A way to put a page in front of the user and exchange events with it."""

    #: the name users pass as ``transport=``.
    name: str = ""

    def unavailable_reason(self) -> str | None:
        """Why this transport cannot run here (with the fix), or None when it can."""
        return None

    @abstractmethod
    def create(self, app: PyWry, content: HtmlContent, options: ShowOptions) -> BaseWidget:
        """Open a new window/widget showing ``content`` and return its handle."""

    def shutdown(self) -> None:  # noqa: B027  (optional hook, empty by default)
        """Release processes, servers and threads; called by ``PyWry.destroy`` and at exit."""


def installed_transports() -> dict[str, Transport]:
    """Every transport contributed by a loaded plugin, by name (first registration wins)."""
    from wry.plugins import collect

    found: dict[str, Transport] = {}
    for contributed in collect("wry_transports"):
        for transport in contributed or ():
            found.setdefault(transport.name, transport)
    return found


def unavailable(transport: Transport) -> str | None:
    """``transport.unavailable_reason()``, where a check that raises is a reason too.

    A third-party transport whose check fails (a lazy import it lacks) is simply not usable:
    it must not take the automatic choice or ``python -m wry doctor`` down with it.
    """
    try:
        return transport.unavailable_reason()
    except Exception as exc:
        return f"its availability check raised {type(exc).__name__}: {exc}"


def in_jupyter_kernel() -> bool:
    """True inside a running IPython kernel (notebook, JupyterLab, VS Code)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()  # type: ignore[attr-defined]
    except Exception:
        return False
    return shell is not None and hasattr(shell, "kernel")


def running_request() -> str | int | None:
    """What IPython runs now: the id of the kernel request it handles (a cell, a comm message).

    A handle shown by a cell that ends with it must not be displayed twice, and one displayed
    elsewhere must not hide the next cell's display. ``execution_count`` cannot tell: between
    cells it already holds the next cell's number. Outside a kernel (a terminal IPython) that
    count is all there is; None outside IPython.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None  # type: ignore[attr-defined]
    if shell is None:
        return None
    parent = getattr(shell, "parent_header", None)  # ipykernel: the request, or its header
    header = parent.get("header", parent) if isinstance(parent, dict) else None
    msg_id = header.get("msg_id") if isinstance(header, dict) else None
    return str(msg_id) if msg_id else int(shell.execution_count)


def has_display() -> bool:
    """True where a native window could appear."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def automatic_order() -> tuple[list[str], str]:
    """Transport names to try in order, and why."""
    if in_jupyter_kernel():
        return ["notebook", "iframe"], "running inside a Jupyter kernel"
    if has_display():
        return ["native", "iframe"], "a display is available"
    return ["iframe"], "no display and no Jupyter kernel: browser mode"


def install_hint(name: str) -> str:
    """The pip command that provides transport ``name``."""
    dist = BUILTIN_DISTRIBUTIONS.get(name)
    if dist is None:
        return f"install the package that provides the {name!r} transport"
    return f"pip install {dist}  (or: pip install 'wry-core[{name}]')"


@dataclass
class Choice:
    """A chosen transport and the reason, as ``python -m wry doctor`` prints it."""

    transport: Transport
    reason: str


def choose_transport(explicit: str | None = None, configured: str | None = None) -> Choice:
    """Pick a transport: explicit > configured > automatic; raise naming the fix otherwise."""
    available = installed_transports()
    wanted, why = explicit, "asked for explicitly"
    if wanted is None and configured:
        wanted, why = configured, "set by settings / WRY_TRANSPORT"
    if wanted is not None:
        transport = available.get(wanted)
        if transport is None:
            names = ", ".join(sorted(available)) or "none"
            raise TransportNotAvailable(
                f"transport {wanted!r} is not installed (installed: {names}); "
                f"{install_hint(wanted)}"
            )
        reason = unavailable(transport)
        if reason:
            raise TransportNotAvailable(f"transport {wanted!r} cannot run here: {reason}")
        return Choice(transport, why)
    order, why = automatic_order()
    skipped: list[str] = []
    for name in order:
        transport = available.get(name)
        if transport is None:
            skipped.append(f"{name}: not installed ({install_hint(name)})")
            continue
        reason = unavailable(transport)
        if reason:
            skipped.append(f"{name}: {reason}")
            continue
        return Choice(transport, why if not skipped else f"{why}; skipped {'; '.join(skipped)}")
    raise TransportNotAvailable(
        f"no usable transport ({why}): " + "; ".join(skipped or ["nothing installed"])
    )
