"""translator batch: incremental, safe, parallel English page bundles."""

from __future__ import annotations

import fcntl
import json
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CONTENT, GLOSSARY, run
from translator import output
from translator.batch import find_articles, in_shard, lock_path

PSEUDO = ["--engine", "pseudo"]


def batch(root: Path, *args: str | Path) -> Any:
    result = run(["batch", *PSEUDO, "--json", *args, root])
    document = json.loads(result.stdout)
    document["exit"] = result.exit_code
    document["by"] = {f["source"]: f for f in document["files"]}
    return document


def test_first_run_translates_every_dutch_article(site: Path) -> None:
    done = batch(site)
    assert done["exit"] == 0
    statuses = {s: f["status"] for s, f in done["by"].items()}
    assert statuses == {
        "english/community-update/index.md": "skipped",
        "kennisbank/inwintechnieken/index.nl.md": "translated",
        "nieuws/nieuwe-website/index.md": "translated",
        "nieuws/samenwerking-3d-gemeenten/index.md": "translated",
        "over-t3d/index.md": "translated",
        "projecten/digitale-tweeling-den-haag/index.md": "translated",
    }
    assert done["by"]["over-t3d/index.md"]["target"] == "over-t3d/index.en.md"
    assert done["by"]["over-t3d/index.md"]["segments"] == {"total": 12, "engine": 12, "reused": 0}
    assert done["by"]["english/community-update/index.md"]["language"] == "en"
    assert done["totals"]["translated"] == 5 and done["totals"]["skipped"] == 1


def test_batch_reports_glossary_adherence(site: Path) -> None:
    result = run(["batch", *PSEUDO, "--glossary", GLOSSARY, site])
    assert "glossary adherence: 107/107 targets present (100.0%)" in result.output


def test_second_run_is_a_no_op_that_loads_no_model(site: Path) -> None:
    batch(site)
    before = {p: p.read_bytes() for p in site.rglob("*.en.md")}
    # The argos engine with no model installed: a run with nothing to do must not need one.
    result = run(["batch", "--engine", "argos", site])
    assert result.exit_code == 0, result.output
    assert "0 translated, 5 up to date" in result.output
    assert {p: p.read_bytes() for p in site.rglob("*.en.md")} == before


def test_check_exit_codes(site: Path) -> None:
    assert batch(site, "--check")["exit"] == 1  # all missing
    assert not list(site.rglob("*.en.md"))  # --check writes nothing
    batch(site)
    assert batch(site, "--check")["exit"] == 0
    article = site / "over-t3d" / "index.md"
    article.write_text(article.read_text("utf-8") + "\nNog een alinea.\n", encoding="utf-8")
    checked = batch(site, "--check")
    assert checked["exit"] == 1
    assert checked["by"]["over-t3d/index.md"]["status"] == "stale"
    assert checked["by"]["over-t3d/index.md"]["reason"] == "source changed"
    (site / "kapot").mkdir()
    (site / "kapot" / "index.md").write_bytes(b"\xff\xfe kapot")
    assert batch(site, "--check")["by"]["kapot/index.md"]["status"] == "failed"


def test_one_changed_paragraph_goes_to_the_engine_alone(site: Path) -> None:
    batch(site)
    article = site / "nieuws" / "samenwerking-3d-gemeenten" / "index.md"
    text = article.read_text("utf-8")
    article.write_text(text.replace("Iedere gemeente loopt", "Elke gemeente loopt"), "utf-8")
    done = batch(site)
    entry = done["by"]["nieuws/samenwerking-3d-gemeenten/index.md"]
    assert entry["status"] == "translated"
    assert entry["segments"] == {"total": 21, "engine": 1, "reused": 20}
    assert done["totals"]["engine"] == 1
    english = article.with_name("index.en.md").read_text("utf-8")
    assert "Élké géméénté lóópt" in english


def edit_english(site: Path, old: str, new: str) -> Path:
    english = site / "over-t3d" / "index.en.md"
    text = english.read_text("utf-8")
    assert old in text
    english.write_text(text.replace(old, new), encoding="utf-8")
    return english


