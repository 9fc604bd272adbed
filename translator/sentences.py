"""Sentence splitting for Dutch, offline.

Argos's own splitter (MiniSBD) downloads a model on first use, so pysbd does
the work here (``clean=False, char_span=True`` keeps exact offsets). pysbd
splits after common Dutch abbreviations followed by a capital ("bijv. De …",
"mevr. Jansen"); those splits are merged back.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import itertools
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

ABBREVIATIONS = frozenset(
    [
        "a.s.",
        "bijv.",
        "bv.",
        "blz.",
        "ca.",
        "d.w.z.",
        "dhr.",
        "dr.",
        "drs.",
        "e.a.",
        "e.d.",
        "enz.",
        "etc.",
        "evt.",
        "excl.",
        "i.c.m.",
        "i.p.v.",
        "i.s.m.",
        "i.o.m.",
        "incl.",
        "ing.",
        "ir.",
        "jl.",
        "m.a.w.",
        "m.b.t.",
        "m.i.v.",
        "mevr.",
        "mr.",
        "mw.",
        "nl.",
        "nr.",
        "o.a.",
        "o.b.v.",
        "o.l.v.",
        "p.m.",
        "prof.",
        "resp.",
        "st.",
        "t.a.v.",
        "t.b.v.",
        "t.o.v.",
        "vgl.",
        "z.g.a.n.",
        "zgn.",
        "zg.",
    ]
)

_LAST_WORD = re.compile(r"(\S+)\s*$")
# Where a sentence could end: only texts with such a spot go to pysbd, which is slow.
_POSSIBLE_END = re.compile(r"[.!?\u2026][\"')\]\u201d\u2019]*\s+\S")
_SPACE = re.compile(r"\s*")
_TAIL = re.compile(r"[a-zA-Z0-9]+$")
_CLAUSE = re.compile(r"[,;:]\s+|\s+[-\u2013]\s+")  # comma, semicolon, colon, dash


@functools.cache
def _segmenter() -> Any:
    """pysbd's Dutch segmenter with the abbreviation scan narrowed (see ``_dutch``)."""
    import pysbd  # noqa: PLC0415

    segmenter = pysbd.Segmenter(language="nl", clean=False, char_span=True)
    segmenter.language_module = _dutch(segmenter.language_module)
    return segmenter


@functools.cache
def _faster() -> list[tuple[Any, str, Any]]:
    """The pysbd methods ``_faster_pysbd`` replaces: (class, name, replacement), the
    replacement's ``__wrapped__`` being pysbd's own."""
    import pysbd.lists_item_replacer  # noqa: PLC0415
    import pysbd.utils  # noqa: PLC0415

    lists = pysbd.lists_item_replacer.ListItemReplacer
    return _precompile(pysbd.utils.Text) + _skip_absent_lists(lists)


_SPLITTING = threading.Lock()
"""Held while pysbd has the faster methods: one split at a time puts them in and out."""


@contextlib.contextmanager
def _faster_pysbd() -> Iterator[None]:
    """pysbd with the faster methods, while translator splits: pysbd used for anything
    else in the process, and by the tests as the reference, stays as pysbd wrote it.

    What stood there on entry is put back on exit, so a patch someone else put on
    the same methods (a test's spy) survives. Splits are pure Python, so the lock
    costs no parallelism; it keeps two threads from putting back each other's."""
    with _SPLITTING:
        replaced = _faster()
        before = [(owner, name, getattr(owner, name)) for owner, name, _ in replaced]
        for owner, name, method in replaced:
            setattr(owner, name, method)
        try:
            yield
        finally:
            for owner, name, method in before:
                setattr(owner, name, method)


_PYSBD_APPLY = ("re", "sub", "pattern", "replacement")
"""The names pysbd 0.3.4's ``Text.apply`` uses: ``re.sub(rule.pattern, rule.replacement, t)``."""


