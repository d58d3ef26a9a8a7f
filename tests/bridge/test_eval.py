"""pywry:eval answers pywry:eval-result {id, ok, value|error} for expressions and statements."""

from __future__ import annotations

from typing import Any

import pytest
from bridgepage import receive, wait_sent

pytestmark = pytest.mark.bridge


def evaluate(page: Any, script: str) -> dict[str, Any]:
    receive(page, ("pywry:eval", {"id": "e1", "script": script}))
    return wait_sent(page, "pywry:eval-result")[-1]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("script", "value"),
    [
        ("1 + 2", 3),
        ("document.title", "wry page"),
        ("({a: [1, 2]})", {"a": [1, 2]}),
        ("const x = 20; x + 1", 21),
        ("let t = 0; for (let i = 0; i < 4; i++) t += i; t", 6),
        ("if (true) { return 'from body'; }", "from body"),
        ("Promise.resolve(7)", 7),
        ("await new Promise((r) => setTimeout(() => r('late'), 5))", "late"),
        ("const v = await Promise.resolve(2); return v * 3;", 6),
        ("pywry.label", "w-test"),
        ("undefined", None),
        ("document.body", {}),
    ],
)
def test_eval_returns_the_value(open_page: Any, script: str, value: Any) -> None:
    page = open_page("<title>wry page</title>")
    assert evaluate(page, script) == {"id": "e1", "ok": True, "value": value}


@pytest.mark.parametrize(
    ("script", "error"),
    [
        ("throw new TypeError('nope')", "TypeError: nope"),
        ("Promise.reject(new Error('async nope'))", "Error: async nope"),
        ("missingName + 1", "ReferenceError: missingName is not defined"),
        ("this is not ( valid", "SyntaxError"),
    ],
)
def test_eval_reports_errors(open_page: Any, script: str, error: str) -> None:
    page = open_page()
    result = evaluate(page, script)
    assert result["ok"] is False and result["id"] == "e1"
    assert result["error"].startswith(error)
    assert "value" not in result


def test_eval_statements_change_the_page(open_page: Any) -> None:
    page = open_page("<p id='p'>before</p>")
    result = evaluate(page, "document.getElementById('p').textContent = 'after';")
    assert result["ok"] is True
    assert page.inner_text("#p") == "after"
