"""The Markdown dialect: markdown-it-py configured like Hugo's Goldmark.

Hugo replaces shortcodes before Goldmark sees the page, so that
``[text]({{< ref "x" >}})`` is a link; ``mask_shortcodes`` does the same here,
with a same-length mask that keeps every offset and line. Three parsers share
one configuration. The plain one renders; the structure one verifies, its link
normalisation made cheap for plain links and its prose left unjoined. The
recording one runs markdown-it's inline loop keeping, for each construct a rule
recognises, a record of the source range it consumed; its tokens are otherwise the
structure parser's, footnotes left where they are written. markdown-it tokens carry no
character offsets, and the recorded ranges are what let the segmenter replace
prose and nothing else, byte for byte.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # markdown-it is imported when a parser is first built
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

_RECORDER = "translator.recorder"
_EVENTS = "translator.events"

SHORTCODE = re.compile(r"\{\{[<%].*?[%>]\}\}", re.DOTALL)
MASK = "\ue000"
"""Stands for each character of a shortcode while Markdown is parsed: a private-use
character, neither space nor punctuation, valid in a link destination and in prose."""
_NOT_NEWLINE = re.compile(r"[^\n]")
_PARAMETER = re.compile(r"""([\w-]+)=("(?:\\.|[^"\\])*"|`[^`]*`)""")
_SHORTCODE_NAME = re.compile(r"\{\{[<%]\s*([\w/-]+)")

Parameters = frozenset[tuple[str, str]]
"""Shortcode parameters a reader sees, whose values are translated: (shortcode, parameter)."""

VISIBLE_PARAMETERS: Parameters = frozenset(
    {("figure", "caption"), ("figure", "alt"), ("figure", "title"), ("figure", "attr")}
)
"""The parameters translated by default: Hugo's ``figure`` text."""


def mask_shortcodes(text: str) -> str:
    """Replace each shortcode by a run of ``MASK`` of the same length, newlines kept."""
    if "{{" not in text:
        return text
    return SHORTCODE.sub(lambda m: _NOT_NEWLINE.sub(MASK, m.group(0)), text)


MAX_NESTING = 100
"""How deep blocks may nest (a list item in a list counts two). markdown-it's CommonMark
preset stops at 20 and silently drops the rest of the document as unparsed; Goldmark
has no such limit. Deeper than this, a file fails (``NestingError``), never half-read."""


class NestingError(Exception):
    """Blocks nest deeper than ``MAX_NESTING``; ``line`` is 1-based in the parsed text."""

    def __init__(self, line: int) -> None:
        super().__init__(f"blocks nest deeper than {MAX_NESTING} levels here")
        self.line = line


_PLAIN_LINK = re.compile(
    r"(?:https?://(?:[a-z0-9-]{1,63}\.){0,3}[a-z0-9-]{1,63}(?=[/#]|\Z)|(?!//))"
    r"[A-Za-z0-9/._~-]*(?:#[A-Za-z0-9/._~-]*)?\Z",
    re.ASCII,
)
"""A link destination that markdown-it's ``normalizeLink`` returns as it is: http(s) with a
plain lower-case host, or relative, of characters that need no escaping."""


def normalize_link(url: str) -> str:
    """markdown-it's ``normalizeLink``, returning a plain destination (``_PLAIN_LINK``) at
    once: parsing, re-encoding and formatting it were a tenth of a parse."""
    if _PLAIN_LINK.match(url):
        return url
    from markdown_it.common.normalize_url import normalizeLink  # noqa: PLC0415

    return normalizeLink(url)


def _configure(md: MarkdownIt, *, move_footnotes: bool) -> MarkdownIt:
    # Goldmark's defaults as Hugo ships them: CommonMark with raw HTML, GFM
    # tables and strikethrough, and footnotes (Goldmark has no inline ^[...]).
    from mdit_py_plugins.footnote import footnote_plugin  # noqa: PLC0415

    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin, inline=False, move_to_end=move_footnotes)
    md.options["maxNesting"] = MAX_NESTING
    tokenize = md.block.tokenize

    def guarded(state: StateBlock, start: int, end: int) -> None:
        # Where markdown-it would skip the rest as too deep, fail instead.
        line = state.skipEmptyLines(start)
        if state.level >= MAX_NESTING and line < end and state.sCount[line] >= state.blkIndent:
            raise NestingError(line + 1)
        tokenize(state, start, end)

    md.block.tokenize = guarded  # type: ignore[method-assign, assignment]
    return md


