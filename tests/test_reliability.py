"""Reliability: human corrections are never lost, and nothing escapes ROOT."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CONTENT, GLOSSARY, run
from tests.test_batch import batch, edit_english
from tests.test_review_page import chromium, parse
from translator.batch import in_shard, lock_path, locked
from translator.config import load_settings
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
    assert "13 segments with prose where translator wrote 12" in entry["error"]
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
    lock_path(site).parent.mkdir(parents=True, exist_ok=True)
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
            str(lock_path(site)),
            f"pid {dead_pid()} on {socket.gethostname()}",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert orphan.stdout is not None and orphan.stdout.readline() == "locked\n"
        done = batch(site)
        assert done["exit"] == 0 and done["totals"]["translated"] == 5
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


# --- 5. no traceback aborts a run --------------------------------------------------------------


@pytest.fixture
def unreadable(monkeypatch: pytest.MonkeyPatch) -> set[Path]:
    """Paths that fail to open as without read permission (the suite may run as root,
    whom permissions do not stop)."""
    denied: set[Path] = set()
    real_open, real_access = os.open, os.access

    def fake_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(path) in denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    def fake_access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        return Path(path) not in denied and real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "access", fake_access)
    return denied


def test_unreadable_sources_and_english_fail_their_article_only(
    site: Path, unreadable: set[Path]
) -> None:
    batch(site)
    change_dutch(site, "Het programma heeft drie doelen:", "Het programma heeft vier doelen:")
    news = site / "nieuws" / "samenwerking-3d-gemeenten"
    unreadable.update({site / "over-t3d" / "index.md", news / "index.en.md"})
    done = batch(site)
    assert done["exit"] == 1
    assert (
        "index.md: cannot be read: Permission denied" in done["by"]["over-t3d/index.md"]["error"]
    )
    news_entry = done["by"]["nieuws/samenwerking-3d-gemeenten/index.md"]
    assert "index.en.md: cannot be read: Permission denied" in news_entry["error"]
    assert done["totals"]["failed"] == 2 and done["totals"]["up-to-date"] == 3
    page = site.parent / "review.html"
    assert run(["review", "-o", page, site]).exit_code == 0
    assert "Permission denied" in page.read_text("utf-8")


def test_translate_goes_on_past_an_unreadable_file(site: Path, unreadable: set[Path]) -> None:
    first, second = (
        site / "over-t3d" / "index.md",
        site / "projecten" / "digitale-tweeling-den-haag" / "index.md",
    )
    unreadable.add(first)
    result = run(["translate", "--engine", "pseudo", first, second])
    assert result.exit_code == 1
    assert f"{first}: cannot be read: Permission denied" in result.output
    assert second.with_name("index.en.md").is_file()


def test_odd_english_files_and_link_loops_fail_their_article_only(site: Path) -> None:
    (site / "over-t3d" / "index.en.md").mkdir()
    (site / "l1.md").symlink_to(site / "l2.md")
    (site / "l2.md").symlink_to(site / "l1.md")
    batch(site / "nieuws")
    english = site / "nieuws" / "samenwerking-3d-gemeenten" / "index.en.md"
    english.write_text(
        english.read_text("utf-8").replace('source: "index.md"', 'source: "index.md'), "utf-8"
    )
    change_news = site / "nieuws" / "samenwerking-3d-gemeenten" / "index.md"
    change_news.write_text(change_news.read_text("utf-8") + "\nNog een zin.\n", "utf-8")
    done = batch(site)
    assert done["exit"] == 1
    assert "is a directory" in done["by"]["over-t3d/index.md"]["error"]
    assert "symbolic link loop" in done["by"]["l1.md"]["error"]
    news = done["by"]["nieuws/samenwerking-3d-gemeenten/index.md"]
    assert news["status"] == "needs-review"  # a broken record is a person's to mend
    assert "machine_translation record is not valid YAML" in news["error"]
    assert done["totals"]["translated"] == 2


def corrupt(memory: Path) -> None:
    data = bytearray(memory.read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)  # every page after the first
    memory.write_bytes(bytes(data))


def test_a_damaged_memory_degrades_to_none_and_clear_rebuilds_it(
    site: Path, tmp_path: Path
) -> None:
    memory = tmp_path / "memory.sqlite"
    batch(site, "--memory", memory)
    edit_english(site, "Hét prógrámmá hééft dríé dóélén:", "The programme has three goals:")
    change_dutch(site, "kan veranderen", "verandert")
    batch(site, "--memory", memory)  # records the correction in the memory
    corrupt(memory)
    change_dutch(site, "verandert", "verandert snel")
    result = run(["batch", "--engine", "pseudo", "--memory", memory, site])
    assert result.exit_code == 0, result.output
    assert "Warning: the translation memory" in result.output
    assert "memory clear --yes" in result.output
    assert "1 translated" in result.output
    stats = run(["memory", "stats", "--memory", memory])
    assert stats.exit_code == 1 and "memory clear --yes" in stats.output
    assert run(["memory", "clear", "--yes", "--memory", memory]).exit_code == 0
    assert "0 entries" in run(["memory", "stats", "--memory", memory]).output


def test_a_memory_that_cannot_be_written_keeps_the_translation(
    installed: Path, tmp_path: Path
) -> None:
    memory = tmp_path / "memory.sqlite"
    with sqlite3.connect(memory) as db:  # a memory that any new page overflows
        db.execute("CREATE TABLE filler (x)")
        db.execute("INSERT INTO filler VALUES (zeroblob(200000))")
    db.close()
    limit = memory.stat().st_size
    article = tmp_path / "index.md"
    article.write_text("De gemeenten delen resultaten met elkaar.\n", "utf-8")

    def disk_full() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "translator",
            "translate",
            "--from",
            "nl",
            "--memory",
            memory,
            article,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=disk_full,
    )
    assert done.returncode == 0, done.stderr
    assert "Warning: the translation memory" in done.stderr
    assert "The municipalities share results with each other." in article.with_name(
        "index.en.md"
    ).read_text("utf-8")


# --- 6. interrupted runs leave nothing ---------------------------------------------------------


def test_temporaries_of_killed_runs_are_removed_by_the_next(site: Path) -> None:
    batch(site)
    folder = site / "over-t3d"
    stale = folder / f".index.en.md.{dead_pid()}.k1ll3d_9.tmp"
    live = folder / f".index.en.md.{os.getpid()}.wr1t1ng.tmp"  # a run still writing
    other = folder / ".notes.txt.12.tmp"  # not translator's naming
    for path in (stale, live, other):
        path.write_text("half a file", "utf-8")
    assert batch(site)["totals"]["up-to-date"] == 5
    assert not stale.exists() and live.exists() and other.exists()


def children(pid: int) -> list[int]:
    """Worker processes of a pool started by ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(fields[1]) == pid and b"spawn_main" in command:
                found.append(int(entry.name))
    return found


