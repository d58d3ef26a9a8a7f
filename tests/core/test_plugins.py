"""Plugin discovery through the ``wry`` entry-point group, environment control, tracing."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest
from recording import RecordingTransport

from wry.app import PyWry
from wry.models import PageAsset
from wry.page import page_assets
from wry.plugins import (
    build_plugin_manager,
    get_plugin_manager,
    hook,
    hookimpl,
    reset_plugin_manager,
)

BUILTIN = {"native", "notebook", "iframe"}


def installed_builtin_entry_points() -> set[str]:
    from importlib.metadata import entry_points

    return {ep.name for ep in entry_points(group="wry")} & BUILTIN


def test_core_plugins_are_registered_like_any_other() -> None:
    pm = build_plugin_manager()
    assert pm.has_plugin("wry.hot_reload")
    for name in installed_builtin_entry_points():
        assert pm.has_plugin(name), name


def test_load_only_named_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    present = sorted(installed_builtin_entry_points())
    keep = present[:1]  # empty in the core-only session: then nothing may load
    monkeypatch.setenv("WRY_LOAD_PLUGINS", ",".join(keep))
    pm = build_plugin_manager()
    assert {n for n in BUILTIN if pm.has_plugin(n)} == set(keep)
    assert pm.has_plugin("wry.hot_reload")  # the core's own plugins always load


def test_disable_named_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WRY_DISABLE_PLUGINS", ",".join(BUILTIN))
    pm = build_plugin_manager()
    assert not any(pm.has_plugin(n) for n in BUILTIN)


def test_trace_switch_logs_hook_calls(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("WRY_TRACE_PLUGINS", "1")
    reset_plugin_manager()
    try:
        with caplog.at_level(logging.INFO, logger="wry.plugins"):
            hook().wry_transports()
    finally:
        monkeypatch.delenv("WRY_TRACE_PLUGINS")
        reset_plugin_manager()
    assert "wry_transports" in caplog.text


def test_hookimpl_marker_is_the_wry_project() -> None:
    class P:
        @hookimpl
        def wry_tauri_plugins(self) -> list[str]:
            return ["dialog"]

    pm = build_plugin_manager()
    pm.register(P())
    assert ["dialog"] in pm.hook.wry_tauri_plugins()


#: A distribution, installed by putting its folder on sys.path, whose plugins load but cannot
#: register: a hook with an argument its spec lacks, and one module under two names.
BROKEN_DISTRIBUTION = {
    "wry_broken-0.1.dist-info/METADATA": "Metadata-Version: 2.1\nName: wry-broken\n",
    "wry_broken-0.1.dist-info/entry_points.txt": (
        "[wry]\nbadargs = wry_badargs\ntwice-a = wry_twice\ntwice-b = wry_twice\n"
    ),
    "wry_badargs.py": (
        "from wry.plugins import hookimpl\n\n"
        "@hookimpl\ndef wry_transports(not_a_spec_argument):\n    return []\n"
    ),
    "wry_twice.py": (
        "from wry.plugins import hookimpl\n\n"
        "@hookimpl\ndef wry_tauri_plugins():\n    return ['dialog']\n"
    ),
}


@pytest.fixture
def broken_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The broken distribution is installed and the process-wide manager built afresh."""
    for name, text in BROKEN_DISTRIBUTION.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("WRY_LOAD_PLUGINS", raising=False)
    monkeypatch.delenv("WRY_DISABLE_PLUGINS", raising=False)
    reset_plugin_manager()
    yield
    reset_plugin_manager()
    for module in ("wry_badargs", "wry_twice"):
        sys.modules.pop(module, None)


def test_plugins_that_cannot_register_are_skipped_and_named(
    broken_plugins: None,
    app: PyWry,
    recording: RecordingTransport,
    caplog: pytest.LogCaptureFixture,
) -> None:
    handle = app.show("<p>x</p>")
    assert recording.created == [handle]
    skipped = [r.getMessage() for r in caplog.get_records("setup") if r.name == "wry.plugins"]
    assert len(skipped) == 2, skipped
    assert skipped[0].startswith("wry plugin 'badargs' (wry_badargs) skipped")
    assert skipped[1].startswith("wry plugin 'twice-b' (wry_twice) skipped")
    assert ["dialog"] in hook().wry_tauri_plugins()  # 'twice-a', registered first, serves
    # nothing of a skipped plugin stays registered (pluggy 1.5/1.6 kept it half-registered)
    assert get_plugin_manager().get_plugin("badargs") is None