def test_a_human_edit_is_never_overwritten_while_its_dutch_stands(site: Path) -> None:
    batch(site)
    english = edit_english(
        site, "Hét prógrámmá hééft dríé dóélén:", "The programme has three goals:"
    )
    article = site / "over-t3d" / "index.md"
    article.write_text(article.read_text("utf-8").replace("kan veranderen", "verandert"), "utf-8")
    done = batch(site)
    entry = done["by"]["over-t3d/index.md"]
    assert entry["segments"]["engine"] == 1
    assert any(n.startswith("human edit kept") for n in entry["notes"])
    assert "The programme has three goals:" in english.read_text("utf-8")
    assert batch(site)["by"]["over-t3d/index.md"]["status"] == "up-to-date"


def test_toml_articles_keep_their_segments_and_edits(site: Path) -> None:
    batch(site)
    english = site / "kennisbank" / "inwintechnieken" / "index.en.md"
    text = english.read_text("utf-8")
    english.write_text(text.replace("Géschíkt vóór gévéls.", "Good for facades."), "utf-8")
    source = english.with_name("index.nl.md")
    source.write_text(source.read_text("utf-8") + "\nNog een zin.\n", "utf-8")
    entry = batch(site)["by"]["kennisbank/inwintechnieken/index.nl.md"]
    assert entry["segments"] == {"total": 16, "engine": 1, "reused": 15}
    assert "Good for facades." in english.read_text("utf-8")


def test_a_human_edit_whose_dutch_changed_is_replaced_and_reported(site: Path) -> None:
    batch(site)
    english = edit_english(site, "dé plánníng kán vérándérén.", "the planning may change.")
    article = site / "over-t3d" / "index.md"
    article.write_text(article.read_text("utf-8").replace("kan veranderen", "verandert"), "utf-8")
    entry = batch(site)["by"]["over-t3d/index.md"]
    assert any(n.startswith("human edit replaced") for n in entry["notes"])
    assert "the planning may change." not in english.read_text("utf-8")


def test_keep_edits_keeps_it_for_review(site: Path) -> None:
    batch(site)
    english = edit_english(site, "dé plánníng kán vérándérén.", "the planning may change.")
    article = site / "over-t3d" / "index.md"
    article.write_text(article.read_text("utf-8").replace("kan veranderen", "verandert"), "utf-8")
    entry = batch(site, "--keep-edits")["by"]["over-t3d/index.md"]
    assert any(n.startswith("needs review") for n in entry["notes"])
    assert "the planning may change." in english.read_text("utf-8")


def test_a_correction_is_used_for_the_same_dutch_elsewhere(site: Path) -> None:
    other = site / "over-t3d" / "kopie.md"
    source = site / "over-t3d" / "index.md"
    batch(site)
    edit_english(site, "Hét prógrámmá hééft dríé dóélén:", "The programme has three goals:")
    other.write_text("Het programma heeft drie doelen:\n", encoding="utf-8")
    source.write_text(source.read_text("utf-8") + "\nEen nieuwe zin.\n", "utf-8")
    batch(site)
    assert (
        other.with_name("kopie.en.md")
        .read_text("utf-8")
        .endswith("The programme has three goals:\n")
    )


def test_a_correction_is_remembered_for_later_runs(site: Path, tmp_path: Path) -> None:
    memory = tmp_path / "memory.sqlite"
    batch(site, "--memory", memory)
    edit_english(site, "Hét prógrámmá hééft dríé dóélén:", "The programme has three goals:")
    source = site / "over-t3d" / "index.md"
    source.write_text(source.read_text("utf-8") + "\nEen nieuwe zin.\n", "utf-8")
    batch(site, "--memory", memory)  # records the correction
    later = site / "later.md"
    later.write_text("Het programma heeft drie doelen:\n", encoding="utf-8")
    batch(site, "--memory", memory)  # a later run: the correction comes from the memory
    assert (
        later.with_name("later.en.md")
        .read_text("utf-8")
        .endswith("The programme has three goals:\n")
    )
    exported = run(["memory", "export", "--memory", memory]).stdout
    assert "<seg>The programme has three goals:</seg>" in exported
    assert "<seg>Het programma heeft drie doelen:</seg>" in exported


