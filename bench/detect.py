"""Detection benchmark (``make bench``): what language detection costs a default run.

Two paired comparisons, each alternated (A B, then B A, …) so that a busy
machine hurts both sides alike, and summarised by the median of the per-round
ratios:

1. a first ``batch`` run over 200 generated articles plus the sample site, with
   the tiny word-for-word model: default (detection on) against ``--from nl``
   (detection off). Detection's share of the run is ``1 - from_nl / default``;
   goal ≤ 10%.
2. ``translate`` of one article (content/over-t3d): default against
   ``--from nl``; goal ≤ 1.2 times.

Both sides run as fresh processes with the same settings (tiny model, int8,
no memory, no glossary), so start-up and imports count on both. Wall and CPU
(user + system of the child) times are printed; the goals use wall time.
Writes build/bench-detect.json.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from run import corpus  # noqa: E402

ROUNDS_BATCH = 4
ROUNDS_TRANSLATE = 8
COMMON = ["--engine", "argos", "--no-memory", "--no-glossary", "--compute-type", "int8"]


def timed(folder: Path, args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one translator process."""
    env = {**os.environ, "HOME": str(folder), "TRANSLATOR_MODELS_DIR": str(folder / "models")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "translator", *args],
        capture_output=True,
        env=env,
        check=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def paired(
    rounds: int, a: list[str], b: list[str], folder: Path, reset: Path | None = None
) -> dict[str, object]:
    """Run A and B alternately; per-round ratios B/A of wall and CPU time."""
    walls: dict[str, list[float]] = {"a": [], "b": []}
    cpus: dict[str, list[float]] = {"a": [], "b": []}
    for n in range(rounds):
        for side in ("a", "b") if n % 2 == 0 else ("b", "a"):
            if reset is not None:
                for english in reset.rglob("*.en.md"):
                    english.unlink()
            wall, cpu = timed(folder, a if side == "a" else b)
            walls[side].append(wall)
            cpus[side].append(cpu)
    return {
        "wall_a": walls["a"],
        "wall_b": walls["b"],
        "wall_ratio": statistics.median(
            y / x for x, y in zip(walls["a"], walls["b"], strict=True)
        ),
        "cpu_ratio": statistics.median(y / x for x, y in zip(cpus["a"], cpus["b"], strict=True)),
    }


def main() -> None:
    from translator.models import install_file  # noqa: PLC0415
    from translator.testing import build_model  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        site = folder / "site"
        site.mkdir()
        corpus(site)
        shutil.copytree(
            ROOT / "content", site / "content", ignore=shutil.ignore_patterns("*.en.*")
        )
        install_file(folder / "models", build_model(folder / "tiny.argosmodel"))
        first = paired(
            ROUNDS_BATCH,
            ["batch", *COMMON, str(site)],
            ["batch", *COMMON, "--from", "nl", str(site)],
            folder,
            reset=site,
        )
        article = site / "content" / "over-t3d" / "index.md"
        single = paired(
            ROUNDS_TRANSLATE,
            ["translate", *COMMON, "-o", "-", str(article)],
            ["translate", *COMMON, "--from", "nl", "-o", "-", str(article)],
            folder,
        )
    share = 1 - float(first["wall_ratio"])  # type: ignore[arg-type]
    cost = 1 / float(single["wall_ratio"])  # type: ignore[arg-type]
    articles = len(list((ROOT / "content").rglob("index*.md"))) + 200
    print(f"settings, both sides: {' '.join(COMMON)}; tiny word-for-word model")
    print("A: default (detection on); B: --from nl (detection off); median of per-round B/A")
    print(
        f"first batch run, {articles} articles, {ROUNDS_BATCH} rounds: detection share "
        f"{100 * share:.1f}% of wall time (goal <= 10%), CPU share "
        f"{100 * (1 - float(first['cpu_ratio'])):.1f}%"  # type: ignore[arg-type]
    )
    print(
        f"translate one article, {ROUNDS_TRANSLATE} rounds: default / --from nl = "
        f"{cost:.2f}x wall (goal <= 1.2x), "
        f"{1 / float(single['cpu_ratio']):.2f}x CPU"  # type: ignore[arg-type]
    )
    out = ROOT / "build" / "bench-detect.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps({"first_run": first, "translate": single, "share": share, "cost": cost}),
        encoding="utf-8",
    )
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
