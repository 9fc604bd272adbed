"""Hugo's Markdown, Hugo's configuration and Hugo's theme strings, one behaviour per test."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import run, strip_provenance
from tests.test_hugo_site import HUGO
from translator import theme_strings
from translator.engines.pseudo import PseudoEngine
from translator.errors import FrontMatterError, OutputError
from translator.hugo import find_site
from translator.markdown import ID_TYPES, Goldmark
from translator.pipeline import Options, translate_text
from translator.segment import anchorize, unkept_ids

DUTCH = Options(source_language="nl", front_matter=False)


def pseudo(source: str, options: Options = DUTCH) -> str:
    return strip_provenance(translate_text(source, PseudoEngine(), options))


def translate_beside(config: Path, settings: str, article: Path, body: str) -> Result:
    """``translator translate`` with the pseudo engine on one article, after writing a
    configuration file (``hugo.toml`` or ``translator.toml``) with ``settings``."""
    config.write_text(settings, encoding="utf-8")
    article.parent.mkdir(parents=True, exist_ok=True)
    article.write_text(body, encoding="utf-8")
    return run(["translate", "--engine", "pseudo", "--from", "nl", article])


# --- parsing as Hugo does --------------------------------------------------------------------


def test_a_link_through_a_ref_shortcode_is_a_link() -> None:
    source = 'Lees de [verwijzing]({{< ref "/blog/x" >}}) en [meer]({{< relref "y" >}} "Titel").\n'
    assert pseudo(source) == (
        'Léés dé [vérwíjzíng]({{< ref "/blog/x" >}}) én [méér]({{< relref "y" >}} "Títél").\n'
    )


def test_alert_markers_attributes_more_and_emoji_stay_as_written() -> None:
    source = (
        "> [!NOTE]\n> Let op de datum.\n\n"
        "> [!TIP]- Handige tip\n> Kijk hier.\n\n"
        "## Inhoud {#inhoud .breed}\n\n"
        "Een alinea met klasse. :tada:\n{.uitgelicht}\n\n"
        "<!--more-->\n"
    )
    assert pseudo(source) == (
        "> [!NOTE]\n> Lét óp dé dátúm.\n\n"
        "> [!TIP]- Hándígé típ\n> Kíjk híér.\n\n"
        "## Ínhóúd {#inhoud .breed}\n\n"
        "Één álínéá mét klássé. :tada:\n{.uitgelicht}\n\n"
        "<!--more-->\n"
    )


def test_headings_that_links_point_to_keep_their_dutch_ids() -> None:
    source = (
        "## De kaart van de stad\n\n## Inhoud {.breed}\n\n## Zonder link\n\n"
        "Naar de [kaart](#de-kaart-van-de-stad) en de [inhoud](#inhoud).\n"
    )
    assert pseudo(source) == (
        "## Dé káárt ván dé stád {#de-kaart-van-de-stad}\n\n"
        "## Ínhóúd {#inhoud .breed}\n\n"
        "## Zóndér línk\n\n"
        "Náár dé [káárt](#de-kaart-van-de-stad) én dé [ínhóúd](#inhoud).\n"
    )


HEADINGS = """\
## Café & *thee* `code` [link](x) 1.2 über_x — ok
## Inhoud
## Inhoud
## Inhoud-1
## ÉÉN twee   drie!?
Setext kop
----------
"""


def test_heading_ids_are_the_ones_hugo_gives(tmp_path: Path) -> None:
    """Build the Dutch source with real Hugo: every id translator writes is Hugo's own."""
    links = "".join(f"[{n}](#{i}) " for n, i in enumerate(_hugo_ids(tmp_path, HEADINGS)))
    english = pseudo(HEADINGS + "\n" + links + "\n")
    explicit = re.findall(r"\{#([^}\s]+)\}", english)
    assert explicit == _hugo_ids(tmp_path, HEADINGS + "\n" + links + "\n")
    assert len(explicit) == 6