def _precompile(text_class: Any) -> list[tuple[Any, str, Any]]:
    """A ``Text.apply`` that runs pysbd's rules as compiled patterns.

    pysbd applies every rule with ``re.sub(pattern_string, replacement, text)``,
    about 190,000 times per 200 articles, and each call first looks its
    pattern up in the ``re`` module's cache. ``re.sub`` is
    ``re.compile(pattern).sub(replacement, text)``, so keeping the compiled
    patterns here gives the same text without the lookup. None for a
    ``Text.apply`` whose code does not refer to exactly the names of pysbd
    0.3.4's: that one is left as pysbd wrote it.
    """
    apply = getattr(text_class, "apply", None)
    code = getattr(apply, "__code__", None)
    if code is None or code.co_names != _PYSBD_APPLY or code.co_argcount != 1:
        return []
    compiled: dict[Any, re.Pattern[str]] = {}

    def apply_compiled(self: str, *rules: Any) -> str:
        for rule in rules:
            pattern = compiled.get(rule.pattern)
            if pattern is None:
                pattern = compiled[rule.pattern] = re.compile(rule.pattern)
            self = pattern.sub(rule.replacement, self)
        return self

    apply_compiled.__wrapped__ = apply  # type: ignore[attr-defined]
    return [(text_class, "apply", apply_compiled)]


def _dutch(language: Any) -> Any:
    """pysbd's Dutch rules, with an abbreviation scan that skips what cannot match.

    pysbd tries each of its 1,656 Dutch abbreviations on every line: a
    substring test, then for each hit a ``findall`` and a freshly built
    ``re.sub``, so a word merely starting like an abbreviation ("dat", "min",
    "bel") costs a regex per occurrence. Every one of those substitutions only
    ever replaces a period that directly follows the abbreviation, itself
    preceded by whitespace or the start of the line. So an abbreviation can
    change a line only if the line has a period right after it: a line
    without a period is returned as it is, and of the rest only the
    abbreviations that can stand before one of its periods are tried, in
    pysbd's own order and with pysbd's own code, so the result is the same.
    """
    index = _AbbreviationIndex(language.Abbreviation.ABBREVIATIONS)
    base = language.AbbreviationReplacer

    class Replacer(base):  # type: ignore[misc, valid-type]
        def search_for_abbreviations_in_string(self, text: str) -> str:
            if "." not in text:
                return text
            lowered = text.lower()
            # From here on, pysbd's own loop over the abbreviations that may match.
            for abbr in index.candidates(text):
                stripped = abbr.strip()
                if stripped not in lowered:
                    continue
                abbrev_match = re.findall(
                    r"(?:^|\s|\r|\n){}".format(stripped),  # noqa: UP032
                    text,
                    flags=re.IGNORECASE,
                )
                if not abbrev_match:
                    continue
                next_word_start = r"(?<={" + str(re.escape(stripped)) + "} ).{1}"
                char_array = re.findall(next_word_start, text)
                for ind, match in enumerate(abbrev_match):
                    text = self.scan_for_replacements(text, match, ind, char_array)
            return text

    return type(language.__name__, (language,), {"AbbreviationReplacer": Replacer})


_LIST_NEEDS = {
    r"(?<=\()[a-z]+(?=\))|(?<=^)[a-z]+(?=\))|(?<=\A)[a-z]+(?=\))|(?<=\s)[a-z]+(?=\))": r"[a-z]\)",
    r"\d{1,2}(?=\)\s)": r"\d\)\s",
    r"\s\d{1,2}(?=\.\s)|^\d{1,2}(?=\.\s)|\s\d{1,2}(?=\.\))|^\d{1,2}(?=\.\))|(?<=\s\-)\d{1,2}"
    r"(?=\.\s)|(?<=^\-)\d{1,2}(?=\.\s)|(?<=\s\⁃)\d{1,2}(?=\.\s)|(?<=^\⁃)\d{1,2}(?=\.\s)|"  # noqa: RUF001
    r"(?<=s\-)\d{1,2}(?=\.\))|(?<=^\-)\d{1,2}(?=\.\))|(?<=\s\⁃)\d{1,2}(?=\.\))|(?<=^\⁃)"  # noqa: RUF001
    r"\d{1,2}(?=\.\))": r"\d\.[\s)]",
}
"""pysbd 0.3.4's list patterns that find nothing in most texts (``ListItemReplacer``'s
ALPHABETICAL_LIST_WITH_PARENS, NUMBERED_LIST_PARENS_REGEX and NUMBERED_LIST_REGEX_1), each
with what the text must contain where one of its matches ends: a letter before ")"; a
digit, ")" and a space; a digit, "." and a space or ")"."""
_LIST_SCANS = {
    "iterate_alphabet_array": (
        (
            *("re", "findall", "text", "ROMAN_NUMERALS", "LATIN_NUMERALS", "enumerate", "len"),
            *("last_array_item_replacement", "other_items_replacement"),
        ),
        True,
    ),
    "scan_lists": (
        (
            *("re", "findall", "text", "list", "map", "int", "enumerate", "len"),
            *("substitute_found_list_items",),
        ),
        False,
    ),
}
"""The ``ListItemReplacer`` methods that begin with ``re.findall(pattern, self.text)`` and
change nothing when it finds nothing: the names their code uses, and whether they then
return the text (else None)."""


