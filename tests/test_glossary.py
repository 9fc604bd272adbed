"""The glossary: lint, enforcement with every engine, review, export and import."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from markdown_it.utils import read_fixture_file

from tests.conftest import CONTENT, GLOSSARY, run
from tests.htmlshape import html_shape
from translator import glossary
from translator.config import Settings
from translator.engines.argos import ArgosEngine
from translator.front_matter import body_offset
from translator.markdown import render
from translator.memory import Memory
from translator.pipeline import Options, translate_paths

# Most rows below are in the format before en_noun existed: such files still load.
LEGACY = ",".join(c for c in glossary.COLUMNS if c != "en_noun")
HEADER = ",".join(glossary.COLUMNS)


def write_glossary(folder: Path, *rows: str, header: str = LEGACY) -> Path:
    path = folder / "terms.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_the_project_glossary_is_clean_and_large_enough() -> None:
    result = run(["glossary", "lint", GLOSSARY])
    assert result.exit_code == 0, result.output
    assert len(glossary.load(GLOSSARY).terms) >= 40


LINT_CASES = {
    "duplicate entry": (
        [
            "gemeente,,,municipality,,noun,no,lower,approved,",
            "gemeente,,,municipality,,noun,no,lower,approved,",
        ],
        3,
        "duplicate entry 'gemeente' (first on line 2)",
    ),
    "two targets": (
        [
            "gemeente,gemeenten,,municipality,municipalities,noun,no,lower,approved,",
            "overheid,gemeenten,,government,governments,noun,no,lower,approved,",
        ],
        3,
        "Dutch form 'gemeenten' is mapped to two targets, 'municipalities' (line 2)",
    ),
    "shadowing": (
        [
            "voorziening,,,provision,,noun,no,lower,approved,",
            "landelijke voorziening,,,national facility,,noun,no,lower,approved,",
        ],
        3,
        "'landelijke voorziening' shadows 'voorziening' (line 2)",
    ),
    "empty field": (["gemeente,,,,,noun,no,lower,approved,"], 2, "en is empty"),
    "bad value": (
        ["gemeente,,,municipality,,noun,maybe,lower,approved,"],
        2,
        "dnt must be yes or no",
    ),
    "missing plural": (
        ["gemeente,gemeenten,,municipality,,noun,no,lower,approved,"],
        2,
        "nl_plural is given but en_plural is empty",
    ),
    "wrong field count": (["gemeente,,,municipality,noun,no"], 2, "has 6 fields, expected 10"),
    "dnt target differs": (
        ["T3D,,,T-3D,,proper noun,yes,exact,approved,"],
        2,
        "dnt is yes, so en must equal nl",
    ),
    "stray spaces": (
        ["gemeente ,,,municipality,,noun,no,lower,approved,"],
        2,
        "nl has stray spaces",
    ),
}


@pytest.mark.parametrize("case", list(LINT_CASES))
def test_lint_catches_each_class_of_error(tmp_path: Path, case: str) -> None:
    rows, line, message = LINT_CASES[case]
    path = write_glossary(tmp_path, *rows)
    result = run(["glossary", "lint", path])
    assert result.exit_code == 1
    assert f"{path}:{line}: {message}" in result.output, result.output


def test_a_broken_glossary_stops_translation_with_its_line(tmp_path: Path) -> None:
    path = write_glossary(tmp_path, "gemeente,,,,,noun,no,lower,approved,")
    article = tmp_path / "index.md"
    article.write_text("De gemeente.\n", encoding="utf-8")
    result = run(["translate", "--engine", "pseudo", "--glossary", path, article])
    assert result.exit_code == 1
    assert f"{path}:2: en is empty" in result.output


# --- enforcement ---------------------------------------------------------------------------


GLOSSARY_FIXTURES = [
    pytest.param(source, id=title[:40])
    for _, title, source, _ in read_fixture_file(
        Path(__file__).parent / "fixtures" / "glossary.md"
    )
    if "proposed" not in title and "not terms" not in title
]


@pytest.mark.parametrize("source", GLOSSARY_FIXTURES)
def test_every_target_through_the_argos_model(
    installed: Path, tmp_path: Path, source: str
) -> None:
    terms = glossary.load(GLOSSARY)
    path = tmp_path / "index.md"
    path.write_text(source, encoding="utf-8")
    engine = ArgosEngine.load(Settings(memory=None))
    [result] = translate_paths(
        [path], lambda: engine, Options(source_language="nl", glossary=terms)
    )
    assert result.status == "translated" and result.text is not None
    assert result.stats.terms_expected > 0
    assert result.stats.terms_present == result.stats.terms_expected
    assert result.stats.fallbacks == 0
    out = result.text
    assert html_shape(render(out[body_offset(out) :])) == html_shape(
        render(source[body_offset(source) :])
    )


def test_adherence_is_reported(tmp_path: Path) -> None:
    article = tmp_path / "index.md"
    article.write_text("De gemeenten en de basisregistraties.\n", encoding="utf-8")
    result = run(["translate", "--engine", "pseudo", "--glossary", GLOSSARY, article])
    assert "glossary adherence: 2/2 targets present (100.0%)" in result.output


def test_a_hostile_engine_cannot_lose_a_term(tmp_path: Path) -> None:
    from tests.test_adversarial import DropsPlaceholders

    article = tmp_path / "index.md"
    article.write_text("De **gemeenten** delen kennis met de provincie.\n", encoding="utf-8")
    [result] = translate_paths(
        [article],
        DropsPlaceholders,
        Options(source_language="nl", glossary=glossary.load(GLOSSARY)),
    )
    assert result.text is not None
    assert "**municipalities**" in result.text and "province" in result.text
    assert result.stats.terms_present == result.stats.terms_expected == 2


def test_glossary_changes_invalidate_exactly_what_they_affect(
    installed: Path, tmp_path: Path, isolated: Path
) -> None:
    first = write_glossary(tmp_path, "stad,,,city,,noun,no,lower,approved,")
    (tmp_path / "changed").mkdir()
    second = write_glossary(tmp_path / "changed", "stad,,,town,,noun,no,lower,approved,")
    a = tmp_path / "a.md"
    a.write_text("De stad deelt kennis.\n\nDe kaart.\n", encoding="utf-8")
    b = tmp_path / "b.md"
    b.write_text("De gemeente deelt kennis.\n", encoding="utf-8")

    def run_with(path: Path) -> tuple[ArgosEngine, list[str]]:
        engine = ArgosEngine.load(Settings(), Memory(isolated / "memory.sqlite"))
        results = translate_paths(
            [a, b], lambda: engine, Options(source_language="nl", glossary=glossary.load(path))
        )
        return engine, [r.text or "" for r in results]

    run_with(first)
    engine, texts = run_with(second)
    assert "The town" in texts[0]
    assert engine.stats.decoded == 1  # only "De town deelt kennis." is new
    assert engine.stats.texts_remembered == 2  # "De kaart." and b's paragraph
    digest = [line for line in texts[1].splitlines() if "glossary_sha256" in line]
    assert digest  # b uses no term: its hash is that of no terms, unchanged by the edit


# --- review --------------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root, ignore=shutil.ignore_patterns("*.en.md"))
    sources = sorted(root.rglob("*.md"))
    assert (
        run(["translate", "--engine", "pseudo", "--glossary", GLOSSARY, *sources]).exit_code == 0
    )
    return root


def review_json(root: Path) -> Any:
    result = run(["glossary", "review", root, "--glossary", GLOSSARY, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_review_counts_match_a_hand_count(site: Path) -> None:
    data = review_json(site)
    terms = {t["nl"]: t for t in data["terms"]}
    assert len(data["articles"]) == 5
    # Counted by hand in content/: prose (alt texts, titles and figure captions included),
    # not comments, tags or code.
    assert terms["gemeente"]["occurrences"] == 18
    assert len(terms["gemeente"]["articles"]) == 5
    assert terms["Den Haag"]["occurrences"] == 4
    assert terms["Den Haag"]["articles"] == [
        "over-t3d/index.md",
        "projecten/digitale-tweeling-den-haag/index.md",
    ]
    assert terms["T3D"]["occurrences"] == 5
    assert "Omgevingswet" not in data["unused"]
    assert "Alkemio" in data["unused"]
    for term in terms.values():
        adherence = term["adherence"]
        # Every use has its English counterpart, front matter included, and keeps its target.
        assert adherence["expected"] == term["occurrences"], term["nl"]
        assert adherence["present"] == adherence["expected"], term["nl"]


def test_review_lists_a_human_edit_that_drops_a_term(site: Path) -> None:
    english = site / "over-t3d" / "index.en.md"
    text = english.read_text(encoding="utf-8")
    english.write_text(text.replace("core team", "kernploeg"), encoding="utf-8")
    terms = {t["nl"]: t for t in review_json(site)["terms"]}
    [violation] = terms["kernteam"]["adherence"]["violations"]
    assert violation["file"] == "over-t3d/index.en.md"
    assert "kernploeg" in violation["english"]
    assert violation["line"] == next(
        i for i, line in enumerate(text.splitlines(), start=1) if "core team" in line
    )


def test_review_suggests_candidate_terms(site: Path) -> None:
    candidates = {c["text"]: c for c in review_json(site)["candidates"]}
    assert candidates["3D-gegevens"]["kind"] == "hyphenated"
    assert candidates["3D-gegevens"]["count"] >= 2
    assert "3D-gegevens" in candidates["3D-gegevens"]["example"]
    assert not any(text.casefold() in {"gemeenten", "programma"} for text in candidates)


def test_review_table_and_csv(site: Path) -> None:
    table = run(["glossary", "review", site, "--glossary", GLOSSARY])
    assert "Glossary terms in 5 Dutch articles" in table.output
    assert "Candidate terms" in table.output
    rows = run(["glossary", "review", site, "--glossary", GLOSSARY, "--csv"]).stdout
    assert rows.splitlines()[0].startswith("kind,nl,en,count")
    assert any(line.startswith("term,gemeente,municipality,18,5,") for line in rows.splitlines())


# --- export and import ---------------------------------------------------------------------


def test_export_tbx_is_tbx_basic() -> None:
    result = run(["glossary", "export", "--format", "tbx", "--glossary", GLOSSARY])
    root = ET.fromstring(result.stdout)
    assert root.tag == "martif" and root.get("type") == "TBX-Basic"
    entries = list(root.iter("termEntry"))
    assert len(entries) == 59
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    first = {ls.get(lang): [t.text for t in ls.iter("term")] for ls in entries[0].iter("langSet")}
    assert first == {
        "nl": ["gemeente", "gemeenten", "gemeentes"],
        "en": ["municipality", "municipalities"],
    }


def test_export_csv_round_trips(tmp_path: Path) -> None:
    out = tmp_path / "export.csv"
    assert (
        run(["glossary", "export", "--format", "csv", "-o", out, "--glossary", GLOSSARY]).exit_code
        == 0
    )
    assert glossary.load(out).terms == tuple(
        t.__class__(**{**{f: getattr(t, f) for f in t.__dataclass_fields__}, "line": t2.line})
        for t, t2 in zip(glossary.load(GLOSSARY).terms, glossary.load(out).terms, strict=True)
    )


def test_import_merges_as_proposed(tmp_path: Path) -> None:
    target = write_glossary(
        tmp_path, "gemeente,,,municipality,,,noun,no,lower,approved,", header=HEADER
    )
    tbx = tmp_path / "in.tbx"
    tbx.write_text(run(["glossary", "export", "--glossary", GLOSSARY]).stdout, encoding="utf-8")
    result = run(["glossary", "import", tbx, "--glossary", target])
    assert result.exit_code == 0
    assert "added 58 proposed term(s)" in result.output and "1 already there" in result.output
    loaded = glossary.load(target)
    assert [t.nl for t in loaded.terms] == ["gemeente"]
    assert len(loaded.proposed) == 58
    registry = next(t for t in loaded.proposed if t.nl == "basisregistratie")
    assert registry.en == "key register" and registry.status == "proposed"
    assert registry.note.startswith("The government's key registers")
    verb = next(t for t in loaded.proposed if t.nl == "inwinnen")
    assert (verb.pos, verb.en, verb.en_noun) == ("verb", "acquire", "acquisition")
    again = run(["glossary", "import", tbx, "--glossary", target])
    assert "added 0 proposed term(s)" in again.output
