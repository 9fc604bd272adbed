"""Benchmarks for the Argos path (``make bench``; not part of CI).

On a generated corpus of 200 articles and the tiny word-for-word model, each
comparison paired and alternated (A B, B A, …; several rounds; the median of
the per-round ratios; wall and CPU time), each run in its own process so that
only one CTranslate2 translator is ever alive:

(a) argostranslate's own ``translate()`` once per segment (MiniSBD swapped for
    the same pysbd splitter) against translator's batched engine, twice: with
    argostranslate's defaults (what its user gets), and with the same compute
    type and batch size as ours (what batching alone buys);
(b) the whole pipeline (``translate_paths``) against a bare ``translate_batch``
    over the same sentences, tokenization and detokenization counted on both
    sides: the pipeline's overhead;
(c) a second run with a warm translation memory against a cold one;
(d) the pipeline with the pseudo engine against markdown-it's bare parse of
    the same bodies: the cost of everything but the model;
(e) the bare ``translate_batch`` of (b) in calls of at most ``DECODE_SLICE``
    sentences, as the engine decodes to keep memory bounded, against one call:
    what the slicing costs.

Prints every comparison with the settings of both sides and writes
build/bench.json.

    python bench/run.py [--rounds N] [--articles N] [--only a1,a2,b,c,d,e]

Each comparison runs 3 rounds, (b) 9: its goal has the narrowest margin and a
round of it varies by up to a fifth on a shared machine; ``--rounds N`` sets
every comparison's count.

``--only b`` runs just the pipeline-overhead comparison (a few minutes).
"""

from __future__ import annotations

import functools
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from paired import alternate, compare, goal, save  # noqa: E402

ARTICLES = 200
ARGOS_DEFAULTS = {"ARGOS_COMPUTE_TYPE": "auto", "ARGOS_BATCH_SIZE": "32", "ARGOS_BEAM_SIZE": "4"}


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


def _segments(folder: Path) -> tuple[list[Path], list[str]]:
    from translator.pipeline import Options, load  # noqa: PLC0415
    from translator.protect import protect  # noqa: PLC0415
    from translator.segment import PLACEHOLDER  # noqa: PLC0415

    paths = sorted(folder.glob("a*/index.md"))
    options = Options(source_language="nl")
    segments = [
        PLACEHOLDER.sub("", protect(s).text).strip()
        for p in paths
        for s in load(p, options).segments
        if s.translatable
    ]
    return paths, segments


def measure(mode: str, folder: Path) -> dict[str, Any]:
    """Run one measurement in this process: wall and CPU seconds, and what it did."""
    from translator.config import Settings  # noqa: PLC0415
    from translator.engines.argos import ArgosEngine  # noqa: PLC0415
    from translator.memory import Memory  # noqa: PLC0415
    from translator.pipeline import Options, translate_paths  # noqa: PLC0415

    paths, segments = _segments(folder)
    settings = Settings(models_dir=folder / "models", memory=None, glossary=None)
    if mode.startswith("argos"):
        return _argostranslate(folder, segments)
    if mode == "ours":
        engine = ArgosEngine.load(settings)
        return {**timed(lambda: engine.translate(segments)), "sentences": engine.stats.decoded}
    if mode in ("bare", "sliced"):
        return _bare(settings, segments, sliced=mode == "sliced")
    if mode in ("pseudo", "parse"):
        return _pseudo(mode, paths)
    memory = Memory(folder / "memory.sqlite") if mode in ("cold", "warm") else None
    engine = ArgosEngine.load(settings, memory)
    results: list[Any] = []
    out = timed(lambda: results.extend(translate_paths(paths, lambda: engine, Options("nl"))))
    assert all(r.status == "translated" for r in results)
    return {**out, "decoded": engine.stats.decoded, "files": len(results)}


def timed(work: Callable[[], object]) -> dict[str, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}


