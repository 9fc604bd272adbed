"""Byte-level promises: line endings, BOM, bytes outside translated spans."""

from __future__ import annotations

from translator.engines.pseudo import PseudoEngine
from translator.pipeline import Options, translate_text
from translator.segment import AtomKind, segment_body

NL = Options(source_language="nl")


def test_crlf_stays_crlf_everywhere() -> None:
    source = (
        "---\r\ntitle: De kop\r\n---\r\n\r\n> Een citaat\r\n> over twee regels.\r\n\r\n- punt\r\n"
    )
    english = translate_text(source, PseudoEngine(), NL)
    assert "\n" not in english.replace("\r\n", "")
    assert english.endswith("> Éé" + "n cítáát\r\n> óvér twéé régéls.\r\n\r\n- púnt\r\n")


def test_mixed_line_endings_are_kept_per_line() -> None:
    source = "Een regel\r\nnog een regel\nen een laatste.\r\n"
    english = translate_text(source, PseudoEngine(), NL)
    assert english.endswith("Één régél\r\nnóg één régél\nén één láátsté.\r\n")


def test_bom_is_kept() -> None:
    english = translate_text("\ufeffDe gemeente.\n", PseudoEngine(), NL)
    assert english.startswith("\ufeff---\n")
    assert english.endswith("\nDé géméénté.\n")


def test_bytes_outside_segments_are_identical() -> None:
    source = (
        "  # Kop met inspringing  \n\n"
        "1.  Item met   extra spaties\n"
        "    > citaat in een lijst\n\n"
        "\tcode met tab\n\n"
        "| a  |  b |\n| -- | -- |\n|  x |  y |\n"
    )
    segments = segment_body(source)
    english = translate_text(source, PseudoEngine(), NL)
    body = english[english.index("\n---\n") + 5 :]
    cursor_src = cursor_out = 0
    for seg in segments:
        # Pseudo keeps lengths, so offsets line up one to one.
        assert body[cursor_out : seg.start] == source[cursor_src : seg.start]
        cursor_src = cursor_out = seg.end
    assert body[cursor_out:] == source[cursor_src:]


def test_text_atoms_hold_only_prose() -> None:
    source = 'Zie `x` en **y** op https://a.nl/b_c of {{< ref "a" >}} en &amp; \\*.'
    [segment] = segment_body(source)
    prose = "".join(a.text for a in segment.atoms if a.kind is AtomKind.TEXT)
    for markup in ("`", "**", "https", "{{<", "&amp;", "\\*"):
        assert markup not in prose
