"""``TrayProxy``: a system-tray icon, realised by the transport answering ``wry_create_tray``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from wry.models import MenuConfig, TrayConfig

if TYPE_CHECKING:
    from wry.app import PyWry


class TrayProxy:
    """Front for a tray icon; the transport's object does the work."""

    def __init__(self, config: TrayConfig, impl: Any) -> None:
        self.config = config
        self._impl = impl

    @property
    def tray_id(self) -> str:
        """The id given at creation."""
        return self.config.tray_id

    @classmethod
    def create(
        cls,
        tray_id: str,
        tooltip: str | None = None,
        menu: MenuConfig | None = None,
        icon: str | Path | bytes | None = None,
        title: str | None = None,
        visible: bool = True,
        app: PyWry | None = None,
    ) -> TrayProxy:
        """Create the icon; raises naming the fix when no transport can show a tray."""
        from wry.plugins import hook

        config = TrayConfig(tray_id, tooltip, title, icon, menu, visible)
        if menu is not None:
            menu.handlers()  # duplicate ids fail here, before anything is shown
        impl = hook().wry_create_tray(app=app, tray=config)
        if impl is None:
            raise RuntimeError(
                "no installed transport can show a system tray icon; "
                "the tray needs the native transport: pip install wry-native"
            )
        return cls(config, impl)

    @staticmethod
    def capabilities() -> dict[str, bool]:
        """What the tray supports here, e.g. ``{"menu": True, "click_events": False}`` on Linux."""
        from wry.plugins import hook

        return hook().wry_tray_capabilities() or {"menu": False, "click_events": False}

    def __getattr__(self, name: str) -> Any:
        # set_tooltip, set_title, set_icon, set_menu, set_visible, remove, ... live on the impl.
        return getattr(self.__dict__["_impl"], name)