def _bare(settings: Any, segments: list[str], *, sliced: bool = False) -> dict[str, Any]:
    """translate_batch over the pipeline's distinct sentences, tokenizing and detokenizing;
    in one call, or ``sliced`` in calls of at most ``DECODE_SLICE`` sentences."""
    from translator.engines.argos import DECODE_SLICE, ArgosEngine  # noqa: PLC0415

    engine = ArgosEngine.load(settings)
    sentences = sorted({s.clean for t in segments for s in engine._prepare(t)}, key=len)
    size = DECODE_SLICE if sliced else len(sentences)

    def work() -> None:
        tokens = [engine._sp.encode(s, out_type=str) for s in sentences]
        longest = max(map(len, tokens))
        for start in range(0, len(tokens), size):
            results = engine._translator.translate_batch(
                tokens[start : start + size],
                beam_size=settings.beam_size,
                max_batch_size=settings.max_batch_tokens,
                batch_type="tokens",
                max_input_length=0,
                replace_unknowns=True,
                return_attention=True,
                max_decoding_length=2 * longest + 16,
            )
            for result in results:
                engine._sp.decode_pieces(list(result.hypotheses[0]))

    return {**timed(work), "sentences": len(sentences)}


def _pseudo(mode: str, paths: list[Path]) -> dict[str, Any]:
    """The pseudo pipeline, or markdown-it's bare parse of the same bodies (5 passes)."""
    from translator import front_matter  # noqa: PLC0415
    from translator.engines.pseudo import PseudoEngine  # noqa: PLC0415
    from translator.markdown import parser  # noqa: PLC0415
    from translator.pipeline import Options, translate_paths  # noqa: PLC0415

    if mode == "parse":
        texts = [p.read_text("utf-8") for p in paths]
        bodies = [t[front_matter.body_offset(t) :] for t in texts]
        return timed(lambda: [parser().parse(b) for _ in range(5) for b in bodies])
    return timed(lambda: [translate_paths(paths, PseudoEngine, Options("nl")) for _ in range(5)])


def _argostranslate(folder: Path, segments: list[str]) -> dict[str, Any]:
    os.environ["ARGOS_PACKAGES_DIR"] = str(folder / "models")
    from argostranslate import settings as argos_settings  # noqa: PLC0415
    from argostranslate import translate as argos_translate  # noqa: PLC0415

    from translator import sentences  # noqa: PLC0415

    class SameSplitter:
        """MiniSBD downloads a model; use translator's pysbd splitter instead."""

        def __init__(self, pkg: object) -> None:
            pass

        def split_sentences(self, text: str) -> list[str]:
            return [text[a:b].strip() for a, b in sentences.split(text) if text[a:b].strip()]

    argos_translate.MiniSBDSentencizer = SameSplitter
    out = timed(lambda: [argos_translate.translate(s, "nl", "en") for s in segments])
    return {
        **out,
        "segments": len(segments),
        "settings": {
            "compute_type": argos_settings.compute_type,
            "max_batch_size": argos_settings.batch_size,
            "beam_size": argos_settings.beam_size,
        },
    }


