"""The bilingual review page: its HTML parsed, and the page driven in headless Chromium."""

from __future__ import annotations

import shutil
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CONTENT, GLOSSARY, REPO, run
from tests.test_adversarial import DropsPlaceholders
from translator import glossary
from translator.output import write_atomic
from translator.pipeline import Options, translate_paths
from translator.verify import VOID_ELEMENTS

VOID = VOID_ELEMENTS


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def all(self, tag: str, **attrs: str) -> list[Node]:
        found = []
        for child in self.children:
            if child.tag == tag and all(
                v in child.attrs.get(k.rstrip("_"), "").split() or child.attrs.get(k) == v
                for k, v in attrs.items()
            ):
                found.append(child)
            found += child.all(tag, **attrs)
        return found

    def words(self) -> str:
        return self.text + "".join(c.words() for c in self.children)


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:  # <br /> arrives as a start and an end tag
            return
        while len(self.stack) > 1:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(Node("#text", {}, text=data))


def parse(html: str) -> Node:
    tree = _Tree()
    tree.feed(html)
    return tree.root


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A translated site with one human edit and one changed Dutch paragraph."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root, ignore=shutil.ignore_patterns("*.en.md"))
    assert run(["batch", "--engine", "pseudo", "--glossary", GLOSSARY, root]).exit_code == 0
    english = root / "over-t3d" / "index.en.md"
    english.write_text(english.read_text("utf-8").replace("core team", "kernploeg"), "utf-8")
    source = root / "over-t3d" / "index.md"
    source.write_text(source.read_text("utf-8") + "\nEen extra alinea over de stad.\n", "utf-8")
    return root


def review(root: Path, *args: str) -> tuple[Path, Node]:
    out = root.parent / "review.html"
    result = run(["review", root, "-o", out, "--glossary", GLOSSARY, *args])
    assert result.exit_code == 0, result.output
    return out, parse(out.read_text("utf-8"))


def segment_rows(page: Node) -> list[Node]:
    return page.all("tr", class_="segment")


def test_index_and_states(site: Path) -> None:
    _, page = review(site)
    [index] = page.all("table", class_="index")
    states = {row.all("a")[0].words(): row.attrs["data-status"] for row in index.all("tr")[1:]}
    assert states == {
        "english/community-update/index.md": "skipped",
        # Translated by the last run that wrote them, and not reviewed since.
        "kennisbank/inwintechnieken/index.nl.md": "translated",
        "nieuws/nieuwe-website/index.md": "translated",
        "nieuws/samenwerking-3d-gemeenten/index.md": "translated",
        "over-t3d/index.md": "stale",
        "projecten/digitale-tweeling-den-haag/index.md": "translated",
    }
    summary = page.all("dl", class_="summary")[0].words()
    assert "adherence 106/107" in summary and "pseudo none" in summary


def test_segments_side_by_side_with_flags(site: Path) -> None:
    _, page = review(site)
    rows = segment_rows(page)
    assert len(rows) == 87
    for row in rows:
        cells = row.all("td")
        assert [c.attrs.get("class") for c in cells[:3]] == ["line", "nl", "en"]
        assert cells[1].attrs["lang"] == "nl" and cells[2].attrs["lang"] == "en"
    human = [r for r in rows if "human" in r.attrs["data-flags"].split()]
    assert len(human) == 1
    assert "kernploeg" in human[0].words()
    assert "miss" in human[0].attrs["data-flags"]
    assert "expected “core team”" in human[0].words()
    pending = [r for r in rows if "not translated yet" in r.words()]
    assert [r.all("td")[1].words() for r in pending] == ["Een extra alinea over de stad."]
    assert "changed" in pending[0].attrs["data-flags"].split()


def test_terms_share_a_colour_in_both_columns(site: Path) -> None:
    _, page = review(site)
    row = next(
        r
        for r in segment_rows(page)
        if r.all("td")[1].words().startswith("Twaalf gemeenten hebben")
    )
    nl, en = row.all("td")[1], row.all("td")[2]
    dutch = {m.attrs["class"].split()[-1]: m.words() for m in nl.all("mark")}
    english = {m.attrs["class"].split()[-1]: m.words() for m in en.all("mark")}
    assert set(dutch) == set(english)
    pairs = {(dutch[k], english[k]) for k in dutch}
    assert ("gemeenten", "municipalities") in pairs
    assert ("samenwerkingsverband", "partnership") in pairs
    dnt = [m for m in en.all("mark") if "dnt" in m.attrs["class"].split()]
    assert {m.words() for m in dnt} == {"T3D", "VNG"}


