"""The Argos engine end to end, on a real CTranslate2 model the suite builds itself."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import CONTENT, GLOSSARY, run, strip_provenance
from tests.htmlshape import html_shape
from translator.config import Settings
from translator.engines.argos import ArgosEngine
from translator.front_matter import body_offset
from translator.markdown import render
from translator.memory import Memory
from translator.pipeline import Options, translate_paths
from translator.sentences import split
from translator.testing import build_model


def translate_one(tmp_path: Path, source: str, *args: str) -> str:
    path = tmp_path / "index.md"
    path.write_text(source, encoding="utf-8")
    result = run(["translate", "--from", "nl", *args, path])
    assert result.exit_code == 0, result.output
    return strip_provenance((tmp_path / "index.en.md").read_text(encoding="utf-8"))


def test_exact_translation(installed: Path, tmp_path: Path) -> None:
    english = translate_one(tmp_path, "De gemeenten delen resultaten met elkaar.\n")
    assert english == "The municipalities share results with each other.\n"


def test_unknown_words_are_copied_and_word_prefixes_are_not_mapped(
    installed: Path, tmp_path: Path
) -> None:
    english = translate_one(tmp_path, "Houd deze kaart van Zwolle goed in de gaten.\n")
    assert english == "Houd deze map of Zwolle good in the gaten.\n"


def test_markup_survives_real_decoding(installed: Path, tmp_path: Path) -> None:
    source = (
        "# De **gemeenten** en de stad\n\n"
        'De *gemeenten* delen [resultaten](https://x.nl "Titel") met `elkaar` en '
        "![kaart](kaart.png) de stad.\n"
    )
    # The link title and alt text are prose too, each translated on its own (a title
    # decoded glued to its link text read "resultatenTitel"); the model knows "kaart",
    # not "Titel".
    assert translate_one(tmp_path, source) == (
        "# The **municipalities** and the city\n\n"
        'The *municipalities* share [results](https://x.nl "Titel") with `elkaar` and '
        "![map](kaart.png) the city.\n"
    )


def test_front_matter_through_argos(installed: Path, tmp_path: Path) -> None:
    source = "---\ntitle: De digitale tweeling\ndate: 2024-01-01\n---\n\nTekst.\n"
    english = translate_one(tmp_path, source)
    assert english.startswith("---\ntitle: The digital twin\ndate: 2024-01-01\n---\n")
    provenance = (tmp_path / "index.en.md").read_text(encoding="utf-8")
    assert 'engine: "argos"' in provenance and 'model: "translator-test@1.0"' in provenance


def test_content_through_argos(installed: Path, tmp_path: Path) -> None:
    site = tmp_path / "content"
    shutil.copytree(CONTENT, site, ignore=shutil.ignore_patterns("*.en.md"))
    sources = sorted(site.rglob("*.md"))
    result = run(["translate", *sources])
    assert result.exit_code == 0, result.output
    assert "argos translator-test@1.0:" in result.output
    translated = sorted(site.rglob("*.en.md"))
    assert len(translated) == len(sources) - 1  # the English article is skipped
    for english in translated:
        source = next(p for p in sources if p.parent == english.parent)
        out, src = english.read_text("utf-8"), source.read_text("utf-8")
        assert html_shape(render(out[body_offset(out) :])) == html_shape(
            render(src[body_offset(src) :])
        ), english
        assert "municipalit" in out.lower()  # every sample article is about municipalities


def test_second_run_decodes_nothing(installed: Path, tmp_path: Path) -> None:
    paths = []
    for i in range(3):
        path = tmp_path / f"a{i}" / "index.md"
        path.parent.mkdir()
        path.write_text(f"De gemeenten werken samen. Dit is tekst {i} over de stad.\n", "utf-8")
        paths.append(path)
    first = run(["translate", "--from", "nl", *paths])
    assert "0 distinct from memory, 4 decoded" in first.output
    for path in paths:
        path.with_name("index.en.md").unlink()
    second = run(["translate", "--from", "nl", *paths])
    assert "3 segments from memory; 0 sentences" in second.output
    assert "0 decoded" in second.output
    assert all(p.with_name("index.en.md").is_file() for p in paths)


def test_sentences_are_remembered_across_different_segments(
    installed: Path, tmp_path: Path
) -> None:
    translate_one(tmp_path, "De stad. De kaart.\n")
    result = run(
        [
            "translate",
            "--from",
            "nl",
            "--force",
            "-o",
            tmp_path / "b.md",
            _write(tmp_path / "b.nl.md", "De kaart. De stad.\n"),
        ]
    )
    assert "2 distinct from memory, 0 decoded" in result.output


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_no_memory_flag_decodes_again(installed: Path, tmp_path: Path) -> None:
    translate_one(tmp_path, "De stad.\n")
    # --force: translate again rather than keep the English already there.
    result = run(["translate", "--from", "nl", "--force", "--no-memory", tmp_path / "index.md"])
    assert "1 decoded" in result.output


def test_one_batch_for_all_files(installed: Path, tmp_path: Path, isolated: Path) -> None:
    paths = []
    for i in range(6):
        path = tmp_path / f"{i}.md"
        path.write_text(f"De gemeente {i} deelt kennis. De stad {i} ook.\n", "utf-8")
        paths.append(path)
    engine = ArgosEngine.load(Settings(memory=None))
    results = translate_paths(paths, lambda: engine, Options(source_language="nl"))
    assert all(r.status == "translated" for r in results)
    assert engine.stats.batches == [12]


def test_missing_model_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "index.md"
    path.write_text("De gemeenten delen resultaten met elkaar.\n", encoding="utf-8")
    result = run(["translate", "--from", "nl", path])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "no Dutch→English model is installed" in lines[0]
    assert "translator models install'" in lines[0]
    assert "translator models install --file PATH.argosmodel" in lines[0]
    assert not (tmp_path / "index.en.md").exists()


def test_progress_is_reported_and_changes_nothing(installed: Path) -> None:
    texts = [f"De gemeente {i} deelt kennis met de stad." for i in range(150)]
    quiet = ArgosEngine.load(Settings(memory=None))
    expected = quiet.translate(texts)
    assert quiet.stats.batches == [150]  # one translate_batch call without a watcher
    watched = ArgosEngine.load(Settings(memory=None))
    seen: list[tuple[int, int]] = []
    watched.progress = lambda done, total: seen.append((done, total))
    assert watched.translate(texts) == expected
    assert seen == [(64, 150), (128, 150), (150, 150)]


def test_long_sentence_is_never_cut(installed: Path) -> None:
    words = ["de", "gemeenten", "delen", "resultaten", "met", "elkaar"] * 250  # 1,500 words
    sentence = " ".join(words) + "."
    engine = ArgosEngine.load(Settings(memory=None, max_sentence_tokens=200))
    [english] = engine.translate([sentence])
    assert len(english.split()) == 1500 + 250  # "each other" is two words
    assert english.endswith("each other.")
    assert engine.stats.split >= 7


def test_sentences_merge_after_dutch_abbreviations() -> None:
    text = "Zie bijv. De kaart van mevr. Jansen. En Dhr. Smit zegt ja! Nog een?"
    assert [text[a:b] for a, b in split(text)] == [
        "Zie bijv. De kaart van mevr. Jansen. ",
        "En Dhr. Smit zegt ja! ",
        "Nog een?",
    ]


def test_a_term_inside_emphasis_stays_glued(installed: Path, tmp_path: Path) -> None:
    source = "Het programma **T3D** werkt met de **gemeenten**.\n"
    english = translate_one(tmp_path, source, "--glossary", str(GLOSSARY))
    assert english == "The programme **T3D** werkt with the **municipalities**.\n"


def test_memory_is_keyed_by_model_version(installed: Path, isolated: Path) -> None:
    memory = Memory(isolated / "memory.sqlite")
    engine = ArgosEngine.load(Settings(), memory)
    engine.translate(["De stad."])
    assert memory.lookup("translator-test@1.0", "none", ["De stad."])
    assert not memory.lookup("translator-test@2.0", "none", ["De stad."])


def test_build_model_is_fast_and_reproducible(tmp_path: Path) -> None:
    build_model(tmp_path / "warm.argosmodel")  # imports numpy, sentencepiece, ctranslate2
    # CPU time, not wall time: on a shared CI machine other jobs stretch the wall clock.
    started = time.process_time()
    first = build_model(tmp_path / "a.argosmodel")
    elapsed = time.process_time() - started
    second = build_model(tmp_path / "b.argosmodel")
    assert first.read_bytes() == second.read_bytes()
    assert elapsed < 1.0


def test_build_model_command(tmp_path: Path) -> None:
    out = tmp_path / "demo.argosmodel"
    lexicon = tmp_path / "extra.tsv"
    lexicon.write_text("# extra words\nwethouder\talderman\n", encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "translator.testing",
            "build-model",
            str(out),
            "--lexicon",
            str(lexicon),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.is_file() and "built" in done.stdout


def test_words_in_pieces_keep_their_spacing_around_marks(installed: Path, tmp_path: Path) -> None:
    source = "> **Let op:** de kennis over **3D-geo-informatie** en `code` groeit.\n"
    assert translate_one(tmp_path, source) == (
        "> **Let on:** the knowledge about **3D-geo-informatie** and `code` groeit.\n"
    )


def test_run_report_counts_marked_spans_translated_alone(installed: Path, tmp_path: Path) -> None:
    path = tmp_path / "index.md"
    path.write_text("De **gemeenten** delen [resultaten](https://x.nl) met elkaar.\n", "utf-8")
    result = run(["translate", "--from", "nl", path])
    assert result.exit_code == 0, result.output
    assert "4 placeholders aligned; 2 marked spans also translated alone;" in result.output
