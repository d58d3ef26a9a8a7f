"""Each nox session installs exactly its distributions; this asserts it (WRY_EXPECT_DISTS)."""

from __future__ import annotations

import importlib.util
import os
from importlib.metadata import PackageNotFoundError, version

import pytest

ALL = ("wry-core", "wry-native", "wry-notebook", "wry-iframe")
#: what each transport distribution pulls in, and so must be absent without it
MARKERS = {"wry-native": "pytauri_wheel", "wry-iframe": "fastapi", "wry-notebook": "anywidget"}


def installed(dist: str) -> bool:
    try:
        version(dist)
    except PackageNotFoundError:
        return False
    return True


@pytest.mark.skipif("WRY_EXPECT_DISTS" not in os.environ, reason="only inside a nox session")
def test_exactly_the_expected_distributions_are_installed() -> None:
    expected = set(os.environ["WRY_EXPECT_DISTS"].split(","))
    assert {d for d in ALL if installed(d)} == expected
    for dist, module in MARKERS.items():
        if dist not in expected:
            assert importlib.util.find_spec(module) is None, f"{module} installed without {dist}"
