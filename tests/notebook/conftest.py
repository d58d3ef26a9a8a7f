"""Fixtures of the notebook tests: recording comms for unit tests, a real JupyterLab for e2e."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import comm
import pytest
from kernel_fakes import RecordingComm
from lab import JupyterLab, LabPage, with_timeout, write_notebook

from wry.app import PyWry


@pytest.fixture
def comms(monkeypatch: pytest.MonkeyPatch) -> list[RecordingComm]:
    """Every comm a widget opens during the test, recording its messages."""
    opened: list[RecordingComm] = []

    def create_comm(*args: object, **kwargs: object) -> RecordingComm:
        c = RecordingComm(*args, **kwargs)
        opened.append(c)
        return c

    monkeypatch.setattr(comm, "create_comm", create_comm)
    return opened


@pytest.fixture
def app(comms: list[RecordingComm]) -> Iterator[PyWry]:
    application = PyWry(transport="notebook")
    try:
        yield application
    finally:
        application.destroy()


# -- a real JupyterLab (end-to-end tests, marked ``jupyterlab``) ---------------------------------


@pytest.fixture(scope="session")
def jupyterlab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    """One JupyterLab for the whole session, with Jupyter's default iopub rate limit."""
    lab = JupyterLab(tmp_path_factory.mktemp("jupyterlab")).start()
    try:
        yield lab
    finally:
        lab.stop()


class OpenNotebooks:
    """Notebooks opened in fresh browser contexts; ``close()`` stops their kernels too."""

    def __init__(self, jupyterlab: JupyterLab, browser: Any) -> None:
        self.jupyterlab = jupyterlab
        self.browser = browser
        self.opened: list[tuple[Any, LabPage]] = []

    def open(self, name: str, cells: list[str], ui: str = "lab") -> LabPage:
        write_notebook(self.jupyterlab.root / name, cells)
        context = self.browser.new_context(viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.console_errors = []
        page.on(
            "console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None
        )
        lab_page = LabPage(self.jupyterlab, page)
        self.opened.append((context, lab_page))
        return lab_page.open(name, ui=ui)

    def close(self) -> None:
        for context, lab_page in self.opened:
            with contextlib.suppress(Exception):
                lab_page.page.evaluate(
                    with_timeout(
                        "await window.jupyterapp.shell.currentWidget.sessionContext.shutdown();"
                        "return true;",
                        10_000,
                    )
                )
            context.close()
        self.opened.clear()


@pytest.fixture
def notebook(jupyterlab: JupyterLab, browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """``notebook(cells, ui=) -> LabPage``: write a notebook, open it in a fresh browser context."""
    notebooks = OpenNotebooks(jupyterlab, browser)

    def open_notebook(cells: list[str], name: str | None = None, ui: str = "lab") -> LabPage:
        return notebooks.open(name or f"{request.node.name}.ipynb", cells, ui)

    yield open_notebook
    notebooks.close()


@pytest.fixture(scope="module")
def module_notebook(
    jupyterlab: JupyterLab, browser: Any, request: pytest.FixtureRequest
) -> Iterator[LabPage]:
    """One notebook (and kernel) shared by a whole test module."""
    notebooks = OpenNotebooks(jupyterlab, browser)
    yield notebooks.open(f"{request.module.__name__}.ipynb", ["# cells are added by the tests"])
    notebooks.close()