def wait_for(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["TERM", "KILL"])
def test_jobs_workers_die_with_their_parent(tmp_path: Path, signum: int) -> None:
    site = tmp_path / "site"
    paragraph = "De gemeenten delen hun **resultaten** met elkaar in de [keten](https://x.nl).\n\n"
    for n in range(40):
        (site / f"a{n}").mkdir(parents=True)
        (site / f"a{n}" / "index.md").write_text(f"# Artikel {n}\n\n" + paragraph * 10, "utf-8")
    parent = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "translator",
            "batch",
            "--engine",
            "pseudo",
            "--from",
            "nl",
            "--no-memory",
            "--jobs",
            "2",
            str(site),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_for(lambda: len(children(parent.pid)) == 2, 60), "no workers started"
        workers = children(parent.pid)
        parent.send_signal(signum)
        _, stderr = parent.communicate(timeout=30)
    finally:
        parent.kill()
        parent.communicate()
    assert wait_for(lambda: not any(Path(f"/proc/{w}").exists() for w in workers), 10)
    if signum == signal.SIGTERM:
        assert "Traceback" not in stderr and "Aborted" in stderr
        assert not [p for p in site.rglob("*") if p.name.endswith(".tmp")]


# --- 8. the review page fetches nothing --------------------------------------------------------


