"""Placement: put markup, terms and code back on the English words they belong to.

A model reorders: "Morgen delen **de gemeenten** `data.csv`" becomes "Tomorrow
**the municipalities** share `data.csv`". The Argos engine removes placeholders
before decoding and calls ``place`` afterwards with what it knows:

* the source and target words (SentencePiece pieces grouped into words and
  punctuation marks) and the attention between pieces, summed per word pair:
  word-level mass is steadier than any single piece's peak;
* for each glossary term and each word-like span (code, autolink), the text the
  engine wrote in its place, which the model carries through: found again by
  string match, attention only where that fails;
* for each pair of markup (an opening glued to the next word, a closing glued to
  the previous one), the translation of the marked words on their own, found in
  the sentence's translation; where it is not there, the best contiguous window
  of target words whose attention comes mostly from the marked source words.

The result keeps every placeholder once, in English order where English
reorders, properly nested, never around nothing. Marks placed on attention
alone with little support are reported as low confidence.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_PIECE = "\u2581"
_WORDS = re.compile(r"\w+|[^\w\s]")

Alignment = tuple[tuple[int, float], ...]
"""For one target piece: (source piece, attention weight) pairs."""


@dataclass(frozen=True, slots=True)
class Word:
    """A word or punctuation mark: its pieces, and its characters in the source."""

    pieces: range
    start: int = 0
    end: int = 0
    text: str = ""
    spaced: bool = True
    """A space comes before it (its first piece starts with ``▁``)."""

    @property
    def slice(self) -> slice:
        """Its pieces, to cut them out of the sentence's."""
        return slice(self.pieces.start, self.pieces.stop)


@dataclass(frozen=True, slots=True)
class Mark:
    """A placeholder of the sentence, as ``place`` needs it."""

    text: str
    offset: int
    """Character offset in the clean sentence."""
    length: int
    """Characters of the hint or stand-in written in its place (0 for markup)."""
    hint: str
    """What stands in the sentence for a term or a word-like span."""
    before: str
    """The character before the placeholder in the engine's input ("" at the start)."""
    after: str

    @property
    def opens(self) -> bool:
        """Markup glued to the next word: ``**`` or ``[`` before a word."""
        return self._glued(self.before, self.after, _OPENING)

    @property
    def closes(self) -> bool:
        """Markup glued to the word before: ``**`` or ``](url)`` after a word."""
        return self._glued(self.after, self.before, _CLOSING)

    def _glued(self, away: str, toward: str, punctuation: str) -> bool:
        """Markup, no word on one side, a word (or punctuation that leads to one) on the
        other: the side it belongs to."""
        leads = toward != "" and toward in punctuation
        return not self.length and not _wordy(away) and (_wordy(toward) or leads)


_OPENING = "([{\"'\u2018\u201c\u00ab"
_CLOSING = ".,;:!?)]}\"'\u2019\u201d\u00bb\u2026"


def _wordy(char: str) -> bool:
    """A letter, a digit, or another placeholder (a term is a word)."""
    return char.isalnum() or (char != "" and char in "⟦⟧")


@dataclass(frozen=True, slots=True)
class Placed:
    """The sentence with its placeholders back, and how sure the placement is."""

    text: str
    uncertain: int
    """Marks placed on weak attention alone."""


def words_of_pieces(
    pieces: Sequence[str],
    spans: Sequence[tuple[int, int]] | None = None,
    spell: Callable[[tuple[str, ...]], str] | None = None,
) -> list[Word]:
    """Group pieces into words and punctuation marks (``spans``: their source characters;
    ``spell``: each word's text from its pieces, instead of the pieces joined).

    Each word covers the pieces from its first to the next word's first. The
    words are gathered as plain values and made ``Word`` once: a frozen
    dataclass per piece was most of this function's time. What a piece is
    (``_kind``) is looked up, since the same pieces recur in every sentence.
    """
    first: list[int] = []
    start: list[int] = []
    end: list[int] = []
    text: list[str] = []
    spaced: list[bool] = []
    last_punct = False  # whether the last word is punctuation
    if spans is None:
        spans = [(0, 0)] * len(pieces)
    kinds = _KINDS
    for i, (piece, (a, b)) in enumerate(zip(pieces, spans, strict=True)):
        space, body, punct = kinds.get(piece) or _kind(piece)
        if first and not space and not punct and not last_punct:
            end[-1] = b
            text[-1] += body
            continue
        if first and not body and not punct:  # a lone "▁" joins the next piece
            body, space, punct = "", True, False
        elif first and text[-1] == "":  # the piece a lone "▁" waited for
            end[-1], text[-1], spaced[-1], last_punct = b, body, True, punct
            continue
        first.append(i)
        start.append(a)
        end.append(b)
        text.append(body)
        spaced.append(space)
        last_punct = punct
    first.append(len(pieces))
    if spell is not None:
        text = [spell(tuple(pieces[f:stop])) for f, stop in itertools.pairwise(first)]
    bounds = itertools.pairwise(first)
    return [
        Word(range(f, stop), a, b, t, s)
        for (f, stop), a, b, t, s in zip(bounds, start, end, text, spaced, strict=True)
    ]


