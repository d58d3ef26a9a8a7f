"""Transport choice: explicit > settings/env > automatic, and errors that name the fix."""

from __future__ import annotations

import pytest
from recording import RecordingTransport

from wry import PyWry, PyWrySettings
from wry.transport import TransportNotAvailable, automatic_order, choose_transport


def test_explicit_beats_configured(recording: RecordingTransport) -> None:
    choice = choose_transport("recording", configured="nope")
    assert choice.transport is recording
    assert "explicit" in choice.reason


def test_configured_via_environment(
    recording: RecordingTransport, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WRY_TRANSPORT", "recording")
    app = PyWry()
    handle = app.show("x")
    assert handle.transport_name == "recording"
    app.destroy()


def test_missing_builtin_transport_names_the_pip_command(recording: RecordingTransport) -> None:
    with pytest.raises(TransportNotAvailable, match=r"pip install wry-foo|install the package"):
        choose_transport("foo")


def test_missing_native_names_wry_native(monkeypatch: pytest.MonkeyPatch) -> None:
    from wry import transport as transport_module

    monkeypatch.setattr(transport_module, "installed_transports", dict)
    with pytest.raises(TransportNotAvailable, match=r"pip install wry-native"):
        PyWry(settings=PyWrySettings(transport="native")).show("x")


def test_unavailable_reason_is_reported(recording: RecordingTransport) -> None:
    recording.unavailable_reason = lambda: "no display: start Xvfb"  # type: ignore[method-assign]
    with pytest.raises(TransportNotAvailable, match="no display: start Xvfb"):
        choose_transport("recording")


def test_automatic_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert automatic_order()[0] == ["iframe"]
    monkeypatch.setenv("DISPLAY", ":99")
    assert automatic_order()[0] == ["native", "iframe"]


def test_automatic_without_any_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    from wry import transport as transport_module

    monkeypatch.setattr(transport_module, "installed_transports", dict)
    monkeypatch.delenv("DISPLAY", raising=False)
    with pytest.raises(TransportNotAvailable, match="pip install wry-iframe"):
        choose_transport()
