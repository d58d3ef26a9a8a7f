"""Two real JupyterLab tabs on one notebook, one widget: one tab reloads while the other stays.

Every tab receives every batch of the widget's comm; what each shows must be in the order
emitted and never twice. The tab that stays shows everything; the reloaded tab starts with
the widget's content again and shows the events sent once its new view has rendered (what the
staying tab showed while it was away is not sent to it again: see docs/transports/notebook.md).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lab import LabPage
from test_jupyterlab import PAGE, KernelLog, cells, wait_for, widget
from test_notebook_leave import READY, run_cell

pytestmark = [pytest.mark.jupyterlab, pytest.mark.timeout(240)]


def second_tab(nb: LabPage, name: str) -> LabPage:
    """The same notebook in another tab of the same browser (same kernel, same widget)."""
    page = nb.page.context.new_page()
    page.set_default_timeout(30_000)
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    return LabPage(nb.lab, page).open(name)


def views_in_python(nb: LabPage, count: int) -> None:
    """Wait until Python has read ``count`` views' announcements (the kernel is idle)."""
    wait_for(lambda: nb.execute("print(h.views)").strip() == str(count), 30, f"{count} views")


def items(root: Any) -> list[str]:
    return list(root.locator("#items li").all_text_contents())


def test_a_tab_reloads_while_another_shows_the_widget_and_a_cell_streams(
    notebook: Callable[..., LabPage], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    go, release = tmp_path / "go", tmp_path / "release"
    log = KernelLog(tmp_path / "log.jsonl")
    name = f"{request.node.name}.ipynb"
    a = notebook(
        cells(
            log.path,
            f"import threading\nGO = pathlib.Path({str(go)!r})\n"
            f"RELEASE = pathlib.Path({str(release)!r})\n"
            f"h = app.show({PAGE!r}, height=160, {READY})\n"
            "for i in range(3):\n    h.emit('app:item', f'before-{i}')\n"
            "record('shown', label=h.label)\n",
            "pause = threading.Event()\n"
            "while not GO.exists():  # the test reloads tab A, then lets the cell go on\n"
            "    pause.wait(0.02)\n"
            "for i in range(5):\n    h.emit('app:item', f'gap-{i}')\n"
            "h.flush()\nrecord('emitted', views=h.views)\n"
            "while not RELEASE.exists():\n    pause.wait(0.02)\n",
        ),
        name=name,
    )
    run_cell(a, 0)
    run_cell(a, 1)
    label = log.wait("shown")[0]["label"]
    widget(a, label).locator("#items li").nth(2).wait_for()
    a.command("docmanager:save")  # tab B opens the notebook with the widget's output in it
    b = second_tab(a, name)
    root_b = widget(b, label)
    root_b.locator("#items").wait_for(state="attached")
    views_in_python(b, 2)
    run_cell(a, 2, wait=False)  # runs until the test releases it
    try:
        a.page.reload()
        a.page.wait_for_function("() => !!window.jupyterapp", timeout=60_000)
        go.touch()
        # the kernel reads tab A's leave notice only after this cell: Python counts its view
        assert log.wait("emitted")[0]["views"] == 2
        root_b.locator("#items li").nth(4).wait_for()
    finally:
        go.touch()
        release.touch()
    a.wait_kernel_idle()
    root_a = widget(a, label)
    root_a.locator("#items").wait_for(state="attached")
    log.wait("ready", 3)  # tab A's view, tab B's, tab A's reloaded view
    views_in_python(b, 2)  # tab A's old view left, its new one came
    b.execute("for i in range(3):\n    h.emit('app:item', f'after-{i}')\nh.flush()")
    root_a.locator("#items li").nth(2).wait_for()
    root_b.locator("#items li").nth(7).wait_for()
    gap = [f"gap-{i}" for i in range(5)]
    after = [f"after-{i}" for i in range(3)]
    assert items(root_b) == gap + after  # tab B opened after the 'before' events were sent
    assert items(root_a) == after
    assert b.execute("print(h.dropped_events, h.pending)").split() == ["0", "0"]
    assert b.page.console_errors == []
