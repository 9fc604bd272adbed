"""Reliability: human corrections are never lost, and nothing escapes ROOT."""

from __future__ import annotations

import os
import resource
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

from tests.conftest import CONTENT, run
from tests.test_batch import batch, edit_english
from translator.batch import LOCK_NAME
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


# --- 4. only regular files ---------------------------------------------------------------------


def cli(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run translator in its own process, which a hang cannot outlive (a FIFO blocks forever)."""
    return subprocess.run(
        [sys.executable, "-m", "translator", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_output_to_a_device_is_refused_without_reading_it(site: Path) -> None:
    source = site / "over-t3d" / "index.md"
    for out in ("/dev/full", "/dev/stdout"):
        done = cli("translate", "--engine", "pseudo", "-o", out, source, timeout=20)
        assert done.returncode == 1, done.stderr
        assert "not a regular file" in done.stderr and "-o -" in done.stderr
    assert stat.S_ISCHR(Path("/dev/full").stat().st_mode)


def test_force_never_replaces_a_special_file(site: Path, tmp_path: Path) -> None:
    sock = tmp_path / "out.md"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock))
    try:
        source = site / "over-t3d" / "index.md"
        result = run(["translate", "--engine", "pseudo", "--force", "-o", sock, source])
        assert result.exit_code == 1
        assert "not a regular file" in result.output
        assert stat.S_ISSOCK(sock.lstat().st_mode)
    finally:
        server.close()


def test_fifos_named_like_articles_never_hang_a_run(site: Path) -> None:
    os.mkfifo(site / "pijp.md")
    os.mkfifo(site / "over-t3d" / "index.en.md")
    pipe = "pijp.md: is not a regular file (it is a named pipe)"
    for check in ((), ("--check",)):
        done = cli("batch", "--engine", "pseudo", *check, site)
        assert done.returncode == 1, done.stderr
        assert pipe in done.stderr and "index.en.md: is not a regular file" in done.stderr
    page = site.parent / "review.html"
    assert cli("review", "-o", page, site).returncode == 0
    assert pipe in page.read_text("utf-8")
    other = site / "nieuws" / "samenwerking-3d-gemeenten" / "index.md"
    done = cli("translate", "--engine", "pseudo", site / "pijp.md", other)
    assert done.returncode == 1 and pipe in done.stderr
    assert other.with_name("index.en.md").is_file()
    assert stat.S_ISFIFO((site / "over-t3d" / "index.en.md").lstat().st_mode)


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_lock_whose_holder_died_is_taken_over(site: Path) -> None:
    # flock dies with its holder, unless a process that inherited the descriptor
    # lives on: the file stays locked under the pid of a run that is gone.
    orphan = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            "handle = open(sys.argv[1], 'a+')\n"
            "fcntl.flock(handle, fcntl.LOCK_EX)\n"
            "handle.write(sys.argv[2]); handle.flush()\n"
            "print('locked', flush=True)\n"
            "time.sleep(60)\n",
            str(site / LOCK_NAME),
            f"pid {dead_pid()} on {socket.gethostname()}",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert orphan.stdout is not None and orphan.stdout.readline() == "locked\n"
        done = batch(site)
        assert done["exit"] == 0 and done["totals"]["translated"] == 4
    finally:
        orphan.kill()
        orphan.communicate()


def test_a_full_disk_when_writing_the_lock_is_one_line(site: Path) -> None:
    def no_writes() -> None:  # every write fails as on a full disk (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    done = subprocess.run(
        [sys.executable, "-m", "translator", "batch", "--engine", "pseudo", str(site)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=no_writes,
    )
    assert done.returncode == 1
    assert "cannot write the lock file" in done.stderr
    assert "Traceback" not in done.stderr