@functools.cache
def parser() -> MarkdownIt:
    """Return the shared parser used to render: markdown-it as it comes, configured."""
    from markdown_it import MarkdownIt  # noqa: PLC0415

    return _configure(MarkdownIt("commonmark", {"html": True}), move_footnotes=True)


@functools.cache
def structure_parser() -> MarkdownIt:
    """Return the parser that verification reads structure with: ``parser()``, its links
    normalised by ``normalize_link``, which gives the same tokens faster, and its prose
    left in pieces. Joining text tokens (escapes and entities are ``text_special``
    until then) changes nothing but prose, which a structure leaves out."""
    from markdown_it import MarkdownIt  # noqa: PLC0415

    return _for_structure(
        _configure(MarkdownIt("commonmark", {"html": True}), move_footnotes=True)
    )


def _for_structure(md: MarkdownIt) -> MarkdownIt:
    """Links normalised by ``normalize_link``; prose not joined into one text token."""
    md.normalizeLink = normalize_link  # type: ignore[method-assign]
    md.core.ruler.disable("text_join")
    md.inline.ruler2.disable("fragments_join")
    return md


def shortcode_texts(
    shortcode: str, parameters: Parameters = VISIBLE_PARAMETERS
) -> list[tuple[int, int]]:
    """The values of a shortcode's parameters that a reader sees (relative offsets)."""
    name = _SHORTCODE_NAME.match(shortcode)
    if name is None:
        return []
    return [
        (match.start(2) + 1, match.end(2) - 1)
        for match in _PARAMETER.finditer(shortcode)
        if (name.group(1), match.group(1)) in parameters and len(match.group(2)) > 2
    ]


def shortcode_shapes(
    text: str, parameters: Parameters = VISIBLE_PARAMETERS
) -> list[tuple[int, str]]:
    """Each shortcode with the values a reader sees left out, and its 0-based line:
    what translation must keep as it is."""
    shapes = []
    for match in SHORTCODE.finditer(text):
        shortcode, cursor, parts = match.group(0), 0, []
        for start, end in shortcode_texts(shortcode, parameters):
            parts.append(shortcode[cursor:start])
            cursor = end
        parts.append(shortcode[cursor:])
        shapes.append((text.count("\n", 0, match.start()), "".join(parts)))
    return shapes


hugo_structure_view = mask_shortcodes
"""The text whose Markdown structure Hugo renders: shortcodes hidden, as Goldmark sees them."""


ID_TYPES = ("github", "github-ascii", "blackfriday")
"""Hugo's ``markup.goldmark.parser.autoHeadingIDType`` values."""


@dataclass(frozen=True, slots=True)
class Goldmark:
    """The ``markup.goldmark`` settings that decide a heading's id (Hugo's defaults)."""

    heading_attributes: bool = True
    """``parser.attribute.title``: ``{#id .class}`` after a heading is attributes;
    when false it is heading text, and an id cannot be set explicitly."""
    auto_ids: bool = True
    """``parser.autoHeadingID``: headings get ids from their text at all."""
    id_type: str = "github"
    """``parser.autoHeadingIDType``: how a heading's text becomes its id."""


HUGO_DEFAULTS = Goldmark()
"""Goldmark as Hugo configures it when the site says nothing."""


@dataclass(frozen=True, slots=True)
class InlineEvent:
    """One inline construct as the parser recognised it."""

    rule: str
    """Name of the markdown-it inline rule that matched (``link``, ``emphasis`` …)."""
    start: int
    """Offset in the inline source where the construct begins."""
    end: int
    """Offset just past the construct."""
    label: tuple[int, int] | None = None
    """For links: the range of the link text, which stays translatable."""


class _Recorder:
    """Collects the events of one top-level inline parse."""

    def __init__(self) -> None:
        self.state: StateInline | None = None
        self.events: list[InlineEvent] = []
        self.labels: list[tuple[int, int]] = []


_RuleFn = Callable[["StateInline", bool], bool]

_UNRECORDED = frozenset({"text"})
"""Inline rules whose matches are not recorded: ``text`` consumes prose only, which is
what is left between the recorded constructs, and it runs more often than all others."""