def test_force_retranslates_everything(site: Path) -> None:
    batch(site)
    edit_english(site, "Hét prógrámmá hééft dríé dóélén:", "The programme has three goals:")
    done = batch(site, "--force")
    assert done["by"]["over-t3d/index.md"]["segments"]["reused"] == 0
    english = (site / "over-t3d" / "index.en.md").read_text("utf-8")
    assert "Hét prógrámmá hééft dríé dóélén:" in english


def test_a_bad_article_fails_alone(site: Path) -> None:
    (site / "kapot").mkdir()
    (site / "kapot" / "index.md").write_text("---\ntitle: [kapot\n---\n\nTekst.\n", "utf-8")
    done = batch(site)
    assert done["exit"] == 1
    assert done["by"]["kapot/index.md"]["status"] == "failed"
    assert "invalid YAML" in done["by"]["kapot/index.md"]["error"]
    assert done["totals"]["translated"] == 5


def test_a_human_english_file_is_not_overwritten(site: Path) -> None:
    human = site / "over-t3d" / "index.en.md"
    human.write_text("---\ntitle: About\n---\n\nWritten by hand.\n", encoding="utf-8")
    done = batch(site)
    assert done["by"]["over-t3d/index.md"]["status"] == "failed"
    assert "--force" in done["by"]["over-t3d/index.md"]["error"]
    assert human.read_text("utf-8").endswith("Written by hand.\n")


