"""The committed bundle: current with its sources, a classic script and an ES module prefix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from wry.page import bridge_bundle

pytestmark = pytest.mark.bridge

REPO = Path(__file__).resolve().parents[2]


def test_committed_bundle_matches_a_fresh_build() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "frontend" / "build.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_check_fails_on_a_stale_bundle(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "frontend"))
    try:
        import build
    finally:
        sys.path.pop(0)
    stale = tmp_path / "bridge.js"
    stale.write_text(build.build() + "// edited by hand\n")
    original = build.BUNDLE
    build.BUNDLE = stale
    try:
        assert build.main(["--check"]) == 1
        assert build.main([]) == 0
        assert build.main(["--check"]) == 0
    finally:
        build.BUNDLE = original


def test_bundle_works_as_the_start_of_an_es_module(page: Any) -> None:
    module = bridge_bundle() + "\nexport default { render() {} };\n"
    page.set_content("<div id='w'></div>")
    got = page.evaluate(
        """async (source) => {
          const url = URL.createObjectURL(new Blob([source], {type: "text/javascript"}));
          const mod = await import(url);
          const sent = [];
          const b = __wry.createBridge({root: document.getElementById("w"), label: "m",
                                        send: (x) => sent.push(x)});
          b.emit("app:x", 1);
          await Promise.resolve();
          return [typeof mod.default.render, typeof __wry.version, sent];
        }""",
        module,
    )
    assert got == ["function", "string", [[{"type": "app:x", "data": 1}]]]
    assert page.console_errors == []
