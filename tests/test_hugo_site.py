"""The repository's Hugo site, translated with the pseudo engine and built with real Hugo.

For every Dutch article page, the English page must exist, be linked as its
translation, have the same elements and link targets, keep every in-page anchor
resolving and every alert an alert, and show no Dutch: the pseudo engine
accents every vowel it translates, so a word with a plain vowel that the Dutch
page also shows is text that translator left untranslated.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import REPO, run
from translator.markdown import parse_blocks

SITE_FILES = ("hugo.toml", "layouts", "i18n", "content", "glossary")
HUGO = Path(sys.executable).parent / "hugo"
# Elements whose text is code, shown as written in both languages.
_CODE = frozenset({"code", "pre", "kbd", "script", "style"})
_PLAIN_VOWEL = re.compile(r"[aeiouAEIOU]")
# Web and e-mail addresses shown as text: kept as written, like code.
_ADDRESS = re.compile(r"\S+@\S+|https?://\S+")


@dataclass(frozen=True, slots=True)
class Page:
    """What a test needs from one built HTML page."""

    path: Path
    lang: str
    alternates: dict[str, str]
    """hreflang → href of the page's translations (itself included)."""
    elements: list[tuple[str, tuple[tuple[str, str], ...]]]
    """The article's elements in order: tag and href/src/class values."""
    ids: set[str]
    fragments: list[str]
    """The in-page anchors that the article links to."""
    texts: list[str]
    """The article's visible text nodes, code aside, in order."""
    i18n: dict[str, str]
    """Theme strings on the whole page, by their key."""


class _PageParser(HTMLParser):
    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.lang = ""
        self.alternates: dict[str, str] = {}
        self.elements: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        self.ids: set[str] = set()
        self.fragments: list[str] = []
        self.texts: list[str] = []
        self.i18n: dict[str, str] = {}
        self.article = 0
        self.code = 0
        self.i18n_key: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = values.get("lang", "")
        if tag == "link" and values.get("rel") == "alternate":
            self.alternates[values["hreflang"]] = values["href"]
        if "data-i18n" in values:
            self.i18n_key = values["data-i18n"]
        if tag == "article":
            self.article += 1
        if not self.article:
            return
        self.code += tag in _CODE
        kept = tuple((k, values[k]) for k in ("href", "src", "class") if k in values)
        self.elements.append((tag, kept))
        if "id" in values:
            self.ids.add(values["id"])
        href = values.get("href", "")
        own = self.path.parent.as_posix()
        if "#" in href and (href.startswith("#") or own.endswith(href.split("#")[0].rstrip("/"))):
            self.fragments.append(href.split("#", 1)[1])

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.article -= 1
        elif self.article:
            self.code -= tag in _CODE

    def handle_data(self, data: str) -> None:
        if self.i18n_key is not None and data.strip():
            self.i18n[self.i18n_key] = data.strip()
            self.i18n_key = None
        if self.article and not self.code and data.strip():
            self.texts.append(data.strip())


def read_page(path: Path, public: Path) -> Page:
    parser = _PageParser(Path("/") / path.relative_to(public))
    parser.feed(path.read_text(encoding="utf-8"))
    return Page(
        path,
        parser.lang,
        parser.alternates,
        parser.elements,
        parser.ids,
        parser.fragments,
        parser.texts,
        parser.i18n,
    )


