"""The docs match the code: settings reference complete, Python code blocks run."""

from __future__ import annotations

import re

import pytest
from doc_examples import DOCS, Block, all_blocks

from wry.settings import PyWrySettings

#: examples that need a display, a kernel or a browser are run by the transport suites
#: (tests/*/test_*doc*.py); a block preceded by ``<!-- compile-only -->`` is a fragment
NEEDS_A_TRANSPORT = re.compile(r"\.show\(|TrayProxy\.create|app\.block\(")


def test_settings_reference_lists_every_field() -> None:
    text = (DOCS / "settings.md").read_text()
    for name in PyWrySettings.model_fields:
        assert f"| `{name}` | `WRY_{name.upper()}` |" in text, name


@pytest.mark.parametrize("block", all_blocks(), ids=lambda b: f"{b.doc}#{b.index}")
def test_python_code_blocks_run(block: Block) -> None:
    if block.fragment or NEEDS_A_TRANSPORT.search(block.code):
        compile(block.code, f"{block.doc}#{block.index}", "exec")  # at least valid Python
        return
    block.run()
