"""The ``wry`` pytest plugin as a third party meets it: a fresh pytest run in a temp dir."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SUITE = "from wry.testing.conformance import *  # noqa: F403\n"


def run_pytest(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_kit.py").write_text(SUITE)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, "test_kit.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=110,
    )


def test_wry_transport_option_runs_the_kit(tmp_path: Path) -> None:
    """``--wry-transport`` alone: the plugin brings Chromium and the driver."""
    done = run_pytest(tmp_path, "--wry-transport", "sse", "-k", "python_callback or wildcards")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


def test_no_transport_named_fails_with_the_fix(tmp_path: Path) -> None:
    done = run_pytest(tmp_path, "-k", "python_callback")
    assert done.returncode == 1
    assert "pass --wry-transport NAME" in done.stdout