def run_mode(mode: str, folder: Path) -> dict[str, Any]:
    env = {**os.environ, "HOME": str(folder)}
    if mode == "argos-defaults":
        env.update(ARGOS_DEFAULTS)
    elif mode == "argos-same":
        from translator.config import Settings  # noqa: PLC0415

        ours = Settings()
        env.update(
            ARGOS_COMPUTE_TYPE=ours.compute_type,
            ARGOS_BATCH_SIZE=str(ours.max_batch_tokens),
            ARGOS_BEAM_SIZE=str(ours.beam_size),
        )
    if mode in ("cold", "warm"):
        (folder / "memory.sqlite").unlink(missing_ok=True)
    if mode == "warm":  # fill the memory first
        subprocess.run(
            [sys.executable, __file__, "--mode", "cold", str(folder)],
            check=True,
            env=env,
            capture_output=True,
        )
    out = subprocess.run(
        [sys.executable, __file__, "--mode", mode, str(folder)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


COMPARISONS = [
    ("a1", "argos-defaults", "ours", "(a) argostranslate translate() per segment, its defaults"),
    ("a2", "argos-same", "ours", "(a) argostranslate, same compute type and batch size"),
    ("b", "pipeline", "bare", "(b) translate_paths (whole pipeline) vs bare translate_batch"),
    ("c", "warm", "cold", "(c) second run, warm memory vs cold"),
    ("d", "pseudo", "parse", "(d) pseudo pipeline vs markdown-it's bare parse"),
    ("e", "sliced", "bare", "(e) bare translate_batch in DECODE_SLICE calls vs one call"),
]
KEYS = [key for key, *_ in COMPARISONS]
ROUNDS = {"b": 9}
"""Rounds per comparison where not the default 3 (see the module's docstring)."""


def main(rounds: int | None, articles: int, only: set[str]) -> None:
    from translator.config import Settings  # noqa: PLC0415
    from translator.models import install_file  # noqa: PLC0415
    from translator.testing import build_model  # noqa: PLC0415

    ours = Settings()
    print(
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.node()}: "
        f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}; {articles} articles, tiny model; "
        f"{rounds or 3} rounds per comparison{'' if rounds else ', (b) 9'}, alternated; "
        "median of per-round ratios"
    )
    print(
        f"translator's engine: compute_type={ours.compute_type}, "
        f"max_batch_size={ours.max_batch_tokens} tokens (one batch), beam_size={ours.beam_size}"
    )
    found: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus(folder, count=articles)
        if only - {"d"}:  # (d) needs no model
            install_file(folder / "models", build_model(folder / "tiny.argosmodel"))
        for key, a, b, label in [c for c in COMPARISONS if c[0] in only]:
            runs_a, runs_b = alternate(
                functools.partial(run_mode, a, folder),
                functools.partial(run_mode, b, folder),
                rounds or ROUNDS.get(key, 3),
            )
            result = compare(runs_a, runs_b)
            found[key] = {"a": runs_a, "b": runs_b, **result}
            extra = runs_a[0].get("settings")
            print(
                f"{label}: {result['wall_ratio']:.2f}x the time (CPU {result['cpu_ratio']:.2f}x); "
                f"medians {result['a_wall']:.2f} s vs {result['b_wall']:.2f} s"
                + (f"; argostranslate {extra}" if extra else ""),
                flush=True,
            )
    if "b" in found:
        print(f"sentences decoded: {found['b']['b'][0]['sentences']} distinct")
        cpu = sorted(
            x["cpu"] / y["cpu"] for x, y in zip(found["b"]["a"], found["b"]["b"], strict=True)
        )
        goal(
            "pipeline overhead <= 1.2x bare translate_batch",
            f"{found['b']['wall_ratio']:.2f}x (CPU {found['b']['cpu_ratio']:.2f}x; "
            f"rounds' CPU ratios {cpu[0]:.2f}-{cpu[-1]:.2f})",
        )
    if "a1" in found:
        print(f"segments: {found['a1']['a'][0]['segments']}")
    if "d" in found:
        goal(
            "pseudo path <= 4x markdown-it's bare parse",
            f"{found['d']['wall_ratio']:.2f}x (CPU {found['d']['cpu_ratio']:.2f}x)",
        )
    save("bench.json" if only == set(KEYS) else f"bench-{'-'.join(sorted(only))}.json", found)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--mode":
        print(json.dumps(measure(sys.argv[2], Path(sys.argv[3]))))
    else:

        def option(name: str, default: int | None) -> int | None:
            return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default

        only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else ",".join(KEYS)
        unknown = set(only.split(",")) - set(KEYS)
        if unknown:
            sys.exit(f"--only: unknown comparison {', '.join(sorted(unknown))}; known: {KEYS}")
        main(
            option("--rounds", None),
            option("--articles", ARTICLES) or ARTICLES,
            set(only.split(",")),
        )
