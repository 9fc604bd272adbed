"""Fast paths give the same answers as the slow paths they replace."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from tests.conftest import CONTENT, GLOSSARY, run
from translator import files, front_matter, glossary, pipeline, previous, verify
from translator.batch import run_batch
from translator.config import Settings
from translator.engines.pseudo import PseudoEngine
from translator.markdown import Parameters
from translator.segment import PLACEHOLDER


def ruamel_load(block: str) -> object:
    return YAML(typ="safe").load(block)


def record_block(values: dict[str, str | bool], newline: str = "\n") -> str:
    """A record as translator writes it (see front_matter._rewrite_yaml)."""
    lines = "".join(f"  {k}: {front_matter._yaml_scalar(v)}{newline}" for k, v in values.items())
    return f"{front_matter.PROVENANCE_KEY}:{newline}{lines}"


KEYS = st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True)
VALUES = st.one_of(st.booleans(), st.text(max_size=40))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=6), st.sampled_from(["\n", "\r\n"]))
def test_records_read_as_ruamel_reads_them(values: dict[str, str | bool], newline: str) -> None:
    block = record_block(values, newline)
    try:
        expected = ruamel_load(block)
    except Exception as exc:  # whatever ruamel raises, the fast path raises too
        with pytest.raises(type(exc)):
            previous.load_yaml_record(block)
        return
    assert previous.load_yaml_record(block) == expected


# Plain scalars that YAML 1.1 (PyYAML) and 1.2 (ruamel) read differently, and other
# things a person may type into a record: all must come out as ruamel reads them.
HAND_EDITED = [
    "machine_translation:\n  machine_translated: yes\n",
    "machine_translation:\n  machine_translated: on\n",
    "machine_translation:\n  source_sha256: 0o17\n",
    "machine_translation:\n  source_sha256: 017\n",
    "machine_translation:\n  source_sha256: 1:20\n",
    "machine_translation:\n  source_sha256: 1_000\n",
    "machine_translation:\n  source: 2024-01-01\n",
    "machine_translation:\n  source: ~\n",
    "machine_translation:\n  source:\n",
    "machine_translation:\n  source: index.md\n",
    'machine_translation:\n  yes: "x"\n',
    'machine_translation:\n  source: !!binary "aGVsbG8="\n',
    'machine_translation:\n  source: "a\u2028b"\n',
    'machine_translation:\n  source: "a\\/b \\N \\_ \\L"\n',
    "machine_translation:\n  source: 'it''s'\n",
    "machine_translation:\n  segments: [a, b]\n",
    'machine_translation:\n  source: &a "x"\n  engine: *a\n',
    'machine_translation:\n  source: "a"\n  source: "b"\n',
    'machine_translation:\n  source: "\x7f"\n',
    # Near misses of the line-by-line reader (one entry per line as translator writes it):
    'machine_translation:\n  source: "a\tb"\n',
    'machine_translation:\n  source: "a\ufeffb"\n',
    'machine_translation:\n  source: "x" # a comment\n',
    'machine_translation:\n  source: "x" \n',
    'machine_translation:\n  source:  "x"\n',
    'machine_translation:\n  source: "x"\n   engine: "y"\n',
    'machine_translation:\n  source: "x"\n engine: "y"\n',
    'machine_translation:\n\tsource: "x"\n',
    'machine_translation:\n  true: "x"\n',
    'machine_translation:\n  Null: "x"\n',
    "machine_translation:\n  machine_translated: True\n",
    'machine_translation:\n  source: "x"\n\n  engine: "y"\n',
    'machine_translation:\n  source: "a\rb"\n',
    'machine_translation:\n  source: "x"\r\n  engine: "y"\n',
    'machine_translation:\n  source: ""\n',
    'machine_translation: \n  source: "x"\n',
]


def outcome(load: Callable[[str], object], block: str) -> object:
    """What a loader gives, or the kind of error it raises."""
    try:
        return load(block)
    except Exception as exc:
        return type(exc)


@pytest.mark.parametrize("block", HAND_EDITED)
def test_hand_edited_records_read_as_ruamel_reads_them(block: str) -> None:
    assert outcome(previous.load_yaml_record, block) == outcome(ruamel_load, block)


def own_records(tmp_path: Path) -> list[str]:
    """The YAML records of content/ as translator writes them."""
    site = tmp_path / "content"
    shutil.copytree(CONTENT, site, ignore=shutil.ignore_patterns("*.en.md"))
    assert run(["batch", "--engine", "pseudo", "--glossary", GLOSSARY, site]).exit_code == 0
    blocks = [
        found.group(0)
        for path in sorted(site.rglob("*.en.md"))
        if (found := previous._YAML_RECORD.search(path.read_text("utf-8")))
    ]
    assert len(blocks) == 4  # the fifth article has TOML front matter
    return blocks


def test_translators_own_records_take_the_c_loader(tmp_path: Path) -> None:
    for block in own_records(tmp_path):
        fast = previous._c_load(block)
        assert fast is not previous._UNSURE
        assert fast == ruamel_load(block)


def test_translators_own_records_need_no_yaml_parser(tmp_path: Path) -> None:
    """The no-op path reads each record line by line, as ruamel reads it."""
    for block in own_records(tmp_path):
        plain = previous._plain_record(block)
        assert plain is not None
        assert plain == ruamel_load(block)


@pytest.mark.parametrize("size", [10, 70_000, 200_000])
def test_a_files_head_is_read_in_blocks_up_to_the_limit(tmp_path: Path, size: int) -> None:
    path = tmp_path / "index.en.md"
    data = bytes(range(256)) * (size // 256 + 1)
    path.write_bytes(data[:size])
    for limit in (1, 9, 65_536, 65_537, 150_000, 16 << 20):
        assert files.read_bytes(path, limit) == data[: min(size, limit)]


def copy_site(tmp_path: Path) -> tuple[Path, Path]:
    site = tmp_path / "content"
    shutil.copytree(CONTENT, site, ignore=shutil.ignore_patterns("*.en.md"))
    terms = tmp_path / "terms.csv"
    shutil.copy(GLOSSARY, terms)
    assert run(["batch", "--engine", "pseudo", "--glossary", terms, site]).exit_code == 0
    return site, terms


def count_loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every article that batch loads (reads, parses and segments)."""
    loaded: list[Path] = []
    original = pipeline.load

    def load(path: Path, *args: Any, **kwargs: Any) -> pipeline.Article:
        loaded.append(path)
        return original(path, *args, **kwargs)

    # batch imports load where it loads an article (a no-op run imports no pipeline).
    monkeypatch.setattr("translator.pipeline.load", load)
    return loaded


