"""The transport-neutral conformance suite, run on the notebook transport in a real JupyterLab."""

from __future__ import annotations

import pytest
from conformance_driver import NotebookDriver
from lab import LabPage

from wry.testing.conformance import *  # noqa: F403

pytestmark = [pytest.mark.jupyterlab, pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def wry_driver(module_notebook: LabPage) -> NotebookDriver:
    """Every conformance test shows its page in a new cell of one notebook."""
    return NotebookDriver(module_notebook)
