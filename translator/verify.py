"""Verification: prove that a translation changed words and nothing else.

Source and output are parsed with the same parser and reduced to their
structure: every token except prose text and soft line breaks, with its
markers, attributes, code, raw HTML and link and image targets. Two documents
whose structures are equal render to the same elements, nesting and attributes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it.token import Token

from translator.markdown import (
    VISIBLE_PARAMETERS,
    Parameters,
    hugo_structure_view,
    parser,
    shortcode_shapes,
)

# Tokens whose content is code or raw HTML, and must survive verbatim.
_VERBATIM = frozenset({"code_inline", "code_block", "fence", "html_block", "html_inline"})
# Prose and layout that translation is allowed to change.
_PROSE = frozenset({"text", "softbreak"})
_TEXTS = frozenset({"alt", "title"})


@dataclass(frozen=True, slots=True)
class Mismatch:
    """Where two structures first differ."""

    line: int | None
    """0-based body line of the nearest block in the source, when known."""
    expected: str
    found: str


def structure(text: str) -> list[tuple[object, ...]]:
    """The structure of a Markdown body, prose left out."""
    return [sig for sig, _ in _signatures(parser().parse(hugo_structure_view(text)))]


def compare(
    source: str, output: str, parameters: Parameters = VISIBLE_PARAMETERS
) -> Mismatch | None:
    """Return the first structural difference between two bodies, or None.

    ``parameters`` are the shortcode parameters whose values may differ (translated)."""
    left = list(_signatures(parser().parse(hugo_structure_view(source))))
    right = list(_signatures(parser().parse(hugo_structure_view(output))))
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
            for child in token.children:
                if child.type not in _PROSE:
                    yield _signature(child), line


def _signature(token: Token) -> tuple[object, ...]:
    content: object = None
    if token.type in _VERBATIM:
        content = token.content
    elif token.type == "footnote_ref":
        content = (token.meta or {}).get("label")
    # Alt texts and titles are prose a reader sees, translated like link text.
    attrs = tuple(sorted((k, str(v)) for k, v in token.attrs.items() if k not in _TEXTS))
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
