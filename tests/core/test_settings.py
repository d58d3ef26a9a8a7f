"""PyWrySettings precedence: arguments > WRY_* environment > [tool.wry] > defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from wry import PyWry, PyWrySettings


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.wry]\ntheme = "light"\nwidth = 1000\ntitle = "From pyproject"\n'
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults() -> None:
    s = PyWrySettings()
    assert (s.theme, s.width, s.height, s.tauri_plugins) == ("dark", 800, 600, [])


def test_precedence(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert PyWrySettings().title == "From pyproject"
    monkeypatch.setenv("WRY_TITLE", "From env")
    s = PyWrySettings()
    assert (s.title, s.theme, s.width) == ("From env", "light", 1000)
    assert PyWrySettings(title="From argument").title == "From argument"


def test_comma_lists_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WRY_TAURI_PLUGINS", "dialog, clipboard_manager")
    monkeypatch.setenv("WRY_EXTRA_CAPABILITIES", "fs:allow-read-file")
    s = PyWrySettings()
    assert s.tauri_plugins == ["dialog", "clipboard_manager"]
    assert s.extra_capabilities == ["fs:allow-read-file"]


def test_errors_name_field_and_allowed_values(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match=r"theme[\s\S]*'dark', 'light' or 'system'"):
        PyWrySettings(theme="blue")  # type: ignore[arg-type]
    monkeypatch.setenv("WRY_WIDTH", "huge")
    with pytest.raises(ValidationError, match="width"):
        PyWrySettings()


def test_an_empty_server_host_is_refused_not_bound_to_every_interface(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WRY_SERVER_HOST", "")  # an unset shell variable, exported
    with pytest.raises(ValidationError, match="server_host is empty"):
        PyWrySettings()
    monkeypatch.setenv("WRY_SERVER_HOST", " ::1 ")
    assert PyWrySettings().server_host == "::1"


def test_a_permission_with_a_line_break_is_refused() -> None:
    with pytest.raises(ValidationError, match="invalid capability permission"):
        PyWrySettings(extra_capabilities=["fs:allow-read-file\n"])


def test_unknown_setting_is_refused() -> None:
    with pytest.raises(ValidationError, match="colour"):
        PyWrySettings(colour="red")  # type: ignore[call-arg]


def test_app_keyword_overrides_are_validated() -> None:
    app = PyWry(theme="light", width=1024)
    assert (app.settings.theme, app.settings.width) == ("light", 1024)
    with pytest.raises(ValidationError, match="theme"):
        PyWry(theme="purple")


def test_a_broken_pyproject_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A bare TOMLDecodeError named neither the file nor why wry read it.
    (tmp_path / "pyproject.toml").write_text('[tool.wry\ntheme = "light"\n')
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=r"pyproject\.toml is not valid TOML .*\[tool\.wry\]"):
        PyWrySettings()
