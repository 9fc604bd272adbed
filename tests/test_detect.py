"""Language detection: cheaper than before, the same answers on every corpus we have,
and the site's declared language for pages too short to tell."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from markdown_it.utils import read_fixture_file

from tests.conftest import CONTENT, SHARED, run
from translator import detect, protect
from translator.errors import ConfigError, TranslatorError
from translator.pipeline import Article, Options, load

FIXTURES = Path(__file__).parent / "fixtures"


# --- the reference: detection as it was, every profile, every segment, the whole text ----------


def _reference_detect(text: str, min_letters: int) -> tuple[str, float]:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    text = detect._PLACEHOLDERS.sub(" ", text)
    if sum(c.isalpha() for c in text) < min_letters:
        return "unknown", 0.0
    try:
        ranked = detect_langs(text)
    except LangDetectException:
        return "unknown", 0.0
    dutch = {str(r.lang): float(r.prob) for r in ranked}.get("nl", 0.0)
    if ranked[0].lang == "af" and dutch >= detect.AFRIKAANS_MARGIN:
        return "nl", dutch  # the one change on purpose: Afrikaans close to Dutch is Dutch
    return str(ranked[0].lang), float(ranked[0].prob)


def _reference_english(text: str) -> bool:
    language, probability = _reference_detect(text, detect.SEGMENT_MIN_LETTERS)
    return language == "en" and probability >= detect.SEGMENT_MIN_PROBABILITY


def _reference(article: Article) -> tuple[str, tuple[object, ...], frozenset[int]]:
    segments = article.plain
    language, _ = _reference_detect(" ".join(s.prose for s in segments), detect.MIN_LETTERS)
    if language != "nl":
        return language, (), frozenset()
    kept = tuple(protect.keep_elements(s, article.raw, _reference_english) for s in segments)
    english = frozenset(
        i for i, s in enumerate(kept) if s.translatable and _reference_english(s.prose)
    )
    return language, kept, english


def _corpus() -> list[tuple[str, str, bool]]:
    """(name, text, has front matter): the sample site, the fixtures, the CommonMark spec."""
    texts = [
        (str(p.relative_to(CONTENT)), p.read_text("utf-8"), True)
        for p in sorted(CONTENT.rglob("*.md"))
        if ".en." not in p.name
    ]
    texts += [
        (f"{path.name}:{line}", source, True)
        for path in sorted(FIXTURES.glob("*.md"))
        for line, _title, source, _expected in read_fixture_file(path)
    ]
    spec = json.loads((SHARED / "commonmark" / "spec-0.31.2.json").read_text("utf-8"))
    texts += [(f"spec:{e['example']}", e["markdown"], False) for e in spec]
    return texts


def test_detection_gives_the_same_answers_as_before_on_every_corpus() -> None:
    differences: list[tuple[str, str, object, object]] = []
    checked = dutch = 0
    for name, text, front_matter in _corpus():
        try:
            article = load(Path(name), Options(front_matter=front_matter), text=text)
        except TranslatorError:
            continue  # fixtures of broken front matter
        if not text.strip():
            continue
        language, kept, english = _reference(article)
        checked += 1
        ours = article.language.language
        if ours != language:
            differences.append((name, "language", language, ours))
        elif ours == "nl":
            dutch += 1
            if article.english != english or article.segments != kept:
                differences.append((name, "english", sorted(english), sorted(article.english)))
    assert differences == []
    assert checked > 700 and dutch > 20  # the corpora were really looked at


# --- what changed on purpose --------------------------------------------------------------------


def test_title_summary_and_description_count_with_the_body(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Over de samenwerking tussen gemeenten\n"
        "description: De gemeenten delen hun kennis over 3D-gegevens met elkaar.\n---\n\n"
        "- [Home](/)\n- [Contact](/contact)\n"
    )
    article = load(tmp_path / "index.md", Options(), text=text)
    assert article.language.language == "nl"


def test_afrikaans_close_to_dutch_is_dutch() -> None:
    # langdetect alone takes these short Dutch headings for Afrikaans.
    heading = "Eerste kop Tweede kop Zesde kop"
    assert detect.detect(heading).language == "af"
    assert detect.article_language([heading]).language == "nl"
    afrikaans = "Die program ondersteun munisipaliteite wat met driedimensionele data werk."
    assert detect.article_language([afrikaans]).language == "af"


def test_mdx_import_lines_are_not_prose() -> None:
    imports = "import Chart from '../components/Chart'\nexport const meta = {title: 'x'}"
    dutch = "De gemeenten delen hun resultaten met elkaar."
    assert detect._sample([imports, dutch]) == dutch
    assert detect.article_language([imports, dutch]).language == "nl"


def test_the_sample_is_bounded() -> None:
    long = "De gemeenten delen hun resultaten met elkaar. " * 1000
    assert len(detect._sample([long, long])) == detect.SAMPLE_CHARS


def test_segments_are_checked_only_in_dutch_articles(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = detect.is_clearly_english

    def counted(text: str) -> bool:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(detect, "is_clearly_english", counted)
    english = "---\ntitle: Community update\n---\n\n" + "We share what we learned. " * 10
    load(Path("index.md"), Options(), text=english)
    assert calls == []


def test_dutch_segments_skip_langdetect(monkeypatch: pytest.MonkeyPatch) -> None:
    dutch = "Het programma ondersteunt gemeenten bij het werken met 3D-geo-informatie."
    english = "The programme supports municipalities that work with 3D geo-information."
    assert not detect._maybe_english(dutch)
    assert detect._maybe_english(english)
    assert detect.is_clearly_english(english)
    calls: list[str] = []
    real = detect._ranked

    def counted(factory: Any, text: str) -> list[tuple[str, float]]:
        calls.append(text)
        return real(factory, text)

    monkeypatch.setattr(detect, "_ranked", counted)
    article = load(CONTENT / "over-t3d" / "index.md", Options())
    assert article.dutch and sum(s.translatable for s in article.segments) == 12
    assert len(calls) == 1  # the article; none of its Dutch segments


# --- the site's language ------------------------------------------------------------------------


SHORT = "---\ntitle: Links\n---\n\n- [VNG](https://vng.nl)\n- [Kadaster](https://kadaster.nl)\n"


@pytest.mark.parametrize(
    ("name", "config"),
    [
        ("hugo.toml", 'defaultContentLanguage = "nl"\n'),
        ("config.yaml", "defaultContentLanguage: nl-NL\n"),
        ("config/_default/hugo.json", '{"defaultcontentlanguage": "nl"}'),
    ],
)
def test_the_site_language_comes_from_hugo(tmp_path: Path, name: str, config: str) -> None:
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(config, encoding="utf-8")
    (tmp_path / "content" / "links").mkdir(parents=True)
    assert detect.site_language(tmp_path / "content" / "links") == "nl"


def test_no_declaration_is_no_language(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text('title = "T3D"\n', encoding="utf-8")
    assert detect.site_language(tmp_path) is None
    assert detect.site_language(tmp_path / "nowhere") is None


def test_a_broken_hugo_config_names_itself(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text("defaultContentLanguage = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"hugo\.toml: cannot read the Hugo configuration"):
        detect.site_language(tmp_path)


def test_short_pages_follow_the_site_and_long_english_ones_do_not(tmp_path: Path) -> None:
    site = Options(site_language="nl")
    short = load(tmp_path / "index.md", Options(), text=SHORT)
    assert short.language.language == "unknown"
    followed = load(tmp_path / "index.md", site, text=SHORT)
    assert followed.language == detect.Detection("nl", 0.0, site=True)
    english = (CONTENT / "english" / "community-update" / "index.md").read_text("utf-8")
    assert load(tmp_path / "index.md", site, text=english).language.language == "en"
    assert replace(site, site_language=None) == Options()


def test_batch_translates_short_pages_of_a_dutch_site(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text('defaultContentLanguage = "nl"\n', encoding="utf-8")
    page = tmp_path / "content" / "links" / "index.md"
    page.parent.mkdir(parents=True)
    page.write_text(SHORT, encoding="utf-8")
    result = run(["batch", "--engine", "pseudo", tmp_path / "content"])
    assert result.exit_code == 0, result.output
    assert page.with_name("index.en.md").is_file()
    assert "1 translated" in result.output


def test_the_source_language_setting_wins_over_hugo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # where translator.toml is found
    (tmp_path / "hugo.toml").write_text('defaultContentLanguage = "en"\n', encoding="utf-8")
    (tmp_path / "translator.toml").write_text('source-language = "nl"\n', encoding="utf-8")
    page = tmp_path / "content" / "links" / "index.md"
    page.parent.mkdir(parents=True)
    page.write_text(SHORT, encoding="utf-8")
    result = run(["translate", "--engine", "pseudo", page])
    assert result.exit_code == 0, result.output
    assert page.with_name("index.en.md").is_file()


def test_detect_command_says_when_the_site_decided(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text('defaultContentLanguage = "nl"\n', encoding="utf-8")
    page = tmp_path / "content" / "index.md"
    page.parent.mkdir(parents=True)
    page.write_text(SHORT, encoding="utf-8")
    result = run(["detect", page])
    assert result.exit_code == 0
    assert (
        result.output
        == f"{page}\tnl\t0.00\t(the site's language: the prose alone does not tell)\n"
    )
