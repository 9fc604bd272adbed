"""Hostile engines: the written file keeps its structure, or the file fails cleanly.

Never silently broken: whatever an engine returns, either the output renders to
the same elements as the source or no output is written and the file is named.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.conftest import CONTENT, SHARED
from tests.htmlshape import html_shape
from translator.engines.pseudo import PseudoEngine
from translator.errors import TranslatorError
from translator.front_matter import body_offset
from translator.markdown import render
from translator.pipeline import Options, translate_paths, translate_text

PLACEHOLDER = re.compile(r"⟦\d+⟧")
NOISE = [
    "1. ",
    "# ",
    "- ",
    "* ",
    "> ",
    "_",
    "*",
    "**",
    "[",
    "]",
    "](x)",
    "<b>",
    "</b>",
    "`",
    "|",
    "\\",
    "&amp;",
    "&",
    "<",
    "![",
    "~~",
    "---",
    "===",
    "    ",
    "\n",
    "{{<",
    ">}}",
    "[^1]",
    "<!--",
    "http://x.nl",
    "  \n",
    "#",
]


class Engine:
    """Base for hostile engines: deterministic, so runs can be compared."""

    name = "hostile"
    model = "none"

    def translate(self, texts: Sequence[str]) -> list[str]:
        return [self.one(t) for t in texts]

    def one(self, text: str) -> str:
        raise NotImplementedError


class DropsPlaceholders(Engine):
    def one(self, text: str) -> str:
        return PLACEHOLDER.sub("", text).upper()


class ReordersPlaceholders(Engine):
    def one(self, text: str) -> str:
        found = PLACEHOLDER.findall(text)
        parts = PLACEHOLDER.split(text)
        shuffled = list(reversed(found))
        return "".join(p + (shuffled[i] if i < len(shuffled) else "") for i, p in enumerate(parts))


class Metacharacters(Engine):
    """Wraps every word in Markdown syntax and starts every text with a block marker."""

    def one(self, text: str) -> str:
        rng = random.Random(text)
        words = text.split(" ")
        noisy = [
            w if PLACEHOLDER.fullmatch(w) else rng.choice(NOISE) + w + rng.choice(NOISE)
            for w in words
        ]
        return rng.choice(NOISE) + " ".join(noisy)


class Empty(Engine):
    def one(self, text: str) -> str:
        return ""


def body(text: str) -> str:
    return text[body_offset(text) :]


def check_article(path: Path, engine: Engine) -> str:
    """Translate one file; return 'ok' or 'failed', asserting the structure otherwise."""
    [result] = translate_paths([path], lambda: engine, Options(source_language="nl"))
    if result.status == "failed":
        assert isinstance(result.error, TranslatorError)
        assert result.text is None
        return "failed"
    assert result.text is not None
    source = path.read_text(encoding="utf-8")
    assert html_shape(render(body(result.text))) == html_shape(render(body(source)))
    return "ok"


ARTICLES = sorted(p for p in CONTENT.rglob("*.md") if not p.name.endswith(".en.md"))
ENGINES = [DropsPlaceholders(), ReordersPlaceholders(), Metacharacters()]


@pytest.mark.parametrize(
    ("path", "engine"),
    list(itertools.product(ARTICLES, ENGINES)),
    ids=lambda v: v.name if isinstance(v, Path) else type(v).__name__,
)
def test_content_survives_hostile_engines(path: Path, engine: Engine) -> None:
    assert check_article(path, engine) == "ok"


def test_lost_placeholders_fall_back_to_runs() -> None:
    source = "De **gemeenten** delen [resultaten](https://x.nl) met elkaar.\n"
    english = translate_text(source, DropsPlaceholders(), Options(source_language="nl"))
    assert "**GEMEENTEN**" in english
    assert "[RESULTATEN](https://x.nl)" in english


def test_empty_output_fails_the_file_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "index.md"
    path.write_text("De gemeenten delen hun resultaten.\n", encoding="utf-8")
    [result] = translate_paths([path], Empty, Options(source_language="nl"))
    assert result.status == "failed"
    assert "no usable text" in str(result.error)
    assert not (tmp_path / "index.en.md").exists()


def test_commonmark_spec_under_metacharacters(tmp_path: Path) -> None:
    """Every spec example keeps its structure under the noisiest engine, or fails cleanly."""
    examples = json.loads((SHARED / "commonmark" / "spec-0.31.2.json").read_text("utf-8"))
    outcomes = []
    for example in examples:
        path = tmp_path / f"{example['example']}.md"
        path.write_text(example["markdown"], encoding="utf-8", newline="")
        [result] = translate_paths(
            [path], Metacharacters, Options(source_language="nl", front_matter=False)
        )
        if result.status == "failed":
            outcomes.append("failed")
            continue
        assert result.text is not None
        assert html_shape(render(body(result.text))) == html_shape(render(example["markdown"])), (
            example["example"]
        )
        outcomes.append("ok")
    assert outcomes.count("ok") > 600


def nested_list(depth: int) -> str:
    items = "".join(f"{'  ' * i}- niveau {i} van de lijst\n" for i in range(depth))
    return items + "\nDe alinea na de lijst.\n"


def test_deep_nesting_is_translated_whole(tmp_path: Path) -> None:
    """markdown-it's CommonMark preset stops at 20 levels (10 nested lists) and leaves
    the rest of the document unparsed: it must still be translated, to the last word."""
    path = tmp_path / "index.md"
    path.write_text(nested_list(12), encoding="utf-8")
    assert check_article(path, Metacharacters()) == "ok"
    [result] = translate_paths([path], PseudoEngine, Options(source_language="nl"))
    assert result.text is not None
    assert "nívéáú 11 ván dé líjst" in result.text
    assert "Dé álínéá ná dé líjst." in result.text


def test_nesting_past_the_limit_fails_the_file_loudly(tmp_path: Path) -> None:
    path = tmp_path / "index.md"
    path.write_text("---\ntitle: Diep\n---\n\n" + nested_list(60), encoding="utf-8")
    [result] = translate_paths([path], Metacharacters, Options(source_language="nl"))
    assert result.status == "failed"
    assert "nest deeper than 100 levels" in str(result.error)
    assert f"{path}:54:" in str(result.error)


class WritesShortcodes(Engine):
    """Returns Hugo shortcode openers, as an engine or a tampered memory might."""

    def one(self, text: str) -> str:
        return text + " {{< geheim >}} {{% ook %}}"


def test_shortcodes_from_the_engine_are_escaped(tmp_path: Path) -> None:
    path = tmp_path / "index.md"
    path.write_text('De gemeente {{< ref "x" >}} deelt kaarten.\n', encoding="utf-8")
    [result] = translate_paths([path], WritesShortcodes, Options(source_language="nl"))
    assert result.text is not None
    english = body(result.text)
    assert english.count("{{<") == 1 and "{{%" not in english  # only the source's own
    assert "{\\{< geheim >}}" in english and "{\\{% ook %}}" in english
