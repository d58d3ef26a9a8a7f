"""Median wall time of ``import wry`` and ``from wry import PyWry`` in fresh processes."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from _results import write

RUNS = 15
CASES = {
    "baseline_python_ms": "pass",
    "import_wry_ms": "import wry",
    "from_wry_import_PyWry_ms": "from wry import PyWry",
    "PyWry_constructed_ms": "from wry import PyWry; PyWry()",
}


def median_ms(code: str) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def main() -> None:
    figures = {name: median_ms(code) for name, code in CASES.items()}
    base = figures["baseline_python_ms"]
    figures["import_wry_over_baseline_ms"] = round(figures["import_wry_ms"] - base, 1)
    figures["from_wry_import_PyWry_over_baseline_ms"] = round(
        figures["from_wry_import_PyWry_ms"] - base, 1
    )
    figures["targets"] = {"import_wry_ms": 40, "from_wry_import_PyWry_ms": 150}
    write("import_time", figures)


if __name__ == "__main__":
    main()
