"""The Python code blocks of the docs and the README, for the tests that run them.

Blocks that need a transport are run by that transport's suite (a real window, Chromium,
JupyterLab); ``tests/core/test_docs.py`` runs the rest and compiles every block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BLOCK = re.compile(r"(<!-- compile-only -->\n)?```python\n(.*?)```", re.DOTALL)
BLOCKS_FOREVER = re.compile(r"^(\s*)app\.block\(\)", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    """One ```python block; ``fragment`` when marked ``<!-- compile-only -->``."""

    doc: str
    index: int
    fragment: bool
    code: str

    def runnable(self) -> str:
        """The code with ``app.block()`` (which waits for the user) turned into a no-op."""
        return BLOCKS_FOREVER.sub(r"\1None", self.code)

    def run(self, **names: object) -> dict[str, object]:
        """Execute :meth:`runnable` with ``names`` bound; return its namespace."""
        namespace: dict[str, object] = {"__name__": "__doc_example__", **names}
        exec(compile(self.runnable(), f"{self.doc}#{self.index}", "exec"), namespace)
        return namespace


def blocks(path: Path) -> list[Block]:
    """Every ```python block of one Markdown file, in order."""
    name = str(path.relative_to(ROOT))
    return [
        Block(name, i, bool(m.group(1)), m.group(2))
        for i, m in enumerate(BLOCK.finditer(path.read_text()))
    ]


def block(relative: str, first_line: str) -> Block:
    """The block of ``relative`` (from the repo root) containing ``first_line``."""
    found = [b for b in blocks(ROOT / relative) if first_line in b.code]
    assert len(found) == 1, f"{len(found)} blocks of {relative} contain {first_line!r}"
    return found[0]


def all_blocks() -> list[Block]:
    """The blocks of every doc and of the README."""
    return [b for doc in [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))] for b in blocks(doc)]
