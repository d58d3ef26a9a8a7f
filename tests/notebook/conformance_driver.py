"""A conformance driver for the notebook transport: Python runs in a real kernel behind JupyterLab.

Each ``show()`` adds a cell to one open notebook and runs it, so the widget renders in a real
output area. Python-side actions (``emit``, ``update``, ``python``) execute in that kernel;
``emit`` calls are gathered and sent as one execution before the next observation, which keeps
their order and saves a kernel round trip per event. JS runs in the page against the view's
own bridge (``root.pywry``) and root element.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from lab import LabPage, with_timeout

from wry.testing.driver import Driver, Session

SETUP = """
import json as _json
from wry import PyWry
_app = PyWry()
_handles, _recorded = {}, {}
"""


class NotebookSession(Session):
    def __init__(self, driver: NotebookDriver, label: str) -> None:
        self.driver = driver
        self.label = label
        self._emits: list[str] = []

    # -- Python side (in the kernel) ------------------------------------------------------------

    def _run(self, code: str) -> str:
        self._flush()
        return self.driver.lab.execute(code)

    def _flush(self) -> None:
        if self._emits:
            code, self._emits = "\n".join(self._emits), []
            self.driver.lab.execute(code)

    def emit(self, event_type: str, data: Any = None) -> None:
        self._emits.append(
            f"_handles[{self.label!r}].emit({event_type!r}, _json.loads({json.dumps(data)!r}))"
        )

    def update(self, html: str) -> None:
        self._run(f"_handles[{self.label!r}].update({html!r})")

    def record(self, event_type: str) -> None:
        key = f"{self.label}|{event_type}"
        self._run(
            f"if {key!r} not in _recorded:\n"
            f"    _recorded[{key!r}] = []\n"
            f"    _handles[{self.label!r}].on({event_type!r}, lambda d, t, l:"
            f" _recorded[{key!r}].append({{'data': d, 'type': t, 'label': l}}))\n"
        )

    def recorded(self, event_type: str) -> list[dict[str, Any]]:
        key = f"{self.label}|{event_type}"
        out = self._run(f"print(_json.dumps(_recorded.get({key!r}, [])))")
        return list(json.loads(out))

    def close(self) -> None:
        self._run(f"_handles[{self.label!r}].close()")

    def python(self, code: str) -> Any:
        wrapped = (
            f"_scope = {{'handle': _handles[{self.label!r}], 'app': _app, 'json': _json}}\n"
            f"exec({code!r}, _scope)\n"
            "print(_json.dumps(_scope.get('result')))\n"
        )
        return json.loads(self._run(wrapped))

    # -- the page --------------------------------------------------------------------------------

    def js(self, expression: str) -> Any:
        self._flush()
        body = (
            f"const root = document.querySelector(\"[data-wry-label='{self.label}']\");"
            "const pywry = root && root.pywry;"
            f"return await ({expression});"
        )
        return self.driver.lab.page.evaluate(with_timeout(body, 30_000))


class NotebookDriver(Driver):
    """Shows each page in a new cell of one open notebook."""

    name = "notebook"

    def __init__(self, lab: LabPage) -> None:
        self.lab = lab
        self.count = 0
        self.lab.execute(SETUP)

    def show(self, html: str, *, early: Sequence[tuple[str, Any]] = (), **options: Any) -> Session:
        """Show ``html`` in a new cell; ``early`` events are emitted by that cell after show()."""
        self.count += 1
        label = options.pop("label", None) or f"conf-{self.count}"
        options.setdefault("height", 200)
        kwargs = "".join(f", {name}={value!r}" for name, value in options.items())
        emits = "".join(
            f"_handles[{label!r}].emit({event_type!r}, _json.loads({json.dumps(data)!r}))\n"
            for event_type, data in early
        )
        code = (
            f"_handles[{label!r}] = _app.show({html!r}, label={label!r}{kwargs})\n"
            f"{emits}"
            f"_ready_{self.count} = []\n"
            f"_handles[{label!r}].on('pywry:ready', lambda d, t, l: _ready_{self.count}.append(1))"
        )
        self.lab.page.evaluate(
            with_timeout(
                "const panel = window.jupyterapp.shell.currentWidget;"
                "const nb = panel.content;"
                "nb.activeCellIndex = nb.widgets.length - 1;"
                "await window.jupyterapp.commands.execute('notebook:insert-cell-below');"
                f"nb.activeCell.model.sharedModel.setSource({json.dumps(code)});"
                "await window.jupyterapp.commands.execute('notebook:run-cell');"
                "return true;",
                30_000,
            )
        )
        session = NotebookSession(self, label)
        session.wait_js("root && root.pywry && true")
        self._wait_ready(session)
        return session

    def _wait_ready(self, session: NotebookSession, timeout: float = 30) -> None:
        n = self.count
        deadline = time.monotonic() + timeout
        while not json.loads(session._run(f"print(_json.dumps(len(_ready_{n})))")):
            if time.monotonic() > deadline:
                raise TimeoutError(f"notebook widget {session.label!r} never reported pywry:ready")
