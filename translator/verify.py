"""Verification: prove that a translation changed words and nothing else.

Source and output are parsed with the same parser and reduced to their
structure: every token except prose text and soft line breaks, with its
markers, attributes, code, raw HTML and link and image targets. Blocks keep
their order. Inside a block, English may put the marked words in another order
than Dutch, so inline elements are compared as a tree: the same nesting and the
same multiset of elements at every level, in any order. Two documents whose
structures are equal render to the same elements, nesting and attributes, up to
the order of sibling inline elements.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only
    from markdown_it.token import Token

from translator.markdown import (
    VISIBLE_PARAMETERS,
    Parameters,
    Parsed,
    hugo_structure_view,
    shortcode_shapes,
    structure_parser,
)

# Tokens whose content is code or raw HTML, and must survive verbatim.
_VERBATIM = frozenset({"code_inline", "code_block", "fence", "html_block", "html_inline"})
# Prose and layout that translation is allowed to change; ``text_special`` is an escape or
# an entity as prose, made ``text`` by markdown-it's text join, which the structure
# parser leaves out.
_PROSE = frozenset({"text", "softbreak", "text_special"})
_TEXTS = frozenset({"alt", "title"})
_HTML_OPEN = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)\b[^<>]*(?<!/)>\Z")
_HTML_CLOSE = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)\s*>\Z")
VOID_ELEMENTS = frozenset(
    "area base br col embed hr img input link meta source track wbr".split()  # noqa: SIM905
)
"""HTML elements without a closing tag."""


@dataclass(frozen=True, slots=True)
class Mismatch:
    """Where two structures first differ."""

    line: int | None
    """0-based body line of the nearest block in the source, when known."""
    expected: str
    found: str


Structure = tuple[tuple[tuple[object, ...], int | None], ...]
"""A body's structure: each signature with the 0-based line of its nearest block."""


def body_structure(text: str) -> Structure:
    """The structure of a Markdown body as ``compare`` reads it, lines included."""
    return tuple(_signatures(structure_parser().parse(hugo_structure_view(text))))


def parsed_structure(body: str, parsed: Parsed) -> Structure | None:
    """``body_structure(body)`` from segmentation's parse of it, without parsing again.

    Segmentation parsed ``body`` with CR line ends made LF before hiding shortcodes,
    verification hides them first: the two texts differ only when ``body`` has a CR,
    and then this returns None. Segmentation's parser leaves footnotes where they are
    written; they are moved to the end here, as the plain parser does.
    """
    if "\r" in body:
        return None
    from markdown_it.rules_core import StateCore  # noqa: PLC0415 - loaded with the parser
    from mdit_py_plugins.footnote.index import footnote_tail  # noqa: PLC0415

    state = StateCore(parsed.text, structure_parser(), parsed.env)
    state.tokens = list(parsed.tokens)
    footnote_tail(state)
    return tuple(_signatures(state.tokens))


def compare(
    source: str,
    output: str,
    parameters: Parameters = VISIBLE_PARAMETERS,
    *,
    known: Structure | None = None,
) -> Mismatch | None:
    """Return the first structural difference between two bodies, or None.

    ``parameters`` are the shortcode parameters whose values may differ (translated);
    ``known`` is the source's structure when it is known already."""
    left = known if known is not None else body_structure(source)
    right = body_structure(output)
    for (a, line), (b, _) in zip(left, right, strict=False):
        if a != b:
            return Mismatch(line, _describe(a), _describe(b))
    if len(left) != len(right):
        longer = left if len(left) > len(right) else right
        extra_sig, line = longer[min(len(left), len(right))]
        if len(left) > len(right):
            return Mismatch(line, _describe(extra_sig), "end of document")
        return Mismatch(left[-1][1] if left else None, "end of document", _describe(extra_sig))
    return _compare_shortcodes(source, output, parameters)


