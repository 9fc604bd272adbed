"""Protection: hide markup from the engine behind numbered placeholders.

The engine sees prose with ``⟦1⟧``-style placeholders where markup stood and a
space where a line broke. Placeholders hold no ASCII vowels or Markdown
characters, so no engine can turn one into markup. What comes back must hold
every placeholder exactly once and in the original order: a reordered link
would change the document's structure, so such output is refused and the
pipeline falls back to translating the prose between placeholders run by run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from translator.segment import Atom, AtomKind, Segment, join_protected

PLACEHOLDER = re.compile(r"⟦(\d+)⟧")


def placeholder(number: int) -> str:
    """The placeholder for the ``number``-th protected atom of a segment (1-based)."""
    return f"⟦{number}⟧"


class PlaceholderError(ValueError):
    """The engine lost, duplicated or reordered a placeholder."""


@dataclass(frozen=True, slots=True)
class Protected:
    """A segment as the engine sees it."""

    text: str
    """Prose with placeholders; breaks are single spaces."""
    sources: tuple[str, ...]
    """Verbatim source of each placeholder, in order."""
    breaks: tuple[int, ...]
    """Offsets in ``text`` of the spaces that stand for line breaks."""
    break_sources: tuple[str, ...]
    """Verbatim source of each break: newline plus the next line's container prefix."""


def protect(segment: Segment) -> Protected:
    """Build the engine's view of a segment."""
    parts: list[str] = []
    sources: list[str] = []
    breaks: list[int] = []
    break_sources: list[str] = []
    length = 0
    for atom in segment.atoms:
        if atom.kind is AtomKind.TEXT:
            part = atom.text
        elif atom.kind is AtomKind.PROTECTED:
            sources.append(atom.text)
            part = placeholder(len(sources))
        else:
            breaks.append(length)
            break_sources.append(atom.text)
            part = " "
        parts.append(part)
        length += len(part)
    return Protected("".join(parts), tuple(sources), tuple(breaks), tuple(break_sources))


def runs(segment: Segment) -> list[str]:
    """The prose between placeholders, each run alone, for the fallback path."""
    return [run.strip() for run in _run_texts(segment) if run is not None and _has_letters(run)]


def join_runs(segment: Segment, translations: Sequence[str]) -> str:
    """Rebuild a full translation, with placeholders, from translated runs.

    Each run keeps the whitespace around it in the source, so that delimiters
    stay left- or right-flanking exactly as before.
    """
    pending = iter(translations)
    out: list[str] = []
    number = 0
    for run in _run_texts(segment, keep_protected=True):
        if run is None:
            number += 1
            out.append(placeholder(number))
        elif _has_letters(run):
            lead = run[: len(run) - len(run.lstrip())]
            trail = run[len(run.rstrip()) :]
            out.append(lead + next(pending).strip() + trail)
        else:
            out.append(run)
    return "".join(out)


def split(protected: Protected, translated: str) -> list[str | int]:
    """Split engine output into prose and placeholder indices (0-based).

    Raises PlaceholderError unless every placeholder is present once, in order.
    """
    pieces: list[str | int] = []
    cursor = 0
    expected = 1
    for match in PLACEHOLDER.finditer(translated):
        if int(match.group(1)) != expected:
            raise PlaceholderError(f"placeholder {match.group(0)} out of order")
        pieces.append(translated[cursor : match.start()])
        pieces.append(expected - 1)
        expected += 1
        cursor = match.end()
    if expected - 1 != len(protected.sources):
        raise PlaceholderError(f"{len(protected.sources) - expected + 1} placeholder(s) lost")
    pieces.append(translated[cursor:])
    return [p for p in pieces if p != ""]


def _run_texts(segment: Segment, *, keep_protected: bool = False) -> list[str | None]:
    items: list[str | None] = []
    current: list[str] = []
    for atom in segment.atoms:
        if atom.kind is AtomKind.PROTECTED:
            items.append("".join(current))
            current = []
            if keep_protected:
                items.append(None)
        else:
            current.append(atom.text if atom.kind is AtomKind.TEXT else " ")
    items.append("".join(current))
    return [i for i in items if i != ""] if keep_protected else items


def _has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


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
