"""The docs match the code: settings reference complete, Python code blocks run."""

from __future__ import annotations

import ast
import importlib.util
import re

import pytest
from doc_examples import DOCS, Block, all_blocks

from wry.settings import PyWrySettings

#: examples that need a display, a kernel or a browser are run by the transport suites
#: (tests/*/test_*doc*.py); a block preceded by ``<!-- compile-only -->`` is a fragment
NEEDS_A_TRANSPORT = re.compile(r"\.show\(|TrayProxy\.create|app\.block\(")


def installed(node: ast.Import | ast.ImportFrom) -> bool:
    """Whether the top-level packages an import statement names are installed."""
    names = (
        [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
    )
    return all(importlib.util.find_spec(name.split(".")[0]) is not None for name in names)


def test_settings_reference_lists_every_field() -> None:
    text = (DOCS / "settings.md").read_text()
    for name, field in PyWrySettings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        assert f"| `{name}` | `WRY_{name.upper()}` | `{default!r}` |" in text, name


@pytest.mark.parametrize("block", all_blocks(), ids=lambda b: f"{b.doc}#{b.index}")
def test_python_code_blocks_run(block: Block) -> None:
    if block.fragment or NEEDS_A_TRANSPORT.search(block.code):
        tree = ast.parse(block.code, f"{block.doc}#{block.index}")  # at least valid Python
        # ... whose imports name things that exist (a renamed function breaks no compile),
        # where that package is installed (tests-core runs without any transport)
        imports = [
            n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom) and installed(n)
        ]
        exec(compile(ast.Module(imports, type_ignores=[]), block.doc, "exec"), {})
        return
    block.run()
