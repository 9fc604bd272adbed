"""Memory and chunk size of a first batch run (``make bench``; not part of CI).

A first run over a generated site with the tiny model, each run in its own
process (peak RSS is per process): the chunk-size curve (throughput against
articles per chunk, paired and alternated with one batch decoded in one
``translate_batch`` call, as before decoding was sliced), and peak RSS at
1,000 and 3,000 articles with the default chunk and slice. Prints a table and
writes build/bench-memory.json.

    python bench/memory.py [--quick]
    python bench/memory.py --child SITE MODELS CHUNK [SLICE]   # one run, as JSON
    python bench/memory.py --peaks SITE MODELS CHUNK   # one run, each chunk's peak (Linux)
"""

from __future__ import annotations

import functools
import json
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

ONE_CALL = 10**9
"""A ``DECODE_SLICE`` that decodes each chunk in one call."""


def child(site: Path, models: Path, chunk: int, slice_: int | None = None) -> dict[str, Any]:
    """One first run in this process: time, CPU time and peak RSS."""
    from translator.batch import run_batch  # noqa: PLC0415
    from translator.config import Settings  # noqa: PLC0415
    from translator.engines import argos  # noqa: PLC0415
    from translator.pipeline import Options  # noqa: PLC0415

    for old in site.rglob("*.en.md"):
        old.unlink()
    argos.DECODE_SLICE = slice_ or argos.DECODE_SLICE
    settings = Settings(models_dir=models, memory=None, glossary=None)
    wall, cpu = time.perf_counter(), time.process_time()
    report = run_batch(site, settings, Options(source_language="nl"), chunk=chunk)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert report.totals()["translated"] == len(report.items), report.totals()
    return {
        "articles": len(report.items),
        "chunk": chunk,
        "slice": argos.DECODE_SLICE,
        "wall": wall,
        "cpu": cpu,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _vm(field: str) -> float:
    """``VmRSS`` or ``VmHWM`` of this process from /proc/self/status, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def _peak_since_last() -> float:
    """The peak RSS since the previous call: VmHWM, then reset (``clear_refs`` 5)."""
    peak = _vm("VmHWM")
    Path("/proc/self/clear_refs").write_text("5")
    return peak


def peaks(site: Path, models: Path, chunk: int) -> list[dict[str, float]]:
    """One first run, with the peak RSS of each chunk's translation and of the
    work between chunks: whether the peak climbs with the run or only varies."""
    from translator import batch  # noqa: PLC0415

    translate = batch._translate
    rows: list[dict[str, float]] = []

    def measured(*args: Any, **kwargs: Any) -> Any:
        between = _peak_since_last()
        start = _vm("VmRSS")
        try:
            return translate(*args, **kwargs)
        finally:
            rows.append(
                {"start_mib": start, "peak_mib": _peak_since_last(), "between_mib": between}
            )

    batch._translate = measured
    try:
        child(site, models, chunk)
    finally:
        batch._translate = translate
    return rows


def measure(site: Path, models: Path, chunk: int, slice_: int = 0) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(site), str(models), str(chunk), str(slice_)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "HOME": str(site.parent)},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def site_of(folder: Path, articles: int) -> Path:
    site = folder / f"site-{articles}"
    if not site.exists():
        site.mkdir()
        corpus(site, count=articles)
    return site


def curve(folder: Path, models: Path, articles: int, chunks: list[int], rounds: int) -> Any:
    """Throughput of each chunk size against one batch in one call, paired and alternated."""
    site = site_of(folder, articles)
    rows = []
    for chunk in chunks:
        a, b = alternate(
            functools.partial(measure, site, models, chunk),
            functools.partial(measure, site, models, articles, ONE_CALL),
            rounds,
        )
        rows.append(
            {
                "chunk": chunk,
                **compare(a, b),
                "peak_mib": max(x["peak_mib"] for x in a),
                "one_batch_peak_mib": max(y["peak_mib"] for y in b),
            }
        )
        print(
            f"  chunk {chunk:5} of {articles}: time {rows[-1]['wall_ratio']:.3f}x one batch "
            f"(CPU {rows[-1]['cpu_ratio']:.3f}x), peak {rows[-1]['peak_mib']:.0f} MiB "
            f"vs {rows[-1]['one_batch_peak_mib']:.0f} MiB",
            flush=True,
        )
    return rows


def main(quick: bool) -> None:
    from translator.batch import CHUNK  # noqa: PLC0415
    from translator.models import install_file  # noqa: PLC0415
    from translator.testing import build_model  # noqa: PLC0415

    sizes = [200, 600] if quick else [1000, 3000]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        models = folder / "models"
        install_file(models, build_model(folder / "tiny.argosmodel"))
        print(f"chunk-size curve (first run, {CHUNK=} by default, paired and alternated):")
        rows = curve(folder, models, 500, [50, CHUNK], rounds=2)
        print("peak RSS of a first run with the default chunk:")
        peaks = []
        for articles in sizes:
            peaks.append(measure(site_of(folder, articles), models, CHUNK))
            print(
                f"  {articles:5} articles: {peaks[-1]['peak_mib']:.0f} MiB, "
                f"{peaks[-1]['wall']:.1f} s, {peaks[-1]['cpu']:.1f} s CPU",
                flush=True,
            )
            shutil.rmtree(folder / f"site-{articles}")
    top = max(p["peak_mib"] for p in peaks)
    growth = peaks[-1]["peak_mib"] - peaks[0]["peak_mib"]
    default = next(r for r in rows if r["chunk"] == CHUNK)
    goal(f"peak RSS < 400 MiB at {sizes[-1]} articles", f"{top:.0f} MiB")
    goal(
        "peak RSS does not grow with the site",
        f"{growth:+.0f} MiB from {sizes[0]} to {sizes[-1]} articles",
    )
    goal(
        "throughput within 5% of one batch",
        f"{default['wall_ratio']:.3f}x the time (CPU {default['cpu_ratio']:.3f}x)",
    )
    save("bench-memory.json", {"curve": rows, "peaks": peaks})


if __name__ == "__main__":
    if len(sys.argv) in (5, 6) and sys.argv[1] == "--child":
        slice_ = int(sys.argv[5]) if len(sys.argv) == 6 else None
        print(json.dumps(child(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), slice_)))
    elif len(sys.argv) == 5 and sys.argv[1] == "--peaks":
        for n, row in enumerate(peaks(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))):
            print(
                f"chunk {n:3}: {row['start_mib']:4.0f} MiB before, peak {row['peak_mib']:4.0f}"
                f" (since the chunk before: {row['between_mib']:4.0f})",
                flush=True,
            )
    else:
        main("--quick" in sys.argv)
