"""The CLI end to end: outputs, refusals, bad input, exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from tests.conftest import CONTENT, REPO, CountingEngine, run
from translator import translate_paths
from translator.cli import main
from translator.pipeline import Options

DUTCH = "---\ntitle: De gemeenten\n---\n\nDe gemeenten delen hun resultaten met elkaar.\n"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "bundle" / "index.md"
    path.parent.mkdir()
    path.write_text(DUTCH, encoding="utf-8")
    return path


def test_translate_writes_beside_the_source(article: Path) -> None:
    result = run(["translate", "--engine", "pseudo", article])
    assert result.exit_code == 0, result.output
    english = article.with_name("index.en.md").read_text(encoding="utf-8")
    assert "title: Dé gémééntén" in english
    assert "machine_translated: true" in english
    assert 'source: "index.md"' in english
    assert 'engine: "pseudo"' in english
    assert "translated" in result.output


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("index.md", "index.en.md"),
        ("index.nl.md", "index.en.md"),
        ("about.md", "about.en.md"),
        ("_index.md", "_index.en.md"),
        ("notes.markdown", "notes.en.markdown"),
    ],
)
def test_target_names(tmp_path: Path, name: str, target: str) -> None:
    (tmp_path / name).write_text(DUTCH, encoding="utf-8")
    assert run(["translate", "--engine", "pseudo", tmp_path / name]).exit_code == 0
    assert (tmp_path / target).is_file()


def test_second_run_is_byte_identical_and_reports_unchanged(article: Path) -> None:
    run(["translate", "--engine", "pseudo", article])
    first = article.with_name("index.en.md").read_bytes()
    result = run(["translate", "--engine", "pseudo", article])
    assert article.with_name("index.en.md").read_bytes() == first
    assert "unchanged" in result.output


def test_refuses_to_overwrite_a_human_translation(article: Path) -> None:
    human = article.with_name("index.en.md")
    human.write_text("---\ntitle: The municipalities\n---\n\nHand written.\n", encoding="utf-8")
    result = run(["translate", "--engine", "pseudo", article])
    assert result.exit_code == 1
    assert "was not written by translator" in result.output
    assert "--force" in result.output
    assert human.read_text(encoding="utf-8").endswith("Hand written.\n")
    assert run(["translate", "--engine", "pseudo", "--force", article]).exit_code == 0
    assert "Dé gémééntén" in human.read_text(encoding="utf-8")


def test_a_human_correction_survives_translating_again(article: Path) -> None:
    run(["translate", "--engine", "pseudo", article])
    english = article.with_name("index.en.md")
    corrected = english.read_text("utf-8").replace(
        "Dé gémééntén délén", "The municipalities share"
    )
    english.write_text(corrected, "utf-8")
    again = run(["translate", "--engine", "pseudo", article])
    assert "human edit kept" in again.output
    assert "The municipalities share" in english.read_text("utf-8")
    run(["translate", "--engine", "pseudo", "--force", article])  # asked for: re-translate all
    assert "Dé gémééntén délén" in english.read_text("utf-8")


def test_output_to_stdout(article: Path) -> None:
    result = run(["translate", "--engine", "pseudo", "-o", "-", article])
    assert result.exit_code == 0
    assert "Dé gémééntén délén" in result.stdout
    assert not article.with_name("index.en.md").exists()


def test_output_to_a_named_file(article: Path, tmp_path: Path) -> None:
    out = tmp_path / "elders" / "english.md"
    assert run(["translate", "--engine", "pseudo", "-o", out, article]).exit_code == 0
    assert "Dé gémééntén délén" in out.read_text(encoding="utf-8")


def test_output_option_takes_one_path(article: Path) -> None:
    result = run(["translate", "--engine", "pseudo", "-o", "x.md", article, article])
    assert result.exit_code == 2
    assert "single PATH" in result.output


def test_english_source_is_refused(article: Path) -> None:
    run(["translate", "--engine", "pseudo", article])
    result = run(
        ["translate", "--engine", "pseudo", "--from", "nl", article.with_name("index.en.md")]
    )
    assert result.exit_code == 1
    assert "English file already" in result.output


def test_non_dutch_article_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "index.md"
    path.write_text(
        "The municipalities share their results with each other every week.\n", encoding="utf-8"
    )
    result = run(["translate", "--engine", "pseudo", path])
    assert result.exit_code == 0
    assert "skipped" in result.output and "'en'" in result.output
    assert not (tmp_path / "index.en.md").exists()
    assert run(["translate", "--engine", "pseudo", "--from", "nl", path]).exit_code == 0
    assert (tmp_path / "index.en.md").exists()


BAD_INPUTS = {
    "bad-yaml": (b"---\ntitle: [ongesloten\n---\n\nTekst.\n", "invalid YAML", ":2:"),
    "bad-toml": (b"+++\ntitle = \n+++\n\nTekst.\n", "invalid TOML", ":2:"),
    "unclosed": (b"---\ntitle: x\n\nTekst.\n", "not closed", ":1:"),
    "latin1": ("De gemeente\nCaf\xe9 en meer\n".encode("latin-1"), "not UTF-8", ":2:"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file", ""),
    "empty": (b"\n  \n", "is empty", ""),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_is_one_line_and_others_still_run(tmp_path: Path, name: str) -> None:
    data, message, where = BAD_INPUTS[name]
    bad = tmp_path / "bad" / "index.md"
    bad.parent.mkdir()
    bad.write_bytes(data)
    good = tmp_path / "good" / "index.md"
    good.parent.mkdir()
    good.write_text(DUTCH, encoding="utf-8")
    result = run(["translate", "--engine", "pseudo", "--from", "nl", bad, good])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert message in errors[0] and f"{bad}{where}" in errors[0]
    assert "Traceback" not in result.output
    assert not bad.with_name("index.en.md").exists()
    assert good.with_name("index.en.md").exists()


def test_missing_path_and_directory(tmp_path: Path) -> None:
    result = run(["translate", "--engine", "pseudo", tmp_path / "nope.md", tmp_path])
    assert result.exit_code == 1
    assert "no such file" in result.output
    assert "is a directory" in result.output


def test_one_engine_batch_for_many_files(tmp_path: Path, counting: CountingEngine) -> None:
    paths = []
    for i in range(5):
        path = tmp_path / f"a{i}" / "index.md"
        path.parent.mkdir()
        path.write_text(DUTCH + f"\nAlinea nummer {i} over de gemeente.\n", encoding="utf-8")
        paths.append(path)
    results = translate_paths(paths, lambda: counting, Options(source_language="nl"))
    assert [r.status for r in results] == ["translated"] * 5
    assert len(counting.batches) == 1
    # Identical segments across files are sent once.
    assert counting.batches[0].count("De gemeenten delen hun resultaten met elkaar.") == 1


def test_no_engine_load_when_nothing_is_dutch(tmp_path: Path) -> None:
    path = tmp_path / "index.md"
    path.write_text("The municipalities share their results with each other.\n", "utf-8")

    def explode() -> CountingEngine:
        raise AssertionError("engine loaded")

    [result] = translate_paths([path], explode)
    assert result.status == "skipped"


def test_detect_prints_language_and_confidence(article: Path) -> None:
    result = run(["detect", article])
    assert result.exit_code == 0
    assert result.output == f"{article}\tnl\t1.00\n"


def test_segments_lists_lines_and_placeholders(tmp_path: Path) -> None:
    path = tmp_path / "index.md"
    path.write_text(
        "---\ntitle: Kop\n---\n\n# Titel\n\nDe **gemeenten** delen `code`.\n", encoding="utf-8"
    )
    result = run(["segments", "--from", "nl", path])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["2", "front_matter:title", "Kop"]
    assert lines[1].split() == ["5", "heading", "Titel"]
    assert lines[2].split()[:2] == ["7", "paragraph"]
    assert lines[2].endswith("De ⟦1⟧gemeenten⟦2⟧ delen ⟦3=⟧.")  # a code span is a word


def test_python_dash_m_and_help_are_fast_and_light() -> None:
    code = (
        "import sys, runpy; sys.argv=['translator','--help']\n"
        "try: runpy.run_module('translator', run_name='__main__')\n"
        "except SystemExit: pass\n"
        "heavy = {'ctranslate2', 'argostranslate', 'langdetect'} & set(sys.modules)\n"
        "print('HEAVY', sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "translate" in out.stdout
    assert "HEAVY []" in out.stdout


def _site(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root, ignore=shutil.ignore_patterns("*.en.md"))
    assert run(["batch", "--engine", "pseudo", root]).exit_code == 0
    return root


def test_clean_removes_only_what_translator_wrote_and_nobody_changed(tmp_path: Path) -> None:
    root = _site(tmp_path)
    human = root / "english" / "community-update" / "index.en.md"
    human.write_text("---\ntitle: Update\n---\n\nWritten by a person.\n", encoding="utf-8")
    edited = root / "over-t3d" / "index.en.md"
    text = edited.read_text("utf-8")
    edited.write_text(text.replace("Hét prógrámmá hééft", "The programme has"), "utf-8")
    sources = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".en." not in p.name}

    dry = run(["clean", "--dry-run", root])
    assert dry.exit_code == 0, dry.output
    assert "would remove 4 files that translator wrote; kept 1 file a person changed" in dry.output
    assert f"kept {edited}: a person edited it (line" in dry.output
    assert len(list(root.rglob("*.en.md"))) == 6  # nothing removed

    done = run(["clean", root])
    assert "removed 4 files that translator wrote; kept 1 file" in done.output
    assert sorted(root.rglob("*.en.md")) == sorted([human, edited])
    assert {p: p.read_bytes() for p in sources} == sources


def test_make_clean_uses_translator_clean_and_english_pages_are_not_ignored() -> None:
    makefile = (REPO / "Makefile").read_text("utf-8")
    recipe = makefile.split("\nclean:", 1)[1].split("\n\n", 1)[0]
    assert "translator clean $(CONTENT)" in recipe
    assert "-delete" not in recipe and "rm -f" not in recipe
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "content/over-t3d/index.en.md"],
        cwd=REPO,
        capture_output=True,
        check=False,
    )
    assert ignored.returncode == 1  # not ignored: English pages are committed


def _commands(group: click.Group, prefix: str = "translator") -> list[str]:
    found = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix} {name}")
        else:
            found.append(f"{prefix} {name}")
    return found


@pytest.mark.parametrize("path", _commands(main))
def test_every_command_has_examples_of_itself(path: str) -> None:
    shown = run([*path.split()[1:], "--help"]).output
    assert "Examples:" in shown
    example_lines = [
        line.strip() for line in shown.split("Examples:", 1)[1].splitlines() if line.strip()
    ]
    commands = example_lines[0::2]
    assert len(commands) >= 1
    assert all(line.startswith(path + " ") or line == path for line in commands), commands


def test_force_help_says_it_drops_kept_english_and_edits() -> None:
    shown = " ".join(run(["translate", "--help"]).output.split())
    assert "Re-translate every segment, dropping kept English and human corrections" in shown


def test_an_invalid_compute_type_is_a_usage_error(article: Path) -> None:
    result = run(["translate", "--compute-type", "int3", article])
    assert result.exit_code == 2
    assert "'int3' is not one of" in result.output and "int8" in result.output


def test_cuda_without_a_gpu_says_what_to_do(article: Path, installed: Path) -> None:
    result = run(["translate", "--engine", "argos", "--device", "cuda", article])
    assert result.exit_code == 1
    assert "finds no CUDA GPU on this machine" in result.output
    assert "--device cpu" in result.output
    assert not article.with_name("index.en.md").exists()


def test_errors_share_one_style(tmp_path: Path, article: Path) -> None:
    per_file = run(["translate", "--engine", "pseudo", tmp_path / "nope.md"])
    (tmp_path / "empty").mkdir()
    whole_run = run(["batch", "--engine", "pseudo", tmp_path / "empty"])
    usage = run(["translate", "--beam-size", "0", article])
    for result in (per_file, whole_run, usage):
        errors = [line for line in result.output.splitlines() if "rror:" in line]
        assert errors and all(line.startswith("Error: ") for line in errors), result.output


def test_batch_on_a_folder_without_markdown_says_so(tmp_path: Path) -> None:
    (tmp_path / "site" / "static").mkdir(parents=True)
    (tmp_path / "site" / "static" / "logo.png").write_bytes(b"\x89PNG")
    result = run(["batch", "--engine", "pseudo", tmp_path / "site"])
    assert result.exit_code == 1
    assert "no Markdown files (.md, .markdown) under it" in result.output


def test_counts_are_singular_for_one(article: Path) -> None:
    result = run(["batch", "--engine", "pseudo", article.parent])
    assert "1 file: 1 translated" in result.output


def test_a_run_without_a_model_creates_no_memory(article: Path, isolated: Path) -> None:
    result = run(["translate", "--engine", "argos", article])
    assert result.exit_code == 1
    assert "no Dutch→English model is installed" in result.output
    assert not (isolated / "memory.sqlite").exists()
