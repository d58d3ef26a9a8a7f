"""End to end in a real JupyterLab: notebooks run in a real kernel, Chromium clicks in the widget.

Python callbacks in the kernel write JSON lines to a file this test reads (proof the callback
ran), and answer through ``emit`` (proof the round trip reached the DOM). The server keeps
Jupyter's default iopub rate limit (1000 msg/s), so a transport that did not batch would lose
events here.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lab import LabPage, with_timeout

pytestmark = [pytest.mark.jupyterlab, pytest.mark.timeout(180)]

PAGE = """
<div id="status">waiting</div>
<button id="btn">Click me</button>
<ol id="items"></ol>
<script>
root.querySelector('#btn').addEventListener('click', () => pywry.emit('app:click', {n: 1}));
pywry.on('app:item', (d) => {
  const li = document.createElement('li');
  li.textContent = String(d);
  root.querySelector('#items').appendChild(li);
});
</script>
"""


class KernelLog:
    """JSON lines written by callbacks in the kernel."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def entries(self, kind: str | None = None) -> list[dict[str, Any]]:
        try:
            text = self.path.read_text()
        except FileNotFoundError:
            return []
        complete = text.split("\n")[:-1]  # the last piece may still be being written
        found = [json.loads(line) for line in complete if line.strip()]
        return [e for e in found if kind is None or e["kind"] == kind]

    def wait(self, kind: str, count: int = 1, timeout: float = 30) -> list[dict[str, Any]]:
        return wait_for(
            lambda: self.entries(kind) if len(self.entries(kind)) >= count else None,
            timeout,
            f"{count} {kind!r} entries in {self.path}",
        )


