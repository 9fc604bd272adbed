"""Skipped pages: the language of a page that is not Dutch is remembered across runs.

Such a page never gets an English file, so without the translation memory every
run loads, parses and detects it again only to skip it again. The memory keeps
the decision by the page's bytes, the options and the code that decides; the
run reports the page exactly as the run that detected it.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run
from tests.test_perf_layers import imported
from translator import batch as batch_module
from translator import detect
from translator.batch import Decisions, detection_version
from translator.memory import Memory
from translator.options import Options

PSEUDO = ["--engine", "pseudo", "--no-glossary"]
ENGLISH = "english/community-update/index.md"
SECTION = "nieuws/_index.md"
"""A section page with a title only: too little prose to tell its language."""


@pytest.fixture
def pages(site: Path) -> Path:
    (site / SECTION).write_text("---\ntitle: Nieuws\n---\n", "utf-8")
    return site


@pytest.fixture
def detected(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The first words of every page whose language was detected."""
    seen: list[str] = []
    real: Callable[..., detect.Detection] = detect.article_language

    def counting(texts: Any, **kwargs: Any) -> detect.Detection:
        texts = list(texts)
        seen.append(" ".join(texts)[:30])
        return real(texts, **kwargs)

    monkeypatch.setattr(detect, "article_language", counting)
    return seen


def batch(root: Path, *args: str | Path) -> tuple[dict[str, Any], str]:
    """A run's JSON report (files by source) and its plain-text report."""
    result = run(["batch", *PSEUDO, "--json", *args, root])
    document = json.loads(result.stdout)
    document["by"] = {f["source"]: f for f in document["files"]}
    return document, run(["batch", *PSEUDO, "--check", *args, root]).output


def skipped(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("skipped")]


def test_an_unchanged_page_that_is_not_dutch_is_not_detected_again(
    pages: Path, detected: list[str]
) -> None:
    first = run(["batch", *PSEUDO, pages])
    assert len(detected) == 7  # five Dutch articles, the English page, the section
    detected.clear()
    again = run(["batch", *PSEUDO, pages])
    assert detected == []
    assert skipped(again.output) == skipped(first.output)
    assert skipped(again.output) == [
        f"skipped    {pages / ENGLISH}: written in 'en' (1.00), not Dutch; pass --from nl "
        "to translate it anyway",
        f"skipped    {pages / SECTION}: too little prose to tell its language; pass --from "
        "nl to translate it anyway",
    ]
    assert "0 translated, 5 up to date, 0 stale, 0 need review, 2 skipped" in again.output


def test_the_report_is_the_one_a_detection_gives(pages: Path, detected: list[str]) -> None:
    """Plain text, JSON and --check: a remembered page is reported as a detected one."""
    run(["batch", *PSEUDO, pages])
    detected.clear()
    fresh, fresh_check = batch(pages, "--no-memory")
    assert len(detected) == 4  # English and section, once for the JSON run, once for --check
    detected.clear()
    remembered, remembered_check = batch(pages)
    assert detected == []
    assert remembered["files"] == fresh["files"]
    assert remembered["by"][ENGLISH]["language"] == "en"
    assert remembered["by"][SECTION]["language"] == "unknown"
    assert remembered_check == fresh_check
    assert skipped(remembered_check)


def test_a_check_remembers_too(pages: Path, detected: list[str]) -> None:
    first = run(["batch", *PSEUDO, "--check", pages])
    assert first.exit_code == 1  # the Dutch articles are missing
    assert len(detected) == 7
    detected.clear()
    again = run(["batch", *PSEUDO, "--check", pages])
    assert len(detected) == 5  # the Dutch articles only: they are stale
    assert again.output == first.output
    assert not list(pages.rglob("*.en.md"))  # a check still writes nothing in the tree


def test_each_shard_remembers_its_pages(pages: Path, detected: list[str]) -> None:
    outputs = {}
    for shard in ("1/2", "2/2"):
        outputs[shard] = run(["batch", *PSEUDO, "--shard", shard, pages]).output
    detected.clear()
    for shard in ("1/2", "2/2"):
        again = run(["batch", *PSEUDO, "--shard", shard, pages]).output
        assert skipped(again) == skipped(outputs[shard])
    assert detected == []
    assert sum(len(skipped(o)) for o in outputs.values()) == 2


