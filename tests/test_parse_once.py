"""Each article is parsed once per stage: what the shortcuts must never change.

Verification reads the Dutch body's structure from segmentation's parse, and YAML
front matter is composed by libyaml: over every corpus the repository holds, both
give exactly what the full parse and ruamel.yaml give, and a translation that breaks
the structure is still caught.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import read_fixture_file

from tests.conftest import SHARED
from translator import front_matter, markdown, pipeline, protect, segment, verify
from translator.engines.pseudo import PseudoEngine
from translator.errors import FrontMatterError, TranslatorError

ROOT = Path(__file__).resolve().parent.parent
NL = pipeline.Options(source_language="nl")


def _test_strings() -> list[str]:
    """Every string literal of the test suite with a line break: the hand-made inputs."""
    found = []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and "\n" in node.value
            ):
                found.append(node.value)
    return found


def _documents() -> list[str]:
    """Every article, fixture input, CommonMark example and test input."""
    spec = json.loads((SHARED / "commonmark" / "spec-0.31.2.json").read_text("utf-8"))
    return [
        *(p.read_text("utf-8") for p in sorted((ROOT / "content").rglob("*.md"))),
        *(
            source
            for path in sorted((ROOT / "tests" / "fixtures").glob("*.md"))
            for _, _, source, _ in read_fixture_file(path)
        ),
        *(str(example["markdown"]) for example in spec),
        *_test_strings(),
    ]


DOCUMENTS = _documents()

# YAML whose reading differs between parsers or versions: YAML 1.1 booleans, numbers and
# dates that YAML 1.2 reads otherwise, tags, anchors, tabs after values, block scalars,
# duplicate keys, multi-line plain scalars, non-ASCII and astral characters.
TRICKY_YAML = [
    "title: yes\nsummary: on\ndescription: 0o17\n",
    "title: 1e3\nsummary: 1_000\ndescription: 2024-01-01\nlinkTitle: ~\n",
    "title: !!str 12\nsummary: !custom waarde\ndescription: ! 12\n",
    "title: &t Kop\nsummary: *t\nmenu:\n  main:\n    name: Start\n",
    "title: Kop\t\nsummary: 'Een \t'\t\n",
    "title: |\n  Regel één\n  Regel twee\nsummary: >-\n  Gevouwen\n  tekst\n",
    "title: |2\n    ingesprongen\nsummary: >+\n  blijft\n\n",
    "title: Eerste\ntitle: Tweede\n",
    "title: een lange\n  gevouwen waarde\n  over regels\n",
    "title: \"Één café \u2013 😀 \\u00e9\"\nsummary: 'it''s'\n",
    "title: Kop # opmerking\n# regel\nsummary: Samenvatting\n",
    "resources:\n  - src: a.jpg\n    caption: Een foto\n  - caption: 'Nog een'\n",
    "<<: {title: Kop}\nsummary: x\n",
    "title: [Kop, twee]\nsummary: {a: b}\n",
    "? title\n: Kop\n",
    "%YAML 1.1\n---\ntitle: yes\n",
    "title: Kop\n...\n",
    "",
    "# alleen commentaar\n",
    "- a\n- b\n",
    "{title: Kop}\n",
    "title: 'niet gesloten\n",
    "title: Kop\n  bad: indent\n",
]


def _yaml_inners() -> list[str]:
    inners = [
        found[1]
        for text in DOCUMENTS
        if (found := front_matter.block(text.removeprefix("\ufeff"))) and found[0] == "---"
    ]
    return [*inners, *TRICKY_YAML]


def _read(inner: str) -> object:
    """What front matter reading makes of a YAML block: the result or the error."""
    text = f"---\n{inner}---\n\nTekst.\n"
    try:
        fm = front_matter.parse(text, path="x.md")
    except FrontMatterError as exc:
        return ("error", str(exc))
    return (fm.segments, fm.styles, fm.end)


def test_the_corpora_hold_many_front_matters() -> None:
    assert len(_yaml_inners()) > 60


@pytest.mark.parametrize("inner", _yaml_inners())
def test_libyaml_reads_front_matter_exactly_as_ruamel(
    inner: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _read(inner)
    monkeypatch.setattr(front_matter, "_LIBYAML", False)
    assert fast == _read(inner)


def test_front_matter_is_composed_by_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(inner: str, path: str) -> None:
        raise AssertionError("ruamel.yaml composed front matter that libyaml reads")

    monkeypatch.setattr(front_matter, "_ruamel_compose", refuse)
    fm = front_matter.parse("---\ntitle: yes\ndate: 2024-01-01\n---\n", path="x.md")
    assert [s.key for s in fm.segments] == ["title"]  # YAML 1.2: "yes" is a string


@pytest.mark.parametrize("text", DOCUMENTS)
def test_verification_reads_segmentation_parse_as_its_own(text: str) -> None:
    body = text[front_matter.body_offset(text) :]
    known = verify.parsed_structure(body, segment.parse(body))
    assert known is None or known == verify.body_structure(body)
    assert (known is None) == ("\r" in body)


def _wrapping_parser() -> MarkdownIt:
    """The recording parser as it was built before: each inline rule wrapped in a
    function that records what the rule consumed; the reference for ``_tokenize_recording``."""
    md = markdown._configure(MarkdownIt("commonmark", {"html": True}), move_footnotes=False)
    md.core.ruler.disable("text_join")
    md.inline.ruler2.disable("fragments_join")
    md.core.ruler.at("inline", markdown._recording_inline)

    def wrapped(name: str, fn: Any) -> Any:
        def rule(state: StateInline, silent: bool) -> bool:
            recorder = state.env.get(markdown._RECORDER)
            if silent or not isinstance(recorder, markdown._Recorder):
                return bool(fn(state, silent))
            if state is not recorder.state:
                return bool(fn(state, silent))
            start, before = state.pos, len(recorder.labels)
            if not fn(state, silent):
                return False
            labels = recorder.labels
            label = labels[before] if len(labels) > before else None
            recorder.events.append(markdown.InlineEvent(name, start, state.pos, label))
            return True

        return rule

    for name in md.inline.ruler.get_active_rules():
        if name != "text":
            fn = next(r.fn for r in md.inline.ruler.__rules__ if r.name == name)
            md.inline.ruler.at(name, wrapped(name, fn))
    tokenize = md.inline.tokenize

    def recording_tokenize(state: StateInline) -> None:
        recorder = state.env.get(markdown._RECORDER)
        if isinstance(recorder, markdown._Recorder):
            if recorder.state is None:
                recorder.state = state
            elif state is recorder.state:
                recorder.labels.append((state.pos, state.posMax))
        tokenize(state)

    md.inline.tokenize = recording_tokenize  # type: ignore[method-assign]
    return md


WRAPPING = _wrapping_parser()


@pytest.mark.parametrize("text", DOCUMENTS)
def test_the_recording_loop_records_what_wrapped_rules_recorded(text: str) -> None:
    view = markdown.hugo_structure_view(text)
    events: dict[int, list[markdown.InlineEvent]] = {}
    tokens = WRAPPING.parse(view, {markdown._EVENTS: events})
    parsed = markdown.parse_recorded(view)
    assert parsed.events == events
    assert [t.as_dict() for t in parsed.tokens] == [t.as_dict() for t in tokens]


def _translations() -> list[str]:
    """Every document with its words accented, as the pseudo engine would write it."""
    return [text.translate(str.maketrans("aeiou", "áéíóú")) for text in DOCUMENTS]


def _without_prose(tokens: list[Token]) -> list[dict[str, Any]]:
    """Tokens as dictionaries, prose and link targets left out, nesting kept, and levels,
    which markdown-it counts again when it joins text."""
    return [
        {
            **{k: v for k, v in t.as_dict(children=False).items() if k not in ("attrs", "level")},
            "children": _without_prose(t.children or []),
        }
        for t in tokens
        if t.type not in ("text", "text_special")
    ]


def test_the_structure_parser_reads_the_plain_parsers_structure() -> None:
    """Same structures over every corpus and its translation; same tokens but prose, and
    same link targets, over every corpus."""
    texts = [*DOCUMENTS, *_translations()]
    views = [markdown.hugo_structure_view(t) for t in texts]
    plain = [tuple(verify._signatures(markdown.parser().parse(v))) for v in views]
    assert [verify.body_structure(t) for t in texts] == plain
    for text in DOCUMENTS:
        view = markdown.hugo_structure_view(text)
        fast, reference = markdown.structure_parser().parse(view), markdown.parser().parse(view)
        assert _without_prose(fast) == _without_prose(reference)
        assert _hrefs(fast) == _hrefs(reference)


def _hrefs(tokens: list[Token]) -> list[object]:
    return [t.attrs for b in tokens for t in [b, *(b.children or [])] if t.attrs]


def test_structures_read_the_same_sorting_only_siblings_that_have_siblings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [*DOCUMENTS, *_translations()]
    found = [list(verify._flat(verify.body_structure(text))) for text in texts]
    monkeypatch.setattr(verify, "_in_order", lambda nodes: sorted(nodes, key=verify._Node.key))
    assert found == [list(verify._flat(verify.body_structure(text))) for text in texts]


# --- the structure comparison as it was, each block's children ordered as they were read ----


def _reference_inline(children: list[Token]) -> list[verify.Signature]:
    root = verify._Node(("inline root",), "root")
    stack = [root]
    for token in children:
        if token.type in verify._PROSE:
            continue
        signature = verify._signature(token)
        opening, closing = verify._opens(signature), verify._closes(signature)
        if closing and len(stack) > 1 and stack[-1].tag == closing:
            stack.pop().closing = signature
        elif opening:
            node = verify._Node(signature, opening)
            stack[-1].children.append(node)
            stack.append(node)
        else:
            stack[-1].children.append(verify._Node(signature))
    return [s for child in verify._in_order(root.children) for s in child.flat()]


def _reference_structure(text: str) -> list[tuple[verify.Signature, int | None]]:
    tokens = markdown.structure_parser().parse(markdown.hugo_structure_view(text))
    found: list[tuple[verify.Signature, int | None]] = []
    line: int | None = None
    for token in tokens:
        if token.map is not None:
            line = token.map[0]
        if token.type in verify._PROSE:
            continue
        found.append((verify._signature(token), line))
        found += [(s, line) for s in _reference_inline(token.children or [])]
    return found


def _reference_compare(source: str, output: str) -> verify.Mismatch | None:
    left, right = _reference_structure(source), _reference_structure(output)
    for (a, line), (b, _) in zip(left, right, strict=False):
        if a != b:
            return verify.Mismatch(line, verify._describe(a), verify._describe(b))
    if len(left) != len(right):
        longer = left if len(left) > len(right) else right
        extra_sig, line = longer[min(len(left), len(right))]
        if len(left) > len(right):
            return verify.Mismatch(line, verify._describe(extra_sig), "end of document")
        return verify.Mismatch(
            left[-1][1] if left else None, "end of document", verify._describe(extra_sig)
        )
    return verify._compare_shortcodes(source, output, markdown.VISIBLE_PARAMETERS)


_SPAN = re.compile(r"\*\*[^*\n]+\*\*|\*[^*\n]+\*|`[^`\n]+`|\[[^\]\n]*\]\([^)\n]*\)|<[a-z][^>\n]*>")


def _damaged(text: str, rng: random.Random) -> list[str]:
    """Variants of a document: inline elements swapped within a line (the same structure
    in another order), and characters dropped, doubled or added (most change it)."""
    variants = []
    for line in text.splitlines(keepends=True):
        spans = list(_SPAN.finditer(line))
        if len(spans) > 1:
            a, b = rng.sample(spans, 2) if len(spans) > 2 else spans
            a, b = sorted((a, b), key=lambda m: m.start())
            swapped = (
                line[: a.start()]
                + b.group()
                + line[a.end() : b.start()]
                + a.group()
                + line[b.end() :]
            )
            variants.append(text.replace(line, swapped, 1))
    at = rng.randrange(len(text) + 1)
    variants.append(text[:at] + text[at + 1 :])
    variants.append(text[:at] + text[at : at + 1] * 2 + text[at + 1 :])
    variants.append(text[:at] + rng.choice("*_`[]()<>#-\n|!") + text[at:])
    return variants


def test_the_comparison_finds_what_the_one_that_ordered_every_block_found() -> None:
    """Children are ordered only where two structures differ: on every corpus and its
    translation, against swapped elements and damage, the same mismatch or none."""
    rng = random.Random(13)
    pairs, reordered = 0, 0
    for text, english in zip(DOCUMENTS, _translations(), strict=True):
        known = verify.parsed_structure(text, segment.parse(text))
        for output in [english, *_damaged(english, rng)]:
            expected = _reference_compare(text, output)
            assert verify.compare(text, output) == expected, (text, output)
            assert verify.compare(text, output, known=known) == expected, (text, output)
            pairs += 1
            same_order = verify.body_structure(text) == verify.body_structure(output)
            reordered += expected is None and not same_order
    assert pairs > 4_000
    assert reordered > 25  # elements in another order: the structures are still equal


def test_segments_placed_further_on_are_the_same_segments_moved() -> None:
    """Atoms are placed at the body's offset as they are made: every offset moves by it,
    nothing else changes, with LF and with CRLF line ends."""
    for text in [*DOCUMENTS, *(t.replace("\n", "\r\n") for t in DOCUMENTS[:300])]:
        body = text[front_matter.body_offset(text) :]
        here, there = segment.segment_body(body), segment.segment_body(body, offset=7)
        moved = [
            dataclasses.replace(
                s,
                start=s.start + 7,
                end=s.end + 7,
                atoms=tuple(
                    dataclasses.replace(a, start=a.start + 7, end=a.end + 7) for a in s.atoms
                ),
            )
            for s in here
        ]
        assert there == moved, text


def _reference_lines_source(
    content: str, first: int, index: segment.LineIndex
) -> tuple[int, ...] | None:
    """``_lines_source`` as it was: an offset per character."""
    lines = content.split("\n")
    positions: list[int] = []
    for i, line in enumerate(lines):
        source_line = index.line_text(first + i)
        if i == len(lines) - 1:
            source_line = source_line.rstrip()
        visible = line.lstrip(" \t")
        if not source_line.endswith(visible):
            return None
        begin = index.line_starts[first + i] + len(source_line) - len(visible)
        indent = len(line) - len(visible)
        positions.extend([begin] * indent)
        positions.extend(range(begin, begin + len(visible)))
        positions.append(begin + len(visible))
    return tuple(positions)


def test_content_maps_to_the_offsets_it_mapped_to_character_by_character() -> None:
    """Paragraph-like content maps a line at a time: on every corpus, with LF and CRLF
    and indented continuation lines, each character to the offset it had."""
    indented = [re.sub(r"\n(?=\w)", "\n   ", t) for t in DOCUMENTS[:400]]
    lines = 0
    for text in [*DOCUMENTS, *indented, *(t.replace("\n", "\r\n") for t in DOCUMENTS[:300])]:
        index = segment.LineIndex(text)
        for token in segment.parse(text).tokens:
            if token.type != "inline" or not token.content or token.map is None:
                continue
            reference = _reference_lines_source(token.content, token.map[0], index)
            found = segment._lines_source(token.content, token.map[0], index)
            if reference is None or found is None:
                assert reference is found is None
                continue
            assert [found[k] for k in range(len(reference))] == list(reference)
            lines += token.content.count("\n") + 1
    assert lines > 2_500


def test_units_are_set_apart_as_the_full_scan_sets_them_apart() -> None:
    """A segment without markup that opens a text of its own is one sentence, as the
    full scan finds; the corpora have segments of both kinds."""
    protected = []
    for text in DOCUMENTS:
        try:
            article = pipeline.load(Path("x.md"), NL, text=text)
        except TranslatorError:
            continue
        protected += [protect.protect(s) for s in article.segments if s.translatable]
    found = [protect.units(p) for p in protected]
    assert found == [protect._scanned_units(p) for p in protected]
    assert sum(bool(u.own) for u in found) > 20


def _destinations() -> list[str]:
    """Link destinations: edge cases, generated ones (seeded) and those of every corpus."""
    rng = random.Random(13)
    starts = ["", "http://", "https://", "HTTPS://", "//", "/", "mailto:", "ftp://", "#", "../"]
    rare, common = "aZ09:/#?%@.-_~ é[]()'\"\\&=+;,!*$\t", "abcxyz019-./#"
    generated = [
        rng.choice(starts)
        + "".join(rng.choice(rare if rng.random() < 0.3 else common) for _ in range(k % 40))
        for k in range(20_000)
    ]
    hosts = ["a" * 63, "a" * 64, ".".join(["b" * 63] * 4), ".".join(["b" * 63] * 5), "x_y", "-a"]
    edges = [f"https://{h}{tail}" for h in hosts for tail in ("", "/", "#x", "/p?q", ":80/")]
    found = [
        token.attrGet("href") or token.attrGet("src") or ""
        for text in DOCUMENTS
        for block in markdown.parser().parse(markdown.hugo_structure_view(text))
        for token in block.children or []
        if token.type in ("link_open", "image")
    ]
    return [*edges, *generated, *(markdown.parser().utils.unescapeAll(f) for f in found)]


def test_plain_links_are_normalised_as_markdown_it_normalises_them() -> None:
    destinations = _destinations()
    for url in destinations:
        assert markdown.normalize_link(url) == normalizeLink(url), url
    plain = [u for u in destinations if markdown._PLAIN_LINK.match(u)]
    assert len(plain) > 1_000  # the shortcut is taken, not only the fallback
    assert markdown._PLAIN_LINK.match("https://example.nl/a/b#kop")


def test_emoji_are_found_where_the_lookbehind_first_pattern_finds_them() -> None:
    reference = re.compile(r"(?<![\w:]):[a-z0-9_+-]*[a-z][a-z0-9_+-]*:(?![\w:])")
    samples = [*DOCUMENTS, ":tada:", "a:tada:", "::tada:", " :+1: :x::y: é:ok: :ok:é", ":a:b:c:"]
    for text in samples:
        expected = [m.span() for m in reference.finditer(text)]
        assert [m.span() for m in segment._EMOJI.finditer(text)] == expected, text


def test_the_corpora_have_footnotes_references_and_shortcodes() -> None:
    joined = "".join(DOCUMENTS)
    assert all(mark in joined for mark in ("[^1]:", "]: /", "{{< ", "\r\n"))


def _translate_keeping(text: str, english: str) -> pipeline.Result:
    """Translate an article, keeping ``english`` for its paragraph as a reuse would: kept
    English is not reassembled, only verified."""
    article = pipeline.load(Path("x.md"), NL, text=text)
    [paragraph] = [i for i, s in enumerate(article.segments) if s.kind == "paragraph"]
    kept = {article.path: pipeline.Kept(english={paragraph: english})}
    [result] = pipeline.translate_articles([article], PseudoEngine(), reuse=kept)
    return result


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_structure_change_is_caught_and_repaired(newline: str) -> None:
    text = newline.join(["# Kop", "", "Een alinea met *nadruk*.", ""])
    result = _translate_keeping(text, "A paragraph with *emphasis*.\n\n- and a list")
    assert result.stats.fallbacks == 1
    assert result.text is not None and "- and a list" not in result.text


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_the_same_structure_passes(newline: str) -> None:
    text = newline.join(["# Kop", "", "Een alinea met *nadruk*.", ""])
    result = _translate_keeping(text, "A paragraph with *emphasis*.")
    assert result.stats.fallbacks == 0
    assert result.text is not None and "A paragraph with *emphasis*." in result.text


def test_the_known_structure_is_used_unless_the_body_has_a_cr() -> None:
    assert pipeline.load(Path("x.md"), NL, text="# Kop\r\n\nTekst.\n").structure is None
    known = pipeline.load(Path("x.md"), NL, text="# Kop\n\nTekst.\n").structure
    assert known == verify.body_structure("# Kop\n\nTekst.\n")
    found = verify.compare("# Kop\n\nTekst.\n", "# Kop\n\n- Text.\n", known=known)
    assert found == verify.compare("# Kop\n\nTekst.\n", "# Kop\n\n- Text.\n")
    assert found is not None and found.line == 2