@pytest.mark.parametrize("id_type", ID_TYPES)
def test_heading_ids_of_each_configured_type_are_the_ones_hugo_gives(
    tmp_path: Path, id_type: str
) -> None:
    """``autoHeadingIDType`` changes the ids: translator keeps the ones this Hugo gives."""
    config = f'[markup.goldmark.parser]\nautoHeadingIDType = "{id_type}"\n'
    links = "".join(f"[{n}](#{i}) " for n, i in enumerate(_hugo_ids(tmp_path, HEADINGS, config)))
    options = replace(DUTCH, goldmark=Goldmark(id_type=id_type))
    english = pseudo(HEADINGS + "\n" + links + "\n", options)
    explicit = re.findall(r"\{#([^}\s]+)\}", english)
    assert explicit == _hugo_ids(tmp_path, HEADINGS + "\n" + links + "\n", config)
    assert len(explicit) == 6


def test_the_id_types_differ_on_these_headings() -> None:
    """So that the test above cannot pass with one algorithm for every type."""
    ids = {t: anchorize("Café & thee — 1.2 über_x", t) for t in ID_TYPES}
    assert ids == {
        "github": "café--thee--12-über_x",
        "github-ascii": "cafe--thee--12-uber_x",
        "blackfriday": "café-thee-1-2-über-x",
    }


@pytest.mark.parametrize("id_type", ID_TYPES)
def test_with_heading_attributes_off_ids_are_computed_from_the_whole_text(
    tmp_path: Path, id_type: str
) -> None:
    """``{#inhoud}`` is heading text when ``parser.attribute.title`` is false."""
    config = (
        f'[markup.goldmark.parser]\nautoHeadingIDType = "{id_type}"\n'
        "[markup.goldmark.parser.attribute]\ntitle = false\n"
    )
    body = "## Inhoud {#inhoud}\n\n## Inhoud {.breed}\n\n## Kop\n"
    ids = _hugo_ids(tmp_path, body, config)
    links = "".join(f"[x](#{i}) " for i in ids)
    goldmark = Goldmark(heading_attributes=False, id_type=id_type)
    found = unkept_ids(body + "\n" + links + "\n", goldmark)
    assert [anchor for _, anchor in found] == ids
    assert [line for line, _ in found] == [1, 3, 5]


def _hugo_ids(tmp_path: Path, body: str, config: str = "") -> list[str]:
    site = tmp_path / "ids"
    (site / "content").mkdir(parents=True, exist_ok=True)
    (site / "layouts").mkdir(exist_ok=True)
    (site / "hugo.toml").write_text('baseURL = "https://x/"\n' + config, encoding="utf-8")
    (site / "layouts" / "single.html").write_text("{{ .Content }}", encoding="utf-8")
    (site / "content" / "p.md").write_text("---\ntitle: p\n---\n" + body, encoding="utf-8")
    subprocess.run([HUGO, "--quiet", "-s", site, "-d", site / "public"], check=True)
    html = (site / "public" / "p" / "index.html").read_text(encoding="utf-8")
    return re.findall(r'<h\d id="([^"]+)"', html)


def test_alt_texts_titles_and_figure_parameters_are_translated() -> None:
    source = (
        '![Kaart van de stad](kaart.png "Een kaart")\n\n'
        '{{< figure src="kaart.png" caption="De kaart" alt="Een kaart" class="breed" >}}\n'
    )
    assert pseudo(source) == (
        '![Káárt ván dé stád](kaart.png "Één káárt")\n\n'
        '{{< figure src="kaart.png" caption="Dé káárt" alt="Één káárt" class="breed" >}}\n'
    )


def test_a_setting_keeps_alt_texts_and_titles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = translate_beside(
        tmp_path / "translator.toml",
        "translate-alt-texts = false\n",
        tmp_path / "index.md",
        '![Een kaart](k.png "Titel") en [meer](m "Titel").\n',
    )
    assert result.exit_code == 0, result.output
    english = strip_provenance((tmp_path / "index.en.md").read_text(encoding="utf-8"))
    assert english == '![Een kaart](k.png "Titel") én [méér](m "Titel").\n'


