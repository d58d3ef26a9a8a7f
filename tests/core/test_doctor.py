"""``python -m wry doctor`` reports distributions, transports, the choice and fixes."""

from __future__ import annotations

import os
import subprocess
import sys


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
