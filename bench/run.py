"""Benchmarks for the Argos path (``make bench``; not part of CI).

On a generated corpus of 200 articles and the tiny word-for-word model:

(a) our batched engine vs argostranslate's own ``translate()`` called once per
    segment (MiniSBD swapped for the same pysbd splitter, same beam);
(b) the whole pipeline (``translate_paths``) vs a bare ``translate_batch`` over
    the same sentences: the pipeline's overhead;
(c) a second run with a warm translation memory.

Each measurement runs in its own process, so only one CTranslate2 translator
is ever alive. Prints a table and writes build/bench.json.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = 200

WORDS = [
    "de",
    "gemeenten",
    "delen",
    "resultaten",
    "met",
    "elkaar",
    "het",
    "programma",
    "werkt",
    "aan",
    "een",
    "digitale",
    "tweeling",
    "van",
    "stad",
    "kennis",
    "over",
    "gegevens",
    "kaart",
    "basisregistraties",
    "landelijke",
    "voorziening",
    "Zwolle",
    "Utrecht",
    "inwinnen",
    "puntenwolk",
    "hoogte",
    "gebouwen",
    "en",
    "voor",
    "nieuwe",
]


def corpus(folder: Path, count: int = ARTICLES) -> list[Path]:
    """Dutch-like articles with markup, deterministic (200 by default)."""
    rng = random.Random(2024 + count)
    paths = []
    for n in range(count):
        lines = [f"---\ntitle: De gemeente {n}\nsummary: Kennis over gegevens {n}\n---\n"]
        for p in range(8):
            sentences = []
            for _ in range(rng.randint(2, 4)):
                words = rng.choices(WORDS, k=rng.randint(6, 18))
                if rng.random() < 0.3:
                    words[2] = f"**{words[2]}**"
                if rng.random() < 0.2:
                    words[4] = f"[{words[4]}](https://example.nl/{n}/{p})"
                sentences.append(" ".join(words).capitalize() + f" {rng.randint(1, 999)}.")
            lines.append(("## " if p % 4 == 0 else "") + " ".join(sentences) + "\n")
        path = folder / f"a{n:03d}" / "index.md"
        path.parent.mkdir(parents=True)
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
    return paths


def measure(mode: str, folder: Path) -> dict[str, Any]:
    """Run one measurement in this process."""
    from translator.config import Settings  # noqa: PLC0415
    from translator.engines.argos import ArgosEngine  # noqa: PLC0415
    from translator.memory import Memory  # noqa: PLC0415
    from translator.pipeline import Options, load, translate_paths  # noqa: PLC0415
    from translator.protect import PLACEHOLDER, protect  # noqa: PLC0415

    paths = sorted(folder.glob("a*/index.md"))
    options = Options(source_language="nl")
    segments = [
        PLACEHOLDER.sub("", protect(s).text).strip()
        for p in paths
        for s in load(p, options).segments
        if s.translatable
    ]
    settings = Settings(models_dir=folder / "models", memory=None)
    if mode == "ours":
        engine = ArgosEngine.load(settings)
        started = time.perf_counter()
        engine.translate(segments)
        return {
            "seconds": time.perf_counter() - started,
            "segments": len(segments),
            "sentences": engine.stats.decoded,
        }
    if mode == "argos":
        return _argostranslate(folder, segments)
    if mode == "bare":
        engine = ArgosEngine.load(settings)
        sentences = [s.clean for t in segments for s in engine._prepare(t)]
        unique = sorted(set(sentences), key=len)
        tokens = [engine._sp.encode(s, out_type=str) for s in unique]
        started = time.perf_counter()
        engine._translator.translate_batch(
            tokens,
            beam_size=settings.beam_size,
            max_batch_size=settings.max_batch_tokens,
            batch_type="tokens",
            max_input_length=0,
            replace_unknowns=True,
            return_attention=True,
            max_decoding_length=2 * max(map(len, tokens)) + 16,
        )
        return {"seconds": time.perf_counter() - started, "sentences": len(unique)}
    memory_path = folder / "memory.sqlite"
    engine = ArgosEngine.load(settings, Memory(memory_path) if mode != "pipeline" else None)
    started = time.perf_counter()
    results = translate_paths(paths, lambda: engine, options)
    seconds = time.perf_counter() - started
    assert all(r.status == "translated" for r in results)
    return {
        "seconds": seconds,
        "decoded": engine.stats.decoded,
        "remembered": engine.stats.remembered,
        "files": len(results),
    }


def _argostranslate(folder: Path, segments: list[str]) -> dict[str, Any]:
    os.environ["ARGOS_PACKAGES_DIR"] = str(folder / "models")
    from argostranslate import translate as argos_translate  # noqa: PLC0415

    from translator import sentences  # noqa: PLC0415

    class SameSplitter:
        """MiniSBD downloads a model; use translator's pysbd splitter instead."""

        def __init__(self, pkg: object) -> None:
            pass

        def split_sentences(self, text: str) -> list[str]:
            return [text[a:b].strip() for a, b in sentences.split(text) if text[a:b].strip()]

    argos_translate.MiniSBDSentencizer = SameSplitter
    started = time.perf_counter()
    for segment in segments:
        argos_translate.translate(segment, "nl", "en")
    return {"seconds": time.perf_counter() - started, "segments": len(segments)}


def run_mode(mode: str, folder: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--mode", mode, str(folder)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "HOME": str(folder)},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    from translator.models import install_file  # noqa: PLC0415
    from translator.testing import build_model  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus(folder)
        install_file(folder / "models", build_model(folder / "tiny.argosmodel"))
        results = {
            mode: run_mode(mode, folder)
            for mode in ("ours", "argos", "bare", "pipeline", "cold", "warm")
        }
    ours, argos = results["ours"]["seconds"], results["argos"]["seconds"]
    bare, pipeline = results["bare"]["seconds"], results["pipeline"]["seconds"]
    warm = results["warm"]["seconds"]
    rows = [
        ("(a) argostranslate.translate() per segment", argos, f"{argos / ours:.1f}x ours"),
        ("(a) translator's batched engine", ours, f"{results['ours']['segments']} segments"),
        (
            "(b) bare translate_batch, same sentences",
            bare,
            f"{results['bare']['sentences']} sentences",
        ),
        ("(b) translate_paths, whole pipeline", pipeline, f"{pipeline / bare:.1f}x bare"),
        (
            "(c) second run, warm memory",
            warm,
            f"{results['warm']['decoded']} decoded, {warm / results['cold']['seconds']:.2f}x cold",
        ),
    ]
    print(f"{'measurement':48} {'seconds':>8}  note")
    for name, seconds, note in rows:
        print(f"{name:48} {seconds:8.2f}  {note}")
    out = ROOT / "build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--mode":
        mode, folder = sys.argv[2], Path(sys.argv[3])
        if mode == "warm":
            measure("cold", folder)  # fill the memory first
        print(json.dumps(measure(mode, folder)))
    else:
        main()
