"""The notebook guide's example, as written, in a cell of a real JupyterLab; clicked in Chromium."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from doc_examples import block
from lab import LabPage

pytestmark = [pytest.mark.jupyterlab, pytest.mark.timeout(180)]


def test_notebook_guide_example(notebook: Callable[..., LabPage]) -> None:
    code = block("docs/transports/notebook.md", "from wry import PyWry").runnable()
    nb = notebook([code])
    nb.run_all()
    view = nb.page.locator(".jp-OutputArea-output .wry-notebook")
    view.locator("#go").click()
    view.locator("#status", has_text="clicked 1").wait_for()
    assert view.count() == 1  # the cell ends with the handle: displayed once
    assert nb.page.console_errors == []
