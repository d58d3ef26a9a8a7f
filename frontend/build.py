"""Build the one JS bridge bundle from ``frontend/src/*.js`` (pure Python, no npm).

The sources are concatenated in file-name order inside one strict-mode IIFE, so the result is a
classic script that is also valid at the top of an ES module (the notebook prepends it to its
adapter). ``--check`` exits 1 when the committed bundle differs from a fresh build.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"
REPO = HERE.parent
BUNDLE = REPO / "packages" / "wry-core" / "src" / "wry" / "assets" / "bridge.js"
PYPROJECT = REPO / "packages" / "wry-core" / "pyproject.toml"


def package_version() -> str:
    """The wry-core version from its pyproject.toml."""
    match = re.search(r'^version\s*=\s*"([^"]+)"', PYPROJECT.read_text(encoding="utf-8"), re.M)
    if not match:
        raise SystemExit(f"no version in {PYPROJECT}")
    return match.group(1)


def source_files() -> list[Path]:
    """The source files, in the order they are concatenated."""
    return sorted(SOURCES.glob("*.js"), key=lambda p: p.name)


def read_source(path: Path) -> str:
    """One source file with normalised line ends and no outer blank lines."""
    return path.read_text(encoding="utf-8").replace("\r\n", "\n").strip()


def build() -> str:
    """The bundle text: deterministic for the same sources and package version."""
    parts = [(p.name, read_source(p)) for p in source_files()]
    digest = hashlib.sha256("\n".join(f"{n}\n{t}" for n, t in parts).encode()).hexdigest()[:12]
    version = f"{package_version()}+{digest}"
    out = [
        f"/* wry bridge {version}: built by frontend/build.py from frontend/src; do not edit. */",
        "(function () {",
        '"use strict";',
        f"const VERSION = {version!r};".replace("'", '"'),
    ]
    for name, text in parts:
        out += ["", f"// ---- {name} ----", text]
    out += ["})();", ""]
    return "\n".join(out)


def shown(path: Path) -> str:
    """``path`` relative to the repository when it is inside it."""
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def main(argv: list[str] | None = None) -> int:
    """Write the bundle, or with ``--check`` report whether the committed one is current."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the bundle is stale")
    args = parser.parse_args(argv)
    fresh = build()
    if args.check:
        current = BUNDLE.read_text(encoding="utf-8") if BUNDLE.exists() else ""
        if current != fresh:
            stale = f"{shown(BUNDLE)} is stale: run python frontend/build.py"
            print(stale, file=sys.stderr)
            return 1
        print(f"{shown(BUNDLE)} is up to date")
        return 0
    BUNDLE.parent.mkdir(parents=True, exist_ok=True)
    BUNDLE.write_text(fresh, encoding="utf-8", newline="\n")
    print(f"wrote {shown(BUNDLE)} ({len(fresh)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