@functools.cache
def _recording_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # noqa: PLC0415

    md = _configure(MarkdownIt("commonmark", {"html": True}), move_footnotes=False)
    _for_structure(md)
    md.core.ruler.at("inline", _recording_inline)
    rules = [
        (None if rule.name in _UNRECORDED else rule.name, rule.fn)
        for rule in md.inline.ruler.__rules__
        if rule.enabled
    ]
    assert [fn for _, fn in rules] == md.inline.ruler.getRules("")
    tokenize = md.inline.tokenize

    def recording_tokenize(state: StateInline) -> None:
        recorder = state.env.get(_RECORDER)
        if not isinstance(recorder, _Recorder):
            tokenize(state)
        elif recorder.state is None:
            recorder.state = state
            _tokenize_recording(state, rules, recorder)
        elif state is recorder.state:
            # A link tokenizes its text recursively: that range is the link's label.
            recorder.labels.append((state.pos, state.posMax))
            _tokenize_recording(state, rules, recorder)
        else:  # an image's alt text, parsed apart: its constructs are not the source's
            tokenize(state)

    md.inline.tokenize = recording_tokenize  # type: ignore[method-assign]
    return md


def _tokenize_recording(
    state: StateInline, rules: list[tuple[str | None, _RuleFn]], recorder: _Recorder
) -> None:
    """markdown-it's ``ParserInline.tokenize``, step for step, recording what each rule
    that matched consumed. One loop instead of a wrapper around every rule: the rules
    are tried at every markup character, and a wrapper's call doubled their cost."""
    end = state.posMax
    max_nesting = state.md.options["maxNesting"]
    events, labels = recorder.events, recorder.labels
    while state.pos < end:
        pos = state.pos
        ok = False
        if state.level < max_nesting:
            for name, rule in rules:
                before = len(labels)
                ok = rule(state, False)
                if ok:
                    if state.pos <= pos:
                        raise RuntimeError("inline rule didn't increment state.pos")
                    if name is not None:
                        # The first nested range opened during this rule is the link text.
                        label = labels[before] if len(labels) > before else None
                        events.append(InlineEvent(name, pos, state.pos, label))
                    break
        if ok:
            if state.pos >= end:
                break
            continue
        state.append_pending(state.src[state.pos])
        state.pos += 1
    if state.pending:
        state.pushPending()


def _recording_inline(state: StateCore) -> None:
    """markdown-it's ``inline`` core rule, recording what each inline rule consumed per
    inline token; skipped when only the block structure is asked for."""
    found = state.env.get(_EVENTS)
    if not isinstance(found, dict):
        return
    try:
        for i, token in enumerate(state.tokens):
            if token.type == "inline":
                recorder = _Recorder()
                state.env[_RECORDER] = recorder
                token.children = []
                state.md.inline.parse(token.content, state.md, state.env, token.children)
                found[i] = sorted(recorder.events, key=lambda e: (e.start, -e.end))
    finally:
        state.env.pop(_RECORDER, None)


@dataclass(frozen=True, slots=True)
class Parsed:
    """A text parsed once, inline content included, as segmentation reads it."""

    text: str
    """The text the parser was given."""
    tokens: list[Token]
    """Block tokens in document order (footnotes where they are written), inline
    tokens with their children (prose unjoined, as the structure parser leaves it)."""
    env: dict[str, object]
    """The parse's environment: link references and footnotes."""
    events: dict[int, list[InlineEvent]]
    """For the inline token at each index, what each inline rule consumed, in order."""


def parse_recorded(text: str) -> Parsed:
    """Parse blocks and inline content once, recording where each inline construct is."""
    events: dict[int, list[InlineEvent]] = {}
    env: dict[str, object] = {_EVENTS: events}
    tokens = _recording_parser().parse(text, env)
    del env[_EVENTS]
    return Parsed(text, tokens, env, events)


def parse_blocks(text: str) -> tuple[list[Token], dict[str, object]]:
    """Parse block structure only; inline tokens keep their raw ``content``."""
    env: dict[str, object] = {}
    return _recording_parser().parse(text, env), env


def render(text: str) -> str:
    """Render Markdown to HTML the way the structure tests compare it: as Hugo parses it,
    shortcodes hidden."""
    html: str = parser().render(hugo_structure_view(text))
    return html
