"""Which of Python's events were counted lost, so that each counts once in ``dropped_events``.

Every tab on a notebook receives every batch, and each page that has no room for some of them
reports it; Python also counts what it no longer has to send again when the last view leaves.
Several of these reports may name the same events (two tabs with no view of the widget, or a
page and Python both). Events are named by Python's index (its count of events sent before
them), and an event sent again to the next view is not lost.
"""

from __future__ import annotations

from typing import Any

Span = tuple[int, int]  # [start, stop): Python's indices of events


def event_index(value: Any) -> int | None:
    """``value`` if it is one of Python's event indices (an int, not a bool, not negative)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


class Spans:
    """A set of indices kept as sorted, disjoint, non-adjacent ``[start, stop)`` spans."""

    def __init__(self) -> None:
        self._spans: list[Span] = []

    def missing(self, start: int, stop: int) -> list[Span]:
        """The parts of ``[start, stop)`` not in the set."""
        parts: list[Span] = []
        for a, b in self._spans:
            if b <= start:
                continue
            if a >= stop:
                break
            if a > start:
                parts.append((start, a))
            start = max(start, b)
        if start < stop:
            parts.append((start, stop))
        return parts

    def add(self, start: int, stop: int) -> None:
        """Put ``[start, stop)`` in the set."""
        if start >= stop:
            return
        kept: list[Span] = []
        for a, b in self._spans:
            if b < start or a > stop:
                kept.append((a, b))
            else:  # overlapping or touching: merge
                start, stop = min(a, start), max(b, stop)
        kept.append((start, stop))
        self._spans = sorted(kept)

    def remove(self, start: int, stop: int) -> int:
        """Take ``[start, stop)`` out of the set; returns how many indices were in it."""
        kept: list[Span] = []
        removed = 0
        for a, b in self._spans:
            if b <= start or a >= stop:
                kept.append((a, b))
                continue
            removed += min(b, stop) - max(a, start)
            if a < start:
                kept.append((a, start))
            if b > stop:
                kept.append((stop, b))
        self._spans = kept
        return removed


class LostEvents:
    """Counts each lost event once, however many reports name it."""

    def __init__(self) -> None:
        self._lost = Spans()  # counted in dropped_events
        self._sent_again = Spans()  # sent again to a next view: not lost, never counted

    def report(self, start: int, stop: int) -> int:
        """Events ``[start, stop)`` are reported lost; returns how many were not counted yet."""
        new = 0
        for a, b in self._lost.missing(start, stop):
            for c, d in self._sent_again.missing(a, b):
                self._lost.add(c, d)
                new += d - c
        return new

    def sent_again(self, start: int, stop: int) -> int:
        """Events ``[start, stop)`` go to the next view; returns how many had counted lost."""
        self._sent_again.add(start, stop)
        return self._lost.remove(start, stop)