_KINDS: dict[str, tuple[bool, str, bool]] = {}
"""Pieces seen, each with ``_kind``'s answer; cleared when full, so it stays small."""
_KINDS_KEPT = 50_000


def _kind(piece: str) -> tuple[bool, str, bool]:
    """Whether a piece starts with ``▁``, its text after that, and whether that is
    punctuation."""
    space = piece.startswith(_PIECE)
    body = piece[1:] if space else piece
    if len(_KINDS) >= _KINDS_KEPT:
        _KINDS.clear()
    kind = _KINDS[piece] = (space, body, _punct(body))
    return kind


def _punct(text: str) -> bool:
    """Not empty, and no letter or digit in it (most pieces are whole words: isalnum
    answers those at once)."""
    return bool(text) and not text.isalnum() and not any(c.isalnum() for c in text)


def _folded(text: str) -> list[str]:
    return [w.casefold() for w in _WORDS.findall(text)]


class _Sentence:
    """Source and target words of one sentence, and the attention between them."""

    def __init__(
        self, source: list[Word], target: list[Word], alignment: Sequence[Alignment]
    ) -> None:
        self.source = source
        self.target = target
        word_of = {p: k for k, w in enumerate(source) for p in w.pieces}
        self.mass = [[0.0] * len(source) for _ in target]
        aligned = len(alignment)
        for word, mass in zip(target, self.mass, strict=True):
            for piece in word.pieces:
                for s, weight in alignment[piece] if piece < aligned else ():
                    k = word_of.get(s)
                    if k is not None:
                        mass[k] += weight
        self.folded = [w.text.casefold() for w in target]

    def covered(self, start: int, end: int) -> list[int]:
        """Source words inside characters [start, end)."""
        return [k for k, w in enumerate(self.source) if w.start >= start and w.end <= end]

    def share(self, t: int, sources: Sequence[int]) -> float:
        total = sum(self.mass[t])
        return sum(self.mass[t][s] for s in sources) / total if total > 0 else 0.0

    def support(self, window: range, sources: Sequence[int]) -> float:
        return sum(self.mass[t][s] for t in window for s in sources)

    def occurrences(self, words: list[str]) -> list[range]:
        """Where the words stand in the target, exactly (case aside)."""
        return self._windows(words, str.__eq__)

    def similar(self, words: list[str]) -> list[range]:
        """Windows whose words each start like the given ones (uses/used): a marked span
        translated alone may come out inflected otherwise than inside its sentence."""
        return self._windows(words, _alike)

    def _windows(self, words: list[str], same: Callable[[str, str], bool]) -> list[range]:
        if not words:
            return []
        n, first, rest, folded = len(words), words[0], words[1:], self.folded
        return [  # the first word alone rules out most places, without a slice
            range(i, i + n)
            for i in range(len(folded) - n + 1)
            if same(folded[i], first)
            and all(same(a, b) for a, b in zip(folded[i + 1 : i + n], rest, strict=True))
        ]

    def best_window(self, sources: Sequence[int]) -> tuple[range, bool]:
        """The contiguous target words that translate ``sources``: the window with the
        largest sum of (share - 0.5); one word, with low confidence, if none has more."""
        best, best_sum, start, running = range(0), 0.0, 0, 0.0
        for t in range(len(self.target)):
            gain = self.share(t, sources) - 0.5
            if running <= 0:
                start, running = t, 0.0
            running += gain
            if running > best_sum:
                best, best_sum = range(start, t + 1), running
        if best:
            return best, True
        if not self.target:
            return range(0), False
        top = max(range(len(self.target)), key=lambda t: self.share(t, sources))
        return range(top, top + 1), False

    def boundary(self, source: int, near: int) -> int:
        """The place between target words that best parts what the source words before
        ``source`` became from what it and those after it became, nearest ``near`` of
        equals: a line break between two Dutch words goes between two English words,
        though a single word's attention may point at its neighbour."""
        before = range(source)
        after = range(source, len(self.source))
        best, best_score, score = near, float("-inf"), 0.0
        for t in range(len(self.target) - 1):
            score += self.share(t, before) - self.share(t, after)
            if _punct(self.target[t + 1].text):  # between words, not before a full stop
                continue
            if (score, -abs(t + 1 - near)) > (best_score, -abs(best - near)):
                best, best_score = t + 1, score
        return best

    def aligned(self, source: int) -> int | None:
        """The target word that attends most to a source word."""
        if not self.target or not 0 <= source < len(self.source):
            return None
        return max(range(len(self.target)), key=lambda t: (self.mass[t][source], -t))


