"""Theme strings in go-i18n JSON (``i18n/nl.json`` → ``en.json``), and sites with several files.

The English JSON carries translator's record in each message's ``hash`` field
and a ``_translator`` message; ``tests/test_hugo_site.py`` builds such a file
with the real ``hugo`` binary. Here: the round trip, incremental runs, human
corrections, files a person wrote, and errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run
from tests.test_hugo import batch, theme_site
from translator import theme_strings
from translator.engines.pseudo import PseudoEngine
from translator.errors import InputError, OutputError

DUTCH_JSON = """{
  "readMore": "Lees verder",
  "pages": {
    "description": "Aantal pagina's onder een lijst",
    "one": "{{ .Count }} pagina",
    "other": "{{ .Count }} pagina's"
  },
  "nav": {
    "home": "Startpagina",
    "search": {"other": "Zoeken"}
  }
}
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return theme_site(tmp_path, "nl.json", DUTCH_JSON)


def strings(site: Path, name: str = "nl.json") -> dict[str, object]:
    return batch(site)[str(site / "i18n" / name)]


def english(site: Path) -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, object]] = json.loads(
        (site / "i18n" / "en.json").read_text(encoding="utf-8")
    )
    return data


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_json_keeps_the_dutch_structure_and_records_each_message_in_its_hash(site: Path) -> None:
    done = strings(site)
    assert done["status"] == "translated"
    assert done["segments"] == {"total": 5, "engine": 5, "reused": 0}
    data = english(site)
    assert list(data) == ["_translator", "readMore", "pages", "nav"]
    assert "Machine translation of nl.json" in str(data["_translator"]["description"])
    assert data["readMore"]["other"] == "Léés vérdér"
    pages = data["pages"]
    assert list(pages) == ["description", "one", "other", "hash"]
    assert pages["description"] == "Aantal pagina's onder een lijst"  # a note, not shown
    assert (pages["one"], pages["other"]) == ("{{ .Count }} págíná", "{{ .Count }} págíná's")
    assert data["nav"] == {
        "home": {"other": "Stártpágíná", "hash": data["nav"]["home"]["hash"]},  # type: ignore[index]
        "search": {"other": "Zóékén", "hash": data["nav"]["search"]["hash"]},  # type: ignore[index]
    }
    assert all(
        str(m["hash"]).startswith("nl:") and " en:" in str(m["hash"])
        for m in (data["readMore"], pages)
    )


def test_json_is_incremental_per_message(site: Path) -> None:
    strings(site)
    before = (site / "i18n" / "en.json").read_bytes()
    assert strings(site)["status"] == "up-to-date"
    assert (site / "i18n" / "en.json").read_bytes() == before
    edit(site / "i18n" / "nl.json", '"{{ .Count }} pagina"', '"{{ .Count }} bladzijde"')
    done = strings(site)
    assert done["segments"] == {"total": 5, "engine": 2, "reused": 3}  # both forms of "pages"
    assert english(site)["pages"]["one"] == "{{ .Count }} bládzíjdé"


def test_a_persons_correction_is_kept_until_its_dutch_changes(site: Path) -> None:
    strings(site)
    target = site / "i18n" / "en.json"
    edit(target, '"other": "Léés vérdér"', '"other": "Read more"')
    assert strings(site)["status"] == "up-to-date"
    edit(site / "i18n" / "nl.json", '"Zoeken"', '"Zoek"')  # another string: a rewrite
    assert strings(site)["status"] == "translated"
    assert english(site)["readMore"]["other"] == "Read more"
    edit(site / "i18n" / "nl.json", "Lees verder", "Lees meer")
    kept = batch(site, "--keep-edits")[str(site / "i18n" / "nl.json")]
    assert english(site)["readMore"]["other"] == "Read more"
    assert kept["notes"] == ["readMore: kept a human correction whose Dutch changed; review it"]
    edit(site / "i18n" / "nl.json", "Lees meer", "Lees alles")
    replaced = strings(site)
    assert english(site)["readMore"]["other"] == "Léés állés"
    assert replaced["notes"] == ["readMore: replaced a human correction because its Dutch changed"]


