"""Protection: hide markup from the engine behind numbered placeholders.

The engine sees prose with ``⟦1⟧``-style placeholders where markup stood and a
space where a line broke. Placeholders hold no ASCII vowels or Markdown
characters, so no engine can turn one into markup. What comes back must hold
every placeholder exactly once, but not necessarily in the original order:
English puts words, and so the markup on them, in another order than Dutch
("Morgen delen **de gemeenten** `data.csv`" → "Tomorrow **the municipalities**
share `data.csv`"). Verification then proves that the nesting and the multiset
of inline elements survived; output that lost a placeholder is refused and the
pipeline falls back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from translator.glossary import Glossary, TermMatch
from translator.segment import PLACEHOLDER, Atom, AtomKind, Segment, join_protected

_WORD_LIKE = re.compile(
    r"(`+)[^`](?:.*?[^`])?\1"  # a code span
    r"|<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*>"  # an autolink
    r"|!\[[^\]]*\]\([^()]*\)",  # an inline image
    re.S,
)
"""Markup that is a word of the sentence on its own."""

_SEPARATOR = re.compile(r"(?: {2,}|\\)\r?\n|<[bh]r\b[^<>]*>", re.IGNORECASE)
"""Markup that separates words where it renders: a hard break, ``<br>``, ``<hr>``."""

_NUMBERED = re.compile(r"⟦(\d+)(=[^⟧]*)?⟧")
_ANY_PLACEHOLDER = re.compile(r"⟦\d+(?:=[^⟧]*)?⟧")  # without groups, for re.split
_SENTENCE_END = re.compile(r"(?:^|[.!?\u2026][\"')\]\u201d\u2019]*)\s*$")


def placeholder(number: int, hint: str = "", *, word: bool = False) -> str:
    """The placeholder for the ``number``-th protected span of a segment (1-based)."""
    return f"⟦{number}={hint}⟧" if hint or word else f"⟦{number}⟧"


class PlaceholderError(ValueError):
    """The engine lost, duplicated or reordered a placeholder."""


@dataclass(frozen=True, slots=True)
class TermUse:
    """A glossary term in a segment, and how it was written in the source."""

    match: TermMatch
    upper: bool
    """Written in capitals (GEMEENTEN): the target is too."""
    title: bool
    """Capitalised in mid-sentence (a title-case heading): the target is too."""

    @property
    def target(self) -> str:
        """The English the glossary prescribes (a do-not-translate term: the source)."""
        return self.match.target

    def written(self, *, sentence_start: bool) -> str:
        """The target with the case rules applied at its place in the translation."""
        target = self.target
        if self.match.term.case != "lower" or self.match.term.dnt:
            return target
        if self.upper:
            return target.upper()
        if self.title:
            return " ".join(w[:1].upper() + w[1:] for w in target.split(" "))
        if sentence_start:
            return target[:1].upper() + target[1:]
        return target


@dataclass(frozen=True, slots=True)
class Protected:
    """A segment as the engine sees it."""

    text: str
    """Prose with placeholders; breaks are single spaces."""
    sources: tuple[str, ...]
    """Verbatim source of each markup placeholder; a term's source text for terms."""
    breaks: tuple[int, ...]
    """Offsets in ``text`` of the spaces that stand for line breaks."""
    break_sources: tuple[str, ...]
    """Verbatim source of each break: newline plus the next line's container prefix."""
    terms: tuple[TermUse | None, ...] = ()
    """For each placeholder, the glossary term it stands for, or None for markup."""
    spaced: frozenset[int] = frozenset()
    """Placeholders (0-based) of markup that separates words (``kaarten<br>niet``), glued
    to both: the engine sees a space on each side, a word boundary; the output has none."""
    continued: frozenset[int] = frozenset()
    """Placeholders (0-based) that continue the one before them: one span of the source
    split around its break (``**<br>``: the closing and the break go their own ways)."""

    def term(self, index: int) -> TermUse | None:
        return self.terms[index] if index < len(self.terms) else None

    @property
    def keyed(self) -> str:
        """The text with word placeholders written as markup ones, and spaced markup without
        its spaces: what segment keys hash, so that keys recorded before either existed stay
        valid (a person's correction of such a segment stays theirs)."""
        text = self.text.replace("=⟧", "⟧")
        for k in self.spaced:
            text = re.sub(f" ?{placeholder(k + 1)} ?", placeholder(k + 1), text)
        if not self.continued:
            return text

        def unsplit(found: re.Match[str]) -> str:  # numbered as when the span was one
            k = int(found.group(1)) - 1
            if k in self.continued:
                return ""
            before = sum(1 for c in self.continued if c < k)
            return f"⟦{k + 1 - before}{found.group(2) or ''}⟧"

        return _NUMBERED.sub(unsplit, text)