def test_the_page_needs_nothing_beside_it(site: Path) -> None:
    out, page = review(site)
    html = out.read_text("utf-8")
    assert not page.all("link")
    assert all("src" not in s.attrs for s in page.all("script"))
    images = page.all("img")
    assert len(images) >= 6
    assert all(img.attrs["src"].startswith("data:image/png;base64,") for img in images)
    # Raw HTML from articles is shown, not run.
    assert "&lt;abbr" in html and "<abbr" not in html
    # Line numbers link back to the source files, relative to the page (file:// works).
    links = {a.attrs["href"] for cell in page.all("td", class_="line") for a in cell.all("a")}
    assert len(links) == 5
    assert all((out.parent / link).is_file() and link.endswith(".md") for link in links)


def test_pictures_stand_where_the_article_has_them(site: Path) -> None:
    _, page = review(site)
    [section] = [s for s in page.all("section") if "projecten" in s.words()[:80]]
    kinds = [r.attrs["class"] for r in section.all("tr") if r.attrs.get("class")]
    assert "picture" in kinds  # the figure shortcode's image
    first_picture = kinds.index("picture")
    assert 0 < first_picture < len(kinds) - 1


def test_only_changed(site: Path) -> None:
    # A change outside the prose (code) reuses every segment: the run translates nothing.
    article = site / "projecten" / "digitale-tweeling-den-haag" / "index.md"
    article.write_text(article.read_text("utf-8").replace("uur=12", "uur=13"), "utf-8")
    news = site / "nieuws" / "samenwerking-3d-gemeenten" / "index.md"
    news.write_text(news.read_text("utf-8").replace("Iedere gemeente", "Elke gemeente"), "utf-8")
    assert run(["batch", "--engine", "pseudo", "--glossary", GLOSSARY, site]).exit_code == 0
    _, page = review(site, "--only-changed")
    sections = {s.all("span", class_="path")[0].words(): s for s in page.all("section")}
    # A run that translated nothing new there keeps its earlier list of new segments:
    # nobody has reviewed that first translation yet.
    projecten = sections["projecten/digitale-tweeling-den-haag/index.md"]
    assert len(segment_rows(projecten)) == 21
    news_rows = segment_rows(sections["nieuws/samenwerking-3d-gemeenten/index.md"])
    assert [r.all("td")[1].words()[:20] for r in news_rows] == ["Elke gemeente loopt "]


def test_english_and_repaired_badges(tmp_path: Path) -> None:
    root = tmp_path / "content"
    root.mkdir()
    article = root / "index.md"
    article.write_text(
        "De **gemeenten** delen hun resultaten met elkaar en met het ministerie.\n\n"
        "This paragraph was written in English for our international partners.\n",
        "utf-8",
    )
    [result] = translate_paths(
        [article], DropsPlaceholders, Options(glossary=glossary.load(GLOSSARY))
    )
    assert result.text is not None and result.stats.fallbacks == 1
    write_atomic(root / "index.en.md", result.text)
    _, page = review(root)
    flags = [set(r.attrs["data-flags"].split()) for r in segment_rows(page)]
    assert flags == [{"changed", "repaired"}, {"english"}]


# --- in a browser ------------------------------------------------------------------------------


