"""A real JupyterLab for end-to-end tests and benchmarks, driven through Playwright.

Facts this follows are in ``shared/notes/notebook-e2e.md``: private config/data/runtime dirs,
``--allow-root``, ``window.jupyterapp`` (``expose_app_in_browser``) to wait for the kernel and to
run commands, and every in-page promise wrapped in a JS-side timeout.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SERVER_CONFIG = """
c.LabApp.expose_app_in_browser = True
c.JupyterNotebookApp.expose_app_in_browser = True
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LabApp.workspaces_dir = {workspaces!r}
c.ServerApp.open_browser = False
c.ZMQChannelsWebsocketConnection.iopub_msg_rate_limit = {rate_limit}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_notebook(path: Path, cells: Sequence[str]) -> Path:
    """A notebook of code cells with a python3 kernelspec (so Lab asks no question)."""
    import nbformat  # a test dependency of the JupyterLab suites only

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nbformat.write(nb, str(path))
    return path


class JupyterLab:
    """One ``jupyter lab`` on 127.0.0.1 with a random token, in its own directory."""

    def __init__(self, root: Path, *, iopub_msg_rate_limit: float = 1000) -> None:
        self.root = root
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.rate_limit = iopub_msg_rate_limit
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = root / "jupyter.log"

    # -- lifetime ------------------------------------------------------------------------------

    def start(self, timeout: float = 60) -> JupyterLab:
        env = self._environment()
        config = Path(env["JUPYTER_CONFIG_DIR"])
        settings = config / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True, exist_ok=True)
        (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
        (config / "jupyter_server_config.py").write_text(
            SERVER_CONFIG.format(
                workspaces=str(self.root / "workspaces"), rate_limit=self.rate_limit
            )
        )
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter",
                "lab",
                "--no-browser",
                "--ip=127.0.0.1",
                f"--port={self.port}",
                "--port-retries=0",
                "--allow-root",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root}",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited: {self.log_tail()}")
            try:
                with urllib.request.urlopen(self.api("status"), timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"jupyter lab did not answer in {timeout} s: {self.log_tail()}")
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(0.1)  # not a sleep: returns early if the server dies

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            req = urllib.request.Request(self.api("shutdown"), method="POST")
            urllib.request.urlopen(req, timeout=5).close()
        except OSError:
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGTERM)  # the server's own process group
            self.process.wait(10)
        self.process = None

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        for name, sub in (
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_DATA_DIR", "data"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("IPYTHONDIR", "ipython"),
        ):
            path = self.root / sub
            path.mkdir(parents=True, exist_ok=True)
            env[name] = str(path)
        env.pop("WRY_TRANSPORT", None)
        return env

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    # -- addresses -----------------------------------------------------------------------------

    def api(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/api/{path}?token={self.token}"

    def lab_url(self, notebook: str) -> str:
        """The notebook in a workspace of its own (no restored tabs of earlier tests)."""
        workspace = f"w{secrets.token_hex(4)}"
        return (
            f"http://127.0.0.1:{self.port}/lab/workspaces/{workspace}/tree/{notebook}"
            f"?token={self.token}&reset"
        )

    def notebook7_url(self, notebook: str) -> str:
        return f"http://127.0.0.1:{self.port}/notebooks/{notebook}?token={self.token}"


def with_timeout(body: str, ms: int = 30_000) -> str:
    """An async arrow function running ``body`` (statements) with a JS-side timeout."""
    return (
        "async () => { const work = (async () => {"
        + body
        + "})(); const limit = new Promise((_, no) => setTimeout(() => no(new Error("
        + f"'in-page timeout after {ms} ms')), {ms})); return await Promise.race([work, limit]); }}"
    )


WAIT_KERNEL = """
const app = window.jupyterapp;
for (;;) {
  const w = app && app.shell.currentWidget;
  const ctx = w && w.sessionContext;
  const k = ctx && ctx.session && ctx.session.kernel;
  const up = k && k.connectionStatus === 'connected' && k.status === 'idle';
  if (ctx && ctx.isReady && up) return true;
  await new Promise(r => setTimeout(r, 25));
}
"""


class LabPage:
    """A Playwright page showing one notebook in JupyterLab."""

    def __init__(self, lab: JupyterLab, page: Any) -> None:
        self.lab = lab
        self.page = page

    def open(self, notebook: str, timeout_ms: int = 60_000, ui: str = "lab") -> LabPage:
        """Open ``notebook`` in JupyterLab (``ui="lab"``) or Notebook 7 (``"notebook7"``)."""
        url = self.lab.lab_url(notebook) if ui == "lab" else self.lab.notebook7_url(notebook)
        self.page.goto(url)
        self.page.wait_for_function("() => !!window.jupyterapp", timeout=timeout_ms)
        self.wait_kernel_idle(timeout_ms)
        return self

    def wait_kernel_idle(self, timeout_ms: int = 60_000) -> None:
        self.page.evaluate(with_timeout(WAIT_KERNEL, timeout_ms))

    def command(self, command: str, timeout_ms: int = 30_000) -> Any:
        return self.page.evaluate(
            with_timeout(
                f"return await window.jupyterapp.commands.execute({command!r});", timeout_ms
            )
        )

    def run_all(self) -> None:
        self.command("notebook:run-all-cells")

    def restart_kernel(self, timeout_ms: int = 60_000) -> None:
        """Restart without the confirmation dialog, then wait for an idle kernel."""
        self.page.evaluate(
            with_timeout(
                "await window.jupyterapp.shell.currentWidget.sessionContext.restartKernel();"
                "return true;",
                timeout_ms,
            )
        )
        self.wait_kernel_idle(timeout_ms)

    def execute(self, code: str, timeout_ms: int = 30_000) -> Any:
        """Run ``code`` in the notebook's kernel (not as a cell); return the text it printed."""
        body = (
            "const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;"
            f"const future = k.requestExecute({{code: {json.dumps(code)}, store_history: false}});"
            "let out = ''; let err = null;"
            "future.onIOPub = (msg) => {"
            " if (msg.header.msg_type === 'stream') out += msg.content.text;"
            " if (msg.header.msg_type === 'error')"
            "  err = msg.content.ename + ': ' + msg.content.evalue;"
            "};"
            "await future.done;"
            "if (err) throw new Error(err);"
            "return out;"
        )
        return self.page.evaluate(with_timeout(body, timeout_ms))
