"""``pip install wry-notebook`` alone is enough: no pytauri, no FastAPI, and a widget shows.

Builds a fresh virtual environment in a temporary directory with only wry-core and
wry-notebook (from the local source trees; anywidget and friends from the package index,
through pip's cache), then shows a widget there and renders its mimebundle.
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

PROBE = r"""
import json
from importlib.metadata import distributions
from importlib.util import find_spec

from wry import PyWry
from wry.transport import installed_transports

app = PyWry()
handle = app.show("<p id='hello'>hello</p>", transport="notebook")
bundle, _ = handle._repr_mimebundle_()
handle.emit("app:queued", {"n": 1})
print(json.dumps({
    "dists": sorted(d.metadata["Name"].lower() for d in distributions()),
    "modules": {
        m: find_spec(m) is not None for m in ("pytauri", "pytauri_wheel", "fastapi", "uvicorn")
    },
    "transports": sorted(installed_transports()),
    "handle": type(handle).__name__,
    "model_id": handle.widget.model_id,
    "bundle": bundle,
    "pending": handle.pending,
    "esm_has_bridge": "__wry" in handle.widget._esm,
}))
app.destroy()
"""


@pytest.mark.notebook
@pytest.mark.timeout(300)
def test_wry_notebook_alone_installs_and_shows_a_widget(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            str(REPO / "packages" / "wry-core"),
            str(REPO / "packages" / "wry-notebook"),
        ],
        check=True,
        capture_output=True,
        timeout=280,
    )
    out = subprocess.run(
        [str(python), "-c", PROBE], check=True, capture_output=True, text=True, timeout=60
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert {"wry-core", "wry-notebook", "anywidget"} <= set(report["dists"])
    assert not {"pytauri-wheel", "fastapi", "uvicorn", "wry-native", "wry-iframe"} & set(
        report["dists"]
    )
    assert report["modules"] == dict.fromkeys(
        ("pytauri", "pytauri_wheel", "fastapi", "uvicorn"), False
    )
    assert report["transports"] == ["notebook"]
    assert report["handle"] == "NotebookWidget"
    view = report["bundle"]["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == report["model_id"]
    assert report["pending"] == 1  # waits for a view, as in a kernel before the cell output renders
    assert report["esm_has_bridge"]
    assert sys.executable != str(python)