def check(site: Path, terms: Path) -> int:
    return run(["batch", "--engine", "pseudo", "--check", "--glossary", terms, site]).exit_code


def test_an_unchanged_glossary_lets_a_no_op_skip_segmenting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, terms = copy_site(tmp_path)
    loaded = count_loads(monkeypatch)
    assert check(site, terms) == 0
    # Not even the English article, which has no translation to compare with: the
    # first run remembered its language (tests/test_skipped_pages.py).
    assert loaded == []


def test_a_changed_glossary_still_checks_each_article_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, terms = copy_site(tmp_path)
    # A new term no article uses: every article is segmented again, and none is stale.
    with terms.open("a", encoding="utf-8") as handle:
        handle.write("zeppelin,zeppelins,,airship,airships,,noun,no,lower,approved,\n")
    loaded = count_loads(monkeypatch)
    assert check(site, terms) == 0
    assert len(loaded) == 5  # the Dutch ones; the English one's language is remembered


def test_records_without_the_whole_glossary_hash_are_checked_exactly(tmp_path: Path) -> None:
    site, terms = copy_site(tmp_path)
    for path in site.rglob("*.en.md"):
        text = path.read_text("utf-8")
        kept = [line for line in text.splitlines(True) if "glossary_all_sha256" not in line]
        path.write_text("".join(kept), "utf-8")
    assert check(site, terms) == 0
    terms.write_text(
        terms.read_text("utf-8").replace("core team,core teams", "key team,key teams"), "utf-8"
    )
    assert check(site, terms) == 1


def grow(site: Path) -> None:
    """Add articles that share sentences with content/, so chunks share work."""
    source = (site / "over-t3d" / "index.md").read_text("utf-8")
    for n in range(5):
        extra = site / "extra" / f"kopie-{n}" / "index.md"
        extra.parent.mkdir(parents=True)
        extra.write_text(source.replace("T3D", f"T3D-{n}"), "utf-8")


def outputs(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.en.md"))}


def chunked_and_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str | Path
) -> tuple[list[Any], list[Any]]:
    """Run the same batch runs on two copies of a site: one article per chunk, and one chunk."""
    reports: dict[int, list[Any]] = {}
    for chunk in (1, 1000):
        monkeypatch.setattr("translator.batch.CHUNK", chunk)
        site = tmp_path / f"chunk-{chunk}" / "content"
        shutil.copytree(CONTENT, site, ignore=shutil.ignore_patterns("*.en.md"))
        grow(site)
        memory = tmp_path / f"chunk-{chunk}" / "memory.sqlite"
        first = run(["batch", "--json", "--memory", memory, *args, site])
        # A person corrects one segment; its Dutch appears in a new article, and the
        # article itself changes: the correction must reach the other chunk.
        english = site / "over-t3d" / "index.en.md"
        text = english.read_text("utf-8")
        line = next(x for x in text.splitlines() if "doelen" in x or "dóélén" in x)
        english.write_text(text.replace(line, "The programme has three goals:"), "utf-8")
        (site / "a-new" / "index.md").parent.mkdir()
        (site / "a-new" / "index.md").write_text(
            "---\ntitle: Nieuw\n---\n\nHet programma heeft drie doelen:\n", "utf-8"
        )
        source = site / "over-t3d" / "index.md"
        source.write_text(source.read_text("utf-8") + "\nEen nieuwe zin.\n", "utf-8")
        second = run(["batch", "--json", "--memory", memory, *args, site])
        reports[chunk] = [
            first.stdout.replace(str(site), "SITE"),
            second.stdout.replace(str(site), "SITE"),
            outputs(site),
        ]
    return reports[1], reports[1000]


