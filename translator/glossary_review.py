"""Glossary review: how the terms are used, kept, broken, and which are missing.

For each approved term: where it occurs in the Dutch sources, and whether the
existing English translations carry its target (violations with file, line and
the English text). Then the terms no article uses, and candidates for new
terms: frequent Dutch compounds and nouns, hyphenated words and capitalised
multi-word names that the glossary does not know yet. A name an author set
apart, in emphasis or brackets (*Totaal Driedimensionaal* (T3D)), is proposed
from its first use, and paired with the acronym whose letters are its initials.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from translator.errors import TranslatorError
from translator.files import read
from translator.glossary import Glossary, GlossaryTerm, present
from translator.output import is_translation, target_path
from translator.pipeline import Article, Options, load
from translator.previous import english_segments
from translator.protect import protect
from translator.segment import AtomKind, Segment

NOUN_SUFFIXES = (
    "ing",
    "ingen",
    "heid",
    "heden",
    "tie",
    "ties",
    "teit",
    "teiten",
    "schap",
    "schappen",
    "isme",
    "ment",
    "menten",
    "atie",
    "aties",
    "voorziening",
)
STOPWORDS = frozenset(
    [
        "aan",
        "al",
        "alle",
        "als",
        "dan",
        "dat",
        "de",
        "deze",
        "die",
        "dit",
        "door",
        "een",
        "en",
        "er",
        "ge",
        "hebben",
        "heeft",
        "het",
        "hij",
        "hoe",
        "hun",
        "ik",
        "in",
        "is",
        "je",
        "kan",
        "kunnen",
        "maar",
        "meer",
        "met",
        "naar",
        "niet",
        "nog",
        "of",
        "om",
        "omdat",
        "ook",
        "op",
        "over",
        "te",
        "tegen",
        "tot",
        "uit",
        "van",
        "veel",
        "voor",
        "wat",
        "welke",
        "wie",
        "wij",
        "worden",
        "wordt",
        "zal",
        "ze",
        "zich",
        "zijn",
        "zo",
        "zou",
        "ten",
        "elk",
        "elke",
        "iedere",
        "ieder",
        "hierbij",
        "hiernaast",
        "waarin",
        "waarmee",
        "zoals",
        "daarbij",
        "daarom",
        "daarna",
        "tussen",
        "onder",
        "boven",
        "bijvoorbeeld",
    ]
)
# A word may start with digits ("3D-gegevens") but must hold a letter.
_WORD = re.compile(r"\b(?=[\w'-]*[^\W\d_])[^\W_][\w'-]*[^\W_]")
_NAME = re.compile(r"(?<![.!?]\s)\b([A-Z][\w'-]+(?:\s+(?:van|der|de|en|voor)?\s*[A-Z][\w'-]+)+)")
_SENTENCES = re.compile(r"(?<=[.!?])\s+")
_CONNECTORS = frozenset(["van", "der", "de", "en", "voor", "het", "den"])
# A capitalised multi-word name: each word capitalised, Dutch connectors between.
_WORD_CAPITALISED = r"[A-Z][a-z\u00e0-\u00ff][\w'-]*"  # Totaal, not AHN
_NAME_BODY = (
    rf"{_WORD_CAPITALISED}(?:\s+(?:(?:van|der|de|en|voor|het|den)\s+)*{_WORD_CAPITALISED})+"
)
_ACRONYM = re.compile(r"(?<![\w-])(?=[A-Z0-9]*[A-Z][A-Z0-9]*[A-Z])[A-Z][A-Z0-9]{1,7}(?![\w-])")
_BRACKETED = re.compile(rf"\(({_NAME_BODY})\)|({_NAME_BODY})\s*\(({_ACRONYM.pattern})\)")
_EMPHASIS = re.compile(r"[*_]{1,3}")


@dataclass
class Violation:
    """An English segment that should hold a term's target but does not."""

    file: str
    line: int
    english: str


@dataclass
class TermReport:
    term: GlossaryTerm
    occurrences: int = 0
    articles: set[str] = field(default_factory=set)
    expected: int = 0
    present: int = 0
    violations: list[Violation] = field(default_factory=list)


@dataclass
class Candidate:
    text: str
    kind: str
    """``compound``, ``noun``, ``hyphenated`` or ``name``."""
    count: int
    articles: set[str]
    example: str
    acronym: str = ""
    """For a name: the acronym in the content whose letters are its initials (T3D)."""


@dataclass
class Review:
    terms: list[TermReport]
    candidates: list[Candidate]
    articles: list[str]
    errors: list[str]

    @property
    def unused(self) -> list[GlossaryTerm]:
        return [r.term for r in self.terms if r.occurrences == 0]

    def as_json(self) -> dict[str, object]:
        return {
            "articles": self.articles,
            "terms": [
                {
                    "nl": r.term.nl,
                    "en": r.term.en,
                    "occurrences": r.occurrences,
                    "articles": sorted(r.articles),
                    "adherence": {
                        "expected": r.expected,
                        "present": r.present,
                        "violations": [vars(v) for v in r.violations],
                    },
                }
                for r in self.terms
            ],
            "unused": [t.nl for t in self.unused],
            "candidates": [
                {
                    "text": c.text,
                    "kind": c.kind,
                    "count": c.count,
                    "articles": sorted(c.articles),
                    "example": c.example,
                    "acronym": c.acronym,
                }
                for c in self.candidates
            ],
            "errors": self.errors,
        }