def _skip_absent_lists(replacer_class: Any) -> list[tuple[Any, str, Any]]:
    """pysbd's list scans, skipping patterns whose matches cannot be in the text.

    Per text, pysbd looks for lettered and numbered lists with ``findall``
    over patterns of up to twelve look-behind alternatives, a fifth of its
    time; almost every text has none. Where a cheap search shows that what
    every match needs is absent, the scan returns what it returns after an
    empty ``findall``. Only methods whose code uses the names pysbd 0.3.4's
    do are wrapped, and they skip only the patterns above, compared by text.
    """
    needs = {pattern: re.compile(need) for pattern, need in _LIST_NEEDS.items()}
    replaced = []
    for name, (names, returns_text) in _LIST_SCANS.items():
        scan = getattr(replacer_class, name, None)
        if getattr(getattr(scan, "__code__", None), "co_names", None) == names:
            replaced.append((replacer_class, name, _skipping(scan, needs, returns_text)))
    return replaced


def _skipping(scan: Any, needs: dict[str, re.Pattern[str]], returns_text: bool) -> Any:
    def skipping(self: Any, pattern: str, *args: Any, **kwargs: Any) -> Any:
        need = needs.get(pattern)
        if need is not None and not need.search(self.text):
            return self.text if returns_text else None
        return scan(self, pattern, *args, **kwargs)

    skipping.__wrapped__ = scan  # type: ignore[attr-defined]
    return skipping


class _AbbreviationIndex:
    """Which of pysbd's abbreviations can stand right before a period of a line.

    pysbd replaces a period only where whitespace (or the line's start), the
    text its ``findall`` matched and then the period follow each other. For a
    plain abbreviation (ASCII letters and digits) that text is the whole run
    of non-space characters before the first period of a word, equal to the
    abbreviation when case is ignored. Any other abbreviation ends in a
    literal tail (the letters and digits after its last space, period or
    other sign), so a period must follow that tail. Abbreviations ending in a
    sign, and those with a regex group (``findall`` then yields the group
    alone), are always tried. A run or tail beyond ASCII may match through
    case folding ("\u212a" is "k"), so there every abbreviation of its
    length is tried. Each set is a superset of what pysbd acts on; pysbd's
    own tests then decide.
    """

    def __init__(self, abbreviations: list[str]) -> None:
        self.abbreviations = abbreviations
        self.plain: dict[str, list[int]] = {}
        self.plain_by_length: dict[int, list[int]] = {}
        self.tails: dict[str, list[int]] = {}
        self.tails_by_length: dict[int, list[int]] = {}
        self.always: list[int] = []
        for number, abbr in enumerate(abbreviations):
            stripped = abbr.strip()
            tail = _TAIL.search(stripped)
            if stripped.isascii() and stripped.isalnum():
                self.plain.setdefault(stripped.lower(), []).append(number)
                self.plain_by_length.setdefault(len(stripped), []).append(number)
            elif tail and "(" not in stripped:
                self.tails.setdefault(tail.group().lower(), []).append(number)
                self.tails_by_length.setdefault(len(tail.group()), []).append(number)
            else:
                self.always.append(number)

    def candidates(self, text: str) -> list[str]:
        """The abbreviations worth trying on ``text``, in pysbd's order."""
        found = set(self.always)
        for word in text.split():
            dot = word.find(".")
            if dot > 0:
                found.update(self._matching(word[:dot], self.plain, self.plain_by_length))
        position = text.find(".")
        while position >= 0:
            for length in self.tails_by_length:
                if length <= position:
                    tail = text[position - length : position]
                    found.update(self._matching(tail, self.tails, self.tails_by_length))
            position = text.find(".", position + 1)
        return [self.abbreviations[number] for number in sorted(found)]

    @staticmethod
    def _matching(
        run: str, exact: dict[str, list[int]], by_length: dict[int, list[int]]
    ) -> list[int]:
        if run.isascii():
            return exact.get(run.lower(), [])
        return by_length.get(len(run), [])  # case folding beyond ASCII: any of this length


