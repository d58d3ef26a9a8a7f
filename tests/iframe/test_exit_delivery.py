"""Events a script emits just before it ends reach the pages connected to it.

At exit the iframe transport's own atexit handler stops the server before the core's
destroys the apps (atexit runs the handler registered last first), so the server's stop
is what sends the script's last events: before the close frame, for as long as the page
reads, and never holding the exit past a few seconds for a page that does not.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from iframe.conftest import child_with_page, tell_child_to_exit

pytestmark = pytest.mark.iframe

CLOSED = "document.documentElement.dataset.wryConnection === 'closed'"
PAGE = (
    "<p id='last'>none</p><script>pywry.on('app:last', (d) => {"
    " document.getElementById('last').textContent = String(d.n); });</script>"
)
#: Keeps the page's script busy for the given milliseconds: Chromium stops reading meanwhile.
BUSY = "setTimeout(() => { const t = Date.now(); while (Date.now() - t < %d); }, 0)"
BIG = 32 * 1024 * 1024  # far more than the kernel holds for a page not reading


def script_emitting_at_exit(emits: str) -> str:
    """A child that shows PAGE and, once told, runs ``emits`` and returns from main."""
    return textwrap.dedent(
        f"""
        import sys
        from wry import PyWry

        def main() -> None:
            app = PyWry(transport="iframe")
            handle = app.show({PAGE!r})
            sys.stdin.readline()
            {emits}

        main()
        """
    )


def exit_with_page(
    browser: Any, emits: str, busy_ms: int = 0, page_script: str = ""
) -> tuple[float, str | None]:
    """Run the child, keep its page busy for ``busy_ms``, let it exit after ``emits``.

    Returns the seconds the exit took, and what the page shows once its socket closed
    (None when the page was still busy: a page that never reads never learns of the close).
    """
    with child_with_page(browser, script_emitting_at_exit(emits)) as (child, page):
        page.evaluate(page_script + (BUSY % busy_ms if busy_ms else ""))
        took = tell_child_to_exit(child)
        shown = None
        if busy_ms < 5000:
            page.wait_for_function(CLOSED, timeout=20_000)
            shown = page.text_content("#last")
    assert child.returncode == 0
    return took, shown


def test_an_emit_just_before_exit_reaches_the_page(browser: Any) -> None:
    took, shown = exit_with_page(browser, "handle.emit('app:last', {'n': 7})")
    assert shown == "7"
    assert took < 5.0, f"the process took {took:.1f} s to exit"


LARGE_THEN_SMALL = (
    f"handle.emit('app:big', {{'text': 'x' * {BIG}}}); handle.emit('app:last', {{'n': 8}})"
)


def test_an_emit_behind_a_large_one_reaches_a_page_busy_for_a_moment_at_exit(
    browser: Any,
) -> None:
    """The close frame used to go straight behind the large emit, the small one never sent."""
    took, shown = exit_with_page(browser, LARGE_THEN_SMALL, busy_ms=1500)
    assert shown == "8"
    assert took < 6.0, f"the process took {took:.1f} s to exit"


@pytest.mark.parametrize("run", range(3))  # the reset lost them in about half the runs
def test_the_last_events_reach_a_page_that_keeps_talking_as_the_process_exits(
    browser: Any, run: int
) -> None:
    """The page's own frames (events, acknowledgements) were left unread as the socket
    closed, so the kernel reset the connection: the page lost what it had not read yet, the
    close frame too, and went on reconnecting to a server that was gone."""
    talking = "setInterval(() => pywry.emit('app:tick', {}), 5);"
    took, shown = exit_with_page(browser, LARGE_THEN_SMALL, busy_ms=1500, page_script=talking)
    assert shown == "8"
    assert took < 6.0, f"the process took {took:.1f} s to exit"


def test_emits_before_exit_to_a_page_that_never_reads_do_not_hold_the_exit(
    browser: Any,
) -> None:
    # busy for longer than the exit may take: the page never reads again
    took, _ = exit_with_page(browser, LARGE_THEN_SMALL, busy_ms=12_000)
    assert took < 6.0, f"the process took {took:.1f} s to exit for a page that does not read"
