"""``python -m wry doctor`` reports distributions, transports, the choice and fixes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_doctor(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wry", "doctor"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


def test_doctor_reports_sections_and_choice() -> None:
    out = run_doctor().stdout
    for section in ("distributions:", "transports:", "system:"):
        assert section in out
    assert "wry-core: 0.1.0" in out
    assert "PyWry() would use" in out or "PyWry() cannot show anything here" in out


def test_doctor_names_the_fix_for_a_missing_display() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    run = subprocess.run(
        [sys.executable, "-m", "wry", "doctor"], capture_output=True, text=True, env=env, timeout=60
    )
    if sys.platform.startswith("linux"):
        assert "xvfb-run" in run.stdout


def test_doctor_fails_when_nothing_can_show(tmp_path: object) -> None:
    run = run_doctor(WRY_LOAD_PLUGINS="", DISPLAY="")
    assert run.returncode == 1
    assert "pip install wry-iframe" in run.stdout


def test_unknown_command_exits_2() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "wry", "frobnicate"], capture_output=True, text=True
    )
    assert run.returncode == 2
    assert "doctor" in run.stderr


BROKEN_TRANSPORT = """
from wry.plugins import hookimpl
from wry.transport import Transport


class Broken(Transport):
    name = "broken"

    def unavailable_reason(self):
        import wry_missing_dependency  # a lazy import the plugin lacks

    def create(self, app, content, options):
        raise NotImplementedError


@hookimpl
def wry_transports():
    return [Broken()]
"""


def test_a_transport_whose_check_raises_is_reported_not_fatal(tmp_path: Path) -> None:
    dist = tmp_path / "wry_brokencheck-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: wry-brokencheck\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[wry]\nbroken = wry_brokencheck\n")
    (tmp_path / "wry_brokencheck.py").write_text(BROKEN_TRANSPORT)
    path = os.pathsep.join(p for p in (str(tmp_path), os.environ.get("PYTHONPATH")) if p)
    run = run_doctor(PYTHONPATH=path)
    assert run.returncode in (0, 1), run.stderr
    assert (
        "transport broken: its availability check raised ModuleNotFoundError: "
        "No module named 'wry_missing_dependency'"
    ) in run.stdout
    assert "PyWry() would use" in run.stdout or "PyWry() cannot show" in run.stdout


def test_doctor_checks_each_wry_variable_alone() -> None:
    # A misspelled variable is never read (plugins may have their own): the doctor says so and
    # names the setting it resembles; a bad value is named with the reason, on its own line.
    out = run_doctor(WRY_THEM="light", WRY_WIDTH="5", WRY_TRANSPORT="iframe").stdout
    lines = {line.split(":")[0].strip("-ok "): line for line in out.splitlines() if "WRY_" in line}
    assert "did you mean WRY_THEME?" in lines["WRY_THEM"]
    assert "invalid" in lines["WRY_WIDTH"] and "100" in lines["WRY_WIDTH"]
    assert "ok" in lines["WRY_TRANSPORT"] and "transport='iframe'" in lines["WRY_TRANSPORT"]
