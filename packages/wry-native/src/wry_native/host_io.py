"""The child host's two pipes to the parent: command lines in, protocol lines out.

Reading refuses an oversize or non-UTF-8 line with an error reply and reads on; writing goes
through an ``Outbox`` so lines from any thread stay whole and ordered.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import Any, BinaryIO

from wry_native import wire
from wry_native.outbox import Outbox, OutboxClosed


class Output:
    """The protocol stream to the parent; any thread may write, lines stay whole and ordered."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._outbox = Outbox(self._send)

    def _send(self, data: memoryview, block: bool) -> int:
        return os.write(self._fd, data)  # a blocking descriptor: the parent always reads

    def write(self, line: str) -> None:
        """Write one complete line (ends with a newline); dropped once the parent is gone."""
        with contextlib.suppress(OutboxClosed):
            self._outbox.line(line)

    def close(self, timeout: float = 2.0) -> None:
        """Finish writing, then refuse more."""
        self._outbox.close(timeout)


def read_commands(
    stdin: BinaryIO, max_line: int, out: Output, handle_line: Callable[[str], None]
) -> None:
    """Hand each command line to ``handle_line`` until end of input; refuse bad lines."""
    while True:
        raw = stdin.readline(max_line + 1)
        if not raw:
            break
        if len(raw) > max_line and not raw.endswith(b"\n"):
            size = len(raw) + _discard_line(stdin)
            out.write(
                wire.reply_line(
                    None,
                    error=f"line too long: {size} bytes exceed the limit of {max_line}",
                )
            )
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            out.write(wire.reply_line(None, error=f"line is not UTF-8: {exc}"))
            continue
        if line.strip():
            handle_line(line)


def _discard_line(stream: Any, chunk: int = 1 << 20) -> int:
    """Skip the rest of an oversize line; return how many bytes were skipped."""
    skipped = 0
    while True:
        part = stream.readline(chunk)
        skipped += len(part)
        if not part or part.endswith(b"\n"):
            return skipped