def protect(segment: Segment, glossary: Glossary | None = None) -> Protected:
    """Build the engine's view of a segment; glossary terms become term placeholders."""
    builder = _Builder()
    region: list[Atom] = []
    atoms = _brackets_protected(segment.atoms)
    for i, atom in enumerate(atoms):
        if atom.kind is AtomKind.PROTECTED:
            builder.region(region, glossary)
            region = []
            if not _separates_words(atoms, i):
                builder.markup(atom.text)
                continue
            for k, (part, separates) in enumerate(_around_separator(atom.text)):
                builder.markup(part, spaced=separates, continues=k > 0)
        else:
            region.append(atom)
    builder.region(region, glossary)
    return builder.result()


def _separates_words(atoms: Sequence[Atom], i: int) -> bool:
    """Whether markup glued between two words is a word boundary where it renders.

    ``kaarten<br>niet`` shows two words; without a space the engine would read
    one unknown word and leave it Dutch. ``Rijks<wbr>waterstaat``, ``kaart**en**``
    and ``H<sub>2</sub>O`` stay one word.
    """
    before = atoms[i - 1] if i else None
    after = atoms[i + 1] if i + 1 < len(atoms) else None
    return (
        before is not None
        and after is not None
        and before.kind is after.kind is AtomKind.TEXT
        and before.text[-1:].strip() != ""
        and after.text[:1].strip() != ""
        and _WORD_LIKE.fullmatch(atoms[i].text) is None
        and _SEPARATOR.search(atoms[i].text) is not None
    )


def _around_separator(source: str) -> list[tuple[str, bool]]:
    """Markup around its break as parts of their own, each with whether it is the break.

    In ``**de kaarten**<br>niet`` the closing belongs to "kaarten" and the break
    stands between "kaarten" and "niet". English may move the marked words
    ("has not improved **the maps**"): as one placeholder, the break followed
    them to the end of the sentence. Apart, the closing follows its words and the
    break goes between the English of what stood before and after it.
    """
    first = _SEPARATOR.search(source)
    if first is None:
        return [(source, False)]
    *_, last = _SEPARATOR.finditer(source)
    parts = [
        (source[: first.start()], False),
        (source[first.start() : last.end()], True),
        (source[last.end() :], False),
    ]
    return [(text, separates) for text, separates in parts if text]


def _spaced(source: str, token: str) -> str:
    """The placeholder with a space on each side of the separator, or only before it where
    more markup follows its first break (``<br><br>``): ``protect`` gives it the break
    alone, markup around the breaks (``**<br>``) having been split off."""
    found = _SEPARATOR.search(source)
    lead = found is not None and not source[: found.start()].strip()
    trail = found is not None and not source[found.end() :].strip(" \t>")
    if lead == trail:
        return f" {token} "
    return f" {token}" if lead else f"{token} "


_BRACKET = re.compile(r"[⟦⟧]")