def test_the_review_page_makes_no_network_request(site: Path, tmp_path: Path) -> None:
    article = site / "over-t3d" / "index.md"
    article.write_text(
        article.read_text("utf-8")
        + "\nEen kaart: ![de kaart](https://tracker.example/kaart.png) van de stad.\n\n"
        '{{< figure src="https://tracker.example/foto.jpg" alt="Foto" >}}\n\n'
        "![Logo van het programma](logo.png)\n",
        "utf-8",
    )
    assert batch(site)["exit"] == 0
    out = tmp_path / "review.html"
    assert run(["review", "-o", out, site]).exit_code == 0
    page = parse(out.read_text("utf-8"))
    images = page.all("img")
    assert images and all(img.attrs["src"].startswith("data:image/") for img in images)
    links = {a.attrs["href"] for a in page.all("a", class_="image-link")}
    assert {"https://tracker.example/kaart.png", "https://tracker.example/foto.jpg"} <= links
    [policy] = [
        m.attrs["content"]
        for m in page.all("meta")
        if m.attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    assert "default-src 'none'" in policy and "img-src data:" in policy
    with chromium(tmp_path) as browser:
        browser.get(out.as_uri())
        assert (
            browser.execute_script("return performance.getEntriesByType('resource').length") == 0
        )
        # The page's own script runs under the policy: a filter still works.
        browser.find_element("css selector", 'button[data-filter="human"]').click()
        assert (
            browser.execute_script(
                "return document.querySelector('button[aria-pressed=\"true\"]').dataset.filter"
            )
            == "human"
        )


# --- 9. smaller ---------------------------------------------------------------------------------


def test_a_glossary_saved_by_excel_with_a_bom_loads(tmp_path: Path) -> None:
    terms = tmp_path / "terms.csv"
    terms.write_bytes(b"\xef\xbb\xbf" + GLOSSARY.read_bytes())
    result = run(["glossary", "lint", terms])
    assert result.exit_code == 0, result.output


def test_the_readme_settings_block_works_in_translator_toml(tmp_path: Path) -> None:
    (tmp_path / "translator.toml").write_text(
        '[tool.translator]\nengine = "pseudo"\nbeam-size = 2\n', "utf-8"
    )
    settings = load_settings(tmp_path)
    assert settings.engine == "pseudo" and settings.beam_size == 2


def test_two_sources_for_one_english_file_are_a_conflict(site: Path) -> None:
    bundle = site / "over-t3d"
    shutil.copy(bundle / "index.md", bundle / "index.nl.md")
    for args in ((), ("--check",)):
        done = batch(site, *args)
        assert done["exit"] == 1
        for name in ("index.md", "index.nl.md"):
            entry = done["by"][f"over-t3d/{name}"]
            assert entry["status"] == "failed"
            assert (
                "index.md and index.nl.md would both be translated into index.en.md"
                in (entry["error"])
            )
    assert not (bundle / "index.en.md").exists()


def test_overlapping_roots_exclude_each_other(site: Path) -> None:
    inner, sibling = site / "over-t3d", site / "nieuws"
    with locked(inner, wait=False):
        outer_run = run(["batch", "--engine", "pseudo", site])
        assert outer_run.exit_code == 1
        assert "is writing this tree or a folder in it" in outer_run.output
        assert run(["batch", "--engine", "pseudo", sibling]).exit_code == 0  # side by side
    with locked(site, wait=False):
        inner_run = run(["batch", "--engine", "pseudo", inner])
        assert inner_run.exit_code == 1
        assert f"is writing {site.resolve()}, which contains this tree" in inner_run.output
    assert run(["batch", "--engine", "pseudo", site]).exit_code == 0


def test_a_path_too_long_for_the_system_is_reported(site: Path) -> None:
    fd = os.open(site, os.O_RDONLY | os.O_DIRECTORY)
    try:  # 25 folders of 200 characters: past PATH_MAX (4,096), built relative to each other
        for _ in range(25):
            os.mkdir("d" * 200, dir_fd=fd)
            deeper = os.open("d" * 200, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = deeper
        article = os.open("index.md", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(article, b"De gemeente deelt haar kaarten met iedereen.\n")
        os.close(article)
    finally:
        os.close(fd)
    done = batch(site)
    assert done["exit"] == 1
    [failed] = [f for f in done["files"] if f["status"] == "failed"]
    assert "the path is too long for the file system" in failed["error"]
    assert done["totals"]["translated"] == 5


def test_front_matter_with_cr_only_line_ends_is_refused_not_translated(tmp_path: Path) -> None:
    article = tmp_path / "index.md"
    article.write_bytes(
        b"---\rtitle: Over het programma\rmenu: hoofd\r---\r\rDe gemeente deelt.\r"
    )
    result = run(["translate", "--engine", "pseudo", "--from", "nl", article])
    assert result.exit_code == 1
    assert "has CR-only line endings" in result.output
    assert not article.with_name("index.en.md").exists()


def test_placeholder_brackets_in_a_glossary_are_a_lint_error(tmp_path: Path) -> None:
    terms = tmp_path / "terms.csv"
    terms.write_text(
        "nl,nl_plural,nl_variants,en,en_plural,en_noun,pos,dnt,case,status,note\n"
        "gemeente,,,municipality ⟦1⟧,,,noun,no,lower,approved,\n",
        "utf-8",
    )
    result = run(["glossary", "lint", terms])
    assert result.exit_code == 1
    assert "en contains ⟦ or ⟧, which translator keeps for placeholders" in result.output


def test_a_conflict_is_reported_by_every_shard_that_owns_either_file(site: Path) -> None:
    bundle = site / "over-t3d"
    shutil.copy(bundle / "index.md", bundle / "index.nl.md")
    pair = [bundle / "index.md", bundle / "index.nl.md"]
    # A shard count that puts the two files in different shards: each sees only one.
    n = next(
        n
        for n in range(2, 20)
        if in_shard(pair[0], site, (1, n)) != in_shard(pair[1], site, (1, n))
    )
    reported = set()
    for k in range(1, n + 1):
        owned = [p for p in pair if in_shard(p, site, (k, n))]
        for args in ((), ("--check",)):
            done = batch(site, "--shard", f"{k}/{n}", *args)
            for path in owned:
                entry = done["by"][f"over-t3d/{path.name}"]
                assert entry["status"] == "failed"
                assert "index.md and index.nl.md would both be translated" in entry["error"]
                assert done["exit"] == 1
                reported.add(path.name)
    assert reported == {"index.md", "index.nl.md"}
    assert not (bundle / "index.en.md").exists()


def test_placeholder_brackets_in_an_article_come_back_byte_for_byte(tmp_path: Path) -> None:
    article = tmp_path / "index.md"
    article.write_text(
        "---\ntitle: De verzameling ⟦1⟧\n---\n\n"
        "De gemeente schrijft **vaak** ⟦x⟧ voor het gehele deel, en ⟦1⟧ of ⟦2=⟧ of ⟧ los.\n",
        "utf-8",
    )
    english = article.with_name("index.en.md")
    result = run(["translate", "--engine", "pseudo", "--from", "nl", article])
    assert result.exit_code == 0, result.output
    text = english.read_text("utf-8")
    assert "title: Dé vérzámélíng ⟦1⟧\n" in text
    assert "**váák** ⟦x⟧ vóór hét géhélé déél, én ⟦1⟧ óf ⟦2=⟧ óf ⟧ lós.\n" in text
    again = run(["translate", "--engine", "pseudo", "--from", "nl", article])
    assert again.exit_code == 0 and english.read_text("utf-8") == text


def test_a_record_with_a_duplicated_key_leaves_that_article_for_review(site: Path) -> None:
    batch(site)
    english = site / "over-t3d" / "index.en.md"
    text = english.read_text("utf-8")
    assert '  engine: "pseudo"\n' in text
    english.write_text(text.replace('  engine: "pseudo"\n', '  engine: "pseudo"\n' * 2), "utf-8")
    broken = english.read_bytes()
    change_dutch(site, "Het programma heeft drie doelen:", "Het programma heeft vier doelen:")
    for args, code in ((("--check",), 1), ((), 0)):
        done = batch(site, *args)
        assert done["exit"] == code
        entry = done["by"]["over-t3d/index.md"]
        assert entry["status"] == "needs-review"
        assert 'found duplicate key "engine"' in entry["error"]
        assert done["totals"]["up-to-date"] == 4
    assert english.read_bytes() == broken
    cleaned = run(["clean", "--dry-run", site])
    assert cleaned.exit_code == 0, cleaned.output
    assert "over-t3d/index.en.md: its record cannot be read" in cleaned.output
    assert run(["translate", "--engine", "pseudo", site / "over-t3d" / "index.md"]).exit_code == 1
    assert english.read_bytes() == broken


def test_output_to_dev_null_says_why_and_what_to_do_instead(site: Path) -> None:
    source = site / "over-t3d" / "index.md"
    done = cli("translate", "--engine", "pseudo", "-o", "/dev/null", source, timeout=20)
    assert done.returncode == 1, done.stderr
    message = " ".join(done.stderr.split())
    assert "the output /dev/null is a character device, not a regular file" in message
    assert "reads and replaces only regular files" in message
    assert "Use -o - to write the English to stdout (-o - > /dev/null discards it)" in message
    assert "run translator segments on the source" in message
    assert "did not write" not in message
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)
    assert not source.with_name("index.en.md").exists()
