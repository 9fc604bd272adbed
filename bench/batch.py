"""Batch benchmark (``make bench``): first run, no-op rerun, one paragraph changed.

200 generated articles with the tiny word-for-word model; plus a no-op run over
1,000 articles to check that nothing-to-do costs seconds, not a model load.
Prints a table and writes build/bench-batch.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from run import corpus  # noqa: E402


def batch(folder: Path, *args: str) -> tuple[float, dict[str, int]]:
    env = {
        **os.environ,
        "HOME": str(folder),
        "TRANSLATOR_MODELS_DIR": str(folder / "models"),
        "TRANSLATOR_MEMORY": str(folder / "memory.sqlite"),
    }
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "translator",
            "batch",
            "--json",
            "--from",
            "nl",
            "--no-glossary",
            *args,
            str(folder / "site"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return time.perf_counter() - started, json.loads(done.stdout)["totals"]


def main() -> None:
    from translator.models import install_file  # noqa: PLC0415
    from translator.testing import build_model  # noqa: PLC0415

    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "site").mkdir()
        corpus(folder / "site")
        install_file(folder / "models", build_model(folder / "tiny.argosmodel"))
        rows["first run"] = batch(folder)
        rows["no-op rerun"] = batch(folder)
        article = folder / "site" / "a000" / "index.md"
        lines = article.read_text("utf-8").splitlines(keepends=True)
        lines[4] = "Een geheel nieuwe alinea over de stad en de kaart.\n"
        article.write_text("".join(lines), "utf-8")
        rows["one paragraph changed"] = batch(folder)
        rows["check, nothing to do"] = batch(folder, "--check")
        big = folder / "site" / "more"
        big.mkdir()
        corpus(big, count=800)
        batch(folder, "--engine", "pseudo")  # translate the extra 800 with pseudo, quickly
        rows["no-op rerun, 1,000 articles"] = batch(folder)
    first = rows["first run"][0]
    print(f"{'run':32} {'seconds':>8} {'ratio':>7} {'engine':>7} {'reused':>7}")
    for name, (seconds, totals) in rows.items():
        print(
            f"{name:32} {seconds:8.2f} {seconds / first:7.2f} {totals['engine']:7} "
            f"{totals['reused']:7}"
        )
    out = ROOT / "build" / "bench-batch.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps({k: {"seconds": v[0], **v[1]} for k, v in rows.items()}, indent=2),
        encoding="utf-8",
    )
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