def test_configured_shortcode_parameters_are_translated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = translate_beside(
        tmp_path / "translator.toml",
        'shortcode-parameters = ["figure:caption", "notice:title"]\n',
        tmp_path / "index.md",
        '{{< notice title="Let op" icon="info" >}}\n\n'
        '{{< figure src="k.png" caption="De kaart" alt="Een kaart" >}}\n',
    )
    assert result.exit_code == 0, result.output
    assert strip_provenance((tmp_path / "index.en.md").read_text(encoding="utf-8")) == (
        '{{< notice title="Lét óp" icon="info" >}}\n\n'
        '{{< figure src="k.png" caption="Dé káárt" alt="Een kaart" >}}\n'
    )


def test_a_shortcode_parameter_setting_must_name_shortcode_and_parameter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = translate_beside(
        tmp_path / "translator.toml",
        'shortcode-parameters = ["caption"]\n',
        tmp_path / "index.md",
        "Tekst.\n",
    )
    assert result.exit_code == 1
    assert "shortcode-parameters must be written shortcode:parameter" in result.output


class Quoting:
    """An engine that writes quotes and shortcode delimiters into its translation."""

    name = "quoting"
    model = "none"

    def translate(self, texts: Sequence[str]) -> list[str]:
        return [t.replace("kaart", '"kaart" {{< x >}}') for t in texts]


def test_quotes_and_shortcode_delimiters_in_translations_cannot_break_markup() -> None:
    source = '{{< figure src="k.png" caption="De kaart" >}}\n\nZie de kaart\n'
    english = strip_provenance(translate_text(source, Quoting(), DUTCH))
    assert english == (
        '{{< figure src="k.png" caption="De \\"kaart\\" { {< x >} }" >}}\n\n'
        'Zie de "kaart" {\\{< x >}}\n'
    )


def test_shortcut_reference_links_become_full_references() -> None:
    source = "Zie [het rapport] en [xyz].\n\n[het rapport]: /rapport\n[xyz]: /xyz\n"
    assert pseudo(source) == (
        "Zíé [hét ráppórt][het rapport] én [xyz].\n\n[het rapport]: /rapport\n[xyz]: /xyz\n"
    )


# --- escaping --------------------------------------------------------------------------------


def test_prose_keeps_characters_that_cannot_become_markup() -> None:
    source = "De waarde_x is 1.5 [ongeveer: zie 3 * 4 hier! Klaar.\n"
    assert pseudo(source) == "Dé wáárdé_x ís 1.5 [óngévéér: zíé 3 * 4 híér! Kláár.\n"


class Bracketing:
    """Puts brackets around the protected span: each text run holds one bracket only."""

    name = "bracketing"
    model = "none"

    def translate(self, texts: Sequence[str]) -> list[str]:
        return [t.replace("Zie", "Zie [a").replace("hier", "b] hier") for t in texts]


def test_escaping_that_the_reparse_rejects_is_redone_in_full() -> None:
    source = "Zie `x` hier.\n\n[a `x` b]: /url\n"
    english = strip_provenance(translate_text(source, Bracketing(), DUTCH))
    assert english.startswith("Zie \\[a `x` b\\] hier.")


# --- real-world defects ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Een zin.\u00a0\n", "Één zín.\u00a0\n"),
        ("- Een punt\u2003\n", "- Één púnt\u2003\n"),
        ("| a |\n|---|\n| een cel\u00a0|\n", "| á |\n|---|\n| één cél\u00a0|\n"),
        ("Regel een\nregel twee\u00a0\n", "Régél één\nrégél twéé\u00a0\n"),
    ],
)
def test_a_unicode_space_at_a_block_end_does_not_stop_translation(
    source: str, expected: str
) -> None:
    assert pseudo(source) == expected


def test_yaml_with_a_tab_after_a_value_is_read_as_hugo_reads_it() -> None:
    source = '---\ntitle: "Een titel"\t\nsummary: Een samenvatting\t\n---\n\nTekst.\n'
    english = translate_text(source, PseudoEngine(), Options(source_language="nl"))
    assert english.startswith('---\ntitle: "Één títél"\t\nsummary: Één sáménváttíng\t\n')


def test_invalid_yaml_is_reported_at_its_line_in_the_file() -> None:
    source = '---\ntitle: "Een titel"\nsummary: "a" b\n---\n\nTekst.\n'
    with pytest.raises(FrontMatterError) as caught:
        translate_text(source, PseudoEngine(), Options(source_language="nl"), path="a.md")
    assert str(caught.value).startswith("a.md:3: invalid YAML front matter")