def test_an_interrupted_run_leaves_no_partial_file(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = 0
    real = output.write_atomic

    def interrupted(path: Path, text: str) -> bool:
        nonlocal written
        if written == 2:
            raise KeyboardInterrupt
        written += 1
        return real(path, text)

    monkeypatch.setattr(output, "write_atomic", interrupted)
    with pytest.raises(KeyboardInterrupt):
        from translator.batch import run_batch
        from translator.config import Settings
        from translator.pipeline import Options

        run_batch(site, Settings(engine="pseudo"), Options())
    monkeypatch.setattr(output, "write_atomic", real)
    assert len(list(site.rglob("*.en.md"))) == 2
    assert not [p for p in site.rglob("*") if p.name.endswith(".tmp")]
    done = batch(site)
    assert done["totals"]["translated"] == 3 and done["totals"]["up-to-date"] == 2


def test_a_second_run_waits_or_is_told(site: Path) -> None:
    lock_path(site).parent.mkdir(parents=True)
    with lock_path(site).open("a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.write("pid 4242")
        lock.flush()
        told = run(["batch", *PSEUDO, site])
        assert told.exit_code == 1
        assert "another translator batch (pid 4242) is writing this tree" in told.output
        assert "--wait" in told.output
        waiting: dict[str, int] = {}
        thread = threading.Thread(
            target=lambda: waiting.update(code=run(["batch", *PSEUDO, "--wait", site]).exit_code)
        )
        thread.start()
        time.sleep(0.5)
        assert thread.is_alive()  # queued behind the lock
        fcntl.flock(lock, fcntl.LOCK_UN)
    thread.join(30)
    assert waiting == {"code": 0}
    assert len(list(site.rglob("*.en.md"))) == 5


def test_the_lock_stays_out_of_the_content_tree(site: Path, isolated: Path) -> None:
    before = {p for p in site.rglob("*") if not p.name.endswith(".en.md")}
    assert batch(site)["exit"] == 0
    assert {p for p in site.rglob("*") if not p.name.endswith(".en.md")} == before
    # One tree, however it is spelled, has one lock, in the user's cache.
    assert lock_path(site / ".." / site.name) == lock_path(site)
    assert lock_path(site).is_relative_to(isolated / "cache" / "translator")


def test_tree_layout_mirrors_and_copies_resources(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(
        CONTENT / "over-t3d", root / "nl" / "over-t3d", ignore=shutil.ignore_patterns("*.en.md")
    )
    done = batch(root, "--layout", "tree")
    assert done["exit"] == 0
    english = root / "en" / "over-t3d"
    assert (english / "index.md").is_file()
    assert (english / "logo.png").read_bytes() == (
        root / "nl" / "over-t3d" / "logo.png"
    ).read_bytes()
    stamp = (english / "logo.png").stat().st_mtime_ns
    (root / "nl" / "over-t3d" / "index.md").write_text(
        (root / "nl" / "over-t3d" / "index.md").read_text("utf-8") + "\nMeer.\n", "utf-8"
    )
    batch(root, "--layout", "tree")
    assert (english / "logo.png").stat().st_mtime_ns == stamp  # identical copy skipped


def test_shards_partition_the_articles(site: Path) -> None:
    for i in range(30):
        (site / f"extra{i}.md").write_text(f"De gemeente nummer {i} werkt samen.\n", "utf-8")
    everything = set(find_articles(site))
    shards = [{p for p in everything if in_shard(p, site, (k, 3))} for k in (1, 2, 3)]
    assert set().union(*shards) == everything
    assert sum(len(s) for s in shards) == len(everything)
    assert all(shards)
    done = batch(site, "--shard", "2/3", "--from", "nl")
    assert {f["source"] for f in done["files"]} == {
        p.relative_to(site).as_posix() for p in shards[1]
    }


def test_jobs_give_the_same_result(tmp_path: Path, site: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(site, other)
    batch(site)
    assert batch(other, "--jobs", "2")["exit"] == 0
    for english in site.rglob("*.en.md"):
        assert (other / english.relative_to(site)).read_bytes() == english.read_bytes()


def test_links_out_of_the_root_are_not_followed(site: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "geheim.md").write_text("De gemeente zegt iets geheims.\n", "utf-8")
    (site / "link").symlink_to(outside, target_is_directory=True)
    (site / "bestand.md").symlink_to(outside / "geheim.md")
    assert all("geheim" not in str(p) and "link" not in p.parts for p in find_articles(site))


def test_a_glossary_change_makes_only_the_articles_that_use_it_stale(
    site: Path, tmp_path: Path
) -> None:
    terms = tmp_path / "terms.csv"
    shutil.copy(GLOSSARY, terms)
    batch(site, "--glossary", terms)
    terms.write_text(
        terms.read_text("utf-8").replace("core team,core teams", "key team,key teams"), "utf-8"
    )
    checked = batch(site, "--check", "--glossary", terms)
    stale = {s for s, f in checked["by"].items() if f["status"] == "stale"}
    assert stale == {"kennisbank/inwintechnieken/index.nl.md", "over-t3d/index.md"}
    assert all(checked["by"][s]["reason"] == "glossary changed" for s in stale)


def test_a_new_model_replaces_machine_english_but_keeps_human_edits(
    site: Path, installed: Path
) -> None:
    batch(site)  # the pseudo engine wrote everything
    english = edit_english(
        site, "Hét prógrámmá hééft dríé dóélén:", "The programme has three goals:"
    )
    checked = batch(site, "--engine", "argos", "--check")
    assert checked["exit"] == 1
    assert {f["reason"] for f in checked["files"] if f["status"] == "stale"} == {"model changed"}
    done = run(["batch", "--engine", "argos", "--json", site])
    assert done.exit_code == 0, done.output
    entry = {f["source"]: f for f in json.loads(done.stdout)["files"]}["over-t3d/index.md"]
    assert entry["status"] == "translated"
    assert entry["segments"] == {"total": 12, "engine": 11, "reused": 1}
    text = english.read_text("utf-8")
    assert "The programme has three goals:" in text
    assert "Hét prógrámmá" not in text  # no word of the old engine's English is left
    assert 'engine: "argos"' in text
    assert batch(site, "--engine", "argos", "--check")["exit"] == 0


def test_translate_does_not_keep_another_models_english(site: Path, installed: Path) -> None:
    article = site / "over-t3d" / "index.md"
    assert run(["translate", "--engine", "pseudo", article]).exit_code == 0
    assert run(["translate", "--engine", "argos", article]).exit_code == 0
    assert "Hét prógrámmá" not in (site / "over-t3d" / "index.en.md").read_text("utf-8")
