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


Signature = tuple[object, ...]
"""A token as a structure sees it: all but its prose."""
Structure = tuple[tuple[Signature, tuple[Signature, ...], int | None], ...]
"""A body's structure: each block token but prose, the signatures of its inline
children (prose left out) in source order, and the 0-based line of its nearest block.
The children are put in canonical order only where two structures differ: children
equal in source order are equal in any order, and ordering them was half the cost of
reading a structure."""


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
    if not _same(left, right):
        found = _difference(list(_flat(left)), list(_flat(right)))
        if found is not None:
            return found
    return _compare_shortcodes(source, output, parameters)


def _same(left: Structure, right: Structure) -> bool:
    """Whether two structures are equal, each block's children in canonical order."""
    return len(left) == len(right) and all(
        a == b and (children == others or canonical(children) == canonical(others))
        for (a, children, _), (b, others, _) in zip(left, right, strict=True)
    )


def _flat(structure: Structure) -> Iterator[tuple[Signature, int | None]]:
    """Every signature with its line, each block's children in canonical order."""
    for signature, children, line in structure:
        yield signature, line
        for child in canonical(children):
            yield child, line


def _difference(
    left: list[tuple[Signature, int | None]], right: list[tuple[Signature, int | None]]
) -> Mismatch | None:
    """Where two flat structures first differ, or None."""
    for (a, line), (b, _) in zip(left, right, strict=False):
        if a != b:
            return Mismatch(line, _describe(a), _describe(b))
    if len(left) != len(right):
        longer = left if len(left) > len(right) else right
        extra_sig, line = longer[min(len(left), len(right))]
        if len(left) > len(right):
            return Mismatch(line, _describe(extra_sig), "end of document")
        return Mismatch(left[-1][1] if left else None, "end of document", _describe(extra_sig))
    return None


def _compare_shortcodes(source: str, output: str, parameters: Parameters) -> Mismatch | None:
    """Shortcodes are hidden from the parser: compare them apart, visible values aside."""
    left, right = shortcode_shapes(source, parameters), shortcode_shapes(output, parameters)
    for (line, a), (_, b) in zip(left, right, strict=False):
        if a != b:
            return Mismatch(line, a, b)
    if len(left) != len(right):
        return Mismatch(None, f"{len(left)} shortcodes", f"{len(right)} shortcodes")
    return None


def _signatures(
    tokens: list[Token],
) -> Iterator[tuple[Signature, tuple[Signature, ...], int | None]]:
    line: int | None = None
    for token in tokens:
        if token.map is not None:
            line = token.map[0]
        if token.type in _PROSE:
            continue
        children = (
            tuple(_signature(child) for child in token.children if child.type not in _PROSE)
            if token.children
            else ()
        )
        yield _signature(token), children, line


@dataclass(slots=True)
class _Node:
    """An inline element: its opening token, what it contains, its closing token."""

    opening: Signature
    tag: str = ""
    """For an open raw HTML tag, its name; ``*`` for a Markdown container."""
    children: list[_Node] = field(default_factory=list)
    closing: Signature | None = None
    known: str | None = None
    """The key, once the node is complete and it has been asked for."""

    def key(self) -> str:
        if self.known is None:
            inner = sorted(child.key() for child in self.children)
            self.known = repr((self.opening, inner, self.closing))
        return self.known

    def flat(self) -> Iterator[Signature]:
        yield self.opening
        for child in _in_order(self.children):
            yield from child.flat()
        if self.closing is not None:
            yield self.closing


def _in_order(nodes: list[_Node]) -> list[_Node]:
    """Sibling elements in their canonical order; one alone needs no key (keys are reprs
    of whole subtrees, the costly part of reading a structure)."""
    return sorted(nodes, key=_Node.key) if len(nodes) > 1 else nodes


def canonical(children: tuple[Signature, ...]) -> list[Signature]:
    """A block's inline elements in a canonical order: nesting kept, siblings sorted."""
    return list(_inline(children))


def _inline(children: tuple[Signature, ...]) -> Iterator[Signature]:
    root = _Node(("inline root",), "root")
    stack = [root]
    for signature in children:
        opening, closing = _opens(signature), _closes(signature)
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


def _opens(signature: Signature) -> str:
    kind, _, nesting, *_, content, _ = signature
    if nesting == 1:
        return "*"
    found = _HTML_OPEN.match(str(content)) if kind == "html_inline" else None
    tag = found.group(1).lower() if found else ""
    return tag if tag not in VOID_ELEMENTS else ""


def _closes(signature: Signature) -> str:
    kind, _, nesting, *_, content, _ = signature
    if nesting == -1:
        return "*"
    found = _HTML_CLOSE.match(str(content)) if kind == "html_inline" else None
    return found.group(1).lower() if found else ""


def _signature(token: Token) -> Signature:
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


def _describe(signature: Signature) -> str:
    kind, tag, _, markup, _, attrs, _, _ = signature
    text = f"{kind}"
    if markup:
        text += f" {markup!r}"
    if attrs:
        text += " " + " ".join(f"{k}={v!r}" for k, v in attrs)  # type: ignore[attr-defined]
    return text if kind != tag else f"<{tag}>"