@dataclass(frozen=True, slots=True)
class Site:
    root: Path
    public: Path
    batch_output: str

    def page(self, url: str) -> Page:
        return read_page(self.public / url.strip("/") / "index.html", self.public)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, module_isolated: Path) -> Site:
    root = tmp_path_factory.mktemp("site")
    for name in SITE_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("*.en.*"))
        else:
            shutil.copy2(source, root / name)
    result = run(["batch", "--engine", "pseudo", "--no-memory", root / "content"])
    assert result.exit_code == 0, result.output
    build = subprocess.run(
        [HUGO, "--quiet", "--source", root, "--destination", root / "public"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    return Site(root, root / "public", result.output)


def dutch_articles(site: Site) -> list[tuple[Path, str]]:
    """Each translated Dutch article and the URL Hugo gives it."""
    found = []
    for english in sorted((site.root / "content").rglob("index.en.md")):
        bundle = english.parent.relative_to(site.root / "content")
        found.append((english, "/" + bundle.as_posix() + "/"))
    return found


def raw_html_words(source: str) -> set[str]:
    """Words of the source's raw HTML blocks: translator keeps raw HTML as it is."""
    tokens, _ = parse_blocks(source)
    return {w for t in tokens if t.type == "html_block" for w in re.findall(r"\w+", t.content)}


def test_the_site_has_dutch_articles_with_english_translations(site: Site) -> None:
    assert len(dutch_articles(site)) >= 5


def test_every_english_page_exists_and_is_linked_as_the_translation(site: Site) -> None:
    for _, url in dutch_articles(site):
        dutch = site.page(url)
        english = site.page("/en" + url)
        assert dutch.lang == "nl-NL", url
        assert english.lang == "en-GB", url
        assert dutch.alternates == {"nl-NL": url, "en-GB": "/en" + url}, url
        assert english.alternates == dutch.alternates, url


def test_english_pages_have_the_same_elements_and_targets(site: Site) -> None:
    for _, url in dutch_articles(site):
        dutch, english = site.page(url), site.page("/en" + url)
        en_elements = [(tag, _localised(attrs)) for tag, attrs in english.elements]
        assert en_elements == dutch.elements, url


def _localised(attrs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """An English page's link to another page of the site, as the Dutch page has it."""
    return tuple(
        (k, re.sub(r"^(https://example\.nl)?/en/", r"\1/", v) if k == "href" else v)
        for k, v in attrs
    )


def test_every_in_page_anchor_resolves(site: Site) -> None:
    checked = 0
    for _, url in dutch_articles(site):
        for page in (site.page(url), site.page("/en" + url)):
            missing = [f for f in page.fragments if f not in page.ids]
            assert not missing, f"{page.path}: no element with id {missing}"
            checked += len(page.fragments)
    assert checked >= 10


def test_alerts_stay_alerts(site: Site) -> None:
    english = site.page("/en/nieuws/nieuwe-website/")
    alerts = [attrs for tag, attrs in english.elements if tag == "details"]
    assert alerts == [(("class", "alert alert-note"),), (("class", "alert alert-tip"),)]
    assert "Hándígé zóéktíps" in english.texts  # a custom alert title is translated


def test_no_visible_dutch_is_left(site: Site) -> None:
    for source, url in dutch_articles(site):
        dutch, english = site.page(url), site.page("/en" + url)
        kept = raw_html_words((source.parent / _dutch_name(source)).read_text(encoding="utf-8"))
        dutch_words = {w for text in dutch.texts for w in re.findall(r"\w+", text)}
        untranslated = {
            word
            for text in english.texts
            if not _english_note(text)
            for word in re.findall(r"\w+", _ADDRESS.sub("", text))
            if _PLAIN_VOWEL.search(word) and word in dutch_words and word not in kept
        }
        assert not untranslated, f"{url}: untranslated {sorted(untranslated)}"


def _dutch_name(english: Path) -> str:
    return next(
        p.name for p in english.parent.iterdir() if p.suffix == ".md" and ".en." not in p.name
    )


def _english_note(text: str) -> bool:
    """The one English sentence of the content, kept as English by design."""
    return text.startswith("Note: an English summary")


def test_theme_strings_are_english(site: Site) -> None:
    dutch = site.page("/nieuws/")
    english = site.page("/en/nieuws/")
    assert dutch.i18n["readMore"] == "Lees verder"
    assert english.i18n["readMore"] == "Léés vérdér"
    assert english.i18n["footer"] == "Één wébsíté ván hét prógrámmá T3D"
    article = site.page("/en/nieuws/nieuwe-website/")
    assert article.i18n["note"] == "Ópmérkíng"
    assert (site.root / "i18n" / "en.toml").is_file()


# --- small sites of their own: JSON theme strings, block attributes ------------------------

_SMALL_SITE = """\
baseURL = "https://example.nl/"
defaultContentLanguage = "nl"
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotstxt", "404"]
[languages.nl]
locale = "nl-NL"
weight = 1
[languages.en]
locale = "en-GB"
weight = 2
"""
_SMALL_LAYOUT = """\
<!DOCTYPE html>
<html lang="{{ site.Language.Locale }}">
<body>
<p data-i18n="readMore">{{ i18n "readMore" }}</p>
<p data-i18n="pages-1">{{ i18n "pages" 1 }}</p>
<p data-i18n="pages-5">{{ i18n "pages" 5 }}</p>
<p data-i18n="nav.home">{{ i18n "nav.home" }}</p>
<article>{{ .Content }}</article>
</body>
</html>
"""


def small_site(root: Path, config: str, pages: dict[str, str]) -> Path:
    """A one-layout bilingual site: ``pages`` maps content paths to their Dutch Markdown."""
    (root / "hugo.toml").write_text(_SMALL_SITE + config, encoding="utf-8")
    for name in ("home.html", "page.html"):
        (root / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "layouts" / name).write_text(_SMALL_LAYOUT, encoding="utf-8")
    for name, text in pages.items():
        (root / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / name).write_text(text, encoding="utf-8")
    return root


def translate_and_build(root: Path) -> Site:
    """``translator batch --engine pseudo``, then Hugo; Hugo must not warn about anything."""
    result = run(["batch", "--engine", "pseudo", "--no-memory", root / "content"])
    assert result.exit_code == 0, result.output
    build = subprocess.run(
        [HUGO, "--logLevel", "warn", "--source", root, "--destination", root / "public"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    assert "WARN" not in build.stdout + build.stderr, build.stdout + build.stderr
    assert "ERROR" not in build.stdout + build.stderr, build.stdout + build.stderr
    return Site(root, root / "public", result.output)


def test_json_theme_strings_build_with_hugo_and_show_english(tmp_path: Path) -> None:
    root = small_site(tmp_path, "", {"_index.md": "Welkom op de site.\n"})
    (root / "i18n").mkdir()
    (root / "i18n" / "nl.json").write_text(
        '{\n  "readMore": "Lees verder",\n'
        '  "pages": {"description": "Onder een lijst", "one": "{{ .Count }} pagina",'
        ' "other": "{{ .Count }} pagina\'s"},\n'
        '  "nav": {"home": "Startpagina"}\n}\n',
        encoding="utf-8",
    )
    run(["batch", "--engine", "pseudo", "--no-memory", root / "content"])
    english = root / "i18n" / "en.json"
    english.write_text(english.read_text("utf-8").replace("Stártpágíná", "Home"), "utf-8")
    site = translate_and_build(root)  # a second run: the correction is kept
    assert site.page("/").i18n == {
        "readMore": "Lees verder",
        "pages-1": "1 pagina",
        "pages-5": "5 pagina's",
        "nav.home": "Startpagina",
    }
    assert site.page("/en/").i18n == {
        "readMore": "Léés vérdér",
        "pages-1": "1 págíná",
        "pages-5": "5 págíná's",
        "nav.home": "Home",
    }


_BLOCK_ATTRIBUTES = """\
Dit is een alinea over de stad.
{.uitgelicht}

> Een citaat over het plan van de stad.
{.citaat}

- een punt over de wijk
- nog een punt over de straat
{.lijst}

Een laatste alinea met [een link](https://example.nl/) erin.
{#slot .einde}
"""


@pytest.mark.parametrize("block", ["false", "true"])
def test_block_attributes_keep_the_page_structure_whatever_the_setting(
    tmp_path: Path, block: str
) -> None:
    config = f"[markup.goldmark.parser.attribute]\nblock = {block}\n"
    site = translate_and_build(small_site(tmp_path, config, {"a/index.md": _BLOCK_ATTRIBUTES}))
    dutch, english = site.page("/a/"), site.page("/en/a/")
    assert english.elements == dutch.elements
    assert english.ids == dutch.ids
    classes = {value for _, attrs in dutch.elements for name, value in attrs if name == "class"}
    shown = [found for text in english.texts for found in re.findall(r"\{[^}]*\}", text)]
    if block == "true":  # attributes: the same classes and ids on both pages, none shown
        assert classes == {"uitgelicht", "citaat", "lijst", "einde"} and "slot" in dutch.ids
        assert shown == []
    else:  # text, shown as written on both pages, in the same elements
        assert classes == set() and not dutch.ids
        assert shown == ["{.uitgelicht}", "{.citaat}", "{.lijst}", "{#slot .einde}"]
        assert shown == re.findall(r"\{[^}]*\}", " ".join(dutch.texts))