def _brackets_protected(atoms: Sequence[Atom]) -> list[Atom]:
    """Make each ``⟦`` or ``⟧`` of the prose a markup span of its own.

    They are the placeholders' brackets: left in the prose, the engine's output
    would hold placeholders nobody made (maths writes ``⟦x⟧``). As markup they go
    round the engine and come back verbatim, byte for byte.
    """
    out: list[Atom] = []
    for atom in atoms:
        if atom.kind is not AtomKind.TEXT or _BRACKET.search(atom.text) is None:
            out.append(atom)
            continue
        # Offsets are those of the whole atom: the builder reads kinds and texts only.
        for piece in re.split(r"([⟦⟧])", atom.text):
            kind = AtomKind.PROTECTED if _BRACKET.fullmatch(piece) else AtomKind.TEXT
            if piece:
                out.append(Atom(kind, atom.start, atom.end, piece))
    return out


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.sources: list[str] = []
        self.terms: list[TermUse | None] = []
        self.spaced: set[int] = set()
        self.continued: set[int] = set()
        self.breaks: list[int] = []
        self.break_sources: list[str] = []
        self.visible = ""

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def markup(self, source: str, *, spaced: bool = False, continues: bool = False) -> None:
        self.sources.append(source)
        if continues:
            self.continued.add(len(self.sources) - 1)
        self.terms.append(None)
        token = placeholder(len(self.sources), word=_WORD_LIKE.fullmatch(source) is not None)
        if spaced:
            self.spaced.add(len(self.sources) - 1)
            token = _spaced(source, token)
        self.add(token)

    def region(self, atoms: list[Atom], glossary: Glossary | None) -> None:
        """Prose between two markup atoms: text and breaks, terms cut out."""
        if not atoms:
            return  # markup next to markup, or at an end: no prose, so no term, here
        text = "".join(a.text if a.kind is AtomKind.TEXT else " " for a in atoms)
        offsets, sources, cursor = [], [], 0
        for atom in atoms:
            if atom.kind is AtomKind.BREAK:
                offsets.append(cursor)
                sources.append(atom.text)
            cursor += len(atom.text) if atom.kind is AtomKind.TEXT else 1
        matches = glossary.find(text) if glossary is not None else []
        cursor = 0
        for match in matches:
            self._prose(text, cursor, match.start, offsets, sources)
            self.visible += text[cursor : match.start]
            if not match.particle:  # a separated particle goes: its verb's target says it
                self._term(match)
            cursor = match.end
        self._prose(text, cursor, len(text), offsets, sources)
        self.visible += text[cursor:]

    def _prose(
        self, text: str, start: int, end: int, offsets: list[int], sources: list[str]
    ) -> None:
        for offset, source in zip(offsets, sources, strict=True):
            if start <= offset < end:
                self.breaks.append(self.length + offset - start)
                self.break_sources.append(source)
        self.add(text[start:end])

    def _term(self, match: TermMatch) -> None:
        source = match.source
        letters = [c for c in source if c.isalpha()]
        upper = len(letters) > 1 and all(c.isupper() for c in letters)
        initial = _SENTENCE_END.search(self.visible) is not None
        words = source.split()
        capitalised = all(w[:1].isupper() for w in words)
        # One capitalised word at a sentence start says nothing; several do.
        title = not upper and capitalised and (len(words) > 1 or not initial)
        use = TermUse(match, upper, title)
        self.sources.append(source)
        self.terms.append(use)
        self.add(placeholder(len(self.sources), use.target))
        self.visible += source

    def result(self) -> Protected:
        return Protected(
            "".join(self.parts),
            tuple(self.sources),
            tuple(self.breaks),
            tuple(self.break_sources),
            tuple(self.terms),
            frozenset(self.spaced),
            frozenset(self.continued),
        )


# Markup that opens a text of its own inside a segment: an image's alt text (``![``),
# a link's or image's title (``](url "``), a shortcode parameter (`` caption="``).
_OPENS_TEXT = re.compile(r"""(?:^!\[|(?:^|[\s=])["'(])$""")
_CLOSER = {"[": "]", '"': '"', "'": "'", "(": ")"}


@dataclass(frozen=True, slots=True)
class Units:
    """A segment's text as engines should see it: each text of its own apart.

    An alt text, a title or a shortcode parameter is not part of the sentence
    around it; decoded in one sentence with it, a model mixes their words (a
    title's term lands in the paragraph, "De kaart" stays Dutch). ``main`` keeps
    each such text's opening placeholder, and ``own`` holds (opening placeholder,
    the text, its closing placeholder) in order, to translate on their own.
    """

    main: str
    own: tuple[tuple[str, str, str], ...] = ()

    @property
    def texts(self) -> list[str]:
        """What to send to the engine: the texts with prose."""
        return [t for t in (self.main, *(inner for _, inner, _ in self.own)) if _has_letters(t)]

    def join(self, translations: Mapping[str, str]) -> str:
        """The whole segment's translation, each text back after its opening placeholder."""
        out = translations.get(self.main, self.main)
        for opener, inner, closer in self.own:
            text = inner
            if _has_letters(inner):
                text = _keep_space(inner, _keep_case(inner, translations[inner]))
            out = out.replace(opener, opener + text + closer, 1)
        return out


def units(protected: Protected) -> Units:
    """Set apart the texts a segment holds besides its sentence (see ``Units``)."""
    if not any(_OPENS_TEXT.search(source) for source in protected.sources):
        return Units(protected.text)  # no markup opens a text of its own: one sentence
    return _scanned_units(protected)


def _scanned_units(protected: Protected) -> Units:
    main: list[str] = []
    own: list[tuple[str, str, str]] = []
    opener = closer = inner = ""
    cursor = 0
    for match in [*PLACEHOLDER.finditer(protected.text), None]:
        run = protected.text[cursor : match.start() if match else None]
        token = match.group(0) if match else ""
        number = int(match.group(1)) - 1 if match else -1
        source = protected.sources[number] if match and protected.term(number) is None else ""
        if opener and match is not None and source.startswith(closer):
            own.append((opener, inner + run, token))
            opener = closer = ""
        elif opener:
            inner += run + token  # a term, or text: part of this text of its own
            if match is None or source:  # other markup than a term: not plain text
                return Units(protected.text)  # not a plain text after all: as one sentence
            cursor = match.end()
            continue
        else:
            main.append(run + token)
        opening = _OPENS_TEXT.search(source) if match else None
        if opening is not None:
            if source.endswith("![") and main:
                # The image leaves the sentence whole: it stands there as a word.
                token = placeholder(number + 1, word=True)
                main[-1] = run + token
            opener, closer, inner = token, _CLOSER[source[-1]], ""
        if match is not None:
            cursor = match.end()
    return Units("".join(main), tuple(own)) if own else Units(protected.text)


