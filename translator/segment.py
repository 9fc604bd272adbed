"""Segmentation: find the prose of a Markdown body and nothing else.

A segment is the inline content of one paragraph, heading or table cell. It is
cut into atoms, each a range of the document: *text* (prose an engine may
rewrite), *protected* (markup restored verbatim: emphasis delimiters, link
syntax, code, HTML, images, shortcodes, URLs …) and *break* (a soft line
break, kept with the container prefix of the next line such as ``> ``).

markdown-it normalises line endings and strips container prefixes, so every
inline offset is mapped back to the raw document; a block whose content cannot
be mapped exactly is left untranslated rather than guessed at.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # annotations only
    from markdown_it.token import Token

from translator.markdown import (
    HUGO_DEFAULTS,
    MASK,
    SHORTCODE,
    VISIBLE_PARAMETERS,
    Goldmark,
    InlineEvent,
    Parameters,
    Parsed,
    mask_shortcodes,
    parse_blocks,
    parse_recorded,
    parser,
    shortcode_texts,
)


class AtomKind(Enum):
    TEXT = "text"
    PROTECTED = "protected"
    BREAK = "break"


@dataclass(frozen=True, slots=True)
class Atom:
    """A piece of a segment, in document order."""

    kind: AtomKind
    start: int
    """Offset of the piece in the raw document text."""
    end: int
    """Offset just past the piece in the raw document text."""
    text: str
    """TEXT: the prose as the engine sees it; otherwise the raw source, restored verbatim."""


@dataclass(frozen=True, slots=True)
class Segment:
    """One translatable unit: the inline content of a block, or a front-matter value."""

    kind: str
    """``paragraph``, ``heading``, ``table_cell`` or ``front_matter``."""
    line: int
    """1-based line in the file where the segment starts, for messages and review."""
    start: int
    """Offset in the raw document where the replaced span begins."""
    end: int
    """Offset just past the replaced span."""
    atoms: tuple[Atom, ...]
    """The pieces of the span; a front-matter value is one TEXT atom."""
    key: str | None = None
    """For front matter: the dotted key path of the value."""
    translatable: bool = field(init=False, repr=False, compare=False)
    """Whether the prose has letters: a segment without any has nothing to translate.
    Worked out once, when the segment is made: a run asks it of each segment often."""

    def __post_init__(self) -> None:
        letters = any(any(map(str.isalpha, a.text)) for a in self.atoms if a.kind is AtomKind.TEXT)
        object.__setattr__(self, "translatable", letters)

    @property
    def prose(self) -> str:
        """The text atoms joined, for language detection and review."""
        return " ".join(a.text for a in self.atoms if a.kind is AtomKind.TEXT)

    def source_in(self, raw: str) -> str:
        """The segment as its file holds it: the raw span, or a front-matter value
        (decoded, its line breaks as written)."""
        if self.kind == "front_matter":
            return "".join(atom.text for atom in self.atoms)
        return raw[self.start : self.end]


# --- markup recognised outside CommonMark -------------------------------------------------

URL = re.compile(r"""(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>"'`]*[^\s<>"'`.,;:!?)\]]""")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# The placeholder brackets themselves, should a source ever contain them.
BRACKETS = re.compile("[\u27e6\u27e7]+")
# Paired shortcodes whose inner text is code or data, never prose.
_CODE_SHORTCODE = re.compile(
    r"\{\{[<%]\s*(highlight|code|mermaid|math|katex|chart|raw)\b.*?[%>]\}\}"
    r".*?\{\{[<%]\s*/\s*\1\s*[%>]\}\}",
    re.DOTALL,
)

# Hugo: a GitHub-style alert marker opening a blockquote, ``[!NOTE]`` or ``[!TIP]-``.
_ALERT = re.compile(r"\[![A-Za-z]+\][-+]?")
# The fragment of a link target or ref shortcode: `](#id)`, `](../x/#id)`, `ref "x#id"`.
_FRAGMENT = re.compile(r"""\]\(\s*<?[^)\s#"'<>]*#([^)\s>"']+)|ref\s+"[^"#]*#([^"]+)["]""")
# The same, into another page only: `](../x/#id)`, `ref "x#id"`, `relref "x#id"`.
_PAGE_FRAGMENT = re.compile(r"""\]\(\s*<?[^)\s#"'<>]+#([^)\s>"']+)|ref\s+"[^"#]+#([^"]+)["]""")
# Goldmark attributes: ``{#id .class key="value"}``.
_ATTRIBUTE = r"""(?:[#.][\w-]+|[\w-]+=(?:"[^"\n]*"|'[^'\n]*'|[^\s{}"']+))"""
_ATTRIBUTES = rf"\{{[ \t]*{_ATTRIBUTE}(?:[ \t]+{_ATTRIBUTE})*[ \t]*\}}"
# An emoji shortcode (Hugo's enableEmoji): ``:tada:``, ``:+1:``, after no word character
# or colon. The colon comes first in the pattern, so that a scan jumps from colon to colon.
_EMOJI = re.compile(r":(?<![\w:]:)[a-z0-9_+-]*[a-z][a-z0-9_+-]*:(?![\w:])")
_HEADING_ATTRIBUTES = re.compile(rf"[ \t]*{_ATTRIBUTES}[ \t]*$")
# A paragraph's last line that is only attributes: Goldmark's block attributes.
_BLOCK_ATTRIBUTES = re.compile(rf"\n[ \t]*{_ATTRIBUTES}[ \t]*$")
_EXPLICIT_ID = re.compile(r"\{[^{}]*?#([\w-]+)[^{}]*\}[ \t]*$")
# An inline link or image's title: the last quoted string before the closing parenthesis.
_TITLE = re.compile(r"""[ \t]("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')[ \t]*\)$""")
# Markdown in an image's alt text is left alone: only plain alt text is translated.
_PLAIN_ALT = re.compile(r"[^\[\]`*_<>&\\\n!]+")
LABEL_OPEN, ADDED_OPEN, ADDED_CLOSE = "\ue011", "\ue012", "\ue013"
"""Around markup that segmentation adds to a protected atom, which the source does not
have: an explicit heading id (``ADDED_OPEN``), or the label that a shortcut or
collapsed reference link gains (``LABEL_OPEN``: ``[foo]`` → ``[text][foo]``), which
reassembly drops again when the text stayed ``foo``."""
_ADDED = re.compile(f"[{LABEL_OPEN}{ADDED_OPEN}].*?{ADDED_CLOSE}", re.DOTALL)


def as_written(markup: str) -> str:
    """A protected atom's text as the source has it, without what segmentation added."""
    return _ADDED.sub("", markup) if ADDED_CLOSE in markup else markup


# Markup found by pattern in prose, each with the strings one of which every match
# contains: a block without any is not scanned (a scan costs more than its parse).
_MARKUP = (
    (URL, ("://", "www.")),
    (EMAIL, ("@",)),
    (BRACKETS, ("\u27e6", "\u27e7")),
    (_EMOJI, (":",)),
)

# Inline rules whose whole match is markup, never prose.
_PROTECTED_RULES = frozenset(
    {
        "backticks",
        "escape",
        "entity",
        "html_inline",
        "autolink",
        "image",
        "footnote_ref",
        "emphasis",
        "strikethrough",
    }
)
_WHOLLY_PROTECTED = _PROTECTED_RULES - {"image"}
"""Of those, the rules whose whole match is protected (an image's alt text is prose)."""


def _unmasked(raw: str) -> str:
    """The text with LF line ends and NUL replaced, as markdown-it normalises it."""
    return raw.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")


class LineIndex:
    """Offsets and line numbers of a text, and the CRLF-aware raw/normalised offset map."""

    def __init__(self, raw: str, normalized: str | None = None) -> None:
        """``normalized``: what markdown-it was given for ``raw``, when a parse has it."""
        self.raw = raw
        self.unmasked = _unmasked(raw)
        # What markdown-it sees: shortcodes masked, as Hugo hides them from Goldmark.
        self.normalized = mask_shortcodes(self.unmasked) if normalized is None else normalized
        # markdown-it sees the normalised text; each CRLF shrinks it by one character.
        self._crlf = [m.start() for m in re.finditer("\r\n", raw)]
        self.crlf = bool(self._crlf)
        """Whether the text has CRLF line ends: only then do its offsets need mapping."""
        self._crlf_norm = [p - i for i, p in enumerate(self._crlf)]
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", self.normalized))]

    def to_raw(self, offset: int) -> int:
        """Map an offset in the normalised text to the raw text."""
        return offset + bisect.bisect_left(self._crlf_norm, offset)

    def line_of_raw(self, offset: int) -> int:
        """0-based line number of a raw offset."""
        return bisect.bisect_right(self.line_starts, offset - self._shift_before(offset)) - 1

    def _shift_before(self, raw_offset: int) -> int:
        return bisect.bisect_left(self._crlf, raw_offset)

    def line_text(self, line: int) -> str:
        """A normalised line without its newline."""
        start = self.line_starts[line]
        end = self.line_starts[line + 1] - 1 if line + 1 < len(self.line_starts) else None
        return self.normalized[start:end]


@dataclass(frozen=True, slots=True)
class _Texts:
    """Which texts inside markup are prose, as a run is told."""

    alt_texts: bool = True
    """Image alt texts and image and link titles."""
    parameters: Parameters = VISIBLE_PARAMETERS
    """The values of these shortcode parameters."""
    goldmark: Goldmark = HUGO_DEFAULTS
    """The site's Goldmark settings: what a heading's id is."""


class _Offsets(Protocol):
    """Where each character of a block's content is in the normalised text."""

    def __getitem__(self, index: int, /) -> int: ...


@dataclass(frozen=True, slots=True)
class _Lines:
    """The offsets of paragraph-like content, a run per content line: ``_lines_source``
    maps every character, and an int per character was most of the cost of mapping."""

    starts: tuple[int, ...]
    """Where each content line starts in the content."""
    begins: tuple[int, ...]
    """Offset of each line's first visible character in the normalised text."""
    indents: tuple[int, ...]
    """Blanks the content line keeps before it, which all map to its first visible one."""

    def __getitem__(self, index: int, /) -> int:
        line = bisect.bisect_right(self.starts, index) - 1
        return self.begins[line] + max(0, index - self.starts[line] - self.indents[line])


@dataclass(frozen=True, slots=True)
class _InlineSource:
    """A block's inline content and, per character, its offset in the normalised text."""

    content: str
    positions: _Offsets
    """``len(content) + 1`` offsets; the last one is the end of the content."""
    kind: str = "paragraph"
    alert: bool = False
    """The first paragraph of a blockquote, where Hugo looks for an alert marker."""
    anchor: str | None = None
    """For a heading without an explicit id: the id Hugo gives it, to be kept explicitly."""
    texts: _Texts = _Texts()
    """Which texts inside markup are prose."""

    def unmasked(self, index: LineIndex) -> str:
        """The content with its shortcodes as written."""
        if MASK not in self.content:
            return self.content
        return "".join(
            index.unmasked[self.positions[k]] if c == MASK else c
            for k, c in enumerate(self.content)
        )


def parse(raw: str) -> Parsed:
    """Parse a Markdown body as segmentation reads it, for ``segment_body`` and for
    verification to share."""
    return parse_recorded(mask_shortcodes(_unmasked(raw)))  # ``LineIndex(raw).normalized``


def segment_body(
    raw: str,
    *,
    offset: int = 0,
    first_line: int = 1,
    skip: Sequence[tuple[int, int]] = (),
    alt_texts: bool = True,
    parameters: Parameters = VISIBLE_PARAMETERS,
    goldmark: Goldmark = HUGO_DEFAULTS,
    linked: frozenset[str] = frozenset(),
    parsed: Parsed | None = None,
) -> list[Segment]:
    """Split a Markdown body into segments.

    ``offset`` and ``first_line`` place the body inside the whole file (after
    front matter), so that segment offsets and line numbers are the file's.
    ``alt_texts`` makes image alt texts and image and link titles prose, and
    ``parameters`` the values of those shortcode parameters; ``goldmark`` says
    how Hugo gives headings their ids, and ``linked`` are the ids other pages link
    to, which a heading keeps as well as those its own page links to. ``parsed`` is
    ``parse(raw)`` when the caller has it already.
    """
    index = LineIndex(raw, parsed.text if parsed is not None else None)
    if parsed is None:
        parsed = parse_recorded(index.normalized)
    regions = [(m.start(), m.end()) for m in _CODE_SHORTCODE.finditer(raw)]
    regions += skip
    segments = []
    targets = link_targets(index.unmasked) | linked
    texts = _Texts(alt_texts, parameters, goldmark)
    for at, kind, source in _inline_sources(parsed.tokens, index, targets, texts):
        atoms = _atoms(source, parsed.events[at], index, offset)
        if not atoms:
            continue
        start, end = atoms[0].start - offset, atoms[-1].end - offset
        if regions and any(s < end and start < e for s, e in regions):
            continue
        line = first_line + index.line_of_raw(start)
        segments.append(Segment(kind, line, start + offset, end + offset, tuple(_merge(atoms))))
    return segments


# --- locating inline content in the source ----------------------------------------------------


_VERBATIM_OPEN = re.compile(r"<(pre|script|style|textarea)\b", re.IGNORECASE)
_VERBATIM_CLOSE = re.compile(r"</(pre|script|style|textarea)\s*>", re.IGNORECASE)


def _inline_sources(
    tokens: list[Token], index: LineIndex, targets: set[str], texts: _Texts
) -> Iterator[tuple[int, str, _InlineSource]]:
    """Each block's inline content with the index of its inline token."""
    cell = 0
    verbatim = 0  # raw <pre>/<script>/… elements left open by HTML blocks
    anchors = HeadingIds(targets, texts.goldmark)
    for i, token in enumerate(tokens):
        if token.type == "html_block":
            verbatim += len(_VERBATIM_OPEN.findall(token.content))
            verbatim = max(0, verbatim - len(_VERBATIM_CLOSE.findall(token.content)))
        if verbatim:
            continue
        if token.type == "tr_open":
            cell = -1
        elif token.type in ("th_open", "td_open"):
            cell += 1
        if token.type != "inline" or not token.content or token.map is None:
            continue
        parent = tokens[i - 1]
        anchor = anchors.of(token.content) if parent.type == "heading_open" else None
        if not texts.goldmark.heading_attributes:
            anchor = None  # `{#id}` would be heading text: the id cannot be kept this way
        positions: _Offsets | None
        if parent.type == "heading_open" and parent.markup.startswith("#"):
            kind, positions = "heading", _atx_source(token.content, token.map[0], index)
        elif parent.type in ("th_open", "td_open"):
            kind, positions = "table_cell", _cell_source(token.content, token.map[0], cell, index)
        else:
            kind = "heading" if parent.type == "heading_open" else "paragraph"
            positions = _lines_source(token.content, token.map[0], index)
        if positions is not None:
            alert = kind == "paragraph" and i > 1 and tokens[i - 2].type == "blockquote_open"
            yield i, kind, _InlineSource(token.content, positions, kind, alert, anchor, texts)


def _lines_source(content: str, first: int, index: LineIndex) -> _Offsets | None:
    """Map paragraph-like content, one content line per source line: the offset of each
    of its characters (see ``_InlineSource.positions``), None where it is not found.
    A line of the content maps to a run of the source, after its indentation."""
    lines = content.split("\n")
    starts, begins, indents = [], [], []
    start = 0
    for i, line in enumerate(lines):
        source_line = index.line_text(first + i)
        if i == len(lines) - 1:
            # markdown-it strips a block's content like str.strip(): every Unicode space,
            # a no-break space included, so the source line must lose the same.
            source_line = source_line.rstrip()
        visible = line.lstrip(" \t")
        if not source_line.endswith(visible):
            return None
        begin = index.line_starts[first + i] + len(source_line) - len(visible)
        starts.append(start)
        begins.append(begin)
        indents.append(len(line) - len(visible))
        start += len(line) + 1  # the newline, or the end, maps past the visible text
    if len(lines) == 1 and not indents[0]:
        return range(begins[0], begins[0] + len(content) + 1)
    return _Lines(tuple(starts), tuple(begins), tuple(indents))


def _atx_source(content: str, line: int, index: LineIndex) -> _Offsets | None:
    text = index.line_text(line)
    marker = len(text) - len(text.lstrip(" ").lstrip("#"))
    at = text.find(content, marker)
    if at < 0:
        return None
    begin = index.line_starts[line] + at
    return range(begin, begin + len(content) + 1)


def _cell_source(content: str, line: int, cell: int, index: LineIndex) -> _Offsets | None:
    """Map one cell of a table row (split as markdown-it's ``escapedSplit`` does)."""
    cells = _row_cells(index, line)
    if cell >= len(cells):
        return None
    chars = list(cells[cell])
    # markdown-it strips a cell like str.strip(): every Unicode space, a no-break space too.
    while chars and chars[0][0].isspace():
        chars.pop(0)
    while chars and chars[-1][0].isspace():
        chars.pop()
    if not chars or "".join(ch for ch, _ in chars) != content:
        return None
    end = chars[-1][1] + (2 if chars[-1][0] == "|" else 1)
    return (*(p for _, p in chars), end)


@functools.lru_cache(maxsize=8)
def _row_cells(index: LineIndex, line: int) -> tuple[tuple[tuple[str, int], ...], ...]:
    """A table row's cells, each character with its offset; split once per row, not
    once per cell (a row of 5,000 cells took minutes). Cached by the index's identity."""
    text, base = index.line_text(line), index.line_starts[line]
    cells: list[list[tuple[str, int]]] = [[]]
    escaped = False
    for pos, ch in enumerate(text):
        if ch == "|" and not escaped:
            cells.append([])
        elif ch == "|":
            # '\|' is a literal pipe in the content; it takes the backslash's
            # offset so that a span over it covers both characters.
            cells[-1][-1] = ("|", base + pos - 1)
        else:
            cells[-1].append((ch, base + pos))
        escaped = ch == "\\"
    if not "".join(ch for ch, _ in cells[0]).strip():
        cells.pop(0)
    return tuple(tuple(c) for c in cells)


# --- atoms ---------------------------------------------------------------------------------------


class _Ranges:
    """The protected ranges of one block's content, and text to insert as markup."""

    def __init__(self) -> None:
        self.ranges: list[tuple[int, int]] = []
        self.insertions: list[tuple[int, str]] = []
        """(offset, markup) that translator adds there (an explicit heading id …), in order."""

    def protect(self, start: int, end: int) -> None:
        if start < end:
            self.ranges.append((start, end))

    def protect_except(self, start: int, end: int, texts: Sequence[tuple[int, int]]) -> None:
        """Protect ``start:end`` but the ``texts`` ranges inside it, which are prose."""
        for text_start, text_end in sorted(texts):
            self.protect(start, text_start)
            start = text_end
        self.protect(start, end)


def _protected_ranges(source: _InlineSource, original: str, events: list[InlineEvent]) -> _Ranges:
    content = source.content
    found = _Ranges()
    for event in events:
        if event.rule in _WHOLLY_PROTECTED:
            found.protect(event.start, event.end)
        elif event.rule == "image":
            texts = _image_texts(original, event) if source.texts.alt_texts else []
            found.protect_except(event.start, event.end, texts)
        elif event.rule == "link":
            _link_ranges(original, event, found, titles=source.texts.alt_texts)
        elif event.rule == "newline" and _is_hard_break(content, event.start):
            found.protect(_before_spaces(content, event.start), event.end)
    for match in SHORTCODE.finditer(original):
        texts = [
            (match.start() + s, match.start() + e)
            for s, e in shortcode_texts(match.group(0), source.texts.parameters)
        ]
        found.protect_except(match.start(), match.end(), texts)
    for pattern, needles in _MARKUP:
        for needle in needles:
            if needle in original:
                for match in pattern.finditer(original):
                    found.protect(*match.span())
                break
    _hugo_ranges(source, original, found)
    found.ranges = _union(found.ranges)
    return found


def _hugo_ranges(source: _InlineSource, original: str, found: _Ranges) -> None:
    """Markup that Goldmark with Hugo's defaults sees and CommonMark does not."""
    if source.alert and (alert := _ALERT.match(original)):
        found.protect(*alert.span())
    if source.kind == "paragraph" and (attributes := _BLOCK_ATTRIBUTES.search(original)):
        found.protect(*attributes.span())
    heading = source.kind == "heading" and "{" in original  # attributes need braces
    attributes = _HEADING_ATTRIBUTES.search(original) if heading else None
    if attributes is not None:
        found.protect(*attributes.span())
    if source.anchor is None:
        return
    # The Dutch id, kept explicitly: links to it keep working on the English page.
    if attributes is not None:
        found.insertions.append(
            (
                original.index("{", attributes.start()) + 1,
                f"{ADDED_OPEN}#{source.anchor} {ADDED_CLOSE}",
            )
        )
    else:
        found.insertions.append((len(original), f"{ADDED_OPEN} {{#{source.anchor}}}{ADDED_CLOSE}"))


def _link_ranges(content: str, event: InlineEvent, found: _Ranges, *, titles: bool) -> None:
    if event.label is None:
        found.protect(event.start, event.end)
        return
    label_start, label_end = event.label
    tail = content[label_end : event.end]
    found.protect(event.start, label_start)
    if tail in ("]", "][]"):
        # In `[foo]` and `[foo][]` the text is also the reference label: the
        # translated text keeps it as a full reference, `[text][foo]`.
        label = content[label_start:label_end]
        if "\n" in label or MASK in label:
            found.protect(label_start, event.end)
            return
        found.protect(label_end, event.end)
        if tail == "]":
            found.insertions.append((event.end, f"{LABEL_OPEN}[{label}]{ADDED_CLOSE}"))
        else:
            found.insertions.append((event.end - 1, f"{LABEL_OPEN}{label}{ADDED_CLOSE}"))
        return
    title = _title(content, label_end, event.end) if titles else []
    found.protect_except(label_end, event.end, title)


def _title(content: str, start: int, end: int) -> list[tuple[int, int]]:
    """The text of an inline link's or image's title, if it has one."""
    match = _TITLE.search(content, start, end)
    if match is None or match.end() != end or len(match.group(1)) < 3:
        return []
    return [(match.start(1) + 1, match.end(1) - 1)]


def _image_texts(content: str, event: InlineEvent) -> list[tuple[int, int]]:
    """The alt text and title of an image, when they are plain text."""
    alt_start = event.start + 2
    alt = _PLAIN_ALT.match(content, alt_start)
    if alt is None or content[alt.end() : alt.end() + 2] != "](":
        return []
    return [(alt_start, alt.end()), *_title(content, alt.end(), event.end)]


def unkept_ids(raw: str, goldmark: Goldmark) -> list[tuple[int, str]]:
    """Linked headings whose id the English page cannot keep, as (line in ``raw``, id).

    With heading attributes off, ``{#id}`` is heading text to Hugo: an English
    heading gets an id from its English text, and the links into it break.
    """
    if goldmark.heading_attributes:
        return []
    index = LineIndex(raw)
    tokens, _ = parse_blocks(index.normalized)
    anchors = HeadingIds(link_targets(index.unmasked), goldmark)
    found = []
    for before, token in itertools.pairwise(tokens):
        if before.type == "heading_open" and token.type == "inline" and token.map is not None:
            anchor = anchors.of(token.content)
            if anchor is not None:
                found.append((token.map[0] + 1, anchor))
    return found


_ADDED_ID = re.compile(f"{ADDED_OPEN} ?\\{{?#([^\\s}}{ADDED_CLOSE}]+)")


def added_ids(segments: Sequence[Segment]) -> set[str]:
    """The heading ids that segmentation added explicitly to these segments."""
    return {
        found.group(1)
        for s in segments
        for atom in s.atoms
        for found in _ADDED_ID.finditer(atom.text)
    }


def page_link_targets(text: str) -> set[str]:
    """The fragments that links and ref shortcodes in ``text`` point to on other pages."""
    return {a or b for a, b in _PAGE_FRAGMENT.findall(text)}


def link_targets(text: str) -> set[str]:
    """The fragments that links and ref shortcodes in ``text`` point to."""
    return {a or b for a, b in _FRAGMENT.findall(text)}


class HeadingIds:
    """Hugo's heading ids, as the site's ``autoHeadingIDType`` makes them, unique per page."""

    def __init__(self, targets: set[str], goldmark: Goldmark = HUGO_DEFAULTS) -> None:
        self.taken: set[str] = set()
        self.targets = targets
        """The ids that links point to: only those headings are given their id explicitly."""
        self.goldmark = goldmark

    def of(self, content: str) -> str | None:
        """The id of a heading that links point to; None when it has its own or none is."""
        if not self.targets or not self.goldmark.auto_ids:
            return None  # no link points into the page, or Hugo gives no ids: none to keep
        attributes = self.goldmark.heading_attributes
        explicit = _EXPLICIT_ID.search(content) if attributes else None
        if explicit is not None:
            self.taken.add(explicit.group(1))
            return None
        base = anchorize(_heading_text(content, attributes=attributes), self.goldmark.id_type)
        if not base:
            return None
        anchor, number = base, 0
        while anchor in self.taken:
            number += 1
            anchor = f"{base}-{number}"
        self.taken.add(anchor)
        return anchor if anchor in self.targets else None


def anchorize(text: str, id_type: str = "github") -> str:
    """A heading's id from its text, as Hugo's ``autoHeadingIDType`` makes it."""
    if id_type == "blackfriday":
        return _blackfriday(text)
    if id_type == "github-ascii":
        text = _without_accents(text)
    out = []
    for ch in text.strip():
        if id_type == "github-ascii" and not ch.isascii():
            continue  # Hugo drops what has no ASCII form once accents are removed
        if ch in " -":
            out.append("-")
        elif ch == "_" or ch.isalpha() or ch.isdigit():
            out.append(ch.lower())
    return "".join(out)


def _without_accents(text: str) -> str:
    """Hugo's ``text.RemoveAccents``: decompose, drop combining marks, compose."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", kept)


def _blackfriday(text: str) -> str:
    """Blackfriday's ``SanitizedAnchorName``: letters and numbers lower-cased, every run
    of anything else one ``-`` between them."""
    out: list[str] = []
    dash = False
    for ch in text:
        if ch.isalpha() or unicodedata.category(ch).startswith("N"):
            if dash and out:
                out.append("-")
            dash = False
            out.append(ch.lower())
        else:
            dash = True
    return "".join(out)


def _heading_text(content: str, *, attributes: bool = True) -> str:
    """A heading's text as Goldmark collects it for its id: text, code and alt text
    (and ``{#id}`` when heading attributes are off: then it is text)."""
    if attributes:
        content = _HEADING_ATTRIBUTES.sub("", content)
    tokens = parser().parseInline(content)
    return "".join(
        child.content
        for token in tokens
        for child in token.children or []
        if child.type in ("text", "code_inline")
    )


def _is_hard_break(content: str, newline: int) -> bool:
    return content[max(0, newline - 2) : newline] == "  "


def _before_spaces(content: str, pos: int) -> int:
    while pos > 0 and content[pos - 1] in " \t":
        pos -= 1
    return pos


def _union(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _pieces(
    content: str, found: _Ranges, events: list[InlineEvent]
) -> list[tuple[int, int, AtomKind, str | None]]:
    """Cut content into text, protected and break pieces; insertions carry their markup."""
    protected = found.ranges
    breaks = [
        (_before_spaces(content, e.start), e.end)
        for e in events
        if e.rule == "newline" and not _is_hard_break(content, e.start)
    ]
    breaks = [b for b in breaks if not any(s < b[1] and b[0] < e for s, e in protected)]
    marked = sorted(
        [(s, e, AtomKind.PROTECTED) for s, e in protected]
        + [(s, e, AtomKind.BREAK) for s, e in breaks]
    )
    pieces: list[tuple[int, int, AtomKind, str | None]] = []
    cursor = 0
    for start, end, kind in marked:
        if start > cursor:
            pieces.append((cursor, start, AtomKind.TEXT, None))
        pieces.append((start, end, kind, None))
        cursor = end
    if cursor < len(content):
        pieces.append((cursor, len(content), AtomKind.TEXT, None))
    for offset, markup in sorted(found.insertions, key=lambda i: i[0]):
        at = next((k for k, p in enumerate(pieces) if p[1] > offset), len(pieces))
        if at < len(pieces) and pieces[at][0] < offset:  # inside a piece: cut it there
            start, end, kind, _ = pieces[at]
            pieces[at : at + 1] = [(start, offset, kind, None), (offset, end, kind, None)]
            at += 1
        pieces.insert(at, (offset, offset, AtomKind.PROTECTED, markup))
    return pieces


def _atoms(
    source: _InlineSource, events: list[InlineEvent], index: LineIndex, offset: int = 0
) -> list[Atom]:
    """The content's atoms, placed ``offset`` further on (where the body starts in its file)."""
    content = source.content
    original = source.unmasked(index)
    positions = source.positions
    to_raw = index.to_raw if index.crlf else None  # without CRLF, offsets are the raw ones
    atoms = []
    for start, end, kind, markup in _pieces(
        content, _protected_ranges(source, original, events), events
    ):
        raw_start, raw_end = positions[start], positions[end]
        if to_raw is not None:
            raw_start, raw_end = to_raw(raw_start), to_raw(raw_end)
        if markup is not None:
            text = markup
        elif kind is AtomKind.TEXT:
            text = original[start:end]
        else:
            text = index.raw[raw_start:raw_end]
        atoms.append(Atom(kind, raw_start + offset, raw_end + offset, text))
    return atoms


def _merge(atoms: list[Atom]) -> list[Atom]:
    """Fold breaks between markup into it, and join neighbouring markup.

    Fewer, longer protected atoms give an engine fewer placeholders to keep.
    """
    out: list[Atom] = []
    for i, atom in enumerate(atoms):
        folded = atom
        if atom.kind is AtomKind.BREAK:
            before = atoms[i - 1].kind if i else AtomKind.PROTECTED
            after = atoms[i + 1].kind if i + 1 < len(atoms) else AtomKind.PROTECTED
            if AtomKind.TEXT not in (before, after):
                folded = Atom(AtomKind.PROTECTED, atom.start, atom.end, atom.text)
        out.append(folded)
    return join_protected(out)


def join_protected(atoms: Sequence[Atom]) -> list[Atom]:
    """Join neighbouring protected atoms into one."""
    out: list[Atom] = []
    for atom in atoms:
        if out and atom.kind is AtomKind.PROTECTED and out[-1].kind is AtomKind.PROTECTED:
            prev = out.pop()
            out.append(Atom(AtomKind.PROTECTED, prev.start, atom.end, prev.text + atom.text))
        else:
            out.append(atom)
    return out


PLACEHOLDER = re.compile(r"⟦(\d+)(?:=[^⟧]*)?⟧")
"""A placeholder: ``⟦3⟧`` for markup, ``⟦4=municipalities⟧`` for a glossary term,
``⟦5=⟧`` for markup that stands as a word of the sentence (a code span, an autolink, an
image).

``protect`` makes them and engines take them out and put them back, so the
pattern lives here, below both. A term placeholder carries its English target
so that an engine can use it as a hint (the Argos engine writes it into the
sentence it decodes); a word placeholder tells the engine that a word stood there
(the Argos engine writes an opaque stand-in word that the model carries to its
English place). Whatever an engine does to the hint, the placeholder is restored
by its number.
"""