def pairs(marks: Sequence[Mark]) -> list[tuple[int, int]]:
    """Opening and closing markup that belong together, by nesting, innermost first.

    One placeholder may open or close two pairs: markup written together
    (``**[`` … ``](url)**``) is one protected span. An opening left over pairs
    with the closing of the pair that follows it inside; a closing left over with
    the opening of the pair it follows.
    """
    found: list[tuple[int, int]] = []
    stack: list[int] = []
    loose: list[int] = []
    for k, mark in enumerate(marks):
        opens, closes = mark.opens, mark.closes
        if opens and not closes:
            stack.append(k)
        elif closes and not opens:
            if stack:
                found.append((stack.pop(), k))
            else:
                loose.append(k)
    for i in stack:
        inner = [pair for pair in found if pair[0] > i]
        if inner:
            found.append((i, min(inner)[1]))
    for j in loose:
        inner = [pair for pair in found if pair[1] < j]
        if inner:
            found.append((max(inner, key=lambda p: p[1])[0], j))
    return sorted(set(found), key=lambda p: (p[1] - p[0], p))


def place(
    source: list[Word],
    target: list[Word],
    alignment: Sequence[Alignment],
    marks: Sequence[Mark],
    fragments: Callable[[int, int], str | None],
) -> Placed | None:
    """Write the target words with every mark in place; None when no placement keeps
    the marks nested (the pipeline then falls back).

    ``fragments(i, j)`` is the translation of the words between marks i and j on
    their own, when the engine has one.
    """
    sentence = _Sentence(source, target, alignment)
    if not target:
        return None
    plan = _Plan(sentence, marks)
    plan.inside_words()
    plan.replace_words()
    for i, j in pairs(marks):
        if not plan.handled.intersection((i, j)):
            plan.wrap(i, j, fragments(i, j))
    if not plan.nest():
        return None
    plan.leaves()
    return Placed(plan.write(), plan.uncertain)


