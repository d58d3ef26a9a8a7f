"""``python -m wry doctor`` (and ``python -m wry demo``)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Dispatch the sub-command; returns the exit status."""
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "doctor"
    if command == "doctor":
        from wry.doctor import report

        text, ok = report()
        print(text)
        return 0 if ok else 1
    if command == "demo":
        from wry.demo import main as demo_main

        return int(demo_main(args[1:]))
    print(f"unknown command {command!r}; use: python -m wry doctor | demo", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