def test_chunked_runs_write_what_one_batch_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunked, whole = chunked_and_whole(tmp_path, monkeypatch, "--engine", "pseudo")
    assert chunked == whole
    assert len(whole[2]) == 11
    assert whole[2]["a-new/index.en.md"].endswith(b"The programme has three goals:\n")


def test_chunked_argos_runs_write_what_one_batch_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, installed: Path
) -> None:
    chunked, whole = chunked_and_whole(tmp_path, monkeypatch, "--engine", "argos")
    assert chunked == whole
    assert b"The municipalities" in b"".join(whole[2].values())


class DroppingEngine:
    """Loses every placeholder, so each segment with markup falls back to runs."""

    name = "dropping"
    model = "none"

    def translate(self, texts: Sequence[str]) -> list[str]:
        return [PLACEHOLDER.sub("", t).upper() for t in texts]


def count_verifications(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = verify.compare

    def compare(
        source: str, output: str, *parameters: Parameters, known: verify.Structure | None = None
    ) -> verify.Mismatch | None:
        calls.append(1)
        return real(source, output, *parameters, known=known)

    monkeypatch.setattr("translator.verify.compare", compare)
    return calls


def test_an_article_is_verified_once_when_nothing_falls_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = count_verifications(monkeypatch)
    text = (CONTENT / "over-t3d" / "index.md").read_text("utf-8")
    pipeline.translate_text(text, PseudoEngine(), pipeline.Options(source_language="nl"))
    assert len(calls) == 1


def test_an_article_is_verified_again_after_its_fallbacks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = count_verifications(monkeypatch)
    text = (CONTENT / "over-t3d" / "index.md").read_text("utf-8")
    english = pipeline.translate_text(
        text, DroppingEngine(), pipeline.Options(source_language="nl")
    )
    assert len(calls) == 2
    assert "**T3D**" in english


def test_decoding_progress_runs_on_over_the_chunks(tmp_path: Path, installed: Path) -> None:
    site = tmp_path / "content"
    shutil.copytree(CONTENT, site, ignore=shutil.ignore_patterns("*.en.md"))
    grow(site)
    (site / "zz-last" / "index.md").parent.mkdir()  # an article after the last stale one
    (site / "zz-last" / "index.md").write_text("Het programma heeft drie doelen.\n", "utf-8")
    settings = Settings(models_dir=installed, memory=None, glossary=None)
    options = pipeline.Options(source_language="nl")
    reports: list[tuple[int, int]] = []
    run_batch(site, settings, options, decoding=lambda *report: reports.append(report), chunk=3)
    (site / "over-t3d" / "index.md").write_text("Een nieuwe tekst.\n", "utf-8")
    items: list[Path] = []
    report = run_batch(
        site, settings, options, progress=lambda item: items.append(item.source), chunk=3
    )
    # Every article reported once, in order, the current ones after the stale one too.
    assert items == [item.source for item in report.items]
    assert report.totals()["translated"] == 1
    done = [d for d, _ in reports]
    assert done == sorted(done) and len(set(done)) > 3  # several chunks, never backwards
    assert reports[-1][0] == reports[-1][1]  # the bar ends full
    assert all(d <= t for d, t in reports)


def test_the_glossary_fingerprint_is_kept_with_the_glossary(tmp_path: Path) -> None:
    """Computed once per glossary (a no-op compares it per article), it still changes
    with any field of any term, and is what the records hold."""
    terms = glossary.load(GLOSSARY)
    assert pipeline.glossary_fingerprint(terms) == terms.fingerprint
    assert "fingerprint" in vars(terms)  # kept, not computed again
    changed = replace(terms, terms=(replace(terms.terms[0], note="x"), *terms.terms[1:]))
    assert changed.fingerprint != terms.fingerprint
    assert glossary.load(GLOSSARY).fingerprint == terms.fingerprint
    for block in own_records(tmp_path):
        record = previous.load_yaml_record(block)["machine_translation"]
        assert record["glossary_all_sha256"] == terms.fingerprint