def test_a_changed_page_is_detected_again(pages: Path, detected: list[str]) -> None:
    run(["batch", *PSEUDO, pages])
    english = pages / ENGLISH
    english.write_text(english.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    detected.clear()
    done, _ = batch(pages)
    assert len(detected) == 1  # the changed page; the --check after it remembers it
    assert done["by"][ENGLISH]["status"] == "skipped"
    detected.clear()
    batch(pages)
    assert detected == []


def test_a_page_that_becomes_dutch_is_translated(pages: Path) -> None:
    run(["batch", *PSEUDO, pages])
    section = pages / SECTION
    section.write_text(
        "---\ntitle: Nieuws\n---\n\nHier staat al het nieuws over het programma en de "
        "gemeenten die eraan meedoen.\n",
        "utf-8",
    )
    done, _ = batch(pages)
    assert done["by"][SECTION]["status"] == "translated"
    assert section.with_name("_index.en.md").exists()


def test_without_the_memory_every_run_detects(pages: Path, detected: list[str]) -> None:
    for _ in range(2):
        detected.clear()
        result = run(["batch", *PSEUDO, "--no-memory", pages])
        assert len(skipped(result.output)) == 2
        assert len(detected) == 2 + (5 if "5 translated" in result.output else 0)


def test_force_and_from_nl_decide_afresh(pages: Path, detected: list[str]) -> None:
    run(["batch", *PSEUDO, pages])
    detected.clear()
    forced = run(["batch", *PSEUDO, "--force", pages])
    assert len(detected) == 7
    assert len(skipped(forced.output)) == 2
    done, _ = batch(pages, "--from", "nl")
    assert done["by"][ENGLISH]["status"] == "translated"
    assert done["by"][SECTION]["status"] == "translated"


def test_a_changed_setting_decides_afresh(pages: Path) -> None:
    """A site that declares Dutch: the page too short to tell now follows the site."""
    first, _ = batch(pages)
    assert first["by"][SECTION]["status"] == "skipped"
    (pages.parent / "hugo.toml").write_text('defaultContentLanguage = "nl"\n', "utf-8")
    done, _ = batch(pages)
    assert done["by"][SECTION]["status"] == "translated"
    assert done["by"][ENGLISH]["status"] == "skipped"


def test_a_damaged_memory_costs_only_the_detection(
    pages: Path, detected: list[str], isolated: Path
) -> None:
    memory = isolated / "memory.sqlite"
    first = run(["batch", *PSEUDO, pages])
    memory.write_bytes(b"not a database" * 100)
    detected.clear()
    again = run(["batch", *PSEUDO, pages])
    assert again.exit_code == 0
    assert len(detected) == 2
    assert skipped(again.output) == skipped(first.output)
    assert "cannot be used" in again.output


def test_a_memory_from_before_gets_the_table(pages: Path, isolated: Path) -> None:
    memory = isolated / "memory.sqlite"
    with sqlite3.connect(memory) as old:  # a memory written before languages were kept
        old.execute(
            "CREATE TABLE corrections (key TEXT PRIMARY KEY, dutch TEXT NOT NULL, "
            "english TEXT NOT NULL, created TEXT NOT NULL) WITHOUT ROWID"
        )
    old.close()
    run(["batch", *PSEUDO, pages])
    with sqlite3.connect(memory) as db:
        assert db.execute("SELECT COUNT(*) FROM languages").fetchone() == (2,)
    db.close()


def test_a_no_op_with_remembered_pages_imports_no_detection_or_parser(
    pages: Path, tmp_path: Path
) -> None:
    shutil.rmtree(pages / "kennisbank")  # fewer articles: the first run is quicker
    args = ["batch", *PSEUDO, "--json", str(pages)]
    imported(args, tmp_path)  # translates, detects and remembers
    names, out = imported(args, tmp_path)
    assert json.loads(out)["totals"]["skipped"] == 2
    assert "translator.memory" in names  # the trace is read right
    assert not {n for n in names if n.split(".")[0] in ("langdetect", "markdown_it")}
    assert "translator.pipeline" not in names


def test_a_plain_no_op_does_not_open_the_memory(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.rmtree(site / "english")
    run(["batch", *PSEUDO, site])
    opened: list[Path] = []
    monkeypatch.setattr(Memory, "_open", lambda self: opened.append(self.path))
    assert "0 translated, 5 up to date" in run(["batch", *PSEUDO, site]).output
    assert opened == []


def test_memory_keeps_languages_exactly(tmp_path: Path) -> None:
    memory = Memory(tmp_path / "memory.sqlite")
    probability = 0.9999957143628889
    memory.store_languages([("a", "en", probability), ("b", "unknown", 0.0)])
    assert memory.languages(["a", "b", "c"]) == {"a": ("en", probability), "b": ("unknown", 0.0)}
    memory.clear()
    assert memory.languages(["a", "b"]) == {}
    memory.close()


def test_the_key_holds_the_options_and_the_code(tmp_path: Path) -> None:
    plain = Decisions(tmp_path, Options(), force=False)
    assert plain.prefix == Decisions(tmp_path, Options(), force=False).prefix
    assert plain.prefix == Decisions(tmp_path, Options(glossary=None), force=False).prefix
    for other in (
        Options(site_language="nl"),
        Options(front_matter_keys=("title",)),
        Options(alt_texts=False),
        Options(linked=frozenset({"doel"})),
    ):
        assert Decisions(tmp_path, other, force=False).prefix != plain.prefix
    assert Decisions(tmp_path, Options(source_language="nl"), force=False).memory is None
    ours = Path(batch_module.__file__).parent
    same, changed = tmp_path / "same", tmp_path / "changed"
    for copy in (same, changed):
        copy.mkdir()
        for name in batch_module.DECIDING:
            shutil.copy(ours / name, copy / name)
    with (changed / "detect.py").open("a", encoding="utf-8") as edit:
        edit.write("\nMIN_LETTERS = 21\n")
    assert detection_version(same) == detection_version(ours)
    assert detection_version(changed) != detection_version(ours)
    assert detection_version(tmp_path / "missing") is None