class _FailsWhenCalled:
    """A plugin that loads and registers but whose hooks raise (a lazy import it lacks)."""

    @hookimpl
    def wry_transports(self) -> list[object]:
        raise ModuleNotFoundError("No module named 'missing_dependency'")

    @hookimpl
    def wry_page_assets(self) -> list[object]:
        raise ModuleNotFoundError("No module named 'missing_dependency'")


class _PageAsset:
    @hookimpl
    def wry_page_assets(self) -> list[PageAsset]:
        return [PageAsset("css", "p { color: red }", "red")]


def test_a_plugin_whose_hook_raises_costs_only_its_own_contribution(
    app: PyWry, recording: RecordingTransport, caplog: pytest.LogCaptureFixture
) -> None:
    pm = get_plugin_manager()
    good, broken = _PageAsset(), _FailsWhenCalled()
    pm.register(good, name="good-assets")
    pm.register(broken, name="fails-when-called")
    try:
        handle = app.show("<p>x</p>")
        assert recording.created == [handle]
        assert [a.name for a in page_assets()] == ["red"]
    finally:
        pm.unregister(broken)
        pm.unregister(good)
    failures = [r.getMessage() for r in caplog.records if r.name == "wry.plugins"]
    assert "wry plugin 'fails-when-called' failed in wry_transports()" in failures[0]
    assert any("failed in wry_page_assets()" in m for m in failures)


THIRD_PARTY_PYPROJECT = """
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "wry-echo-transport"
version = "0.0.1"

[project.entry-points.wry]
echo = "wry_echo"
"""

THIRD_PARTY_MODULE = '''
"""A throwaway third-party transport: prints what it is asked to show."""
from wry import BaseWidget, Transport, hookimpl


class EchoWidget(BaseWidget):
    transport_name = "echo"

    def _send(self, encoded_event):
        print("SENT", encoded_event, flush=True)

    def _close(self):
        print("CLOSED", self.label, flush=True)

    def display(self):
        print("DISPLAY", self.label, flush=True)


class EchoTransport(Transport):
    name = "echo"

    def create(self, app, content, options):
        print("CREATE", content.html, options.title, flush=True)
        return EchoWidget(app, options.label)


@hookimpl
def wry_transports():
    return [EchoTransport()]
'''

SCRIPT = """
from wry import PyWry
app = PyWry(transport="echo")
handle = app.show("<p>third party</p>", title="Echo")
handle.display()
handle.emit("app:hello", {"n": 1})
app.destroy()
"""


def site_packages() -> str:
    import sysconfig

    return sysconfig.get_paths()["purelib"]


def test_third_party_transport_distribution_is_discovered(tmp_path: Path) -> None:
    """Build a tiny distribution, install it into a fresh venv, and show through it."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "pyproject.toml").write_text(textwrap.dedent(THIRD_PARTY_PYPROJECT))
    (src / "wry_echo.py").write_text(THIRD_PARTY_MODULE)
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    py = env / "bin" / "python"
    # wry-core and its dependencies come from this test's environment; the plugin is installed.
    out = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    Path(out.stdout.strip(), "wry-under-test.pth").write_text(
        f"import site; site.addsitedir({site_packages()!r})\n"
    )
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", str(src)],
        check=True,
        capture_output=True,
    )
    run = subprocess.run(
        [str(py), "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "WRY_LOAD_PLUGINS": "echo"},
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "CREATE <p>third party</p> Echo"
    assert lines[1].startswith("DISPLAY w-")
    assert lines[2] == 'SENT {"type":"app:hello","data":{"n":1}}'
    assert lines[3].startswith("CLOSED w-")
    assert sys.executable != str(py)