def wait_for(probe: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``probe`` until it returns something truthy; raise naming ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        pause.wait(0.02)


def cells(log: Path, *body: str) -> list[str]:
    """A notebook: the prelude (logging helper, app) and then ``body`` cells."""
    prelude = (
        "import json, pathlib\n"
        f"LOG = pathlib.Path({str(log)!r})\n"
        "def record(kind, **fields):\n"
        "    with LOG.open('a') as f:\n"
        "        f.write(json.dumps({'kind': kind, **fields}) + '\\n')\n"
    )
    prelude += "from wry import PyWry\napp = PyWry()\n"
    return [prelude, *body]


SHOW = (
    f"PAGE = {PAGE!r}\n"
    "def on_click(data, event_type, label):\n"
    "    record('click', data=data, event_type=event_type, label=label)\n"
    "    h.emit('pywry:set-content', {'id': 'status', 'text': f\"clicked {data['n']}\"})\n"
    "h = app.show(PAGE, height=260, callbacks={'app:click': on_click,"
    " 'pywry:ready': lambda d, t, l: record('ready', data=d, label=l)})\n"
    "for i in range(3):\n"
    "    h.emit('app:item', i)\n"
    "record('shown', label=h.label, type=type(h).__name__)\n"
    "h\n"
)


def widget(nb: LabPage, label: str) -> Any:
    return nb.page.locator(f".wry-notebook[data-wry-label='{label}']")


class Shown:
    """A notebook whose cells ran: the page, the kernel's log, the widget's label and view."""

    def __init__(
        self, notebook: Callable[..., LabPage], tmp_path: Path, *body: str, ui: str = "lab"
    ) -> None:
        self.log = KernelLog(tmp_path / "log.jsonl")
        self.nb = notebook(cells(self.log.path, SHOW, *body), ui=ui)
        self.nb.run_all()
        self.shown = self.log.wait("shown")[0]
        self.label: str = self.shown["label"]
        self.root = widget(self.nb, self.label)
        self.root.first.wait_for(state="visible")
        self.log.wait("ready")


def test_click_runs_the_python_callback_and_its_emit_changes_the_dom(
    notebook: Callable[..., LabPage], tmp_path: Path
) -> None:
    s = Shown(notebook, tmp_path)
    nb, log, label, root = s.nb, s.log, s.label, s.root
    assert s.shown["type"] == "NotebookWidget"
    assert root.count() == 1  # displayed once although the cell ends with the handle
    (ready,) = log.wait("ready")
    assert ready["label"] == label
    # events emitted before the view rendered arrived once, in order
    items = root.locator("#items li")
    items.nth(2).wait_for()
    assert items.all_text_contents() == ["0", "1", "2"]
    root.locator("#btn").click()
    (click,) = log.wait("click")
    assert click == {"kind": "click", "data": {"n": 1}, "event_type": "app:click", "label": label}
    root.locator("#status", has_text="clicked 1").wait_for()
    # the output area holds it, not the page
    assert nb.page.locator(".jp-OutputArea-output .wry-notebook").count() == 1
    assert nb.page.console_errors == []


def test_builtins_act_inside_the_output_area_only(
    notebook: Callable[..., LabPage], tmp_path: Path
) -> None:
    s = Shown(notebook, tmp_path)
    nb, label, root = s.nb, s.label, s.root
    nb.execute(
        "h.alert('Saved!', title='Done', type='success')\n"
        "h.update_theme('light')\n"
        "h.inject_css('#status { margin-left: 41px; }', id='nb-css')\n"
        "h.set_content(selector='#status', text='set from python')\n"
    )
    toast = root.locator(".pywry-toast", has_text="Saved!")
    toast.wait_for()
    root.locator("#status", has_text="set from python").wait_for()
    nb.page.wait_for_function(
        f"() => getComputedStyle(document.querySelector(\"[data-wry-label='{label}'] #status\"))"
        ".marginLeft === '41px'"
    )
    outside = nb.page.evaluate(
        """(label) => {
          const root = document.querySelector(`[data-wry-label='${label}']`);
          const area = root.closest('.jp-OutputArea-output');
          const toasts = [...document.querySelectorAll('.pywry-toast')];
          return {
            toastsOutside: toasts.filter(t => !root.contains(t)).length,
            toastInOutputArea: toasts.some(t => area.contains(t)),
            docTheme: document.documentElement.className.includes('pywry-theme'),
            bodyTheme: document.body.className.includes('pywry-theme'),
            rootLight: root.classList.contains('pywry-theme-light')
              || !!root.querySelector('.pywry-theme-light'),
            cssOutside: [...document.querySelectorAll('#nb-css')].some(s => !root.contains(s)),
          };
        }""",
        label,
    )
    assert outside == {
        "toastsOutside": 0,
        "toastInOutputArea": True,
        "docTheme": False,
        "bodyTheme": False,
        "rootLight": True,
        "cssOutside": False,
    }
    # the notebook's own cells were not touched by the injected CSS or the theme
    assert nb.page.locator(".jp-Cell").count() >= 2


def test_update_remounts_the_content_and_fires_ready_again(
    notebook: Callable[..., LabPage], tmp_path: Path
) -> None:
    s = Shown(notebook, tmp_path)
    nb, log, label, root = s.nb, s.log, s.label, s.root
    nb.execute(
        'h.update(\'<p id="fresh">fresh</p><button id="again">again</button><script>'
        'root.querySelector("#again").addEventListener("click",'
        ' () => pywry.emit("app:click", {n: 2}))</script>\')'
    )
    root.locator("#fresh").wait_for()
    assert root.locator("#btn").count() == 0
    ready = log.wait("ready", 2)
    assert [r["label"] for r in ready] == [label, label]
    root.locator("#again").click()
    assert log.wait("click")[0]["data"] == {"n": 2}
    # pywry:refresh re-mounts the current content in the view (no page reload in a notebook)
    nb.execute("h.set_content(id='fresh', text='changed')")
    root.locator("#fresh", has_text="changed").wait_for()
    nb.execute("h.on('window:closed', lambda d, t, l: record('closed', data=d))\nh.refresh()")
    root.locator("#fresh", has_text="fresh").wait_for()
    log.wait("ready", 3)
    # what comes after a refresh in the same batch acts on the remounted content
    root.first.evaluate(
        "(el) => el.pywry._receive([{type: 'pywry:refresh', data: {}}, {type: "
        "'pywry:set-content', data: {id: 'fresh', text: 'after the refresh'}}])"
    )
    log.wait("ready", 4)
    root.locator("#fresh", has_text="after the refresh").wait_for()
    nb.execute("h.close()")
    assert log.wait("closed")[0]["data"] == {"label": label, "reason": "closed"}
    root.wait_for(state="detached")


def test_five_thousand_events_arrive_in_order_under_the_default_rate_limit(
    notebook: Callable[..., LabPage], tmp_path: Path
) -> None:
    s = Shown(notebook, tmp_path)
    nb, log, label = s.nb, s.log, s.label
    nb.execute(
        "h.on('app:collect-ready', lambda d, t, l: record('collecting'))\n"
        'h.update(\'<p id="n">0</p><script>window.__seen = [];'
        ' pywry.on("app:n", (d) => { window.__seen.push(d);'
        ' root.querySelector("#n").textContent = String(window.__seen.length); });'
        ' pywry.emit("app:collect-ready", {});</script>\')\n'
    )
    log.wait("collecting")
    nb.execute(
        "before = h._outbox.seq\n"
        "for i in range(5000):\n"
        "    h.emit('app:n', i)\n"
        "h.flush()\n"
        "record('sent', batches=h._outbox.seq - before)\n"
    )
    widget(nb, label).locator("#n", has_text="5000").wait_for(timeout=60_000)
    assert nb.page.evaluate("window.__seen") == list(range(5000))
    batches = log.wait("sent")[0]["batches"]
    assert batches < 100, f"{batches} messages for 5000 events: not batched"


STREAM_IN_THE_CELL = (
    "import threading\n"
    f"PAGE = {PAGE!r}\n"
    "h = app.show(PAGE, height=200)\n"
    "record('shown', label=h.label)\n"
    "for i in range(3):\n"
    "    h.emit('app:item', f'live-{i}')\n"
    "pause, waited = threading.Event(), 0\n"
    "while not RELEASE.exists() and waited < 1500:  # the test releases the cell\n"
    "    pause.wait(0.02)\n"
    "    waited += 1\n"
    "record('cell-done', released=RELEASE.exists())\n"
)


def test_a_cell_that_shows_a_widget_streams_to_it_while_it_still_runs(
    notebook: Callable[..., LabPage], tmp_path: Path
) -> None:
    """A progress display: the view's announcement waits behind the cell, the events must not."""
    release = tmp_path / "release"
    log = KernelLog(tmp_path / "log.jsonl")
    nb = notebook(cells(log.path, f"RELEASE = pathlib.Path({str(release)!r})", STREAM_IN_THE_CELL))
    nb.page.evaluate(
        "() => (window.jupyterapp.commands.execute('notebook:run-all-cells'), true)"
    )  # not awaited: the last cell runs until this test releases it
    try:
        root = widget(nb, log.wait("shown")[0]["label"])
        root.locator("#items li").nth(2).wait_for(timeout=15_000)
        assert root.locator("#items li").all_text_contents() == ["live-0", "live-1", "live-2"]
        assert log.entries("cell-done") == []  # seen while the cell was still running
    finally:
        release.touch()
    assert log.wait("cell-done")[0]["released"] is True


@pytest.mark.parametrize("channel", ["custom", "traitlets"])
def test_page_events_of_many_ticks_all_reach_python_in_order(
    notebook: Callable[..., LabPage], tmp_path: Path, channel: str
) -> None:
    """Each tick's batch leaves while earlier ones are still on their way to the kernel."""
    log = KernelLog(tmp_path / "log.jsonl")
    nb = notebook(
        cells(
            log.path,
            f"h = app.show('<p>ticks</p>', height=60, channel={channel!r}, callbacks={{"
            "'app:n': lambda d, t, l: record('n', n=d),"
            " 'pywry:ready': lambda d, t, l: record('ready')})\n"
            "record('shown', label=h.label)\n",
        )
    )
    nb.run_all()
    root = widget(nb, log.wait("shown")[0]["label"])
    log.wait("ready")
    root.evaluate(
        "(el) => { for (let i = 0; i < 30; i++)"
        " setTimeout(() => el.pywry.emit('app:n', i), i * 3) }"
    )
    assert [e["n"] for e in log.wait("n", 30)] == list(range(30))


@pytest.mark.parametrize("channel", ["custom", "traitlets"])
def test_a_callbacks_print_and_traceback_reach_the_log_console(
    notebook: Callable[..., LabPage], tmp_path: Path, channel: str
) -> None:
    """As for ipywidgets' own callbacks: a bug in a callback must not vanish without a trace."""
    log = KernelLog(tmp_path / "log.jsonl")
    nb = notebook(
        cells(
            log.path,
            "def boom(data, event_type, label):\n"
            "    print('printed by the callback')\n"
            "    raise RuntimeError('raised by the callback')\n"
            f"h = app.show('<p>x</p>', height=60, channel={channel!r}, callbacks={{"
            "'app:boom': boom, 'pywry:ready': lambda d, t, l: record('ready')})\n"
            "record('shown', label=h.label)\n",
        )
    )
    nb.run_all()
    root = widget(nb, log.wait("shown")[0]["label"])
    log.wait("ready")
    root.evaluate("(el) => el.pywry.emit('app:boom', 1)")
    nb.command("logconsole:open")
    console = nb.page.locator(".jp-LogConsolePanel")
    console.get_by_text("RuntimeError: raised by the callback").first.wait_for()
    console.get_by_text("printed by the callback").first.wait_for()


def test_kernel_restart_then_rerunning_the_cell_works(
    notebook: Callable[..., LabPage], tmp_path: Path
) -> None:
    s = Shown(notebook, tmp_path)
    nb, log, first = s.nb, s.log, s.label
    s.root.locator("#btn").click()
    log.wait("click")
    nb.restart_kernel()
    nb.run_all()
    second = log.wait("shown", 2)[1]["label"]
    assert second != first
    root = widget(nb, second)
    root.wait_for(state="visible")
    log.wait("ready", 2)
    root.locator("#btn").click()
    clicks = log.wait("click", 2)
    assert clicks[1]["label"] == second
    root.locator("#status", has_text="clicked 1").wait_for()


def test_two_views_of_one_widget_stay_consistent(
    notebook: Callable[..., LabPage], tmp_path: Path
) -> None:
    s = Shown(notebook, tmp_path, "h.display()\nrecord('second')")
    nb, log, views = s.nb, s.log, s.root
    log.wait("second")
    views.nth(1).wait_for(state="visible")
    assert views.count() == 2
    log.wait("ready", 2)  # each view reports itself live
    nb.execute("h.emit('app:item', 'both')\nh.set_content(id='status', text='synced')")
    for i in range(2):
        views.nth(i).locator("#status", has_text="synced").wait_for()
        views.nth(i).locator("#items li", has_text="both").wait_for()
    # every view got each event once, in order (a view that rendered after the first batch
    # left starts later in the stream)
    expected = ["0", "1", "2", "both"]
    assert views.nth(0).locator("#items li").all_text_contents() == expected
    second = views.nth(1).locator("#items li").all_text_contents()
    assert second == expected[len(expected) - len(second) :]
    nb.execute(
        'h.update(\'<button id="u">updated</button><script>root.querySelector("#u")'
        '.addEventListener("click", () => pywry.emit("app:click", {n: 3}))</script>\')'
    )
    views.nth(0).locator("#u").wait_for()
    views.nth(1).locator("#u").click()  # the second view talks to Python too
    assert log.wait("click")[0]["data"] == {"n": 3}
    for i in range(2):
        views.nth(i).locator("#status").wait_for(state="detached")


def test_a_cell_that_displays_a_widget_twice_streams_the_same_to_both_views(
    notebook: Callable[..., LabPage], tmp_path: Path
) -> None:
    """Both views render after the cell's events left Python: each gets every one of them."""
    log = KernelLog(tmp_path / "log.jsonl")
    nb = notebook(
        cells(
            log.path,
            f"h = app.show({PAGE!r}, height=120)\n"
            "h.display()\n"
            "for i in range(3):\n"
            "    h.emit('app:item', i)\n"
            "record('shown', label=h.label)\n",
        )
    )
    nb.run_all()
    views = widget(nb, log.wait("shown")[0]["label"])
    wait_for(lambda: views.count() == 2, 30, "two views")
    for i in range(2):
        views.nth(i).locator("#items li").nth(2).wait_for()
        assert views.nth(i).locator("#items li").all_text_contents() == ["0", "1", "2"]


def test_a_view_displayed_in_a_later_cell_does_not_replay_what_the_first_view_got(
    notebook: Callable[..., LabPage], tmp_path: Path
) -> None:
    """A toast shown once stays shown once: the later view starts with later events."""
    release = tmp_path / "release"
    log = KernelLog(tmp_path / "log.jsonl")
    nb = notebook(
        cells(
            log.path,
            f"h = app.show({PAGE!r}, height=160, callbacks={{"
            "'pywry:ready': lambda d, t, l: record('ready')})\n"
            "h.alert('saved', duration=600000)\n"
            "record('shown', label=h.label)\n",
            f"import threading\nRELEASE = pathlib.Path({str(release)!r})\n"
            "while not RELEASE.exists():\n"
            "    threading.Event().wait(0.05)\n"
            "h.display()\n",
        )
    )
    nb.page.evaluate(
        "() => (window.jupyterapp.commands.execute('notebook:run-all-cells'), true)"
    )  # not awaited: the second cell waits until the first view shows the toast
    views = widget(nb, log.wait("shown")[0]["label"])
    views.first.locator(".pywry-toast", has_text="saved").wait_for()
    release.touch()
    wait_for(lambda: views.count() == 2, 30, "two views")
    log.wait("ready", 2)
    nb.execute("h.emit('app:item', 'later')")
    views.nth(1).locator("#items li", has_text="later").wait_for()
    assert views.nth(1).locator(".pywry-toast").count() == 0
    assert views.nth(0).locator(".pywry-toast").count() == 1


def test_notebook7_round_trip(notebook: Callable[..., LabPage], tmp_path: Path) -> None:
    """The same widget in Notebook 7 (anywidget API only, no JupyterLab-only globals)."""
    pytest.importorskip("notebook.app", reason="Notebook 7 is not installed (pip install notebook)")
    s = Shown(notebook, tmp_path, ui="notebook7")
    assert s.nb.page.url.split("?")[0].endswith("/notebooks/test_notebook7_round_trip.ipynb")
    s.root.locator("#items li").nth(2).wait_for()
    assert s.root.locator("#items li").all_text_contents() == ["0", "1", "2"]
    s.root.locator("#btn").click()
    assert s.log.wait("click")[0]["label"] == s.label
    s.root.locator("#status", has_text="clicked 1").wait_for()


TWO_WIDGETS = (
    "def page(name):\n"
    "    return (\n"
    "        '<button class=\"inline\"'\n"
    "        f' onclick=\"pywry.emit(\\'app:who\\', {{via: \\'inline\\'}})\">'\n"
    "        f'{name} inline</button><button class=\"scripted\">{name} scripted</button>'\n"
    '        \'<script>root.querySelector(".scripted").addEventListener("click",\'\n'
    '        \' () => setTimeout(() => pywry.emit("app:who", {via: "scripted"}), 0))</script>\'\n'
    "    )\n"
    "def who(data, event_type, label):\n"
    "    record('who', via=data['via'], label=label)\n"
    "a = app.show(page('A'), height=80, callbacks={'app:who': who})\n"
    "b = app.show(page('B'), height=80, callbacks={'app:who': who})\n"
    "record('pair', a=a.label, b=b.label)\n"
)


def run_pair(
    notebook: Callable[..., LabPage], tmp_path: Path, body: str
) -> tuple[LabPage, KernelLog, dict[str, Any]]:
    """Run the prelude and ``body``, which records ``pair`` once its widgets are shown."""
    log = KernelLog(tmp_path / "log.jsonl")
    nb = notebook(cells(log.path, body))
    nb.run_all()
    return nb, log, log.wait("pair")[0]


def test_each_widget_talks_through_its_own_bridge(
    notebook: Callable[..., LabPage], tmp_path: Path
) -> None:
    """Scripts and inline handlers of two widgets on one page reach their own widget only."""
    nb, log, pair = run_pair(notebook, tmp_path, TWO_WIDGETS)
    a, b = widget(nb, pair["a"]), widget(nb, pair["b"])
    b.locator(".scripted").wait_for()
    for n, button in enumerate(
        [a.locator(".inline"), a.locator(".scripted"), b.locator(".inline"), b.locator(".scripted")]
    ):
        button.click()
        log.wait("who", n + 1)
    got = [(e["via"], e["label"]) for e in log.entries("who")]
    assert got == [
        ("inline", pair["a"]),
        ("scripted", pair["a"]),
        ("inline", pair["b"]),
        ("scripted", pair["b"]),
    ]


SAME_LABEL = (
    "second_app = PyWry()\n"
    'LIST = (\'<ul class="items"></ul><script>pywry.on("app:item", (d) => {\'\n'
    "        ' const li = document.createElement(\"li\"); li.textContent = d;'\n"
    "        ' root.querySelector(\".items\").appendChild(li); });</script>')\n"
    "# both models exist before either view is displayed\n"
    "first = app.show(LIST, label='chart', height=80, display=False)\n"
    "second = second_app.show(LIST, label='chart', height=80, display=False)\n"
    "first.display()\n"
    "second.display()\n"
    "first.emit('app:item', 'first')\n"
    "second.emit('app:item', 'second')\n"
    "record('pair')\n"
)


def test_two_apps_may_show_the_same_label_and_each_widget_gets_its_own_events(
    notebook: Callable[..., LabPage], tmp_path: Path
) -> None:
    nb, _, _ = run_pair(notebook, tmp_path, SAME_LABEL)
    views = widget(nb, "chart")
    wait_for(lambda: views.count() == 2, 30, "two views labelled 'chart'")
    for n, expected in enumerate(["first", "second"]):
        views.nth(n).locator("li").first.wait_for()
        assert views.nth(n).locator("li").all_text_contents() == [expected]
    nb.execute("first.emit('app:item', 'again'); second.emit('app:item', 'more')")
    views.nth(1).locator("li", has_text="more").wait_for()
    views.nth(0).locator("li", has_text="again").wait_for()
    assert views.nth(0).locator("li").all_text_contents() == ["first", "again"]
    assert views.nth(1).locator("li").all_text_contents() == ["second", "more"]
    assert nb.page.console_errors == []


def test_hot_reload_restyles_the_view_and_remounts_it_with_a_saved_script(
    notebook: Callable[..., LabPage], tmp_path: Path
) -> None:
    """Changes reach the view from the watcher thread: CSS in place, a script by a remount."""
    css, script = tmp_path / "style.css", tmp_path / "app.js"
    css.write_text("#box { margin-left: 11px; }")
    script.write_text("root.querySelector('#box').textContent = 'script v1';")
    log = KernelLog(tmp_path / "log.jsonl")
    nb = notebook(
        cells(
            log.path,
            "from wry import HtmlContent\n"
            "hot = PyWry(hot_reload=True)\n"
            "h = hot.show(HtmlContent(html='<div id=\"box\">box</div>',"
            f" css_files=[{str(css)!r}], script_files=[{str(script)!r}]),"
            " height=80, callbacks={'pywry:ready': lambda d, t, l: record('ready', label=l)})\n"
            "record('shown', label=h.label)\n",
        )
    )
    nb.run_all()
    label = log.wait("shown")[0]["label"]
    log.wait("ready")
    box = f"document.querySelector(\"[data-wry-label='{label}'] #box\")"
    nb.page.wait_for_function(f"() => getComputedStyle({box}).marginLeft === '11px'")
    nb.page.wait_for_function(f"() => {box}.textContent === 'script v1'")
    css.write_text("#box { margin-left: 23px; }")
    nb.page.wait_for_function(f"() => getComputedStyle({box}).marginLeft === '23px'")
    assert log.entries("ready") == [{"kind": "ready", "label": label}]  # restyled, not remounted
    script.write_text("root.querySelector('#box').textContent = 'script v2';")
    log.wait("ready", 2)  # pywry:refresh remounted the view: with the saved script and CSS
    nb.page.wait_for_function(f"() => {box} && {box}.textContent === 'script v2'")
    assert nb.page.evaluate(f"() => getComputedStyle({box}).marginLeft") == "23px"


GAP = (
    "import threading\n"
    "def stream_once_the_tab_is_gone():\n"
    "    pause = threading.Event()\n"
    "    while not h.views:\n"
    "        pause.wait(0.02)\n"
    "    record('seen-view')\n"
    "    while h.views:\n"
    "        pause.wait(0.02)\n"
    "    for i in range(5):\n"
    "        h.emit('app:item', f'gap-{i}')\n"
    "    record('emitted', pending=h.pending, views=h.views)\n"
    "threading.Thread(target=stream_once_the_tab_is_gone, daemon=True).start()\n"
)


def test_events_emitted_while_the_tab_is_closed_reach_the_reopened_notebook(
    notebook: Callable[..., LabPage], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    s = Shown(notebook, tmp_path, GAP)
    nb, log = s.nb, s.log
    s.root.locator("#items li").nth(2).wait_for()
    log.wait("seen-view")
    nb.command("docmanager:save")  # the reopened notebook shows the widget's output again
    nb.page.goto("about:blank")  # the tab leaves; the kernel and the widget live on
    (emitted,) = log.wait("emitted")
    assert emitted["views"] == 0 and emitted["pending"] == 5  # held for the next view
    nb.open(f"{request.node.name}.ipynb")
    root = widget(nb, s.label)
    root.locator("#items li").nth(4).wait_for()
    assert root.locator("#items li").all_text_contents() == [f"gap-{i}" for i in range(5)]
    log.wait("ready", 2)


RELOAD_IN_THE_CELL = (
    "import threading\n"
    f"PAGE = {PAGE!r}\n"
    "h = app.show(PAGE, height=200, callbacks={'pywry:ready': lambda d, t, l: record('ready')})\n"
    "for i in range(3):\n"
    "    h.emit('app:item', f'before-{i}')\n"
    "record('shown', label=h.label)\n"
    "pause = threading.Event()\n"
    "while not GO.exists():  # the test reloads the tab, then lets the cell go on\n"
    "    pause.wait(0.02)\n"
    "for i in range(5):\n"
    "    h.emit('app:item', f'gap-{i}')\n"
    "record('emitted')\n"
    "while not RELEASE.exists():\n"
    "    pause.wait(0.02)\n"
)


def test_events_emitted_after_the_tab_reloaded_while_the_cell_ran_reach_the_reloaded_view(
    notebook: Callable[..., LabPage], tmp_path: Path
) -> None:
    """The kernel reads the page's leave notice only after the cell: the events sent meanwhile
    went to no page, and must reach the view of the reloaded tab instead."""
    go, release = tmp_path / "go", tmp_path / "release"
    log = KernelLog(tmp_path / "log.jsonl")
    nb = notebook(
        cells(
            log.path,
            f"GO = pathlib.Path({str(go)!r})\nRELEASE = pathlib.Path({str(release)!r})",
            RELOAD_IN_THE_CELL,
        )
    )
    nb.page.evaluate(
        "() => (window.jupyterapp.commands.execute('notebook:run-all-cells'), true)"
    )  # not awaited: the last cell runs until this test releases it
    try:
        root = widget(nb, log.wait("shown")[0]["label"])
        root.locator("#items li").nth(2).wait_for()
        nb.command("docmanager:save")  # the reloaded notebook shows the widget's output again
        nb.page.reload()
        nb.page.wait_for_function("() => !!window.jupyterapp", timeout=60_000)
        go.touch()
        log.wait("emitted")
    finally:
        go.touch()
        release.touch()
    root = widget(nb, log.wait("shown")[0]["label"])
    root.locator("#items li").nth(4).wait_for(timeout=30_000)
    log.wait("ready", 2)
    assert root.locator("#items li").all_text_contents() == [f"gap-{i}" for i in range(5)]


# JupyterLab 4.6 opens comms on kernel subshells it creates and deletes again (its widget
# manager's control comm, as a page loads); ipykernel 7 routes a comm's messages from the page
# to the subshell of the request it last sent under. Runs ``code`` in a new subshell, deletes it.
IN_A_SUBSHELL = """
const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
if (!k.supportsSubshells) return null;
const id = (await k.requestCreateSubshell({}).done).content.subshell_id;
const main = k.subshellId;
k.subshellId = id;
let future;
try {
  future = k.requestExecute({code: CODE, store_history: false});
} finally {
  k.subshellId = main;
}
await future.done;
await k.requestDeleteSubshell({subshell_id: id}).done;
return id;
"""


def test_the_page_reaches_python_after_the_widget_sent_from_a_subshell_since_deleted(
    notebook: Callable[..., LabPage], tmp_path: Path
) -> None:
    """The widget last sends to the page while the kernel handles a request on a subshell,
    which is then deleted: the page's messages must still reach Python. ipykernel sent them on
    to that subshell, and dropped them once it was gone — as when wry's sending thread took the
    parent of a page's control-comm request that JupyterLab sent on a subshell (a reloaded
    tab's announcement then never arrived)."""
    s = Shown(notebook, tmp_path)
    s.root.locator("#items li").nth(2).wait_for()
    code = "h.emit('app:item', 'from a subshell')\nh.flush()\n"
    body = IN_A_SUBSHELL.replace("CODE", json.dumps(code))
    if s.nb.page.evaluate(with_timeout(body)) is None:
        pytest.skip("this kernel has no subshells")
    s.root.locator("#items li:text-is('from a subshell')").wait_for()
    s.root.locator("#btn").click()
    (click,) = s.log.wait("click", timeout=10)
    assert click["event_type"] == "app:click"
    s.root.locator("#status", has_text="clicked 1").wait_for()
    assert s.nb.page.console_errors == []
