"""Front-matter taxonomy terms go through the glossary only, when the setting says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run, strip_provenance

GLOSSARY = (
    "nl,nl_plural,nl_variants,en,en_plural,en_noun,pos,dnt,case,status,note\n"
    "gemeente,gemeenten,,municipality,municipalities,,noun,no,lower,approved,\n"
    "puntenwolk,puntenwolken,,point cloud,point clouds,,noun,no,lower,approved,\n"
    "T3D,,,T3D,,,proper noun,yes,exact,approved,\n"
)

YAML_ARTICLE = """\
---
title: Over de gemeente
tags: [T3D, gemeenten, "Puntenwolk", onbekend woord]
categories:
  - projecten
  - 'puntenwolken'
series: gemeente
---

De gemeente maakt een puntenwolk.
"""

TOML_ARTICLE = """\
+++
title = "Over de gemeente"
tags = ["gemeenten", 'puntenwolk',
  "onbekend"]
categories = "gemeente"

[params]
tags = ["gemeenten"]
+++

De gemeente maakt een puntenwolk.
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "glossary").mkdir()
    (tmp_path / "glossary" / "terms.csv").write_text(GLOSSARY, encoding="utf-8")
    (tmp_path / "translator.toml").write_text("translate-taxonomies = true\n", "utf-8")
    (tmp_path / "hugo.toml").write_text(
        '[languages.nl]\n[languages.en]\n[taxonomies]\ntag = "tags"\ncategory = "categories"\n',
        encoding="utf-8",
    )
    (tmp_path / "content" / "a").mkdir(parents=True)
    return tmp_path


def translated(site: Path, source: str) -> tuple[str, str]:
    article = site / "content" / "a" / "index.md"
    article.write_text(source, encoding="utf-8")
    result = run(["batch", "--engine", "pseudo", "--from", "nl", site / "content"])
    assert result.exit_code == 0, result.output
    english = (article.parent / "index.en.md").read_text(encoding="utf-8")
    return strip_provenance(english), result.output


def test_yaml_terms_with_an_entry_become_english_and_the_others_stay(site: Path) -> None:
    english, _ = translated(site, YAML_ARTICLE)
    head = english.split("---\n")[1]
    assert head == (
        "title: Óvér dé municipality\n"
        'tags: [T3D, municipalities, "Point cloud", onbekend woord]\n'
        "categories:\n  - projecten\n  - 'point clouds'\n"
        "series: gemeente\n"  # not a taxonomy of this site: kept, never translated
    )


def test_terms_without_an_entry_are_reported_at_their_line(site: Path) -> None:
    _, output = translated(site, YAML_ARTICLE)
    assert "content/a/index.md:3: tags term 'onbekend woord' kept as written" in output
    assert "content/a/index.md:5: categories term 'projecten' kept as written" in output
    assert "'T3D'" not in output  # a do-not-translate entry is an entry


def test_toml_terms_keep_their_quoting_and_tables_stay(site: Path) -> None:
    english, output = translated(site, TOML_ARTICLE)
    assert english.startswith(
        '+++\ntitle = "Óvér dé municipality"\n'
        'tags = ["municipalities", \'point cloud\',\n  "onbekend"]\n'
        'categories = "municipality"\n\n[params]\ntags = ["gemeenten"]\n'
    )
    assert "content/a/index.md:4: tags term 'onbekend' kept as written" in output


def test_the_site_declares_its_own_taxonomies(site: Path) -> None:
    (site / "hugo.toml").write_text('[taxonomies]\nserie = "series"\n', encoding="utf-8")
    english, _ = translated(site, YAML_ARTICLE)
    assert "series: municipality\n" in english
    assert "tags: [T3D, gemeenten," in english  # a site that declares taxonomies has only those


def test_terms_stay_as_written_without_the_setting(site: Path) -> None:
    (site / "translator.toml").write_text("", encoding="utf-8")
    english, output = translated(site, YAML_ARTICLE)
    assert 'tags: [T3D, gemeenten, "Puntenwolk", onbekend woord]\n' in english
    assert "kept as written" not in output


def test_a_new_glossary_entry_retranslates_the_article(site: Path) -> None:
    translated(site, TOML_ARTICLE)
    with (site / "glossary" / "terms.csv").open("a", encoding="utf-8") as csv:
        csv.write("onbekend,,,unknown,,,adjective,no,lower,approved,\n")
    result = run(["batch", "--engine", "pseudo", "--from", "nl", site / "content"])
    assert result.exit_code == 0, result.output
    english = (site / "content" / "a" / "index.en.md").read_text(encoding="utf-8")
    assert '  "unknown"]\n' in english


def test_numbers_and_block_scalars_among_the_terms_stay_as_written(site: Path) -> None:
    source = (
        "---\ntitle: Over de gemeente\ntags:\n  - gemeenten\n  - 2024\n  - >-\n    gemeenten\n"
        "---\n\nDe gemeente maakt een puntenwolk.\n"
    )
    english, _ = translated(site, source)
    assert "tags:\n  - municipalities\n  - 2024\n  - >-\n    gemeenten\n" in english
