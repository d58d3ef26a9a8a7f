"""``PyWrySettings``: constructor arguments > ``WRY_*`` environment > ``[tool.wry]`` > defaults."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    PyprojectTomlConfigSettingsSource,
    SettingsConfigDict,
)

from wry.tauri_names import TAURI_PLUGIN_NAMES, check_permissions, check_tauri_plugins

CommaList = Annotated[list[str], NoDecode]

__all__ = ["TAURI_PLUGIN_NAMES", "PyWrySettings", "check_permissions", "check_tauri_plugins"]


class PyWrySettings(BaseSettings):
    """Every setting of wry; each can also come from ``WRY_<NAME>`` or ``[tool.wry]``."""

    model_config = SettingsConfigDict(
        env_prefix="WRY_",
        extra="forbid",
        validate_assignment=True,
        pyproject_toml_table_header=("tool", "wry"),
    )

    transport: str | None = Field(
        None, description="Force a transport: native, notebook, iframe or a plugin's name."
    )
    theme: Literal["dark", "light", "system"] = Field(
        "dark", description="Initial page theme: dark, light or system (prefers-color-scheme)."
    )
    title: str = Field("wry", description="Default window title.")
    width: int = Field(800, ge=100, le=16384, description="Default window width (px).")
    height: int = Field(600, ge=100, le=16384, description="Default window height (px).")
    hot_reload: bool = Field(False, description="Watch css_files/script_files and push changes.")
    hot_reload_debounce_ms: int = Field(
        50, ge=0, le=5000, description="Quiet time before a changed file is pushed."
    )
    tauri_plugins: CommaList = Field(
        default_factory=list, description="Tauri plugins to enable in native windows."
    )
    extra_capabilities: CommaList = Field(
        default_factory=list, description="Extra Tauri capability permissions for every window."
    )
    warm_windows: int = Field(
        1, ge=0, le=8, description="Hidden native windows kept ready for a fast show()."
    )
    server_host: str = Field("127.0.0.1", description="Address the iframe server binds to.")
    server_port: int = Field(0, ge=0, le=65535, description="iframe server port; 0 = free port.")
    allowed_hosts: CommaList = Field(
        default_factory=list, description="Extra Host names the iframe server accepts."
    )
    open_browser: bool | None = Field(
        None, description="Browser mode opens the page (None: when a browser is available)."
    )
    max_message_bytes: int = Field(
        16 * 1024 * 1024,
        ge=1024,
        description="Largest message accepted from a page (characters of text, bytes of binary).",
    )
    queue_limit: int = Field(
        100_000,
        ge=10,
        description="Most events one queue holds: for a page (or window), or for the callbacks.",
    )

    @field_validator("tauri_plugins", "extra_capabilities", "allowed_hosts", mode="before")
    @classmethod
    def _split_commas(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("server_host")
    @classmethod
    def _host_given(cls, value: str) -> str:
        # an empty WRY_SERVER_HOST (an unset shell variable) would bind every interface
        value = value.strip()
        if not value:
            raise ValueError(
                "server_host is empty: give an address such as 127.0.0.1 "
                "(0.0.0.0 serves every interface)"
            )
        return value

    @field_validator("tauri_plugins")
    @classmethod
    def _known_plugins(cls, value: list[str]) -> list[str]:
        return check_tauri_plugins(value)

    @field_validator("extra_capabilities")
    @classmethod
    def _permission_form(cls, value: list[str]) -> list[str]:
        return check_permissions(value)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        try:
            pyproject = PyprojectTomlConfigSettingsSource(settings_cls)
        except tomllib.TOMLDecodeError as exc:
            path = Path("pyproject.toml").resolve()
            raise ValueError(
                f"{path} is not valid TOML ({exc}); wry reads its [tool.wry] table for settings."
                " Fix the file, or run from another directory"
            ) from exc
        return (init_settings, env_settings, pyproject)