def test_a_corrected_toml_string_stays_a_correction_after_a_rewrite(tmp_path: Path) -> None:
    theme_site(tmp_path, "nl.toml", '[readMore]\nother = "Lees verder"\n[home]\nother = "Start"\n')
    source = tmp_path / "i18n" / "nl.toml"
    (found,) = theme_strings.find(tmp_path)
    theme_strings.update(found, PseudoEngine())
    edit(found.target, "Léés vérdér", "Read more")
    edit(source, '"Start"', '"Begin"')
    theme_strings.update(found, PseudoEngine())  # rewrites the file, keeping "Read more"
    edit(source, "Lees verder", "Lees meer")
    done = theme_strings.update(found, PseudoEngine(), keep_edits=True)
    assert done.notes == ["readMore.other: kept a human correction whose Dutch changed; review it"]


def test_an_en_json_a_person_wrote_is_replaced_only_with_force(site: Path) -> None:
    (site / "i18n" / "en.json").write_text('{"readMore": "More"}\n', encoding="utf-8")
    with pytest.raises(OutputError, match="pass --force"):
        theme_strings.update(theme_strings.find(site)[0], PseudoEngine())
    done = strings(site)
    assert done["status"] == "failed" and 'no "_translator" message' in str(done["error"])
    assert english(site) == {"readMore": "More"}  # type: ignore[comparison-overlap]
    assert batch(site, "--force")[str(site / "i18n" / "nl.json")]["status"] == "translated"
    assert english(site)["readMore"]["other"] == "Léés vérdér"


def test_check_reports_stale_json_and_writes_nothing(site: Path) -> None:
    strings(site)
    edit(site / "i18n" / "nl.json", "Lees verder", "Lees meer")
    before = (site / "i18n" / "en.json").read_bytes()
    result = run(["batch", "--engine", "pseudo", "--from", "nl", "--check", site / "content"])
    assert result.exit_code == 1
    assert "i18n/nl.json" in result.output
    assert (site / "i18n" / "en.json").read_bytes() == before


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('{\n  "a": "x",\n}\n', 3, "is not valid JSON (Expecting property name"),
        ('{\n  "a": "x",\n  "b": 3\n}\n', 3, "'b' is 3, not a string or an object of plural"),
        ('{\n  "a": {\n    "other": "x",\n    "kleur": "y"}\n}\n', 2, "mixes go-i18n's reserved"),
        ('{\n  "a": {"one": "x", "other": 2}\n}\n', 2, "'a.other' is 2, not a string"),
        ('["Lees verder"]\n', 1, "is not a JSON object of theme strings"),
    ],
)
def test_malformed_json_fails_with_file_line_and_no_traceback(
    site: Path, text: str, line: int, message: str
) -> None:
    (site / "i18n" / "nl.json").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        theme_strings.update(theme_strings.find(site)[0], PseudoEngine())
    assert raised.value.line == line and message in raised.value.message
    result = run(["batch", "--engine", "pseudo", "--from", "nl", site / "content"])
    assert result.exit_code == 1
    assert f"i18n/nl.json:{line}: " in result.output and "Traceback" not in result.output


def test_every_dutch_file_hugo_merges_gets_its_english_counterpart(site: Path) -> None:
    (site / "i18n" / "nl.toml").write_text('[footer]\nother = "Een website"\n', "utf-8")
    done = batch(site)
    assert done[str(site / "i18n" / "nl.json")]["status"] == "translated"
    assert done[str(site / "i18n" / "nl.toml")]["status"] == "translated"
    assert 'other = "Één wébsíté"' in (site / "i18n" / "en.toml").read_text(encoding="utf-8")


def test_a_persons_en_toml_beside_nl_json_is_not_hidden(site: Path) -> None:
    (site / "i18n" / "en.toml").write_text('[readMore]\nother = "More"\n', "utf-8")
    done = strings(site)
    assert done["status"] == "failed"
    assert "en.toml: holds a person's English theme strings" in str(done["error"])
    assert not (site / "i18n" / "en.json").exists()
    assert batch(site, "--force")[str(site / "i18n" / "nl.json")]["status"] == "translated"
    assert (site / "i18n" / "en.toml").read_text("utf-8") == '[readMore]\nother = "More"\n'
