"""``import wry`` stays cheap: no transport, web server, pytauri, anywidget or pydantic."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "wry_native",
    "wry_notebook",
    "wry_iframe",
    "fastapi",
    "uvicorn",
    "pytauri",
    "pytauri_wheel",
    "anywidget",
    "ipywidgets",
    "pydantic",
    "pydantic_settings",
    "watchfiles",
)


def loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_import_wry_loads_nothing_heavy() -> None:
    loaded = loaded_after("import wry")
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}
    assert "pluggy" not in loaded


def test_from_wry_import_pywry_loads_no_transport() -> None:
    loaded = loaded_after("from wry import PyWry")
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}
