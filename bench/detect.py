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

A third figure needs no pairing: the same first run in this process, with
detection's two entry points wrapped in CPU timers.

Both sides run as fresh processes with the same settings (tiny model, int8,
no memory, no glossary), so start-up and imports count on both. Wall and CPU
(user + system of the child) times are both printed; on a shared machine the
CPU figures are the steadier ones. Writes build/bench-detect.json.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from paired import alternate, compare, goal, save  # noqa: E402
from run import corpus  # noqa: E402

ROUNDS_BATCH = 4
ROUNDS_TRANSLATE = 8
COMMON = ["--engine", "argos", "--no-memory", "--no-glossary", "--compute-type", "int8"]


def process(folder: Path, args: list[str], reset: Path | None = None) -> dict[str, Any]:
    """Wall and CPU seconds of one translator process (after removing reset's English)."""
    if reset is not None:
        for english in reset.rglob("*.en.md"):
            english.unlink()
    env = {**os.environ, "HOME": str(folder), "TRANSLATOR_MODELS_DIR": str(folder / "models")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "translator", *args], capture_output=True, env=env, check=True
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu}


def instrumented(folder: Path, site: Path) -> tuple[float, float]:
    """CPU seconds inside detection, and of the whole run, in one in-process first run.

    Detection's functions are wrapped with timers (profile loading included, as
    it happens inside them), so the share needs no pairing.
    """
    from translator import detect  # noqa: PLC0415
    from translator.batch import run_batch  # noqa: PLC0415
    from translator.config import Settings  # noqa: PLC0415
    from translator.pipeline import Options  # noqa: PLC0415

    spent = [0.0]

    def timed_call(function: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[0] += time.process_time() - started

        return call

    for english in site.rglob("*.en.md"):
        english.unlink()
    saved = detect.article_language, detect.is_clearly_english
    detect.article_language = timed_call(saved[0])
    detect.is_clearly_english = timed_call(saved[1])
    settings = Settings(engine="argos", models_dir=folder / "models", memory=None, glossary=None)
    started = time.process_time()
    try:
        run_batch(site, settings, Options())
    finally:
        detect.article_language, detect.is_clearly_english = saved
    return spent[0], time.process_time() - started


def main() -> None:
    from translator.models import install_file  # noqa: PLC0415
    from translator.testing import build_model  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        site = folder / "site"
        site.mkdir()
        corpus(site)
        sample = shutil.ignore_patterns("*.en.*")
        shutil.copytree(ROOT / "content", site / "content", ignore=sample)
        install_file(folder / "models", build_model(folder / "tiny.argosmodel"))
        first = compare(
            *alternate(
                lambda: process(folder, ["batch", *COMMON, "--from", "nl", str(site)], site),
                lambda: process(folder, ["batch", *COMMON, str(site)], site),
                ROUNDS_BATCH,
            )
        )
        inside, whole = instrumented(folder, site)
        article = str(site / "content" / "over-t3d" / "index.md")
        single = compare(
            *alternate(
                lambda: process(folder, ["translate", *COMMON, "-o", "-", article]),
                lambda: process(
                    folder, ["translate", *COMMON, "--from", "nl", "-o", "-", article]
                ),
                ROUNDS_TRANSLATE,
            )
        )
    articles = len(list((ROOT / "content").rglob("index*.md"))) + 200
    print(f"settings, both sides: {' '.join(COMMON)}; tiny word-for-word model")
    goal(
        f"detection <= 10% of a default first batch run ({articles} articles, "
        f"{ROUNDS_BATCH} paired rounds, 1 - median(--from nl / default))",
        f"{100 * (1 - first['wall_ratio']):.1f}% of wall time, "
        f"{100 * (1 - first['cpu_ratio']):.1f}% of CPU time",
    )
    goal(
        "detection <= 10% of a default first batch run (in process, timed from inside)",
        f"{inside:.2f} s of {whole:.2f} s CPU = {100 * inside / whole:.1f}%",
    )
    goal(
        f"translate one article <= 1.2x --from nl ({ROUNDS_TRANSLATE} paired rounds, "
        "median of default / --from nl)",
        f"{single['wall_ratio']:.2f}x wall, {single['cpu_ratio']:.2f}x CPU",
    )
    save(
        "bench-detect.json",
        {
            "settings": COMMON,
            "first_run": first,
            "in_process": {"detection_cpu": inside, "run_cpu": whole},
            "translate": single,
        },
    )


if __name__ == "__main__":
    main()
