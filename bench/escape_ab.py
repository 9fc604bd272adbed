"""A/B: reassemble.escape at a git revision against the working tree, paired and alternated.

Every text atom of content/ and of the 655 CommonMark examples, pseudo-translated,
is escaped 20 times per round; rounds alternate A B A B and the median of the
B/A ratios is reported (CPU time, so other load on the machine matters less).

    .venv/bin/python bench/escape_ab.py [REVISION]   # default: main
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from translator import reassemble
from translator.segment import AtomKind, segment_body

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO.parent / "shared" / "commonmark" / "spec-0.31.2.json"
ROUNDS = 7


def baseline(revision: str) -> Callable[..., str]:
    """``escape`` as it was at ``revision``."""
    source = subprocess.run(
        ["git", "show", f"{revision}:translator/reassemble.py"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "baseline_reassemble.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("baseline_reassemble", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    escape: Callable[..., str] = module.escape
    return escape


def pieces() -> list[tuple[str, str]]:
    texts = [
        p.read_text("utf-8") for p in (REPO / "content").rglob("*.md") if ".en." not in p.name
    ]
    texts += [str(e["markdown"]) for e in json.loads(SPEC.read_text("utf-8"))]
    acute = str.maketrans("aeiouAEIOU", "áéíóúÁÉÍÓÚ")
    return [
        (atom.text.translate(acute), segment.kind)
        for text in texts
        for segment in segment_body(text)
        for atom in segment.atoms
        if atom.kind is AtomKind.TEXT
    ]


def seconds(escape: Callable[..., Any], work: list[tuple[str, str]]) -> float:
    start = time.process_time()
    for _ in range(20):
        for text, kind in work:
            escape(text, kind=kind, line_start=True, follower=None, at_end=False)
    return time.process_time() - start


def main() -> None:
    old = baseline(sys.argv[1] if len(sys.argv) > 1 else "main")
    work = pieces()
    ratios = []
    for _ in range(ROUNDS):
        a, b = seconds(old, work), seconds(reassemble.escape, work)
        ratios.append(b / a)
        print(f"baseline {a:.3f}s  working tree {b:.3f}s  ratio {b / a:.3f}")
    median = statistics.median(ratios)
    print(f"{len(work)} text atoms; median ratio working tree/baseline: {median:.3f}")


if __name__ == "__main__":
    main()