class _Plan:
    """Where each mark goes, in target words."""

    def __init__(self, sentence: _Sentence, marks: Sequence[Mark]) -> None:
        self.s = sentence
        self.marks = marks
        self.replaced: dict[int, range] = {}
        """Term and word marks: the target words they replace (empty: inserted)."""
        self.windows: dict[tuple[int, int], range] = {}
        self.sure: dict[tuple[int, int], bool] = {}
        self.points: dict[int, int] = {}
        """Other markup: the target word it goes before."""
        self.drop: set[int] = set()
        """Target words to leave out: a term the model wrote twice."""
        self.units: dict[int, tuple[range, list[tuple[int, int]]]] = {}
        """Words with marks inside ("foo*bar*"), copied by the model: by first target word,
        the target words and (character offset, mark) pairs to put back inside them."""
        self.handled: set[int] = set()
        """Marks put back inside a copied word."""
        self.uncertain = 0

    def sources(self, mark: Mark) -> list[int]:
        return self.s.covered(mark.offset, mark.offset + mark.length)

    # --- marks inside words ------------------------------------------------------------------

    def inside_words(self) -> None:
        """Marks inside a word the model copied ("foo*bar*", "`x`s") go back at the same
        character offsets: the word has no other English place to give them."""
        claimed: set[int] = set()
        for start, end, words in self._source_units():
            inside = [k for k, m in enumerate(self.marks) if self._inside(m, start, end)]
            if not inside:
                continue
            text = "".join(self.s.source[w].text for w in words).casefold()
            found = [r for r in self._copies(text) if not claimed.intersection(r)]
            if not found:
                continue
            best = max(found, key=lambda r: (self.s.support(r, words), -r.start))
            edges = [
                k
                for k, m in enumerate(self.marks)
                if k not in inside and not m.length and m.offset in (start, end)
            ]
            offsets = [(self.marks[k].offset - start, k) for k in sorted(inside + edges)]
            self.units[best.start] = (best, offsets)
            self.handled.update(inside + edges)
            claimed.update(best)

    def _source_units(self) -> list[tuple[int, int, list[int]]]:
        """Runs of source words with no space between them: (start, end, words)."""
        units: list[tuple[int, int, list[int]]] = []
        for k, word in enumerate(self.s.source):
            if units and units[-1][1] == word.start:
                start, _, words = units[-1]
                units[-1] = (start, word.end, [*words, k])
            else:
                units.append((word.start, word.end, [k]))
        return units

    @staticmethod
    def _inside(mark: Mark, start: int, end: int) -> bool:
        """Whether a mark is glued to letters inside the run [start, end)."""
        if mark.length:
            glued = mark.before.isalnum() or mark.after.isalnum()
            return glued and start <= mark.offset and mark.offset + mark.length <= end
        return start < mark.offset < end and _wordy(mark.before) and _wordy(mark.after)

    def _copies(self, text: str) -> list[range]:
        """Runs of target words, glued together, that spell ``text``."""
        found = []
        for a in range(len(self.s.target)):
            spelled = ""
            for b in range(a, len(self.s.target)):
                if b > a and self.s.target[b].spaced:
                    break
                spelled += self.s.folded[b]
                if spelled == text:
                    found.append(range(a, b + 1))
                if len(spelled) >= len(text):
                    break
        return found

    def _unit_text(self, where: range, offsets: list[tuple[int, int]]) -> str:
        text = "".join(self.s.target[t].text for t in range(where.start, where.stop))
        out, cursor = "", 0
        for offset, k in offsets:
            out += text[cursor:offset] + self.marks[k].text
            cursor = max(cursor, offset + self.marks[k].length)
        return out + text[cursor:]

    # --- terms and word-like spans ---------------------------------------------------------

    def replace_words(self) -> None:
        taken: set[int] = {t for where, _ in self.units.values() for t in where}
        for k, mark in enumerate(self.marks):
            if not mark.length or k in self.handled:
                continue
            sources = self.sources(mark)
            found = [
                r for r in self.s.occurrences(_folded(mark.hint)) if not taken.intersection(r)
            ]
            if found:
                best = max(found, key=lambda r: (self.s.support(r, sources), -r.start))
            else:
                best = self._mangled(mark, taken) or self._by_attention(sources, taken)
            self.replaced[k] = best
            taken.update(best)
        self._duplicates(taken)
        for where, _ in self.units.values():  # a copied word is a word: nothing splits it
            self.replaced[-1 - where.start] = where

    def _mangled(self, mark: Mark, taken: set[int]) -> range | None:
        """A target word with the hint glued to something else ("T3DD"); not when the
        source glued it to something (its neighbours are words to keep)."""
        hint = mark.hint.casefold()
        if " " in hint or not hint or mark.before.isalnum() or mark.after.isalnum():
            return None
        for t, word in enumerate(self.s.folded):
            if t not in taken and hint in word:
                return range(t, t + 1)
        return None

    def _by_attention(self, sources: list[int], taken: set[int]) -> range:
        window, sure = self.s.best_window(sources)
        window = range(window.start, window.stop) if not taken.intersection(window) else range(0)
        if not sure or not window:
            self.uncertain += 1
            at = self.s.aligned(sources[0]) if sources else None
            start = at if at is not None and at not in taken else len(self.s.target)
            return range(start, start)  # inserted before that word
        return window

    def _duplicates(self, taken: set[int]) -> None:
        """Words right next to a placed term that repeat it: the model wrote it twice."""
        for k, where in self.replaced.items():
            hint = _folded(self.marks[k].hint)
            if not where or not hint:
                continue
            n = len(hint)
            for start in (where.start - n, where.stop):
                r = range(start, start + n)
                if (
                    start >= 0
                    and not taken.intersection(r)
                    and self.s.folded[r.start : r.stop] == hint
                ):
                    self.drop.update(r)

    # --- pairs ---------------------------------------------------------------------------

    def wrap(self, i: int, j: int, fragment: str | None) -> None:
        opening, closing = self.marks[i], self.marks[j]
        sources = self.s.covered(opening.offset, closing.offset)
        inner = [self.replaced[k] for k in range(i + 1, j) if self.replaced.get(k)]
        window: range | None = None
        if fragment is not None:
            words = _folded(fragment)
            found = [
                r
                for r in self.s.occurrences(words)
                or self.s.occurrences(_strip_punct(words))
                or self.s.similar(_strip_punct(words))
                if all(_within(w, r) for w in inner)
            ]
            if found:
                window = max(found, key=lambda r: (self.s.support(r, sources), -r.start))
        sure = window is not None
        if window is None:
            window, sure = self.s.best_window(sources)
            window = self._trim_punctuation(window, sources)
        for w in inner:  # the terms inside stay inside
            window = range(min(window.start, w.start), max(window.stop, w.stop))
        for (k, m), w in self.windows.items():  # one placeholder for two pairs: they share it
            if m == j:
                window = range(min(window.start, w.start), w.stop)
            elif k == i:
                window = range(w.start, max(window.stop, w.stop))
        self.windows[(i, j)] = window
        self.sure[(i, j)] = sure
        self.uncertain += not sure

    def _trim_punctuation(self, window: range, sources: Sequence[int]) -> range:
        """Leave out punctuation at a window's edges unless the marked Dutch had it there."""
        marked = [self.s.source[k].text for k in sources]
        start, stop = window.start, window.stop
        while (
            start < stop - 1
            and _punct(self.s.target[start].text)
            and not (marked and _punct(marked[0]))
        ):
            start += 1
        while (
            stop - 1 > start
            and _punct(self.s.target[stop - 1].text)
            and not (marked and _punct(marked[-1]))
        ):
            stop -= 1
        if _punct(self.s.target[start].text) and stop - start == 1 and sources:
            at = self.s.aligned(sources[0])  # nothing but a punctuation mark: the best word
            words = [t for t in range(len(self.s.target)) if not _punct(self.s.target[t].text)]
            if words:
                best = max(words, key=lambda t: (self.s.share(t, sources), t == at))
                return range(best, best + 1)
        return range(start, stop)

    def nest(self) -> bool:
        """Make windows nest as the marks do in the source; False if they cannot."""
        ordered = sorted(self.windows)
        for a in ordered:
            for b in ordered:
                if a >= b:
                    continue
                wa, wb = self.windows[a], self.windows[b]
                if _within(wb, wa) or _within(wa, wb) or _apart(wa, wb):
                    continue
                if b[1] < a[1]:  # b inside a in the source: a grows to hold b
                    self.windows[a] = range(min(wa.start, wb.start), max(wa.stop, wb.stop))
                elif not self._trim(a, b):
                    return False
        for pair in self.windows:  # never half a term inside
            for w in self.replaced.values():
                window = self.windows[pair]
                if w and not _apart(w, window) and not _within(w, window):
                    self.windows[pair] = range(
                        min(window.start, w.start), max(window.stop, w.stop)
                    )
        return all(
            _within(wb, wa) or _within(wa, wb) or _apart(wa, wb)
            for a, wa in self.windows.items()
            for b, wb in self.windows.items()
            if a < b
        ) and all(self.windows.values())

    def _trim(self, a: tuple[int, int], b: tuple[int, int]) -> bool:
        """Source-disjoint pairs whose windows cross: the less sure one gives way."""
        keep, give = (a, b) if self.sure[a] >= self.sure[b] else (b, a)
        wk, wg = self.windows[keep], self.windows[give]
        left = range(wg.start, min(wg.stop, wk.start))
        right = range(max(wg.start, wk.stop), wg.stop)
        trimmed = max(left, right, key=len)
        if not trimmed:
            return False
        self.windows[give] = trimmed
        self.sure[give] = False
        self.uncertain += 1
        return True

    # --- everything else -----------------------------------------------------------------

    def leaves(self) -> None:
        """Markup that is not part of a pair here: before the word its next source word
        became; at an edge when it stood at one."""
        paired = {k for pair in self.windows for k in pair}
        n = len(self.s.target)
        for k, mark in enumerate(self.marks):
            if mark.length or k in paired or k in self.handled:
                continue
            following = next(
                (i for i, w in enumerate(self.s.source) if w.start >= mark.offset), None
            )
            if following is None:
                self.points[k] = n
            elif following == 0:
                self.points[k] = 0
            elif mark.closes:  # glued to the word before: after that word's translation
                at = self.s.aligned(following - 1)
                self.points[k] = n if at is None else at + 1
            else:
                at = self.s.aligned(following)
                self.points[k] = n if at is None else at
                if mark.before == mark.after == " ":  # between words: a break, a <br>
                    self.points[k] = self.s.boundary(following, self.points[k])
            self.points[k] = self._outside_terms(self.points[k])

    def _outside_terms(self, point: int) -> int:
        for w in self.replaced.values():
            if w.start < point < w.stop:
                return w.stop
        return point

    def write(self) -> str:
        """The target words with the marks in place, spaced as the marks were in Dutch."""
        out = _Out()
        n = len(self.s.target)
        inserted = {w.start: k for k, w in self.replaced.items() if not w}
        # What happens at each target word, gathered once: asking every mark at every
        # word made writing quadratic in the sentence.
        closing: dict[int, list[tuple[int, tuple[int, int]]]] = {}
        opening: dict[int, list[tuple[int, tuple[int, int]]]] = {}
        for pair, w in self.windows.items():
            closing.setdefault(w.stop, []).append((w.start, pair))
            opening.setdefault(w.start, []).append((-w.stop, pair))
        points: dict[int, list[int]] = {}
        for k, p in self.points.items():
            points.setdefault(p, []).append(k)
        replacing: dict[int, int] = {}
        for k, w in self.replaced.items():
            if w:
                replacing.setdefault(w.start, k)
        marked = closing.keys() | opening.keys() | points.keys() | inserted.keys()
        t = 0
        while t <= n:
            if t in marked:  # most words have no mark before them
                ending = sorted(closing.get(t, ()), reverse=True)
                for k in dict.fromkeys(pair[1] for _, pair in ending):
                    out.closing(self.marks[k].text)
                for k in sorted(points.get(t, ())):
                    out.leaf(self.marks[k])
                starting = sorted(opening.get(t, ()))
                openings = list(dict.fromkeys(pair[0] for _, pair in starting))
                if openings:
                    spaced = t == n or self.s.target[t].spaced
                    out.opening("".join(self.marks[k].text for k in openings), spaced=spaced)
                if t in inserted:
                    out.word(self.marks[inserted[t]].text, spaced=True)
            if t == n:
                break
            t = self._write_word(out, t, replacing.get(t))
        return out.text()

    def _write_word(self, out: _Out, t: int, k: int | None) -> int:
        """Write target word t, or the term or copied word ``k`` that starts there; the
        next t."""
        spaced = self.s.target[t].spaced
        if k is not None:
            out.word(self.marks[k].text if k >= 0 else self._unit_text(*self.units[t]), spaced)
            return self.replaced[k].stop
        if t not in self.drop:
            out.word(self.s.target[t].text, spaced)
        return t + 1


