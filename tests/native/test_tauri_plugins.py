"""Tauri plugins and capabilities: settings, hooks, and the real plugins in a native window."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from dbus_session import (
    fake_notification_daemon,
    has_system_gi,
    hosts_on_private_bus,
    missing_tools,
)
from native_helpers import Recorder, XDisplay, wait_until
from pydantic import ValidationError

from wry import PyWry, PyWrySettings
from wry.plugins import get_plugin_manager, hookimpl
from wry.settings import TAURI_PLUGIN_NAMES
from wry_native import tauri_plugins as tp

# -- settings and resolution (no window needed) ----------------------------------------------------


def test_all_nineteen_plugin_names_are_accepted() -> None:
    assert len(TAURI_PLUGIN_NAMES) == 19
    settings = PyWrySettings(tauri_plugins=list(TAURI_PLUGIN_NAMES))
    assert settings.tauri_plugins == list(TAURI_PLUGIN_NAMES)


def test_unknown_plugin_is_rejected_listing_the_valid_ones() -> None:
    with pytest.raises(ValidationError) as err:
        PyWrySettings(tauri_plugins=["dialog", "clipbaord"])
    message = str(err.value)
    assert "tauri_plugins" in message and "'clipbaord'" in message
    for name in TAURI_PLUGIN_NAMES:
        assert name in message


def test_environment_variable_and_hyphenated_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WRY_TAURI_PLUGINS", "dialog, clipboard-manager,notification")
    assert PyWrySettings().tauri_plugins == ["dialog", "clipboard_manager", "notification"]
    monkeypatch.setenv("WRY_TAURI_PLUGINS", "dialog,nope")
    with pytest.raises(ValidationError, match="nope"):
        PyWrySettings()


def test_bad_permission_form_is_rejected() -> None:
    with pytest.raises(ValidationError, match="extra_capabilities"):
        PyWrySettings(extra_capabilities=["allow everything"])


def test_defaults_and_clipboard_text_permissions() -> None:
    setup = tp.resolve(
        PyWrySettings(
            tauri_plugins=["dialog", "clipboard_manager", "shell", "fs", "single_instance"],
            extra_capabilities=["shell:allow-execute", "fs:allow-read-file"],
        )
    )
    assert setup.plugins == ["dialog", "clipboard_manager", "shell", "fs", "single_instance"]
    assert setup.permissions == [
        "core:default",
        "dialog:default",
        "clipboard-manager:default",
        "clipboard-manager:allow-write-text",
        "clipboard-manager:allow-read-text",
        "shell:default",
        "fs:default",
        "shell:allow-execute",
        "fs:allow-read-file",
    ]
    capability = setup.capability()
    assert capability["windows"] == ["*"]  # every label, dynamic ones included
    assert capability["permissions"] == setup.permissions


def test_updater_gets_the_config_it_needs_to_start() -> None:
    setup = tp.resolve(PyWrySettings(tauri_plugins=["updater"]))
    assert tp.tauri_config(setup)["plugins"] == {"updater": {"pubkey": "", "endpoints": []}}


class _Contributor:
    @hookimpl
    def wry_tauri_plugins(self) -> list[str]:
        return ["notification", "dialog"]

    @hookimpl
    def wry_tauri_permissions(self) -> list[str]:
        return ["fs:allow-read-text-file"]


class _BadContributor:
    @hookimpl
    def wry_tauri_plugins(self) -> list[str]:
        return ["not-a-plugin"]


@pytest.fixture
def registered() -> Iterator[Any]:
    added: list[Any] = []

    def register(plugin: Any) -> None:
        get_plugin_manager().register(plugin)
        added.append(plugin)

    yield register
    for plugin in added:
        get_plugin_manager().unregister(plugin)


def test_installed_packages_add_plugins_and_permissions(registered: Any) -> None:
    registered(_Contributor())
    setup = tp.resolve(PyWrySettings(tauri_plugins=["dialog"]))
    assert setup.plugins == ["dialog", "notification"]
    assert "notification:default" in setup.permissions
    assert "fs:allow-read-text-file" in setup.permissions


def test_a_hook_naming_an_unknown_plugin_fails_clearly(registered: Any) -> None:
    registered(_BadContributor())
    with pytest.raises(ValueError, match=r"not_a_plugin.*valid names: autostart"):
        tp.resolve(PyWrySettings())


def test_setup_travels_to_the_child_through_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = tp.child_environment(PyWrySettings(tauri_plugins=["dialog"]))
    monkeypatch.setenv(tp.ENV_VAR, env[tp.ENV_VAR])
    assert tp.setup_from_environment() == tp.resolve(PyWrySettings(tauri_plugins=["dialog"]))


# -- the real plugins in a native window ---------------------------------------------------------


@pytest.fixture(scope="module")
def plugin_app(
    x_display: XDisplay, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[PyWry, Any]]:
    """An app with dialog, clipboard and notification, on a bus with a fake notification daemon."""
    missing = missing_tools("dbus-daemon", "xclip")
    if missing or not has_system_gi():
        pytest.fail(f"missing {missing or 'python3-gi'}: apt-get install dbus xclip python3-gi")
    with (
        hosts_on_private_bus(tmp_path_factory.mktemp("bus")) as address,
        fake_notification_daemon(address) as notifications,
    ):
        settings = PyWrySettings(
            transport="native",
            warm_windows=0,
            tauri_plugins=["dialog", "clipboard_manager", "notification"],
        )
        application = PyWry(settings)
        try:
            yield application, notifications
        finally:
            application.destroy()


def test_clipboard_written_from_js_is_read_by_xclip(
    plugin_app: tuple[PyWry, Any], x_display: XDisplay
) -> None:
    app, _ = plugin_app
    handle = app.show("<p>clipboard</p>", title="plugins-clipboard")
    try:
        handle.eval_js("window.__TAURI__.clipboardManager.writeText('from-js-1')")
        assert x_display.run("xclip", "-o", "-selection", "clipboard") == "from-js-1"
        subprocess.run(
            ["xclip", "-i", "-selection", "clipboard"],
            input="from-xclip",
            text=True,
            env={**os.environ, "DISPLAY": x_display.name},
            check=True,
            timeout=10,
        )
        assert handle.eval_js("window.__TAURI__.clipboardManager.readText()") == "from-xclip"
    finally:
        handle.close()


def test_notification_reaches_the_session_bus(plugin_app: tuple[PyWry, Any]) -> None:
    app, notifications = plugin_app
    handle = app.show("<p>notify</p>", title="plugins-notify")
    try:
        handle.eval_js(
            "window.__TAURI__.notification.sendNotification({title: 'Wry title', body: 'Wry body'})"
        )
        seen = notifications.wait_for(lambda line: line.get("summary") == "Wry title", 20)
        assert seen["body"] == "Wry body"
    finally:
        handle.close()


def test_a_real_dialog_opens_and_is_dismissed(
    plugin_app: tuple[PyWry, Any], x_display: XDisplay, recorder: Recorder
) -> None:
    app, _ = plugin_app
    handle = app.show("<p>dialog</p>", title="plugins-dialog", callbacks={"dialog:done": recorder})
    try:
        handle.eval_js(
            "window.__TAURI__.dialog.ask('Proceed?', {title: 'Wry dialog', kind: 'info'})"
            ".then(answer => pywry.emit('dialog:done', {answer})); null"
        )
        wid = wait_until(
            lambda: subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--name", "^Wry dialog$"],
                capture_output=True,
                text=True,
                env={**os.environ, "DISPLAY": x_display.name},
                check=False,
            ).stdout.split(),
            "the dialog on screen",
        )[0]
        x_display.run("xdotool", "windowactivate", "--sync", wid)
        x_display.run("xdotool", "key", "--clearmodifiers", "Escape")
        assert recorder.wait_for("dialog:done") == [{"answer": False}]
    finally:
        handle.close()
