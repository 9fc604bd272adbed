"""Paired, alternated comparisons for the benchmarks.

On a shared machine the load changes from one minute to the next, so two
variants are never timed in two separate blocks: each round runs both, the
order alternating (A B, B A, A B …), and the result is the median of the
per-round ratios, for wall time and for CPU time.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BUILD = Path(__file__).resolve().parent.parent / "build"


def median_ratio(a: Sequence[float], b: Sequence[float]) -> float:
    """The median of a[i] / b[i]: each ratio from one round, where both ran close together."""
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


def alternate(
    first: Callable[[], dict[str, Any]], second: Callable[[], dict[str, Any]], rounds: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run two measurements ``rounds`` times each, A B then B A, and so on."""
    a: list[dict[str, Any]] = []
    b: list[dict[str, Any]] = []
    for r in range(rounds):
        if r % 2 == 0:
            a.append(first())
            b.append(second())
        else:
            b.append(second())
            a.append(first())
    return a, b


def compare(a: Sequence[dict[str, Any]], b: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Median ratios a/b of wall and CPU time, and the medians of each side."""
    return {
        "wall_ratio": median_ratio([x["wall"] for x in a], [y["wall"] for y in b]),
        "cpu_ratio": median_ratio([x["cpu"] for x in a], [y["cpu"] for y in b]),
        "a_wall": statistics.median(x["wall"] for x in a),
        "b_wall": statistics.median(y["wall"] for y in b),
        "a_cpu": statistics.median(x["cpu"] for x in a),
        "b_cpu": statistics.median(y["cpu"] for y in b),
    }


def goal(label: str, measured: str) -> None:
    """Print one goal of the benchmark with its measured value."""
    print(f"goal: {label}: {measured}", flush=True)


def save(name: str, data: Any) -> None:
    """Write a benchmark's figures to build/NAME for later comparison."""
    BUILD.mkdir(exist_ok=True)
    (BUILD / name).write_text(json.dumps(data, indent=2), encoding="utf-8")
    print(f"wrote build/{name}")