def test_link_titles_and_menu_names_in_front_matter_are_translated() -> None:
    source = (
        "---\ntitle: Over ons\nlinkTitle: Over\nmenu:\n  main:\n    name: Over ons\n"
        "    identifier: over\nauthors:\n  - name: Jan\n---\n\nTekst.\n"
    )
    english = translate_text(source, PseudoEngine(), Options(source_language="nl"))
    assert "linkTitle: Óvér\n" in english
    assert "    name: Óvér óns\n    identifier: over\n" in english
    assert "  - name: Jan\n" in english


# --- Hugo configuration ----------------------------------------------------------------------


def test_with_heading_attributes_off_no_id_is_added_and_links_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    article = tmp_path / "content" / "a" / "index.md"
    result = translate_beside(
        tmp_path / "hugo.toml",
        "[markup.goldmark.parser.attribute]\ntitle = false\n",
        article,
        "## De kaart\n\n## Inhoud {#inhoud}\n\nNaar de [kaart](#de-kaart).\n",
    )
    assert result.exit_code == 0, result.output
    assert strip_provenance((article.parent / "index.en.md").read_text(encoding="utf-8")) == (
        "## Dé káárt\n\n## Ínhóúd {#inhoud}\n\nNáár dé [káárt](#de-kaart).\n"
    )
    assert "content/a/index.md:1: links point to #de-kaart, but heading attributes" in (
        result.output
    )


def test_the_configured_id_type_is_used_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    article = tmp_path / "content" / "a" / "index.md"
    result = translate_beside(
        tmp_path / "hugo.toml",
        '[markup.goldmark.parser]\nautoHeadingIDType = "github-ascii"\n',
        article,
        "## Over één café\n\nNaar [boven](#over-een-cafe).\n",
    )
    assert result.exit_code == 0, result.output
    english = (article.parent / "index.en.md").read_text(encoding="utf-8")
    assert re.search(r"^## .* \{#over-een-cafe\}$", english, re.MULTILINE), english


def test_an_unknown_id_type_is_a_configuration_error(tmp_path: Path) -> None:
    result = translate_beside(
        tmp_path / "hugo.toml",
        '[markup.goldmark.parser]\nautoHeadingIDType = "gitlab"\n',
        tmp_path / "content" / "a" / "index.md",
        "Tekst.\n",
    )
    assert result.exit_code == 1
    assert "hugo.toml" in result.output and "autoHeadingIDType is 'gitlab'" in result.output


def test_site_configuration_from_a_config_folder(tmp_path: Path) -> None:
    folder = tmp_path / "config" / "_default"
    folder.mkdir(parents=True)
    (folder / "hugo.yaml").write_text("defaultContentLanguage: nl\n", encoding="utf-8")
    (folder / "languages.json").write_text(
        json.dumps({"nl": {"contentDir": "content/nl"}, "en": {"contentDir": "content/en"}}),
        encoding="utf-8",
    )
    (folder / "markup.toml").write_text("[goldmark.parser]\nautoHeadingID = true\n", "utf-8")
    (tmp_path / "content" / "nl").mkdir(parents=True)
    site = find_site(tmp_path / "content" / "nl")
    assert site is not None
    assert site.default_language == "nl" and site.languages == ("nl", "en")
    assert site.content_dir == tmp_path / "content" / "nl"
    assert site.setting("parser", "autoHeadingID") is True
    assert site.warnings() == []


def test_batch_warns_when_hugo_would_not_build_english_pages(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text(
        'defaultContentLanguage = "nl"\n[languages.nl]\nweight = 1\n', encoding="utf-8"
    )
    article = tmp_path / "content" / "a" / "index.md"
    article.parent.mkdir(parents=True)
    article.write_text("Dit is een Nederlandse tekst over de gemeente.\n", encoding="utf-8")
    result = run(["batch", "--engine", "pseudo", "--from", "nl", tmp_path / "content"])
    assert result.exit_code == 0, result.output
    assert "'en' is not a configured language (nl)" in result.output


# --- theme strings ---------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return theme_site(
        tmp_path,
        "nl.toml",
        '[readMore]\nother = "Lees verder"\n\n[pages]\none = "{{ .Count }} pagina"\n'
        'other = "{{ .Count }} pagina\'s"\n',
    )