def review(
    root: Path, glossary: Glossary, *, source_language: str | None = None, min_count: int = 2
) -> Review:
    """Review a content tree against a glossary."""
    reports = {t.nl: TermReport(t) for t in glossary.terms}
    words: list[tuple[str, str, str]] = []  # (text, article, sentence)
    names: list[tuple[str, str, str]] = []
    marked: list[tuple[str, str, str]] = []  # names set apart in emphasis or brackets
    acronyms: set[str] = set()
    articles, errors = [], []
    for path in sources(root):
        try:
            article = load(path, Options(source_language=source_language))
        except TranslatorError as exc:
            errors.append(str(exc))
            continue
        if not article.dutch:
            continue
        name = str(path.relative_to(root))
        articles.append(name)
        english = _english_segments(path, errors)
        for index, segment in enumerate(article.segments):
            if not segment.translatable or index in article.english:
                continue
            _count_terms(segment, glossary, reports, name, english.get(_key(article, index)))
            masked = _masked(segment.prose, glossary)
            words.extend(_words(masked, segment.prose, name))
            names.extend(_names(masked, segment.prose, name))
            marked.extend(_marked_names(segment, name))
            acronyms.update(_ACRONYM.findall(segment.prose))
    known = {
        form.casefold() for t in (*glossary.terms, *glossary.proposed) for form, _ in t.forms()
    }
    candidates = _candidates(words, names, known, min_count)
    candidates = _with_marked(candidates, marked, known)
    candidates = [_paired(c, acronyms) for c in candidates]
    return Review(list(reports.values()), candidates, articles, errors)


def sources(root: Path) -> list[Path]:
    """The Markdown sources under root: every *.md that is not an English output."""
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.md") if not is_translation(p) and p.is_file())


def _key(article: Article, index: int) -> tuple[str, int]:
    """Segments line up between a source and its translation by kind and order."""
    label = article.segments[index].key or article.segments[index].kind
    before = [s for s in article.segments[:index] if s.translatable and (s.key or s.kind) == label]
    return (label, len(before))


def _english_segments(path: Path, errors: list[str]) -> dict[tuple[str, int], tuple[int, str]]:
    """The existing English translation's segments, keyed like the Dutch ones."""
    try:
        target = target_path(path)
    except TranslatorError:
        return {}
    if not target.is_file():
        return {}
    try:
        text, _ = read(target)
        _, segments = english_segments(text, target)
    except TranslatorError as exc:
        errors.append(str(exc))
        return {}
    found: dict[tuple[str, int], tuple[int, str]] = {}
    counters: Counter[str] = Counter()
    for seg in segments:
        label = seg.key or seg.kind
        found[(label, counters[label])] = (seg.line, seg.prose)
        counters[label] += 1
    return found


def _count_terms(
    segment: Segment,
    glossary: Glossary,
    reports: dict[str, TermReport],
    article: str,
    english: tuple[int, str] | None,
) -> None:
    for use in protect(segment, glossary).terms:
        if use is None:
            continue
        report = reports[use.match.term.nl]
        report.occurrences += 1
        report.articles.add(article)
        if english is None:
            continue
        report.expected += 1
        line, prose = english
        if present(use.match, prose):
            report.present += 1
        else:
            file = str(target_path(Path(article)))
            report.violations.append(Violation(file, line, _shorten(prose)))


def _masked(prose: str, glossary: Glossary) -> str:
    """The prose with glossary terms blanked out, offsets kept."""
    for match in glossary.find(prose):
        prose = prose[: match.start] + " " * (match.end - match.start) + prose[match.end :]
    return prose


def _sentences(masked: str, original: str) -> Iterable[tuple[str, str]]:
    """Sentences of the masked prose, each with its original text for examples."""
    start = 0
    for boundary in [*(m.end() for m in _SENTENCES.finditer(masked)), len(masked)]:
        yield masked[start:boundary], original[start:boundary].strip()
        start = boundary


def _words(masked: str, original: str, article: str) -> Iterable[tuple[str, str, str]]:
    for sentence, example in _sentences(masked, original):
        for match in _WORD.finditer(sentence):
            yield match.group(0), article, example


def _names(masked: str, original: str, article: str) -> Iterable[tuple[str, str, str]]:
    for sentence, example in _sentences(masked, original):
        for match in _NAME.finditer(sentence):
            if match.start(1) > len(sentence) - len(sentence.lstrip()):
                # a capital at the start of a sentence is no name
                yield " ".join(match.group(1).split()), article, example


