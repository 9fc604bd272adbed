"""Front matter edits that the pseudo engine cannot provoke."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import yaml

from translator.errors import FrontMatterError
from translator.front_matter import parse
from translator.pipeline import Options, translate_text

NL = Options(source_language="nl")


class Fixed:
    """Returns one fixed English text for every segment."""

    name = "fixed"
    model = "none"

    def __init__(self, text: str) -> None:
        self.text = text

    def translate(self, texts: Sequence[str]) -> list[str]:
        return [self.text for _ in texts]


@pytest.mark.parametrize(
    "english",
    [
        "Note: important",
        "yes",
        "# not a comment",
        "- a list?",
        "12",
        "it's 'quoted'",
        'a "quote" and \\ backslash',
        "trailing colon:",
    ],
)
def test_plain_values_that_would_change_meaning_get_quoted(english: str) -> None:
    out = translate_text("---\ntitle: Kop\ndate: 2024-01-01\n---\n\nTekst.\n", Fixed(english), NL)
    data = yaml.safe_load(out.split("---\n")[1])
    assert data["title"] == english
    assert str(data["date"]) == "2024-01-01"


def test_single_quoted_value_doubles_its_quotes() -> None:
    out = translate_text("---\ntitle: 'Kop'\n---\n\nTekst.\n", Fixed("It's here"), NL)
    assert "title: 'It''s here'\n" in out


def test_toml_literal_string_with_apostrophe_becomes_basic() -> None:
    out = translate_text("+++\ntitle = 'Kop'\n+++\n\nTekst.\n", Fixed("It's here"), NL)
    assert 'title = "It\'s here"\n' in out


def test_keys_order_and_comments_are_kept_byte_for_byte() -> None:
    source = '---\n# kop\nz: 1\ntitle:   "Kop"   # opmerking\na: [1, 2]\n---\n\nTekst.\n'
    out = translate_text(source, Fixed("Heading"), NL)
    assert out.startswith('---\n# kop\nz: 1\ntitle:   "Heading"   # opmerking\na: [1, 2]\n')


def test_only_configured_keys_are_translated() -> None:
    options = Options(source_language="nl", front_matter_keys=("summary",))
    out = translate_text(
        "---\ntitle: Kop\nsummary: Samenvatting\n---\n\nTekst.\n", Fixed("English"), options
    )
    assert "title: Kop\n" in out and "summary: English\n" in out


def test_flow_style_front_matter_is_refused_clearly() -> None:
    with pytest.raises(FrontMatterError, match="flow-style"):
        parse("---\n{title: Kop}\n---\n", path="a.md")


def test_front_matter_that_is_not_a_mapping() -> None:
    with pytest.raises(FrontMatterError, match="mapping") as info:
        parse("---\n- een\n- twee\n---\n", path="a.md")
    assert info.value.line == 2
