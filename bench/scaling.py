"""Size-doubling checks (``make bench``): work that must grow linearly with its input.

Each case is timed at a size and at twice that size, alternating (A B A B …),
and the median of the paired ratios is compared with a bound: about 2 is
linear, about 4 quadratic. The bound, 2.8, leaves room for a noisy shared
machine and still fails any quadratic step. Exit code 1 when a case fails.
Prints a table and writes build/bench-scaling.json.

    python bench/scaling.py            # every case
    python bench/scaling.py glossary   # the cases whose name contains "glossary"
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from translator import glossary  # noqa: E402
from translator.segment import segment_body  # noqa: E402

BOUND = 2.8
PAIRS = 5

HEADER = "nl,nl_plural,nl_variants,en,en_plural,en_noun,pos,dnt,case,status,note\n"


def glossary_rows(n: int, folder: Path) -> Callable[[], object]:
    """Load (and so lint) a glossary of n terms, multi-word forms and plurals included."""
    path = folder / f"terms-{n}.csv"
    path.write_text(
        HEADER
        + "".join(
            f"woord{i} deel{i % 97},woorden{i} deel{i % 97},,word{i} part,words{i} part,,"
            "noun,no,lower,approved,\n"
            for i in range(n)
        ),
        encoding="utf-8",
    )
    return lambda: glossary.load(path)


def table_row(n: int, folder: Path) -> Callable[[], object]:
    """Segment a table whose rows have n cells."""
    row = "| " + " | ".join(f"cel {i}" for i in range(n)) + " |\n"
    text = row + "|" + "---|" * n + "\n" + row
    return lambda: segment_body(text)


CASES: dict[str, tuple[Callable[[int, Path], Callable[[], object]], int]] = {
    "glossary load, terms": (glossary_rows, 5_000),
    "table row, cells": (table_row, 2_500),
}


def seconds(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def measure(name: str, folder: Path) -> dict[str, object]:
    make, size = CASES[name]
    small, large = make(size, folder), make(2 * size, folder)
    small()  # warm caches and imports before timing
    ratios, times = [], []
    for _ in range(PAIRS):
        a, b = seconds(small), seconds(large)
        ratios.append(b / a)
        times.append((a, b))
    ratio = statistics.median(ratios)
    return {
        "case": name,
        "size": size,
        "seconds": statistics.median(a for a, _ in times),
        "seconds_doubled": statistics.median(b for _, b in times),
        "ratio": ratio,
        "linear": ratio <= BOUND,
    }


def main(selected: list[str]) -> int:
    names = [n for n in CASES if not selected or any(s in n for s in selected)]
    with tempfile.TemporaryDirectory() as tmp:
        rows = [measure(name, Path(tmp)) for name in names]
    print(f"{'case':<24} {'size':>7} {'s':>8} {'s at 2x':>8} {'ratio':>6}")
    for row in rows:
        verdict = "ok" if row["linear"] else f"NOT LINEAR (bound {BOUND})"
        print(
            f"{row['case']:<24} {row['size']:>7} {row['seconds']:>8.3f} "
            f"{row['seconds_doubled']:>8.3f} {row['ratio']:>6.2f}  {verdict}"
        )
    out = ROOT / "build" / "bench-scaling.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0 if all(row["linear"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