def theme_site(root: Path, name: str, strings: str) -> Path:
    """A Hugo site with one Dutch article and its Dutch theme strings, ``i18n/<name>``."""
    (root / "hugo.toml").write_text(
        "[languages.nl]\nweight = 1\n[languages.en]\nweight = 2\n", encoding="utf-8"
    )
    (root / "i18n").mkdir()
    (root / "i18n" / name).write_text(strings, encoding="utf-8")
    article = root / "content" / "a" / "index.md"
    article.parent.mkdir(parents=True)
    article.write_text("Dit is een Nederlandse tekst over de gemeente.\n", encoding="utf-8")
    return root


def batch(site: Path, *args: str) -> dict[str, dict[str, object]]:
    result = run(
        ["batch", "--engine", "pseudo", "--from", "nl", "--json", *args, site / "content"]
    )
    return {f["source"]: f for f in json.loads(result.stdout)["files"]}


def english_strings(site: Path) -> str:
    return (site / "i18n" / "en.toml").read_text(encoding="utf-8")


def test_batch_translates_theme_strings_template_actions_kept(site: Path) -> None:
    done = batch(site)
    strings = done[str(site / "i18n" / "nl.toml")]
    assert strings["status"] == "translated"
    assert strings["segments"] == {"total": 3, "engine": 3, "reused": 0}
    text = english_strings(site)
    assert 'other = "Léés vérdér"' in text
    assert 'one = "{{ .Count }} págíná"' in text


def test_theme_strings_are_incremental_and_keep_human_edits(site: Path) -> None:
    batch(site)
    target = site / "i18n" / "en.toml"
    target.write_text(english_strings(site).replace("Léés vérdér", "Read more"), "utf-8")
    again = batch(site)[str(site / "i18n" / "nl.toml")]
    assert again["status"] == "up-to-date"
    source = site / "i18n" / "nl.toml"
    source.write_text(source.read_text("utf-8").replace('pagina"', 'bladzijde"'), "utf-8")
    changed = batch(site)[str(source)]
    assert changed["segments"] == {"total": 3, "engine": 1, "reused": 2}
    assert "Read more" in english_strings(site)
    assert "{{ .Count }} bládzíjdé" in english_strings(site)


def test_check_reports_stale_theme_strings_and_writes_nothing(site: Path) -> None:
    batch(site)
    check: list[str | Path] = [
        "batch",
        "--engine",
        "pseudo",
        "--from",
        "nl",
        "--check",
        site / "content",
    ]
    assert run(check).exit_code == 0
    source = site / "i18n" / "nl.toml"
    source.write_text(source.read_text("utf-8").replace("Lees verder", "Lees meer"), "utf-8")
    before = english_strings(site)
    result = run(check)
    assert result.exit_code == 1
    assert "i18n/nl.toml" in result.output
    assert english_strings(site) == before


def test_theme_strings_written_by_a_person_are_not_replaced(site: Path) -> None:
    (site / "i18n" / "en.toml").write_text('[readMore]\nother = "More"\n', "utf-8")
    with pytest.raises(OutputError):
        theme_strings.update(theme_strings.find(site)[0], PseudoEngine())
    done = batch(site)[str(site / "i18n" / "nl.toml")]
    assert done["status"] == "failed" and "--force" in str(done["error"])
    assert batch(site, "--force")[str(site / "i18n" / "nl.toml")]["status"] == "translated"


def test_yaml_theme_strings(tmp_path: Path) -> None:
    (tmp_path / "hugo.yaml").write_text("languages:\n  nl: {}\n  en: {}\n", encoding="utf-8")
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "nl.yaml").write_text("- id: readMore\n  translation: Lees verder\n")
    (found,) = theme_strings.find(tmp_path)
    assert theme_strings.update(found, PseudoEngine()).status == "translated"
    text = (tmp_path / "i18n" / "en.yaml").read_text(encoding="utf-8")
    assert "- id: readMore\n  translation: Léés vérdér\n" in text


