"""``PyWry``: the application object users create, the same on every transport."""

from __future__ import annotations

import atexit
import itertools
import logging
import secrets
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from wry.callbacks import ANY, CallbackRegistry
from wry.models import Callback, HtmlContent, MenuConfig, check_label, check_theme
from wry.transport import ShowOptions, Transport, choose_transport
from wry.window_manager import NewWindowMode, WindowMode

if TYPE_CHECKING:
    from wry.hot_reload import HotReloader
    from wry.settings import PyWrySettings
    from wry.widget import BaseWidget

log = logging.getLogger("wry")

_apps: weakref.WeakSet[PyWry] = weakref.WeakSet()
_label_counter = itertools.count(1)


def new_label() -> str:
    """A unique, URL-safe window label such as ``w-1-3f9a2c``."""
    return f"w-{next(_label_counter)}-{secrets.token_hex(3)}"


class PyWry:
    """Shows HTML/JS content and routes events between it and Python callbacks."""

    def __init__(
        self,
        settings: PyWrySettings | None = None,
        *,
        transport: str | None = None,
        mode: WindowMode | None = None,
        hot_reload: bool | None = None,
        theme: str | None = None,
        title: str | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> None:
        from wry.settings import PyWrySettings

        self.settings = settings if settings is not None else PyWrySettings()
        overrides = {
            k: v
            for k, v in dict(
                hot_reload=hot_reload, theme=theme, title=title, width=width, height=height
            ).items()
            if v is not None
        }
        if overrides:
            self.settings = self.settings.model_copy(update=overrides)
            PyWrySettings.model_validate(self.settings.model_dump())  # same errors as the fields
        self.transport = transport
        self.mode = mode if mode is not None else NewWindowMode()
        self.callbacks = CallbackRegistry()
        self._widgets: dict[str, BaseWidget] = {}
        self._transports: dict[str, Transport] = {}
        self._lock = threading.RLock()
        self._reloader: HotReloader | None = None
        self._menu: MenuConfig | None = None
        self._menu_removers: dict[str, list[Callable[[], None]]] = {}
        # the callbacks= of the show() that last gave each label its content (SingleWindowMode)
        self._show_removers: dict[str, list[Callable[[], None]]] = {}
        _apps.add(self)

    # -- showing ---------------------------------------------------------------------------

    def show(
        self,
        content: str | HtmlContent,
        *,
        title: str | None = None,
        width: int | None = None,
        height: int | None = None,
        theme: str | None = None,
        callbacks: Mapping[str, Callback] | None = None,
        label: str | None = None,
        menu: MenuConfig | None = None,
        transport: str | None = None,
        mixins: Iterable[type] = (),
        **extra: Any,
    ) -> BaseWidget:
        """Show ``content`` and return its handle (window, widget or page).

        ``label`` names the handle in URLs and callbacks, so it must pass ``check_label``.
        """
        content = HtmlContent.of(content)
        if theme:
            check_theme(theme)
        label_given = bool(label)  # "" too: no label given
        label = check_label(label) if label else new_label()
        chosen = choose_transport(transport or self.transport, self.settings.transport).transport
        options = ShowOptions(
            label=label,
            title=title or content.title or self.settings.title,
            width=width or self.settings.width,
            height=height or self.settings.height,
            theme=theme or self.settings.theme,
            menu=menu,
            extra={"callbacks": dict(callbacks or {}), "mixins": tuple(mixins), **extra},
            label_given=label_given,
        )
        return self.mode.show(self, chosen, content, options)

    def use_transport(self, transport: Transport) -> None:
        """Have ``destroy()`` shut ``transport`` down (it started something with no widget)."""
        with self._lock:
            self._transports.setdefault(transport.name, transport)

    def _open(self, transport: Transport, content: HtmlContent, options: ShowOptions) -> BaseWidget:
        """Create a widget through ``transport`` and register it (used by window modes)."""
        if options.label in self._widgets:
            raise ValueError(  # e.g. a notebook cell run again: say how to get on
                f"a window labelled {options.label!r} is already open; close it first "
                f"(app.widget({options.label!r}).close()), show under another label, or use "
                "PyWry(mode=wry.window_manager.SingleWindowMode()) to replace its content"
            )
        callbacks: dict[str, Callback] = options.extra.pop("callbacks", {})
        mixins: tuple[type, ...] = options.extra.pop("mixins", ())
        removers = self._register_all(options.label, callbacks)
        try:
            widget = transport.create(self, content, options)
        except BaseException:
            for remove in removers:
                remove()
            raise
        if mixins:
            widget.__class__ = type(
                f"{type(widget).__name__}With{''.join(m.__name__ for m in mixins)}",
                (*mixins, type(widget)),
                {},
            )
        widget.content = content
        with self._lock:
            self._transports[transport.name] = transport
            self._widgets[widget.label] = widget
            self._show_removers[widget.label] = removers
        if options.menu is not None:
            self.set_menu(options.menu, widget)
        self._watch_content(widget)
        return widget

    def _adopt(self, widget: BaseWidget, options: ShowOptions) -> None:
        """Give a reused widget what this ``show()`` asked for: its callbacks and its menu.

        The callbacks replace those of the ``show()`` before (a cell run again must not add
        one more handler per run); those added with ``on()`` stay.
        """
        widget._check_open()
        removers = self._register_all(widget.label, options.extra.pop("callbacks", {}))
        with self._lock:
            replaced = self._show_removers.get(widget.label, [])
            self._show_removers[widget.label] = removers
        for remove in replaced:
            remove()
        if options.menu is not None:
            self.set_menu(options.menu, widget)

    def _register_all(
        self, label: str, callbacks: Mapping[str, Callback]
    ) -> list[Callable[[], None]]:
        """Register every callback for ``label``, or none of them if one is refused."""
        removers: list[Callable[[], None]] = []
        try:
            for event, callback in callbacks.items():
                removers.append(self.callbacks.register(label, event, callback))
        except BaseException:
            for remove in removers:
                remove()
            raise
        return removers

    # -- events ----------------------------------------------------------------------------

    def emit(self, event_type: str, data: Any = None, label: str | None = None) -> None:
        """Send an event to the widget ``label``, or to every open widget without a label.

        A broadcast reaches every open widget even if one of them raises (the first error is
        raised after); widgets that close meanwhile are skipped.
        """
        from wry.widget import WidgetClosedError

        if label is not None:
            widget = self.widget(label)
            if widget is None:
                raise WidgetClosedError(f"no open window or widget labelled {label!r}")
            widget.emit(event_type, data)
            return
        failure: Exception | None = None
        for widget in self.widgets():  # every open widget, whatever one of them raises
            try:
                widget.emit(event_type, data)
            except WidgetClosedError:
                pass  # closed meanwhile: a broadcast is for the open ones
            except Exception as exc:
                failure = failure or exc
        if failure is not None:
            raise failure

    def on(self, event_type: str, callback: Callback, label: str = ANY) -> Callable[[], None]:
        """Call ``callback(data, event_type, label)`` for events from ``label`` (default: all)."""
        return self.callbacks.register(label, event_type, callback)

    # -- widgets ---------------------------------------------------------------------------

    def widgets(self) -> list[BaseWidget]:
        """Open widgets, oldest first."""
        with self._lock:
            return [w for w in self._widgets.values() if not w.closed]

    def widget(self, label: str) -> BaseWidget | None:
        """The open widget with this label, if any."""
        with self._lock:
            found = self._widgets.get(label)
        return found if found is not None and not found.closed else None

    def _widget_closed(self, widget: BaseWidget, reason: str) -> None:
        """Called once by a widget when it closes: forget it and tell listeners.

        Its callbacks go after ``window:closed`` (a later widget with the same label starts
        with none of them); callbacks registered for every label (``*``) stay.
        """
        with self._lock:
            if self._widgets.get(widget.label) is widget:
                del self._widgets[widget.label]
                self._show_removers.pop(widget.label, None)  # its callbacks go below
            menu_removers = self._menu_removers.pop(widget.label, [])
            own_callbacks = self.callbacks.owned_by(widget.label)
        for remove in menu_removers:
            remove()
        if self._reloader is not None:
            self._reloader.forget(widget)
        self.callbacks.dispatch(
            widget.label, "window:closed", {"label": widget.label, "reason": reason}
        )
        self.callbacks.discard(own_callbacks)
        try:
            self.mode.closed(self, widget)
        except Exception:
            log.exception("window mode %r failed after %r closed", self.mode, widget.label)

    # -- native extras routed through plugins ----------------------------------------------

    def set_menu(self, menu: MenuConfig, widget: BaseWidget | None = None) -> None:
        """Attach ``menu`` to ``widget``, or app-wide when None; needs a menu-capable transport."""
        from wry.plugins import hook

        owner = widget.label if widget else ANY
        removers = [
            self.callbacks.register(owner, f"menu:{item_id}", handler)
            for item_id, handler in menu.handlers().items()
        ]
        try:
            handled = hook().wry_set_menu(app=self, menu=menu, widget=widget)
        except BaseException:
            handled = False
            raise
        finally:
            if not handled:
                for remove in removers:
                    remove()
        if not handled:
            raise RuntimeError(
                "no installed transport can show native menus here; "
                "menus need the native transport: pip install wry-native"
            )
        with self._lock:  # a replaced menu's handlers go with it
            replaced = self._menu_removers.get(owner, [])
            self._menu_removers[owner] = removers
        for remove in replaced:
            remove()
        if widget is None:
            self._menu = menu

    # -- hot reload ------------------------------------------------------------------------

    def _watch_content(self, widget: BaseWidget) -> None:
        if not self.settings.hot_reload or widget.content is None:
            return
        if self._reloader is None:
            from wry.hot_reload import HotReloader

            self._reloader = HotReloader(self.settings.hot_reload_debounce_ms)
        self._reloader.watch(widget)

    # -- lifetime --------------------------------------------------------------------------

    def block(self, timeout: float | None = None) -> bool:
        """Wait until every widget is closed (or ``timeout``); True when all closed."""
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            open_widgets = self.widgets()
            if not open_widgets:
                return True
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return False
            open_widgets[0].wait_closed(remaining)

    def destroy(self) -> None:
        """Close every widget and stop what the transports started."""
        for widget in self.widgets():
            try:
                widget.close()
            except Exception:
                log.exception("closing %r failed", widget)
        if self._reloader is not None:
            self._reloader.stop()
            self._reloader = None
        with self._lock:
            transports = list(self._transports.values())
            self._transports.clear()
        for transport in transports:
            try:
                transport.shutdown()
            except Exception:
                log.exception("shutting down transport %r failed", transport.name)

    def __enter__(self) -> PyWry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.destroy()


@atexit.register
def _destroy_all() -> None:
    for app in list(_apps):
        try:
            app.destroy()
        except Exception:
            log.exception("destroying %r at exit failed", app)
