"""The structure comparators must catch every kind of damage they exist to catch."""

from __future__ import annotations

import pytest

from tests.htmlshape import html_shape
from translator.markdown import render
from translator.verify import compare

DAMAGE = [
    ("De **gemeenten** delen.", "De \\*\\*gemeenten\\*\\* delen."),  # emphasis lost
    ("Een zin.\nnog een.", "Een zin.\n- nog een."),  # new list
    ("[tekst](https://a.nl)", "[tekst](https://b.nl)"),  # link target changed
    ("![alt](a.png)", "![ander](a.png)"),  # image alt changed
    ("`code`", "`kode`"),  # code changed
    ("Zin <b>vet</b>.", "Zin <i>vet</i>."),  # raw HTML changed
    ("# Kop", "## Kop"),  # heading level changed
    ("Tekst  \nregel", "Tekst\nregel"),  # hard break lost
    ("> citaat", "citaat"),  # blockquote lost
]


@pytest.mark.parametrize(("source", "damaged"), DAMAGE)
def test_token_comparison_catches_damage(source: str, damaged: str) -> None:
    assert compare(source, damaged) is not None


@pytest.mark.parametrize(("source", "damaged"), DAMAGE)
def test_html_shape_catches_damage(source: str, damaged: str) -> None:
    assert html_shape(render(source)) != html_shape(render(damaged))


def test_prose_changes_are_not_structure() -> None:
    source = "De **gemeenten** delen\nhun [resultaten](https://a.nl)."
    english = "The **municipalities** share their [results](https://a.nl) with each other."
    assert compare(source, english) is None
    assert html_shape(render(source)) == html_shape(render(english))


def test_mismatch_names_the_source_line() -> None:
    found = compare("Een.\n\nTwee.\n\nDrie *vet*.", "Een.\n\nTwee.\n\nDrie \\*vet\\*.")
    assert found is not None
    assert found.line == 4
