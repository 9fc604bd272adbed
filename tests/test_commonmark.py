"""Invariant: translating any CommonMark spec example changes words, never structure.

All 655 examples go through one CLI call (one engine load, one batch) with
--from nl --engine pseudo. The examples are plain CommonMark, not Hugo content,
so --no-front-matter keeps the three that open with `---` as Markdown.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SHARED, run, strip_provenance
from tests.htmlshape import html_shape
from translator.markdown import render
from translator.segment import segment_body

SPEC = SHARED / "commonmark" / "spec-0.31.2.json"
EXAMPLES: list[dict[str, object]] = json.loads(SPEC.read_text(encoding="utf-8"))


def test_the_spec_has_655_examples() -> None:
    assert len(EXAMPLES) == 655


@pytest.fixture(scope="module")
def translated(
    tmp_path_factory: pytest.TempPathFactory, module_isolated: Path
) -> dict[int, tuple[str, str]]:
    root = tmp_path_factory.mktemp("spec")
    paths = []
    for example in EXAMPLES:
        path = root / f"{example['example']:03d}" / "index.md"
        path.parent.mkdir()
        # newline="" keeps the example's own line endings and tabs exactly.
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(str(example["markdown"]))
        paths.append(path)
    result = run(["translate", "--from", "nl", "--engine", "pseudo", "--no-front-matter", *paths])
    assert result.exit_code == 0, result.output
    out = {}
    for example, path in zip(EXAMPLES, paths, strict=True):
        english = path.with_name("index.en.md").read_text(encoding="utf-8")
        out[int(str(example["example"]))] = (str(example["markdown"]), strip_provenance(english))
    return out


@pytest.mark.parametrize("number", [int(str(e["example"])) for e in EXAMPLES])
def test_structure_is_unchanged(translated: dict[int, tuple[str, str]], number: int) -> None:
    source, english = translated[number]
    assert html_shape(render(english)) == html_shape(render(source))


@pytest.mark.parametrize("number", [int(str(e["example"])) for e in EXAMPLES])
def test_prose_was_translated(translated: dict[int, tuple[str, str]], number: int) -> None:
    """Guard against a pipeline that passes by translating nothing.

    An example whose segments hold an ASCII vowel in their prose must change.
    """
    source, english = translated[number]
    has_vowels = any(
        seg.translatable and any(c in "aeiouAEIOU" for c in seg.prose)
        for seg in segment_body(source)
    )
    assert (source != english) == has_vowels