_FIRST_WORD = re.compile(r"[^\W\d_][\w'-]*")
_CAPITALISED_IN_ENGLISH = frozenset(
    [
        "I",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
)


def _keep_case(source: str, translated: str) -> str:
    """A text that starts in lower case in Dutch (an alt text ``kaart``) does in English:
    decoded on its own, a model capitalises it as a sentence."""
    dutch, english = _FIRST_WORD.search(source), _FIRST_WORD.search(translated)
    if dutch is None or english is None or not dutch.group(0)[0].islower():
        return translated
    word = english.group(0)
    if word in _CAPITALISED_IN_ENGLISH or not word[0].isupper() or word[1:2].isupper():
        return translated
    return translated[: english.start()] + word[0].lower() + translated[english.start() + 1 :]


def _keep_space(source: str, translated: str) -> str:
    """The translation with the whitespace the source text had around it."""
    lead = source[: len(source) - len(source.lstrip())]
    trail = source[len(source.rstrip()) :]
    return lead + translated.strip() + trail


def runs(protected: Protected) -> list[str]:
    """The prose between placeholders, each run alone, for the fallback path."""
    return [run.strip() for run in _ANY_PLACEHOLDER.split(protected.text) if _has_letters(run)]


def join_runs(protected: Protected, translations: Sequence[str]) -> str:
    """Rebuild a full translation, with placeholders, from translated runs.

    Each run keeps the whitespace around it in the source, so that delimiters
    stay left- or right-flanking exactly as before.
    """
    pending = iter(translations)
    out: list[str] = []
    cursor = 0
    for match in [*PLACEHOLDER.finditer(protected.text), None]:
        run = protected.text[cursor : match.start() if match else None]
        if _has_letters(run):
            out.append(_keep_space(run, next(pending)))
        else:
            out.append(run)
        if match is not None:
            out.append(match.group(0))
            cursor = match.end()
    return "".join(out)


def split(protected: Protected, translated: str) -> list[str | int]:
    """Split engine output into prose and placeholder indices (0-based).

    Raises PlaceholderError unless every placeholder is present exactly once; their
    order is free (verification checks what the order changes).
    """
    pieces: list[str | int] = []
    cursor = 0
    seen: set[int] = set()
    for match in PLACEHOLDER.finditer(translated):
        number = int(match.group(1))
        if number in seen or not 1 <= number <= len(protected.sources):
            raise PlaceholderError(f"placeholder {match.group(0)} duplicated or unknown")
        seen.add(number)
        pieces.append(translated[cursor : match.start()])
        pieces.append(number - 1)
        cursor = match.end()
    if len(seen) != len(protected.sources):
        raise PlaceholderError(f"{len(protected.sources) - len(seen)} placeholder(s) lost")
    pieces.append(translated[cursor:])
    return [p for p in pieces if p != ""]


def _has_letters(text: str) -> bool:
    return any(map(str.isalpha, text))


_OPEN_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)\b[^<>]*(?<!/)>$")


def keep_elements(segment: Segment, raw: str, keep: Callable[[str], bool]) -> Segment:
    """Protect inline HTML elements whose text ``keep`` accepts, tags and all.

    Used to leave an English note such as ``<sup>…</sup>`` in a Dutch article
    as it is: the whole element becomes one protected atom.
    """
    atoms = list(segment.atoms)
    i = 0
    while i < len(atoms):
        opening = _OPEN_TAG.search(atoms[i].text) if atoms[i].kind is AtomKind.PROTECTED else None
        close = _closing(atoms, i, opening.group(1)) if opening else None
        if close is not None:
            inner = " ".join(a.text for a in atoms[i + 1 : close] if a.kind is AtomKind.TEXT)
            if keep(inner):
                start, end = atoms[i].start, atoms[close].end
                atoms[i : close + 1] = [Atom(AtomKind.PROTECTED, start, end, raw[start:end])]
        i += 1
    return replace(segment, atoms=tuple(join_protected(atoms)))


def _closing(atoms: list[Atom], i: int, tag: str) -> int | None:
    closing = f"</{tag.lower()}"
    for j in range(i + 1, len(atoms)):
        if atoms[j].kind is AtomKind.PROTECTED and atoms[j].text.lower().startswith(closing):
            return j
    return None
