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

_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ORDERED = re.compile(r"\d{1,9}[.)]")
# Engines may return tabs or newlines; a no-break space is content and stays.
_WHITESPACE = re.compile(r"[\t\n\r\f\v]")
# The prose so far ends a sentence (or is empty): a term here starts with a capital.
_SENTENCE_START = re.compile(r"(?:^\s*|[.!?\u2026][\"')\]\u201d\u2019]*\s+)$")


def rebuild(protected: Protected, translated: str, *, kind: str, markdown: bool = True) -> str:
    """Return the new source for a segment's span.

    ``kind`` is the segment kind (``paragraph``, ``heading``, ``table_cell``,
    ``front_matter``); it decides which characters are dangerous at a line
    start or in a cell. Raises PlaceholderError for unusable engine output.
    """
    translated = _WHITESPACE.sub(" ", translated).strip(" ")
    pieces = split(protected, translated)
    chosen = _place_breaks(protected, pieces)
    out: list[str] = []
    visible = ""  # the prose written so far, to tell where sentences start
    line_start = kind in {"paragraph", "heading"}
    break_number = 0
    for i, piece in enumerate(pieces):
        follower = _follower(protected, pieces, i)
        if isinstance(piece, int):
            use = protected.term(piece)
            if use is None:
                out.append(protected.sources[piece])
            else:
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
                    )
                    if markdown
                    else text
                )
            line_start = False
            continue
        visible += piece
        cuts = chosen.get(i, [])
        for j, line in enumerate(_cut(piece, cuts)):
            if j:
                out.append(protected.break_sources[break_number])
                break_number += 1
                line_start = True
            at_end = follower is None and j == len(cuts)
            out.append(
                escape(line, kind=kind, line_start=line_start, follower=follower, at_end=at_end)
                if markdown
                else line
            )
            line_start = False
    return "".join(out)


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


def escape(text: str, *, kind: str, line_start: bool, follower: str | None, at_end: bool) -> str:
    """Backslash-escape what would otherwise become Markdown.

    ``follower`` is the markup that comes right after this text (None at the end
    of a line or segment): ``!`` before a protected ``[`` would make an image.
    """
    out: list[str] = []
    for i, ch in enumerate(text):
        nxt = text[i + 1] if i + 1 < len(text) else (follower or "")[:1]
        prev = text[i - 1] if i else ""
        if _dangerous(text, i, kind=kind, prev=prev, nxt=nxt):
            out.append("\\")
        out.append(ch)
    escaped = "".join(out)
    if line_start:
        escaped = _escape_line_start(escaped)
    if at_end and kind == "heading":
        escaped = re.sub(r"(^|\s)(#+)$", r"\1\\\2", escaped)
    return escaped


def _dangerous(text: str, i: int, *, kind: str, prev: str, nxt: str) -> bool:
    ch = text[i]
    if ch in "`*_[]":
        return True
    if ch in "<%" and text[max(0, i - 2) : i] == "{{":
        return True  # Hugo would run a shortcode the engine (or memory) wrote: {{\< … >}}
    if ch == "\\":
        return nxt == "" or nxt in _ASCII_PUNCT
    if ch == "<":
        return nxt == "" or nxt.isalpha() or nxt in "/!?"
    if ch == "&":
        return nxt == "" or _ENTITY.match(text, i) is not None
    if ch == "!":
        return nxt == "["
    if ch == "~":
        return "~" in (prev, nxt)
    if ch == "|":
        return kind == "table_cell"
    return False


def _escape_line_start(line: str) -> str:
    if not line:
        return line
    if line[0] in "#>-+=~<|:":
        return "\\" + line
    ordered = _ORDERED.match(line)
    if ordered:
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
