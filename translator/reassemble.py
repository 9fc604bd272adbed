"""Reassembly: put translated prose back into the source, and only there.

A segment's span is rebuilt from the engine's output: placeholders become their
verbatim markup, the original line breaks (with their ``> `` or list
indentation) are laid into the translated words at proportional positions, and
translated prose is escaped so that it cannot start new Markdown. Every byte
outside the segment spans is copied unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from translator.glossary_forms import indefinite_article
from translator.protect import Protected, placeholder, split
from translator.segment import ADDED_CLOSE, ADDED_OPEN, LABEL_OPEN

_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_QUOTED = {'"': re.compile(r'["\\]'), "'": re.compile(r"['\\]")}
_SHORTCODE_DELIMITER = re.compile(r"\{(?=\{[<%])|(?<=[>%])\}(?=\})")
_ADDED = re.compile(f"([{LABEL_OPEN}{ADDED_OPEN}])(.*?){ADDED_CLOSE}", re.DOTALL)
_ORDERED = re.compile(r"\d{1,9}[.)]")
# What a line may not start with, when minimal: an ATX heading, a list item or a
# thematic break, a setext underline, a code fence, a definition (Goldmark's
# definition lists), raw HTML.
_LINE_START = re.compile(
    r"#{1,6}(?:[ \t]|$)|[-+*](?:[ \t]|$)|(?:([-*_])[ \t]*)(?:\1[ \t]*){2,}$|=+[ \t]*$|-+[ \t]*$"
    r"|~~~|:[ \t]|<"
)
# Engines may return tabs or newlines; a no-break space is content and stays.
_WHITESPACE = re.compile(r"[\t\n\r\f\v]")
# The prose so far ends a sentence (or is empty): a term here starts with a capital.
_SENTENCE_START = re.compile(r"(?:^\s*|[.!?\u2026][\"')\]\u201d\u2019]*\s+)$")


def rebuild(
    protected: Protected,
    translated: str,
    *,
    kind: str,
    markdown: bool = True,
    minimal: bool = True,
) -> str:
    """Return the new source for a segment's span.

    ``kind`` is the segment kind (``paragraph``, ``heading``, ``table_cell``,
    ``front_matter``); it decides which characters are dangerous at a line
    start or in a cell. ``minimal`` escapes only what can start markup where it
    stands (see ``escape``). Raises PlaceholderError for unusable engine output.
    """
    translated = _WHITESPACE.sub(" ", translated).strip(" ")
    pieces = _unspaced(protected, split(protected, translated))
    chosen = _place_breaks(protected, pieces)
    out: list[str] = []
    visible = ""  # the prose written so far, to tell where sentences start
    line_start = kind in {"paragraph", "heading"}
    break_number = 0
    for i, piece in enumerate(pieces):
        if isinstance(piece, int):
            use = protected.term(piece)
            if use is None:
                out.append(_markup(protected.sources[piece], out[-1] if out else ""))
            else:
                follower = _follower(protected, pieces, i)
                text = use.written(sentence_start=_SENTENCE_START.search(visible) is not None)
                _fix_article(out, text)
                visible += text
                out.append(
                    escape(
                        text,
                        kind=kind,
                        line_start=False,
                        follower=follower,
                        at_end=follower is None and i == len(pieces) - 1,
                        minimal=minimal,
                    )
                    if markdown
                    else text
                )
            line_start = False
            continue
        visible += piece
        follower = _follower(protected, pieces, i)
        cuts = chosen.get(i, [])
        for j, line in enumerate(_cut(piece, cuts) if cuts else (piece,)):
            if j:
                out.append(protected.break_sources[break_number])
                break_number += 1
                line_start = True
            at_end = follower is None and j == len(cuts)
            out.append(
                escape(
                    line,
                    kind=kind,
                    line_start=line_start,
                    follower=follower,
                    at_end=at_end,
                    minimal=minimal,
                )
                if markdown
                else line
            )
            line_start = False
    return "".join(out)


def _unspaced(protected: Protected, pieces: list[str | int]) -> list[str | int]:
    """Take away the spaces around markup that ``protect`` spaced apart from its words
    (``maps ⟦2⟧ not``): the source had none there (``kaarten<br>niet``)."""
    if not protected.spaced:
        return pieces
    out = list(pieces)
    for i, piece in enumerate(out):
        if not isinstance(piece, int) or piece not in protected.spaced:
            continue
        if i and isinstance(out[i - 1], str):
            out[i - 1] = str(out[i - 1]).rstrip(" ")
        if i + 1 < len(out) and isinstance(out[i + 1], str):
            out[i + 1] = str(out[i + 1]).lstrip(" ")
    return [p for p in out if p != ""]


def _markup(source: str, before: str) -> str:
    """A placeholder's markup, with what segmentation added; a reference label it added
    (``[text][foo]``) is dropped again when the link text before it is still ``foo``."""
    if ADDED_CLOSE not in source:
        return source

    def added(match: re.Match[str]) -> str:
        unchanged = match.group(1) == LABEL_OPEN and match.group(2).strip("[]") == before
        return "" if unchanged else match.group(2)

    return _ADDED.sub(added, source)


_ARTICLE = re.compile(r"(?<![\w'])(a|an|A|An|AN)(\s+(?:[*_]{1,3})?)$")


def _fix_article(out: list[str], term: str) -> None:
    """Make the ``a`` or ``an`` right before an inserted term agree with it (an
    acquisition technique): the engine chose it for another word."""
    found = _ARTICLE.search(out[-1]) if out else None
    if found is None:
        return
    article = indefinite_article(term)
    if found.group(1).isupper() and len(found.group(1)) > 1:
        article = article.upper()
    elif found.group(1)[0].isupper():
        article = article.capitalize()
    out[-1] = out[-1][: found.start()] + article + found.group(2)


def splice(raw: str, replacements: Iterable[tuple[int, int, str]]) -> str:
    """Replace non-overlapping ``(start, end, text)`` spans of ``raw``."""
    out: list[str] = []
    cursor = 0
    for start, end, text in sorted(replacements):
        out.append(raw[cursor:start])
        out.append(text)
        cursor = end
    out.append(raw[cursor:])
    return "".join(out)


def escape(
    text: str,
    *,
    kind: str,
    line_start: bool,
    follower: str | None,
    at_end: bool,
    minimal: bool = True,
) -> str:
    """Backslash-escape what would otherwise become Markdown (or a Hugo shortcode).

    ``follower`` is the markup that comes right after this text (None at the end
    of a line or segment): ``!`` before a protected ``[`` would make an image.
    ``minimal`` leaves characters alone that cannot start markup where they
    stand (``snake_case``, a lone ``[``, ``1.5``), so that reviewers see clean
    diffs; the pipeline re-parses the result and rebuilds a segment whose
    structure changed with ``minimal=False``, which escapes every metacharacter.
    """
    if follower is not None and follower[:1] in "\"'":
        # A quoted title or shortcode parameter: only its quote and backslash matter,
        # and shortcode delimiters, which Hugo would read even inside quotes.
        return _QUOTED[follower[0]].sub(r"\\\g<0>", _SHORTCODE_DELIMITER.sub(r"\g<0> ", text))
    escaped = text
    if _INLINE.search(text):
        context = _Context(text, kind, follower, line_start, minimal)
        escaped = _INLINE.sub(context.replace, text)
    if line_start and escaped:
        escaped = _escape_line_start(escaped, minimal=minimal)
    if at_end and kind == "heading":
        escaped = _HEADING_END.sub(r"\1\\\2", escaped)
        escaped = _HEADING_ATTRIBUTES.sub(r"\\{", escaped)
    return escaped


class _Context:
    """What decides whether one metacharacter of a text needs its backslash."""

    def __init__(
        self, text: str, kind: str, follower: str | None, line_start: bool, minimal: bool
    ) -> None:
        self.text = text
        self.kind = kind
        self.after = follower or ""
        self.line_start = line_start
        self.minimal = minimal
        # A link needs both brackets; with one kind only, none can open or close one.
        self.brackets = not minimal or ("[" in text and "]" in text) or "]" in self.after[:1]

    def replace(self, match: re.Match[str]) -> str:
        ch = match.group(0)
        return "\\" + ch if self.dangerous(match.start()) else ch

    def char(self, i: int) -> str:
        """The character at ``i``, continuing into the follower; '' at the end."""
        if i < 0:  # markup before the text may be anything: neither blank nor a letter
            return " " if self.line_start else "\0"
        if i < len(self.text):
            return self.text[i]
        return self.after[i - len(self.text) : i - len(self.text) + 1]

    def dangerous(self, i: int) -> bool:
        ch, prev, nxt = self.text[i], self.char(i - 1), self.char(i + 1)
        if ch == "`":
            return True
        if ch == "*":
            return not self.minimal or not (_blank(prev) and _blank(nxt))
        if ch == "_":
            inside_word = prev.isalnum() and nxt.isalnum()
            return not self.minimal or not (inside_word or (_blank(prev) and _blank(nxt)))
        if ch in "[]":
            return self.brackets
        return _DANGEROUS[ch](self, i, prev, nxt)


def _blank(ch: str) -> bool:
    """Whitespace, or the end of the line: a delimiter between blanks cannot flank."""
    return ch == "" or ch.isspace()


def _backslash(ctx: _Context, i: int, prev: str, nxt: str) -> bool:
    return nxt == "" or nxt in _ASCII_PUNCT


def _angle(ctx: _Context, i: int, prev: str, nxt: str) -> bool:
    return nxt == "" or nxt.isalpha() or nxt in "/!?"


def _ampersand(ctx: _Context, i: int, prev: str, nxt: str) -> bool:
    return nxt == "" or _ENTITY.match(ctx.text + ctx.after, i) is not None


def _bang(ctx: _Context, i: int, prev: str, nxt: str) -> bool:
    return nxt == "["


def _tilde(ctx: _Context, i: int, prev: str, nxt: str) -> bool:
    return "~" in (prev, nxt)


def _pipe(ctx: _Context, i: int, prev: str, nxt: str) -> bool:
    return ctx.kind == "table_cell"


def _brace(ctx: _Context, i: int, prev: str, nxt: str) -> bool:
    # Hugo would read `{{<` or `{{%` in prose as a shortcode: `{\{<` is text.
    return prev == "{" and nxt in ("<", "%")


_DANGEROUS = {
    "\\": _backslash,
    "<": _angle,
    "&": _ampersand,
    "!": _bang,
    "~": _tilde,
    "|": _pipe,
    "{": _brace,
}
_INLINE = re.compile(r"[`*_\[\]\\<&!~|{]")
_HEADING_END = re.compile(r"(^|\s)(#+)$")
# Goldmark would read a heading's last `{…}` as its attributes.
_HEADING_ATTRIBUTES = re.compile(r"\{(?=[^{}]*\}\s*$)")


def _escape_line_start(line: str, *, minimal: bool) -> str:
    first = line[0]
    if first in ">|" or (first in "#-+=~<:" and not minimal):
        return "\\" + line
    if minimal and _LINE_START.match(line):
        return "\\" + line
    ordered = _ORDERED.match(line)
    if ordered and (not minimal or line[ordered.end() : ordered.end() + 1] in ("", " ", "\t")):
        end = ordered.end()
        return line[: end - 1] + "\\" + line[end - 1 :]
    return line


def _follower(protected: Protected, pieces: list[str | int], i: int) -> str | None:
    """The markup that comes right after piece ``i``; None at the end or before prose."""
    following = pieces[i + 1] if i + 1 < len(pieces) else None
    return protected.sources[following] if isinstance(following, int) else None


def _place_breaks(protected: Protected, pieces: list[str | int]) -> dict[int, list[int]]:
    """Choose, for each source line break, a space in the translation to carry it.

    Breaks go to the space nearest to their relative position in the source,
    left to right; a translation with too few spaces gets fewer lines, which
    joins lines of the same block and leaves the structure as it was.
    """
    if not protected.breaks:
        return {}
    source_length = max(1, len(protected.text))
    spaces: list[tuple[int, int, int]] = []  # (offset in output, piece, offset in piece)
    offset = 0
    for i, piece in enumerate(pieces):
        if isinstance(piece, int):
            use = protected.term(piece)
            offset += len(placeholder(piece + 1, use.target if use else ""))
            continue
        spaces.extend((offset + j, i, j) for j, ch in enumerate(piece) if ch == " ")
        offset += len(piece)
    chosen: dict[int, list[int]] = {}
    floor = -1
    for k, position in enumerate(protected.breaks):
        target = position * offset / source_length
        remaining = len(protected.breaks) - k
        candidates = [s for s in spaces if s[0] > floor]
        if len(candidates) < 1 or remaining > len(candidates):
            candidates = candidates[: max(0, len(candidates))]
        if not candidates:
            break
        best = min(candidates, key=lambda s: (abs(s[0] - target), s[0]))
        chosen.setdefault(best[1], []).append(best[2])
        floor = best[0] + 1
    return chosen


def _cut(piece: str, positions: list[int]) -> list[str]:
    """Cut a piece of prose at chosen spaces, dropping the spaces around each cut."""
    lines: list[str] = []
    start = 0
    for position in positions:
        lines.append(piece[start:position].rstrip(" "))
        start = position
        while start < len(piece) and piece[start] == " ":
            start += 1
    lines.append(piece[start:])
    return lines