def _marked_names(segment: Segment, article: str) -> Iterable[tuple[str, str, str]]:
    """Capitalised multi-word names in emphasis or brackets, wherever they stand."""
    prose = segment.prose
    found = [
        m.group(1) or _abbreviated(m.group(2), m.group(3)) for m in _BRACKETED.finditer(prose)
    ]
    inside: list[str] | None = None
    for atom in segment.atoms:
        if atom.kind is AtomKind.PROTECTED and _EMPHASIS.fullmatch(atom.text):
            if inside is not None and re.fullmatch(_NAME_BODY, " ".join(inside).strip()):
                found.append(" ".join(inside))
            inside = [] if inside is None else None
        elif inside is not None:
            inside.append(atom.text if atom.kind is AtomKind.TEXT else " ")
    names = (_without_article(" ".join(name.split())) for name in found)
    for name in dict.fromkeys(n for n in names if " " in n):
        yield name, article, prose


def _abbreviated(name: str, acronym: str) -> str:
    """The words before ``(BRT)`` that it abbreviates: in "Nederland en de
    Basisregistratie Topografie (BRT)", the last two."""
    words = name.split()
    letters = re.sub(r"\d", "", acronym)
    for start in range(len(words)):
        tail = [w for w in words[start:] if w not in _CONNECTORS]
        if words[start][:1].isupper() and _abbreviates(letters, tail):
            return " ".join(words[start:])
    return name


def _without_article(name: str) -> str:
    """``Het Actueel Hoogtebestand Nederland`` is the name without its article."""
    first, _, rest = name.partition(" ")
    return rest if first.casefold() in ("de", "het", "een") else name


def _with_marked(
    candidates: list[Candidate], marked: Sequence[tuple[str, str, str]], known: set[str]
) -> list[Candidate]:
    """Add the names authors set apart, however rarely they occur: that is a signal."""
    counted = {c.text.casefold() for c in candidates}
    found = {c.text.casefold(): c for c in candidates}
    for text, article, sentence in marked:
        key = text.casefold()
        if key in known or key in counted:
            continue
        candidate = found.setdefault(key, Candidate(text, "name", 0, set(), _shorten(sentence)))
        candidate.count += 1
        candidate.articles.add(article)
    return sorted(found.values(), key=lambda c: (-c.count, c.text.casefold()))


def _paired(candidate: Candidate, acronyms: set[str]) -> Candidate:
    """Pair a name with the acronym made of its words (Totaal Driedimensionaal, T3D)."""
    if candidate.kind == "name":
        words = [w for w in candidate.text.split() if w not in _CONNECTORS]
        for acronym in sorted(acronyms):
            if _abbreviates(re.sub(r"\d", "", acronym), words):
                candidate.acronym = acronym
    return candidate


def _abbreviates(letters: str, words: Sequence[str]) -> bool:
    """Whether each word gives the acronym its first letter and maybe more letters of
    its own, in order: BRT abbreviates Basisregistratie Topografie."""
    if not words:
        return not letters
    word = words[0].upper()
    if not letters or letters[0] != word[0]:
        return False
    for taken in range(1, len(letters) + 1):
        if _in_order(letters[1:taken], word[1:]) and _abbreviates(letters[taken:], words[1:]):
            return True
    return False


def _in_order(letters: str, word: str) -> bool:
    position = 0
    for letter in letters:
        position = word.find(letter, position) + 1
        if position == 0:
            return False
    return True


ADJECTIVE_ENDINGS = (
    "lijk",
    "lijke",
    "ste",
    "ige",
    "ig",
    "isch",
    "ische",
    "baar",
    "bare",
    "end",
    "ende",
)


def _kind(word: str) -> str | None:
    lower = word.casefold()
    if lower in STOPWORDS or len(lower) < 4:
        return None
    if "-" not in word and lower.endswith(ADJECTIVE_ENDINGS):
        return None  # adjectives and participles are rarely terms on their own
    if "-" in word and any(c.isalpha() for c in word.rsplit("-", maxsplit=1)[-1]):
        return "hyphenated"
    if len(lower) >= 12:
        return "compound"
    if lower.endswith(NOUN_SUFFIXES) and len(lower) >= 7:
        return "noun"
    return None


def _candidates(
    words: Sequence[tuple[str, str, str]],
    names: Sequence[tuple[str, str, str]],
    known: set[str],
    min_count: int,
) -> list[Candidate]:
    found: dict[str, Candidate] = {}
    counts: Counter[str] = Counter()
    where: dict[str, set[str]] = defaultdict(set)
    first: dict[str, tuple[str, str, str]] = {}
    for text, article, sentence in (*((w, a, s) for w, a, s in words if _kind(w)), *names):
        key = text.casefold()
        if key in known or any(part.casefold() in known for part in text.split()):
            continue
        counts[key] += 1
        where[key].add(article)
        first.setdefault(key, (text, sentence, "name" if " " in text else _kind(text) or ""))
    for key, count in counts.items():
        if count >= min_count:
            text, sentence, kind = first[key]
            found[key] = Candidate(text, kind, count, where[key], _shorten(sentence))
    return sorted(found.values(), key=lambda c: (-c.count, c.text.casefold()))


def _shorten(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
