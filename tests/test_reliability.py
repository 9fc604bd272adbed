"""Reliability: human corrections are never lost, and nothing escapes ROOT."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import CONTENT, run
from tests.test_batch import batch, edit_english
from translator.previous import read_previous


def change_dutch(site: Path, old: str, new: str) -> None:
    article = site / "over-t3d" / "index.md"
    text = article.read_text("utf-8")
    assert old in text
    article.write_text(text.replace(old, new), "utf-8")


# --- 1. human corrections ----------------------------------------------------------------------


def test_a_kept_edit_stays_a_persons_work_in_later_runs(site: Path) -> None:
    batch(site)
    english = edit_english(site, "dé plánníng kán vérándérén.", "the planning may change.")
    change_dutch(site, "Het programma heeft drie doelen:", "Het programma heeft vier doelen:")
    assert any(
        n.startswith("human edit kept") for n in batch(site)["by"]["over-t3d/index.md"]["notes"]
    )
    # The run that kept it recorded it as a person's, though its hash now matches.
    previous = read_previous(english)
    assert previous is not None
    [edited] = [e.english for e in previous.entries if e.edited]
    assert "the planning may change." in edited
    change_dutch(site, "kan veranderen", "verandert")
    entry = batch(site, "--keep-edits")["by"]["over-t3d/index.md"]
    assert any(n.startswith("needs review: human edit kept") for n in entry["notes"])
    assert "the planning may change." in english.read_text("utf-8")
    # And without --keep-edits the loss is reported, never silent.
    change_dutch(site, "verandert", "verandert snel")
    entry = batch(site)["by"]["over-t3d/index.md"]
    assert any(n.startswith("human edit replaced") for n in entry["notes"])


def test_an_added_english_paragraph_is_left_for_review(site: Path) -> None:
    batch(site)
    english = edit_english(site, "## Cóntáct", "A paragraph a person added.\n\n## Cóntáct")
    edited = english.read_bytes()
    change_dutch(site, "Het programma heeft drie doelen:", "Het programma heeft vier doelen:")
    checked = batch(site, "--check")
    assert checked["exit"] == 1
    assert checked["by"]["over-t3d/index.md"]["status"] == "needs-review"
    done = batch(site)
    entry = done["by"]["over-t3d/index.md"]
    assert entry["status"] == "needs-review"
    assert "12 segments with prose where translator wrote 11" in entry["error"]
    assert "--force" in entry["error"]
    assert done["totals"]["needs-review"] == 1
    assert english.read_bytes() == edited
    # translate refuses too, naming the file; --force re-translates it.
    source = site / "over-t3d" / "index.md"
    result = run(["translate", "--engine", "pseudo", source])
    assert result.exit_code == 1
    assert "needs review" in result.output and english.read_bytes() == edited
    assert run(["translate", "--engine", "pseudo", "--force", source]).exit_code == 0
    assert "A paragraph a person added." not in english.read_text("utf-8")


def test_broken_english_front_matter_is_left_for_review(site: Path) -> None:
    batch(site)
    english = edit_english(site, "title: Óvér hét prógrámmá T3D", "title: About: T3D")
    edited = english.read_bytes()
    change_dutch(site, "Het programma heeft drie doelen:", "Het programma heeft vier doelen:")
    entry = batch(site)["by"]["over-t3d/index.md"]
    assert entry["status"] == "needs-review"
    assert "invalid YAML" in entry["error"]
    assert english.read_bytes() == edited


def test_an_english_file_that_is_no_longer_utf8_is_left_for_review(site: Path) -> None:
    batch(site)
    english = site / "over-t3d" / "index.en.md"
    english.write_bytes(english.read_bytes().replace(b"T3D", b"T3D \xff", 1))
    edited = english.read_bytes()
    change_dutch(site, "Het programma heeft drie doelen:", "Het programma heeft vier doelen:")
    entry = batch(site)["by"]["over-t3d/index.md"]
    assert entry["status"] == "needs-review"
    assert english.read_bytes() == edited


# --- 2. nothing outside ROOT -------------------------------------------------------------------


def tree_site(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(
        CONTENT / "over-t3d", root / "nl" / "over-t3d", ignore=shutil.ignore_patterns("*.en.md")
    )
    return root


def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text("not for the web site\n", "utf-8")
    return folder


def test_tree_layout_copies_no_resource_that_links_out_of_root(tmp_path: Path) -> None:
    root = tree_site(tmp_path)
    (root / "nl" / "over-t3d" / "hostname").symlink_to(outside(tmp_path) / "secret.txt")
    done = batch(root, "--layout", "tree")
    entry = done["by"]["nl/over-t3d/index.md"]
    assert done["exit"] == 1 and entry["status"] == "failed"
    assert "leads outside" in entry["error"] and "hostname" in entry["error"]
    assert not (root / "en").exists()


def test_tree_layout_writes_nothing_through_a_linked_english_tree(tmp_path: Path) -> None:
    root = tree_site(tmp_path)
    elsewhere = outside(tmp_path)
    (root / "en").symlink_to(elsewhere, target_is_directory=True)
    for args in ((), ("--check",)):
        done = batch(root, "--layout", "tree", *args)
        assert done["exit"] == 1
        assert "leads outside" in done["by"]["nl/over-t3d/index.md"]["error"]
    assert sorted(p.name for p in elsewhere.rglob("*")) == ["secret.txt"]


def test_a_bundle_english_file_that_links_out_of_root_is_refused(
    site: Path, tmp_path: Path
) -> None:
    secret = outside(tmp_path) / "secret.txt"
    (site / "over-t3d" / "index.en.md").symlink_to(secret)
    done = batch(site)
    assert done["by"]["over-t3d/index.md"]["status"] == "failed"
    assert "leads outside" in done["by"]["over-t3d/index.md"]["error"]
    assert secret.read_text("utf-8") == "not for the web site\n"
    assert (site / "over-t3d" / "index.en.md").is_symlink()