def _compare_shortcodes(source: str, output: str, parameters: Parameters) -> Mismatch | None:
    """Shortcodes are hidden from the parser: compare them apart, visible values aside."""
    left, right = shortcode_shapes(source, parameters), shortcode_shapes(output, parameters)
    for (line, a), (_, b) in zip(left, right, strict=False):
        if a != b:
            return Mismatch(line, a, b)
    if len(left) != len(right):
        return Mismatch(None, f"{len(left)} shortcodes", f"{len(right)} shortcodes")
    return None


def _signatures(tokens: list[Token]) -> Iterator[tuple[tuple[object, ...], int | None]]:
    line: int | None = None
    for token in tokens:
        if token.map is not None:
            line = token.map[0]
        if token.type in _PROSE:
            continue
        yield _signature(token), line
        if token.children:
            for signature in _inline(token.children):
                yield signature, line


@dataclass(slots=True)
class _Node:
    """An inline element: its opening token, what it contains, its closing token."""

    opening: tuple[object, ...]
    tag: str = ""
    """For an open raw HTML tag, its name; ``*`` for a Markdown container."""
    children: list[_Node] = field(default_factory=list)
    closing: tuple[object, ...] | None = None
    known: str | None = None
    """The key, once the node is complete and it has been asked for."""

    def key(self) -> str:
        if self.known is None:
            inner = sorted(child.key() for child in self.children)
            self.known = repr((self.opening, inner, self.closing))
        return self.known

    def flat(self) -> Iterator[tuple[object, ...]]:
        yield self.opening
        for child in _in_order(self.children):
            yield from child.flat()
        if self.closing is not None:
            yield self.closing


def _in_order(nodes: list[_Node]) -> list[_Node]:
    """Sibling elements in their canonical order; one alone needs no key (keys are reprs
    of whole subtrees, the costly part of reading a structure)."""
    return sorted(nodes, key=_Node.key) if len(nodes) > 1 else nodes


def _inline(children: list[Token]) -> Iterator[tuple[object, ...]]:
    """A block's inline elements in a canonical order: nesting kept, siblings sorted."""
    root = _Node(("inline root",), "root")
    stack = [root]
    for token in children:
        if token.type in _PROSE:
            continue
        signature = _signature(token)
        opening, closing = _opens(token), _closes(token)
        if closing and len(stack) > 1 and stack[-1].tag == closing:
            stack.pop().closing = signature
        elif opening:
            node = _Node(signature, opening)
            stack[-1].children.append(node)
            stack.append(node)
        else:
            stack[-1].children.append(_Node(signature))
    for child in _in_order(root.children):
        yield from child.flat()


def _opens(token: Token) -> str:
    if token.nesting == 1:
        return "*"
    found = _HTML_OPEN.match(token.content) if token.type == "html_inline" else None
    tag = found.group(1).lower() if found else ""
    return tag if tag not in VOID_ELEMENTS else ""


def _closes(token: Token) -> str:
    if token.nesting == -1:
        return "*"
    found = _HTML_CLOSE.match(token.content) if token.type == "html_inline" else None
    return found.group(1).lower() if found else ""


def _signature(token: Token) -> tuple[object, ...]:
    content: object = None
    if token.type in _VERBATIM:
        content = token.content
    elif token.type == "footnote_ref":
        content = (token.meta or {}).get("label")
    # Alt texts and titles are prose a reader sees, translated like link text.
    attrs = (
        tuple(sorted((k, str(v)) for k, v in token.attrs.items() if k not in _TEXTS))
        if token.attrs
        else ()
    )
    return (
        token.type,
        token.tag,
        token.nesting,
        token.markup,
        token.info,
        attrs,
        content,
        token.hidden,
    )


def _describe(signature: tuple[object, ...]) -> str:
    kind, tag, _, markup, _, attrs, _, _ = signature
    text = f"{kind}"
    if markup:
        text += f" {markup!r}"
    if attrs:
        text += " " + " ".join(f"{k}={v!r}" for k, v in attrs)  # type: ignore[attr-defined]
    return text if kind != tag else f"<{tag}>"
