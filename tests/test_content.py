"""Invariants over the sample site in content/: structure kept, reruns byte-identical."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import CONTENT, run
from tests.htmlshape import html_shape
from translator.front_matter import body_offset
from translator.markdown import render
from translator.output import target_path

SOURCES = sorted(p for p in CONTENT.rglob("*.md") if not p.name.endswith(".en.md"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, module_isolated: Path) -> Path:
    root = tmp_path_factory.mktemp("site") / "content"
    shutil.copytree(CONTENT, root, ignore=shutil.ignore_patterns("*.en.md"))
    sources = sorted(p for p in root.rglob("*.md"))
    result = run(["translate", "--engine", "pseudo", *sources])
    assert result.exit_code == 0, result.output
    return root


def test_content_has_the_promised_articles() -> None:
    assert len(SOURCES) >= 5
    texts = {p: p.read_text(encoding="utf-8") for p in SOURCES}
    assert any(t.startswith("+++") for t in texts.values()), "one article with TOML front matter"
    assert any("#widget" in t for t in texts.values()), "YAML front matter with comments"
    for construct in ("> ", "![", "```", "{{<", "<sup>", "[^1]", "|---", "  - "):
        assert any(construct in t for t in texts.values()), construct
    assert all(any(p.parent.glob("*.png")) for p in SOURCES), "every bundle has an image"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.parent.name)
def test_structure_is_unchanged(site: Path, source: Path) -> None:
    copy = site / source.relative_to(CONTENT)
    english = target_path(copy)
    if "english" in source.parts:
        assert not english.exists(), "the English article must be skipped"
        return
    out = english.read_text(encoding="utf-8")
    src = source.read_text(encoding="utf-8")
    assert html_shape(render(out[body_offset(out) :])) == html_shape(
        render(src[body_offset(src) :])
    )


def test_second_run_is_byte_identical(site: Path) -> None:
    before = {p: p.read_bytes() for p in site.rglob("*.en.md")}
    sources = sorted(p for p in site.rglob("*.md") if not p.name.endswith(".en.md"))
    result = run(["translate", "--engine", "pseudo", *sources])
    assert result.exit_code == 0
    assert {p: p.read_bytes() for p in site.rglob("*.en.md")} == before
    assert result.output.count("unchanged") == len(before)


def test_bundle_resources_are_untouched(site: Path) -> None:
    for image in CONTENT.rglob("*.png"):
        assert (site / image.relative_to(CONTENT)).read_bytes() == image.read_bytes()