def split(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` that cover ``text`` from end to end.

    Each span includes the whitespace that follows its sentence.
    """
    if not text.strip() or not _POSSIBLE_END.search(text):
        return [(0, len(text))]
    spans = pysbd_spans(text)
    if not spans or spans[0][0] != 0 or any(a[1] != b[0] for a, b in itertools.pairwise(spans)):
        return [(0, len(text))]  # pysbd lost characters: keep the text whole
    spans[-1] = (spans[-1][0], len(text))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and _ends_in_abbreviation(text[merged[-1][0] : merged[-1][1]]):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def pysbd_spans(text: str) -> list[tuple[int, int]]:
    """The spans pysbd's ``segment`` gives with ``char_span=True``, found faster.

    pysbd locates each sentence by compiling ``re.escape(sentence)`` plus
    trailing whitespace and scanning the text from its start; that compile,
    once per sentence, made splitting 1.3x slower. ``str.find`` walks the same
    non-overlapping matches and keeps the first that ends after the previous
    sentence, as pysbd does.
    """
    segmenter = _segmenter()
    with _faster_pysbd():
        found = segmenter.processor(text).process()
    spans: list[tuple[int, int]] = []
    prior = 0
    for sentence in found:
        if not sentence:
            continue  # an empty pattern matches nowhere past the previous sentence
        position = 0
        while (start := text.find(sentence, position)) >= 0:
            trailing = _SPACE.match(text, start + len(sentence))
            end = trailing.end() if trailing else start + len(sentence)
            if end > prior:
                spans.append((start, end))
                prior = end
                break
            position = end
    return spans


def _ends_in_abbreviation(sentence: str) -> bool:
    found = _LAST_WORD.search(sentence)
    return found is not None and found.group(1).lower() in ABBREVIATIONS


def limit(text: str, count: Callable[[str], int], maximum: int) -> list[tuple[int, int]]:
    """Cut a sentence longer than ``maximum`` tokens into spans that each fit.

    Cuts fall after a clause mark (comma, semicolon, colon, dash) where one is
    near, else between words; a word longer than the limit stays whole.
    Nothing is dropped: the spans cover the text. Each cut encodes only a window
    about twice the length of the span it finds, never the rest of the text, so
    the time grows linearly with the sentence.
    """
    if count(text) <= maximum:
        return [(0, len(text))]
    clause = {m.end() for m in _CLAUSE.finditer(text)}
    cuts = sorted(clause | {m.end() for m in re.finditer(r"\s+", text)} - {len(text)})
    spans: list[tuple[int, int]] = []
    start = 0
    while (reach := _reach(text, start, count, maximum)) is not None:
        later = cuts[bisect.bisect_right(cuts, start) : bisect.bisect_right(cuts, reach)]
        if not later:  # one word longer than the window: it stays whole
            following = bisect.bisect_right(cuts, start)
            if following == len(cuts):
                break
            later = [cuts[following]]
        # Token counts grow with the prefix: binary-search the longest prefix that fits.
        low, high = 0, len(later) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if count(text[start : later[middle]]) <= maximum:
                low = middle
            else:
                high = middle - 1
        best = later[low]
        clauses = [c for c in later[: low + 1] if c in clause and c >= start + (best - start) // 2]
        end = max(clauses) if clauses else best
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans


def _reach(text: str, start: int, count: Callable[[str], int], maximum: int) -> int | None:
    """An end past every prefix from ``start`` that fits; None when the rest fits whole.

    The window starts at eight characters per allowed token and doubles until
    it no longer fits, so its length stays within twice what a cut can take.
    """
    width = 8 * maximum
    while start + width < len(text):
        if count(text[start : start + width]) > maximum:
            return start + width
        width *= 2
    return None if count(text[start:]) <= maximum else len(text)
