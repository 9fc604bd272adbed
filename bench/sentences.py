"""Sentence splitting alone: translator's pysbd spans against plain pysbd's.

Both sides split the same texts (the distinct segments of ``bench/run.py``'s
200 generated articles and of content/, placeholders removed, as the engine
sees them), in one process, paired and alternated over several rounds; the
spans are checked to be identical before anything is timed.

    python bench/sentences.py [--rounds N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from paired import alternate, compare, goal  # noqa: E402
from run import _segments, corpus  # noqa: E402


def texts() -> list[str]:
    """The distinct texts the engine splits: generated articles, then content/."""
    from translator.pipeline import Options, load  # noqa: PLC0415
    from translator.protect import protect  # noqa: PLC0415
    from translator.segment import PLACEHOLDER  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        corpus(Path(tmp))
        _, generated = _segments(Path(tmp))
    content = [
        PLACEHOLDER.sub("", protect(s).text)
        for path in sorted((ROOT / "content").rglob("index*.md"))
        if not path.name.startswith("index.en")
        for s in load(path, Options(source_language="nl")).segments
        if s.translatable
    ]
    return list(dict.fromkeys(generated + content))


def main(rounds: int) -> None:
    import pysbd  # noqa: PLC0415

    from translator import sentences  # noqa: PLC0415

    work = texts()
    plain = pysbd.Segmenter(language="nl", clean=False, char_span=True)

    def theirs() -> list[list[tuple[int, int]]]:
        return [[(s.start, s.end) for s in plain.segment(t)] for t in work]

    def ours() -> list[list[tuple[int, int]]]:
        return [sentences.pysbd_spans(t) for t in work]

    assert ours() == theirs(), "spans differ from pysbd's"

    def timed(split: Any) -> dict[str, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        split()
        return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}

    runs_a, runs_b = alternate(lambda: timed(ours), lambda: timed(theirs), rounds)
    result = compare(runs_a, runs_b)
    print(
        f"{len(work)} distinct texts, {rounds} rounds alternated; spans identical; "
        f"medians {result['a_cpu']:.2f} s vs {result['b_cpu']:.2f} s CPU"
    )
    goal(
        "sentence spans at a fraction of plain pysbd's time",
        f"{result['cpu_ratio']:.2f}x CPU ({result['wall_ratio']:.2f}x wall)",
    )


if __name__ == "__main__":
    main(int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 5)