def _alike(a: str, b: str) -> bool:
    """Two words with the same stem, roughly: a common prefix of most of their length."""
    if a == b:
        return True
    common = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return common >= 3 and common >= 0.6 * max(len(a), len(b))


class _Out:
    """The text being written, and whether the next word is glued to what came before."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.glued = True  # at the start, or right after an opening mark

    def word(self, text: str, spaced: bool) -> None:
        self._space(spaced)
        self.parts.append(text)
        self.glued = False

    def opening(self, text: str, spaced: bool) -> None:
        """Opening marks take the space of the word they are glued to."""
        self._space(spaced)
        self.parts.append(text)
        self.glued = True

    def closing(self, text: str) -> None:
        self.parts.append(text)
        self.glued = False

    def leaf(self, mark: Mark) -> None:
        """Markup on its own: spaced on each side as in the source."""
        self._space(mark.before in ("", " "))
        self.parts.append(mark.text)
        self.glued = mark.after not in ("", " ")

    def _space(self, spaced: bool) -> None:
        if spaced and not self.glued:
            self.parts.append(" ")

    def text(self) -> str:
        return "".join(self.parts).strip()


def _strip_punct(words: list[str]) -> list[str]:
    while words and _punct(words[-1]):
        words = words[:-1]
    return words


def _within(inner: range, outer: range) -> bool:
    return outer.start <= inner.start and inner.stop <= outer.stop


def _apart(a: range, b: range) -> bool:
    return a.stop <= b.start or b.stop <= a.start
