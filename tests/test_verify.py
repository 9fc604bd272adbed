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
    ("![alt](a.png)", "![alt](b.png)"),  # image source changed
    ("[t]({{< ref x >}})", "\\[t\\]({{< ref x >}})"),  # link through a shortcode lost
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


def test_token_comparison_catches_a_changed_shortcode() -> None:
    """Shortcodes are hidden from the parser as Hugo hides them; compared apart."""
    mismatch = compare('{{< figure src="a.png" >}}', '{{< figure src="b.png" >}}')
    assert mismatch is not None
    assert mismatch.found == '{{< figure src="b.png" >}}'


def test_alt_texts_titles_and_visible_shortcode_parameters_are_prose() -> None:
    source = '![Kaart](k.png "Titel") [a](b "Titel") {{< figure src="k.png" caption="Kaart" >}}'
    english = '![Map](k.png "Title") [a](b "Title") {{< figure src="k.png" caption="Map" >}}'
    assert compare(source, english) is None
    assert html_shape(render(source)) == html_shape(render(english))


def test_mismatch_names_the_source_line() -> None:
    found = compare("Een.\n\nTwee.\n\nDrie *vet*.", "Een.\n\nTwee.\n\nDrie \\*vet\\*.")
    assert found is not None
    assert found.line == 4
