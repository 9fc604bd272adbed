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
    """The structure of an HTML fragment: everything but prose text."""
    parser = _Shape()
    # HTML5 ends a comment at `<!-->` and `<!--->`; Python's parser before 3.13 does not.
    html = html.replace("<!--->", "<!---->").replace("<!-->", "<!---->")
    parser.feed(html)
    parser.close()
    return parser.events
