"""The docs match the code: settings reference complete, Python code blocks run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wry.settings import PyWrySettings

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"(<!-- compile-only -->\n)?```python\n(.*?)```", re.DOTALL)
#: examples that need a display, a kernel or a browser are run by the transport suites instead;
#: a block preceded by ``<!-- compile-only -->`` is a fragment (it names things defined elsewhere)
NEEDS_A_TRANSPORT = re.compile(r"\.show\(|TrayProxy\.create|app\.block\(")


def test_settings_reference_lists_every_field() -> None:
    text = (DOCS / "settings.md").read_text()
    for name in PyWrySettings.model_fields:
        assert f"| `{name}` | `WRY_{name.upper()}` |" in text, name


def python_blocks() -> list[tuple[str, int, bool, str]]:
    found = []
    for doc in sorted(DOCS.rglob("*.md")):
        for i, match in enumerate(BLOCK.finditer(doc.read_text())):
            found.append((str(doc.relative_to(DOCS)), i, bool(match.group(1)), match.group(2)))
    return found


@pytest.mark.parametrize(
    ("doc", "index", "fragment", "code"), python_blocks(), ids=lambda v: str(v)[:40]
)
def test_python_code_blocks_run(doc: str, index: int, fragment: bool, code: str) -> None:
    if fragment or NEEDS_A_TRANSPORT.search(code):
        compile(code, f"{doc}#{index}", "exec")  # at least valid Python
        return
    exec(compile(code, f"{doc}#{index}", "exec"), {"__name__": "__doc_example__"})
