"""Reduce rendered HTML to its shape: elements, attributes, code and raw HTML; prose dropped."""

from __future__ import annotations

from html.parser import HTMLParser

_VERBATIM = frozenset({"code", "pre", "script", "style", "textarea"})
# Image alt texts and link and image titles are prose, translated like link text.
_PROSE_ATTRIBUTES = {"img": frozenset({"alt", "title"}), "a": frozenset({"title"})}


def _attributes(tag: str, attrs: list[tuple[str, str | None]]) -> list[str]:
    prose = _PROSE_ATTRIBUTES.get(tag, frozenset())
    return sorted(f"{k}={v}" for k, v in attrs if k not in prose)


class _Shape(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, ...]] = []
        self.verbatim = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, *_attributes(tag, attrs)))
        self.verbatim += tag in _VERBATIM

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("empty", tag, *_attributes(tag, attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))
        self.verbatim -= tag in _VERBATIM

    def handle_data(self, data: str) -> None:
        # Prose is what translation changes, even whether a text node exists
        # between two elements; only text inside code must survive as it was.
        if self.verbatim > 0:
            self.events.append(("code", data))

    def handle_comment(self, data: str) -> None:
        self.events.append(("comment", data))

    def handle_decl(self, decl: str) -> None:
        self.events.append(("decl", decl))

    def handle_pi(self, data: str) -> None:
        self.events.append(("pi", data))


def html_shape(html: str) -> list[tuple[str, ...]]:
    """The structure of an HTML fragment: everything but prose text.

    Sibling inline elements are put in a canonical order: English may mark its
    words in another order than Dutch, which changes no element or nesting.
    """
    parser = _Shape()
    # HTML5 ends a comment at `<!-->` and `<!--->`; Python's parser before 3.13 does not.
    html = html.replace("<!--->", "<!---->").replace("<!-->", "<!---->")
    parser.feed(html)
    parser.close()
    return _canonical(parser.events)


_INLINE = frozenset(
    [
        "a",
        "abbr",
        "b",
        "br",
        "cite",
        "code",
        "del",
        "em",
        "i",
        "img",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "u",
    ]
)


def _canonical(events: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Sort each run of sibling inline elements (with what they contain)."""
    trees: list[list[tuple[str, ...]]] = []  # top-level subtrees, each a run of events
    depth = 0
    for event in events:
        if depth == 0:
            trees.append([])
        trees[-1].append(event)
        depth += event[0] == "start"
        depth -= event[0] == "end"
        depth = max(depth, 0)
    out: list[tuple[str, ...]] = []
    run: list[list[tuple[str, ...]]] = []
    for tree in trees:
        inner = [tree[0], *_canonical(tree[1:-1]), tree[-1]] if len(tree) > 2 else tree
        if tree[0][0] in ("start", "empty") and tree[0][1] in _INLINE:
            run.append(inner)
            continue
        out += [e for t in sorted(run) for e in t] + inner
        run = []
    return out + [e for t in sorted(run) for e in t]
