"""The bridge in Chromium: only the protocol's `pywry:` events are built-ins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.bridge

#: Valid event names that are also members of every JS object.
OBJECT_MEMBERS = ["constructor", "valueOf", "toString", "__proto__", "hasOwnProperty"]


def test_events_named_like_object_members_reach_only_their_handlers(
    open_page: Callable[..., Any],
) -> None:
    page = open_page('<p id="status">before</p>')
    heard = page.evaluate(
        """(names) => {
          const heard = [];
          for (const name of names) pywry.on(name, (data, type) => heard.push([type, data]));
          pywry._receive(names.map((name, n) => ({type: name, data: n}))
            .concat([{type: "pywry:set-content", data: {id: "status", text: "after"}}]));
          return heard;
        }""",
        OBJECT_MEMBERS,
    )
    assert heard == [[name, n] for n, name in enumerate(OBJECT_MEMBERS)]
    assert page.text_content("#status") == "after"  # the real built-ins still work
    assert page.console_errors == []
