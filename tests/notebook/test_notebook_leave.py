"""A page that leaves (reload, close) must not take Python's events with it unreported.

Real JupyterLab in headless Chromium, as in ``test_jupyterlab.py``: events the page held for a
view that had not rendered, or that arrived after the user cleared the widget's output, reach
the view the widget gets next, after the tab reloaded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lab import LabPage, with_timeout
from test_jupyterlab import PAGE, KernelLog, cells, widget

pytestmark = [pytest.mark.jupyterlab, pytest.mark.timeout(180)]

READY = "callbacks={'pywry:ready': lambda d, t, l: record('ready')}"


def run_cell(nb: LabPage, index: int, wait: bool = True) -> None:
    """Run one cell of the notebook, as a click on its run button would."""
    body = (
        "const panel = window.jupyterapp.shell.currentWidget;"
        f"panel.content.activeCellIndex = {index};"
        "const done = window.jupyterapp.commands.execute('notebook:run-cell');"
        + ("await done;" if wait else "")
        + "return true;"
    )
    nb.page.evaluate(with_timeout(body))


def clear_cell_output(nb: LabPage, index: int) -> None:
    """Edit → Clear Output on one cell."""
    nb.page.evaluate(
        with_timeout(
            "const panel = window.jupyterapp.shell.currentWidget;"
            f"panel.content.activeCellIndex = {index};"
            "await window.jupyterapp.commands.execute('notebook:clear-cell-output');"
            "return true;"
        )
    )


def save_and_reload(nb: LabPage) -> None:
    nb.command("docmanager:save")
    nb.page.reload()
    nb.page.wait_for_function("() => !!window.jupyterapp", timeout=60_000)
    nb.wait_kernel_idle()


def test_events_held_for_a_view_that_never_rendered_reach_it_after_a_reload(
    notebook: Callable[..., LabPage], tmp_path: Path
) -> None:
    """The widget is displayed into an Output widget nobody shows yet: its view has not
    rendered, so the page holds the events for it. The tab reloads; they must not vanish."""
    log = KernelLog(tmp_path / "log.jsonl")
    nb = notebook(
        cells(
            log.path,
            "import ipywidgets\nout = ipywidgets.Output()  # not displayed yet\nwith out:\n"
            f"    h = app.show({PAGE!r}, height=120, {READY})\n"
            "for i in range(3):\n    h.emit('app:item', f'held-{i}')\n"
            "h.flush()\nrecord('shown', label=h.label, views=h.views)\n",
            "display(out)\n",
            "record('after', views=h.views, pending=h.pending, dropped=h.dropped_events)\n",
        )
    )
    run_cell(nb, 0)
    run_cell(nb, 1)
    shown = log.wait("shown")[0]
    assert shown["views"] == 0
    save_and_reload(nb)
    run_cell(nb, 2)  # the Output widget shows, and the wry view in it renders at last
    root = widget(nb, shown["label"])
    root.locator("#items li").nth(2).wait_for(timeout=30_000)
    log.wait("ready")
    assert root.locator("#items li").all_text_contents() == [f"held-{i}" for i in range(3)]
    run_cell(nb, 3)
    assert log.wait("after")[0] == {
        "kind": "after",
        "views": 1,
        "pending": 0,
        "dropped": 0,
    }


def test_events_emitted_after_the_output_was_cleared_survive_a_reload(
    notebook: Callable[..., LabPage], tmp_path: Path
) -> None:
    """Clear the widget's output while a later cell runs; that cell emits, its events wait in
    the page for the next view; the tab reloads before the widget is displayed again."""
    go, release = tmp_path / "go", tmp_path / "release"
    log = KernelLog(tmp_path / "log.jsonl")
    nb = notebook(
        cells(
            log.path,
            f"import threading\nGO = pathlib.Path({str(go)!r})\n"
            f"RELEASE = pathlib.Path({str(release)!r})\n"
            f"h = app.show({PAGE!r}, height=120, {READY})\n"
            "h.emit('app:item', 'first')\nrecord('shown', label=h.label)\n",
            "pause = threading.Event()\n"
            "while not GO.exists():\n    pause.wait(0.02)\n"
            "for i in range(5):\n    h.emit('app:item', f'later-{i}')\n"
            "h.flush()\nrecord('emitted', views=h.views)\n"
            "while not RELEASE.exists():\n    pause.wait(0.02)\n",
            "h.display()\n",
            "record('after', views=h.views, pending=h.pending, dropped=h.dropped_events)\n",
        )
    )
    run_cell(nb, 0)
    run_cell(nb, 1)
    root = widget(nb, log.wait("shown")[0]["label"])
    root.locator("#items li").first.wait_for()
    log.wait("ready")
    run_cell(nb, 2, wait=False)  # runs until the test releases it
    try:
        clear_cell_output(nb, 1)
        root.wait_for(state="detached")
        go.touch()
        # the kernel reads the page's leave notice only after this cell: Python still counts
        # the cleared view, and the events go to the page, which keeps them for a next view
        assert log.wait("emitted")[0]["views"] == 1
    finally:
        go.touch()
        release.touch()
    nb.wait_kernel_idle()
    save_and_reload(nb)
    run_cell(nb, 3)
    root.locator("#items li").nth(4).wait_for(timeout=30_000)
    log.wait("ready", 2)
    assert root.locator("#items li").all_text_contents() == [f"later-{i}" for i in range(5)]
    run_cell(nb, 4)
    assert log.wait("after")[0] == {"kind": "after", "views": 1, "pending": 0, "dropped": 0}