def _not_blank(png: bytes) -> bool:
    """Whether a screenshot shows something: filtered scanlines of a blank page are ~all zero."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    data, at = b"", 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at : at + 8])
        if kind == b"IDAT":
            data += png[at + 8 : at + 8 + length]
        at += 12 + length
    pixels = zlib.decompress(data)
    return sum(1 for b in pixels if b) / len(pixels) > 0.02


@contextmanager
def chromium(tmp_path: Path) -> Iterator[Any]:
    """Headless Chromium driven by selenium (Debian's chromium and chromium-driver)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    assert binary and driver_path, "make install puts Debian's chromium and chromium-driver here"
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1800",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield browser
    finally:
        browser.quit()


def test_in_headless_chromium(site: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    out, _ = review(site)
    with chromium(tmp_path) as browser:
        browser.get(out.as_uri())
        screenshot = browser.get_screenshot_as_png()
        (REPO / "build").mkdir(exist_ok=True)
        (REPO / "build" / "review-screenshot.png").write_bytes(screenshot)
        assert _not_blank(screenshot)
        assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Translation review")
        rows = browser.find_elements(By.CSS_SELECTOR, "tr.segment")
        assert len(rows) == 87 and all(r.is_displayed() for r in rows)

        browser.find_element(By.CSS_SELECTOR, 'button[data-filter="human"]').click()
        shown = [r for r in rows if r.is_displayed()]
        assert len(shown) == 1 and "human" in (shown[0].get_attribute("data-flags") or "")
        pressed = browser.find_element(By.CSS_SELECTOR, 'button[aria-pressed="true"]')
        assert pressed.get_attribute("data-filter") == "human"

        browser.find_element(By.CSS_SELECTOR, 'button[data-filter="all"]').click()
        assert all(r.is_displayed() for r in rows)

        flagged = [r for r in rows if r.get_attribute("data-flags")]
        body = browser.find_element(By.TAG_NAME, "body")
        body.send_keys("j")
        assert browser.switch_to.active_element.get_attribute("id") == flagged[0].get_attribute(
            "id"
        )
        browser.switch_to.active_element.send_keys("j")
        assert browser.switch_to.active_element.get_attribute("id") == flagged[1].get_attribute(
            "id"
        )
        browser.switch_to.active_element.send_keys("k")
        assert browser.switch_to.active_element.get_attribute("id") == flagged[0].get_attribute(
            "id"
        )


def flagged(page: Node, flag: str = "changed") -> list[str]:
    return [
        r.all("td")[1].words() for r in segment_rows(page) if flag in r.attrs["data-flags"].split()
    ]


def test_new_means_new_since_the_last_review(site: Path, isolated: Path) -> None:
    assert run(["batch", "--engine", "pseudo", "--glossary", GLOSSARY, site]).exit_code == 0
    _, page = review(site)
    assert len(flagged(page)) > 50  # nothing reviewed yet: what the last runs translated
    marked = run(["review", "--mark-reviewed", site])
    assert marked.exit_code == 0, marked.output
    assert "marked 86 segments as reviewed in" in marked.output
    assert not [p for p in site.rglob("*") if "review" in p.name]  # nothing in the tree
    assert list((isolated / "cache" / "translator" / "reviewed").glob("*.json"))
    _, page = review(site)
    assert flagged(page) == []
    assert "new since the last review" in page.all("nav")[0].words()

    # After the review: one paragraph changes in Dutch, a person corrects another.
    news = site / "nieuws" / "samenwerking-3d-gemeenten" / "index.md"
    news.write_text(news.read_text("utf-8").replace("Iedere gemeente", "Elke gemeente"), "utf-8")
    assert run(["batch", "--engine", "pseudo", "--glossary", GLOSSARY, site]).exit_code == 0
    english = site / "over-t3d" / "index.en.md"
    english.write_text(english.read_text("utf-8").replace("kernploeg", "core team"), "utf-8")
    _, page = review(site)
    new = flagged(page)
    assert len(new) == 2
    assert new[0].startswith("Elke gemeente") or new[1].startswith("Elke gemeente")
    _, only = review(site, "--only-changed")
    assert len(segment_rows(only)) == 2
    paths = {s.all("span", class_="path")[0].words() for s in only.all("section")}
    assert paths == {
        "english/community-update/index.md",  # skipped: still worth a look
        "nieuws/samenwerking-3d-gemeenten/index.md",
        "over-t3d/index.md",
    }


def test_marks_can_live_in_a_named_file(site: Path, tmp_path: Path) -> None:
    marks = tmp_path / "reviewed.json"
    assert run(["review", "--mark-reviewed", "--marks", marks, site]).exit_code == 0
    assert marks.is_file()
    _, page = review(site, "--marks", str(marks))
    assert flagged(page) == ["Een extra alinea over de stad."]  # only the untranslated one
    marks.write_text("not json", encoding="utf-8")
    broken = run(["review", "--marks", marks, site])
    assert broken.exit_code == 1
    assert f"Error: {marks}: cannot read the review marks" in broken.output


def test_hard_breaks_are_breaks_in_both_columns(site: Path) -> None:
    _, page = review(site)
    [row] = [r for r in segment_rows(page) if "Bezoekadres" in r.all("td")[1].words()]
    for cell in row.all("td")[1:]:
        assert cell.all("br"), cell.words()
        assert "\\" not in cell.words()


def test_pictures_show_in_both_columns(site: Path) -> None:
    _, page = review(site)
    pictures = page.all("tr", class_="picture")
    assert pictures
    for row in pictures:
        [nl] = row.all("td", class_="nl")
        [en] = row.all("td", class_="en")
        assert nl.all("img") and en.all("img")
        assert nl.all("img")[0].attrs["src"] == en.all("img")[0].attrs["src"]


def test_a_skipped_article_is_a_note_not_an_error(site: Path) -> None:
    _, page = review(site)
    [section] = [s for s in page.all("section") if s.attrs["data-status"] == "skipped"]
    assert not section.all("p", class_="error")
    [note] = section.all("p", class_="skip-note")
    assert "not Dutch" in note.words()


def test_a_word_for_word_model_is_bannered(site: Path, installed: Path) -> None:
    _, page = review(site)
    assert not page.all("p", class_="banner")  # the pseudo engine is no model
    assert run(["batch", "--engine", "argos", "--no-glossary", site]).exit_code == 0
    _, page = review(site)
    [banner] = page.all("p", class_="banner")
    assert "Not a real translation." in banner.words()
    assert "translator-test@1.0" in banner.words()
