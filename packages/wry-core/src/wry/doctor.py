"""``python -m wry doctor``: what is installed, which transport would be chosen and why, and
what is missing with the command that fixes it."""

from __future__ import annotations

import ctypes.util
import os
import shutil
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version


@dataclass
class Check:
    """One line of the report: a name, whether it is fine, what was found, and the fix."""

    name: str
    ok: bool
    found: str
    fix: str = ""


def _version(dist: str) -> str | None:
    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def distributions() -> list[Check]:
    """The four wry distributions."""
    checks = []
    for dist in ("wry-core", "wry-native", "wry-notebook", "wry-iframe"):
        found = _version(dist)
        checks.append(
            Check(dist, found is not None, found or "not installed", f"pip install {dist}")
        )
    return checks


def system() -> list[Check]:
    """What the transports need from the machine."""
    is_linux = sys.platform.startswith("linux")
    checks = []
    if is_linux:
        webkit = ctypes.util.find_library("webkit2gtk-4.1")
        checks.append(
            Check(
                "WebKitGTK 4.1 (native)",
                webkit is not None,
                webkit or "missing",
                "apt-get install libwebkit2gtk-4.1-0",
            )
        )
        display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        checks.append(
            Check(
                "display (native)",
                bool(display),
                display or "none",
                "run under a desktop session, or `xvfb-run -a python ...` (apt-get install xvfb)",
            )
        )
        bus = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
        checks.append(
            Check(
                "session bus (tray, notifications)",
                bool(bus),
                bus or "none",
                "dbus-run-session -- python ...  (apt-get install dbus)",
            )
        )
    browser = next(
        (p for p in ("chromium", "chromium-browser", "google-chrome") if shutil.which(p)), None
    )
    checks.append(
        Check(
            "Chromium (browser tests)",
            browser is not None,
            (shutil.which(browser) or browser) if browser else "missing",
            "apt-get install chromium",
        )
    )
    return checks


#: ``WRY_`` variables that are read by wry but are no setting.
CONTROL_VARIABLES = ("WRY_LOAD_PLUGINS", "WRY_DISABLE_PLUGINS", "WRY_TRACE_PLUGINS")
TEST_VARIABLES = ("WRY_TEST_CHROMIUM",)


def environment() -> list[Check]:
    """Every ``WRY_`` variable set here: a setting (and whether its value is valid), a plugin
    control, or no name wry knows (a misspelling is no error: it is just never read)."""
    import difflib

    from pydantic import ValidationError

    from wry.settings import PyWrySettings

    settings = {f"WRY_{name.upper()}": name for name in PyWrySettings.model_fields}
    known = [*settings, *CONTROL_VARIABLES, *TEST_VARIABLES]
    checks = []
    for var in sorted(v for v in os.environ if v.startswith("WRY_")):
        if var in settings:
            try:  # this one variable alone, as the settings would read it
                setattr(PyWrySettings.model_construct(), settings[var], os.environ[var])
                checks.append(Check(var, True, f"setting {settings[var]}={os.environ[var]!r}"))
            except ValidationError as exc:
                why = exc.errors()[0]["msg"]
                checks.append(Check(var, False, f"invalid: {why}", "see docs/settings.md"))
        elif var in known:
            checks.append(Check(var, True, repr(os.environ[var])))
        else:
            close = difflib.get_close_matches(var, known, n=1)
            fix = f"did you mean {close[0]}?" if close else "no wry setting has this name"
            checks.append(Check(var, False, "not read by wry", fix))
    return checks


def transports() -> tuple[list[Check], str]:
    """Installed transports, and the one ``PyWry()`` would choose here, with the reason."""
    from wry.transport import (
        TransportNotAvailable,
        choose_transport,
        installed_transports,
        unavailable,
    )

    checks = []
    for name, transport in sorted(installed_transports().items()):
        reason = unavailable(transport)
        checks.append(Check(f"transport {name}", reason is None, reason or "usable"))
    try:
        choice = choose_transport(None, os.environ.get("WRY_TRANSPORT"))
        summary = f"PyWry() would use {choice.transport.name!r}: {choice.reason}"
    except TransportNotAvailable as exc:
        summary = f"PyWry() cannot show anything here: {exc}"
    return checks, summary


def report() -> tuple[str, bool]:
    """The doctor's text, and whether some transport can show a page here."""
    lines = [f"wry doctor (python {sys.version.split()[0]}, {sys.platform})", ""]
    transport_checks, summary = transports()
    for title, checks in (
        ("distributions", distributions()),
        ("transports", transport_checks),
        ("system", system()),
        ("environment (WRY_*)", environment()),
    ):
        lines.append(f"{title}:")
        for check in checks:
            mark = "ok " if check.ok else "-- "
            fix = f"   fix: {check.fix}" if not check.ok and check.fix else ""
            lines.append(f"  {mark} {check.name}: {check.found}{fix}")
        lines.append("")
    lines.append(summary)
    return "\n".join(lines), "cannot show" not in summary