def test_headings_that_other_pages_link_to_keep_their_dutch_ids(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text("[languages.nl]\n[languages.en]\n", encoding="utf-8")
    pages = {
        "a": "## De kaart van de stad\n\n## Zonder link\n\nTekst over de stad.\n",
        "b": 'Zie [de kaart]({{< ref "/a#de-kaart-van-de-stad" >}}) in het andere stuk.\n',
    }
    for name, body in pages.items():
        (tmp_path / "content" / name).mkdir(parents=True)
        (tmp_path / "content" / name / "index.md").write_text(body, encoding="utf-8")
    result = run(["batch", "--engine", "pseudo", "--from", "nl", tmp_path / "content"])
    assert result.exit_code == 0, result.output
    english = (tmp_path / "content" / "a" / "index.en.md").read_text(encoding="utf-8")
    assert strip_provenance(english) == (
        "## Dé káárt ván dé stád {#de-kaart-van-de-stad}\n\n## Zóndér línk\n\n"
        "Tékst óvér dé stád.\n"
    )


def test_a_new_link_from_another_page_makes_the_linked_page_stale(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text("[languages.nl]\n[languages.en]\n", encoding="utf-8")
    pages = {"a": "## De kaart van de stad\n\nTekst over de stad.\n", "b": "Een andere tekst.\n"}
    for name, body in pages.items():
        (tmp_path / "content" / name).mkdir(parents=True)
        (tmp_path / "content" / name / "index.md").write_text(body, encoding="utf-8")
    english = tmp_path / "content" / "a" / "index.en.md"
    content: str | Path = tmp_path / "content"
    command = ["batch", "--engine", "pseudo", "--from", "nl", content]
    assert run(command).exit_code == 0
    assert "{#" not in english.read_text(encoding="utf-8")
    link = 'Zie [de kaart]({{< relref "a#de-kaart-van-de-stad" >}}).\n'
    (tmp_path / "content" / "b" / "index.md").write_text(link, encoding="utf-8")
    result = run(command)
    assert "translated content/a/index.md" in result.output.replace(str(tmp_path) + "/", "")
    assert "{#de-kaart-van-de-stad}" in english.read_text(encoding="utf-8")
    (tmp_path / "content" / "b" / "index.md").write_text("Geen link.\n", encoding="utf-8")
    run(command)
    assert "{#" not in english.read_text(encoding="utf-8")
    assert "2 files: 0 translated, 2 up to date" in run(command).output


def test_a_ref_from_another_page_resolves_on_the_english_site_hugo_builds(
    tmp_path: Path,
) -> None:
    (tmp_path / "hugo.toml").write_text(
        'baseURL = "https://x/"\ndefaultContentLanguage = "nl"\n'
        "[languages.nl]\nweight = 1\n[languages.en]\nweight = 2\n",
        encoding="utf-8",
    )
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "single.html").write_text("{{ .Content }}", encoding="utf-8")
    pages = {
        "a": "---\ntitle: A\n---\n## De kaart van de stad\n\nTekst over de stad.\n",
        "b": '---\ntitle: B\n---\nZie [de kaart]({{< ref "/a#de-kaart-van-de-stad" >}}).\n',
    }
    for name, body in pages.items():
        (tmp_path / "content" / name).mkdir(parents=True)
        (tmp_path / "content" / name / "index.md").write_text(body, encoding="utf-8")
    result = run(["batch", "--engine", "pseudo", "--from", "nl", tmp_path / "content"])
    assert result.exit_code == 0, result.output
    subprocess.run([HUGO, "--quiet", "-s", tmp_path, "-d", tmp_path / "public"], check=True)
    english = tmp_path / "public" / "en"
    link = re.search(r'href="([^"]+)"', (english / "b" / "index.html").read_text("utf-8"))
    assert link is not None and link.group(1) == "https://x/en/a/#de-kaart-van-de-stad"
    ids = re.findall(r'<h2 id="([^"]+)"', (english / "a" / "index.html").read_text("utf-8"))
    assert ids == ["de-kaart-van-de-stad"]
