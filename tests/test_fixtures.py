"""Golden fixtures: input Markdown → expected English, through the CLI and the pseudo engine.

Fixture files use markdown-it-py's format (title, `.`, input, `.`, expected, `.`).
A title ending in "(detect)" runs with language detection on; the others use --from nl.
A title ending in "(glossary)" enforces glossary/terms.csv; the others use no glossary.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from tests.conftest import GLOSSARY, run, strip_provenance

FIXTURES = Path(__file__).parent / "fixtures"
CASES = [
    pytest.param(title, source, expected, id=f"{path.stem}:{line}")
    for path in sorted(FIXTURES.glob("*.md"))
    for line, title, source, expected in read_fixture_file(path)
]


@pytest.mark.parametrize(("title", "source", "expected"), CASES)
def test_fixture(tmp_path: Path, title: str, source: str, expected: str) -> None:
    article = tmp_path / "index.md"
    article.write_text(source, encoding="utf-8")
    detect = [] if title.endswith("(detect)") else ["--from", "nl"]
    terms: list[str | Path] = ["--glossary", GLOSSARY] if title.endswith("(glossary)") else []
    result = run(["translate", "--engine", "pseudo", *detect, *terms, article])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "index.en.md").read_text(encoding="utf-8")
    assert strip_provenance(written) == expected
