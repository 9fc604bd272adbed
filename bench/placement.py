"""Placement benchmark: markup, code and terms on the right English words (``make bench``).

Generates Dutch paragraphs in the sentence patterns a real Dutch→English model
reorders (V2 inversion, verb-final clauses, participles, niet, separable verbs,
merged and split words), with bold, italic, links, code spans and glossary
terms on whole phrases. Each is translated through the whole pipeline by the
Argos engine decoding with ``translator.testing.ReorderingModel``, once per
attention mode. The model knows which Dutch words each English word translates,
so the right English for every mark is known; the output is parsed and scored:

* wraps: bold/italic/link around exactly the expected English words (and how
  many at least overlap them);
* code: the code span between the expected English neighbours;
* terms: the glossary target present once per Dutch use, between the expected
  neighbours, never twice, never glued to another word (mangled);
* empty marks written, and segments that fell back to run-by-run translation.

A second set of rows places markup on attention alone (marked spans not
translated on their own), to show what the attention part holds by itself.

``python bench/placement.py [--segments N] [--seed S] [--json PATH]``
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from translator.front_matter import body_offset
from translator.glossary import Glossary, GlossaryTerm
from translator.markdown import parser
from translator.pipeline import Options, load, translate_articles
from translator.testing import (
    ATTENTION_MODES,
    ReorderingModel,
    Word,
    join_words,
    reordering_engine,
    split_words,
)

GLOSSARY = Glossary(
    (
        GlossaryTerm("gemeente", "municipality", ("gemeenten",), en_plural="municipalities"),
        GlossaryTerm(
            "basisregistratie", "key register", ("basisregistraties",), (), "key registers"
        ),
        GlossaryTerm("overheid", "government", ("overheden",), (), "public authorities"),
        GlossaryTerm("Omgevingswet", "Environment and Planning Act", case="exact"),
        GlossaryTerm("T3D", "T3D", dnt=True, case="exact"),
    )
)
CODE_WORD = "XQZ"
"""Stands for a code span when computing the expected English."""

SUBJECTS_PL = [
    "de gemeenten",
    "de kleine gemeenten",
    "de provincies",
    "de overheden",
    "de landelijke overheden",
    "wij",
]
SUBJECTS_SG = ["de stad", "de provincie", "de gemeente", "T3D", "het programma", "de Omgevingswet"]
OBJECTS = [
    "de kaarten",
    "de gegevens",
    "de basisregistraties",
    "het model",
    "de resultaten",
    "het gegevensbeheer",
    "de digitale tweeling",
    "de nieuwe kaarten",
]
CODE = ["`kaart.json`", "`gemeenten.csv`", "`make test`", "`--dry-run`"]
TIMES = ["morgen", "vandaag", "binnenkort", "volgend jaar", "elke week"]
PPS = ["met elkaar", "met de inwoners", "voor de provincies", "in de stad", "met de gemeenten"]
# (plural, singular, participle)
VERBS = [
    ("delen", "deelt", "gedeeld"),
    ("verbeteren", "verbetert", "verbeterd"),
    ("gebruiken", "gebruikt", "gebruikt"),
    ("publiceren", "publiceert", "gepubliceerd"),
    ("bouwen", "bouwt", "gebouwd"),
]
SUBORDINATORS = ["omdat", "nadat", "terwijl", "wanneer", "als"]
# Slots: S subject, V finite verb agreeing with it, P participle, I infinitive,
# O object (sometimes a code span), T time adverb, A prepositional phrase, C
# subordinator; S2/V2 a second clause's subject and verb. Braces mark phrases
# that may carry markup.
PATTERNS = [
    "{S} {V} {O} {A}.",
    "{T} {V} {S} {O}.",
    "{S} {V} {T} {O}.",
    "{S} {V} {O} {niet}.",
    "{S} heeft {O} {niet} {P}.",
    "{S} heeft {T} {O} {P}.",
    "{C} {S} {O} {V}, {V2} {S2} {O2}.",
    "{S2} {zegt} dat {S} {O} {T} hebben {P}.",
    "{S} neemt {T} deel {aan het programma}.",
    "{S2} {weet} dat {S} {niet} {deelneemt}.",
    "{S} {V} {op dit moment} {O} {A}.",
    "{S} willen {O} {I}.",
    "{O} worden {T} {P}.",
    "{C} {S} {O} hebben {P}, {V2} {S2} {O2}.",
    "{S} werkt {T} samen {A}.",
    "{C} {S} {niet} {samenwerken}, {V2} {S2} {O2} {niet}.",
]


@dataclass(frozen=True, slots=True)
class Case:
    """One generated paragraph and the English that would be exactly right."""

    markdown: str
    english: tuple[str, ...]
    """Expected English words and punctuation, a code span written as CODE_WORD."""
    wraps: tuple[tuple[str, str], ...]
    """(kind, expected English inside) for each bold, italic or link."""
    codes: tuple[tuple[str, str, str], ...]
    """(code, word before, word after)."""
    terms: tuple[tuple[str, tuple[str, str]], ...]
    """(English target, its neighbours) for each glossary term used."""


@dataclass(slots=True)
class Score:
    """Counts over all cases of one attention mode."""

    wraps: Counter[str] = field(default_factory=Counter)
    exact: Counter[str] = field(default_factory=Counter)
    overlap: Counter[str] = field(default_factory=Counter)
    codes: int = 0
    codes_right: int = 0
    terms: int = 0
    terms_right: int = 0
    duplicated: int = 0
    mangled: int = 0
    empty: int = 0
    segments: int = 0
    fallbacks: int = 0
    failed: int = 0
    seconds: float = 0.0


# --- generating cases ------------------------------------------------------------------------


def generate(count: int, seed: int) -> list[Case]:
    """``count`` cases, each with at least one mark, from PATTERNS in turn."""
    rng = random.Random(seed)
    model = ReorderingModel()
    cases: list[Case] = []
    while len(cases) < count:
        case = _case(PATTERNS[len(cases) % len(PATTERNS)], rng, model)
        if case is not None:
            cases.append(case)
    return cases


def _fill(pattern: str, rng: random.Random) -> list[tuple[str, bool]]:
    """The pattern's phrases in order: (Dutch text, may carry markup)."""
    plural = rng.random() < 0.5
    verb, verb2 = rng.choice(VERBS), rng.choice(VERBS)
    plural2 = rng.random() < 0.5
    slots = {
        "S": rng.choice(SUBJECTS_PL if plural else SUBJECTS_SG),
        "V": verb[0] if plural else verb[1],
        "P": verb[2],
        "I": verb[0],
        "O": rng.choice(CODE) if rng.random() < 0.3 else rng.choice(OBJECTS),
        "O2": rng.choice(OBJECTS),
        "T": rng.choice(TIMES),
        "A": rng.choice(PPS),
        "C": rng.choice(SUBORDINATORS),
        "S2": rng.choice(SUBJECTS_PL if plural2 else SUBJECTS_SG),
        "V2": verb2[0] if plural2 else verb2[1],
    }
    if "willen" in pattern or "hebben" in pattern or "samenwerken" in pattern:
        slots["S"] = rng.choice(SUBJECTS_PL)
    if "heeft" in pattern or "neemt" in pattern or "werkt" in pattern or "deelneemt" in pattern:
        slots["S"] = rng.choice(SUBJECTS_SG)
    if "zegt" in pattern or "weet" in pattern:
        slots["S2"] = rng.choice(SUBJECTS_SG)
    phrases: list[tuple[str, bool]] = []
    for part in pattern.replace("{", "\0{").replace("}", "}\0").split("\0"):
        if part.startswith("{"):
            name = part[1:-1]
            phrases.append((slots.get(name, name), True))
        elif part:
            phrases.append((part, False))
    return phrases


def _case(pattern: str, rng: random.Random, model: ReorderingModel) -> Case | None:
    phrases = _fill(pattern, rng)
    phrases[0] = (phrases[0][0][:1].upper() + phrases[0][0][1:], phrases[0][1])
    tokens: list[str] = []
    spans: list[tuple[int, int]] = []
    term_at: list[tuple[range, str]] = []  # (token indices, target)
    code_at: list[tuple[int, str]] = []
    for text, _ in phrases:
        start = len(tokens)
        if text.startswith("`"):
            code_at.append((len(tokens), text.strip("`")))
            tokens.append(CODE_WORD)
        else:
            _dutch_tokens(text, tokens, term_at)
        spans.append((start, len(tokens)))
    english = model.english(tokens)
    words = tuple(w.text for w in english)
    marks = _choose_marks(phrases, spans, english, rng)
    if not marks and not code_at:
        return None
    markdown = _markdown(phrases, marks)
    wraps = tuple((kind, join_words(words[a:b])) for _, kind, (a, b) in marks)
    codes = tuple((code, *_neighbours(english, range(i, i + 1))) for i, code in code_at)
    terms = tuple((target, _neighbours(english, indices)) for indices, target in term_at)
    return Case(markdown + "\n", words, wraps, codes, terms)


def _dutch_tokens(text: str, tokens: list[str], term_at: list[tuple[range, str]]) -> None:
    """Append a phrase's tokens, a glossary term as its English target (as the engine
    writes it into the sentence it decodes)."""
    cursor = 0
    for match in GLOSSARY.find(text):
        tokens += split_words(text[cursor : match.start])
        target = match.source if match.term.dnt else match.target
        words = split_words(target)
        term_at.append((range(len(tokens), len(tokens) + len(words)), target))
        tokens += words
        cursor = match.end
    tokens += split_words(text[cursor:])


def _neighbours(words: Sequence[Word], indices: range) -> tuple[str, str]:
    """The English words before and after those that translate the Dutch tokens ``indices``."""
    at = [k for k, w in enumerate(words) if any(s in indices for s in w.sources)]
    if not at:
        return "", ""
    before = words[at[0] - 1].text if at[0] > 0 else ""
    after = words[at[-1] + 1].text if at[-1] + 1 < len(words) else ""
    return before, after


def _choose_marks(
    phrases: list[tuple[str, bool]],
    spans: list[tuple[int, int]],
    words: Sequence[Word],
    rng: random.Random,
) -> list[tuple[int, str, tuple[int, int]]]:
    """One or two phrases to mark: (phrase index, kind, English word range).

    Only phrases whose English is contiguous and whole can be marked exactly.
    """
    candidates = []
    for k, ((text, markable), (a, b)) in enumerate(zip(phrases, spans, strict=True)):
        if not markable or text.startswith("`"):
            continue
        covered = [i for i, w in enumerate(words) if any(a <= s < b for s in w.sources)]
        if not covered or covered != list(range(covered[0], covered[-1] + 1)):
            continue
        if any(not all(a <= s < b for s in words[i].sources) for i in covered):
            continue  # an English word also translates Dutch words outside the phrase
        candidates.append((k, (covered[0], covered[-1] + 1)))
    rng.shuffle(candidates)
    chosen = sorted(candidates[: rng.choice((1, 1, 2))])
    return [(k, rng.choice(("bold", "italic", "link")), span) for k, span in chosen]


def _markdown(
    phrases: list[tuple[str, bool]], marks: list[tuple[int, str, tuple[int, int]]]
) -> str:
    kinds = {k: kind for k, kind, _ in marks}
    wrappers = {"bold": "**{}**", "italic": "*{}*", "link": "[{}](https://example.org/{})"}
    return "".join(
        wrappers[kinds[k]].format(text, k) if k in kinds else text
        for k, (text, _) in enumerate(phrases)
    )


# --- scoring -----------------------------------------------------------------------------------

_KINDS = {"strong_open": "bold", "em_open": "italic", "link_open": "link"}


def _parse(markdown: str) -> tuple[list[str], list[tuple[str, int, int]], list[tuple[int, str]]]:
    """The English words of a paragraph, its marks (kind, first word, end) and its code
    spans (word index, code)."""
    words: list[str] = []
    marks: list[tuple[str, int, int]] = []
    codes: list[tuple[int, str]] = []
    open_: list[tuple[str, int]] = []
    inline = next((t for t in parser().parse(markdown) if t.type == "inline"), None)
    children: list[Token] = inline.children or [] if inline is not None else []
    for token in children:
        if token.type in _KINDS:
            open_.append((_KINDS[token.type], len(words)))
        elif token.type.endswith("_close") and open_:
            kind, start = open_.pop()
            marks.append((kind, start, len(words)))
        elif token.type == "code_inline":
            codes.append((len(words), token.content))
            words.append(CODE_WORD)
        elif token.type in ("text", "softbreak"):
            words += split_words(token.content)
    return words, marks, codes


def score(case: Case, english: str | None, fallback: bool, total: Score) -> None:
    total.segments += 1
    total.fallbacks += fallback
    for kind, _ in case.wraps:
        total.wraps[kind] += 1
    total.codes += len(case.codes)
    total.terms += len(case.terms)
    if english is None:
        total.failed += 1
        return
    words, marks, codes = _parse(english[body_offset(english) :])
    found = Counter((kind, join_words(words[a:b])) for kind, a, b in marks)
    total.empty += sum(1 for _, a, b in marks if a == b)
    for kind, inside in case.wraps:
        if found[(kind, inside)] > 0:
            found[(kind, inside)] -= 1
            total.exact[kind] += 1
        want = set(split_words(inside))
        if any(k == kind and want & set(words[a:b]) for k, a, b in marks):
            total.overlap[kind] += 1
    for code, before, after in case.codes:
        right = any(
            text == code and _around(words, at, at + 1) == (before, after) for at, text in codes
        )
        total.codes_right += right
    _score_terms(case, words, total)


def _around(words: Sequence[str], start: int, end: int) -> tuple[str, str]:
    return (words[start - 1] if start > 0 else ""), (words[end] if end < len(words) else "")


def _score_terms(case: Case, words: list[str], total: Score) -> None:
    folded = [w.casefold() for w in words]
    for target in dict.fromkeys(t for t, _ in case.terms):
        wanted = [n for t, n in case.terms if t == target]
        parts = [p.casefold() for p in split_words(target)]
        at = [
            i for i in range(len(folded) - len(parts) + 1) if folded[i : i + len(parts)] == parts
        ]
        mangled = sum(
            1 for w in folded if parts[0] in w and w not in parts and len(w) > len(parts[0])
        )
        total.mangled += mangled
        total.duplicated += max(0, len(at) - len(wanted))
        got = Counter(tuple(x.casefold() for x in _around(words, i, i + len(parts))) for i in at)
        for neighbours in wanted:
            key = tuple(x.casefold() for x in neighbours)
            if got[key] > 0 and len(at) == len(wanted) and not mangled:
                got[key] -= 1
                total.terms_right += 1


# --- running -----------------------------------------------------------------------------------


def measure(cases: Sequence[Case], mode: str, folder: Path, *, spans: bool = True) -> Score:
    engine = reordering_engine(folder, mode, translate_spans=spans)
    options = Options(source_language="nl", glossary=GLOSSARY)
    articles = [
        load(Path(f"case{i}.md"), options, text=case.markdown) for i, case in enumerate(cases)
    ]
    started = time.perf_counter()
    results = translate_articles(articles, engine, GLOSSARY)
    total = Score(seconds=time.perf_counter() - started)
    for case, result in zip(cases, results, strict=True):
        score(case, result.text, result.stats.fallbacks > 0, total)
    return total


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def table(scores: dict[str, Score]) -> str:
    rows = [
        "| attention | bold exact | italic exact | link exact | wraps overlap | code right "
        "| terms right | terms duplicated | terms mangled | empty marks | run-by-run fallbacks "
        "| failed |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for mode, s in scores.items():
        wraps = sum(s.wraps.values())
        rows.append(
            f"| {mode} | {_pct(s.exact['bold'], s.wraps['bold'])} "
            f"| {_pct(s.exact['italic'], s.wraps['italic'])} "
            f"| {_pct(s.exact['link'], s.wraps['link'])} "
            f"| {_pct(sum(s.overlap.values()), wraps)} | {_pct(s.codes_right, s.codes)} "
            f"| {_pct(s.terms_right, s.terms)} | {s.duplicated} | {s.mangled} | {s.empty} "
            f"| {s.fallbacks} of {s.segments} ({_pct(s.fallbacks, s.segments)}) | {s.failed} |"
        )
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--segments", type=int, default=600)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, default=Path("build/placement.json"))
    args = ap.parse_args(argv)
    cases = generate(args.segments, args.seed)
    marks = Counter(kind for case in cases for kind, _ in case.wraps)
    print(
        f"{len(cases)} segments: {marks['bold']} bold, {marks['italic']} italic, "
        f"{marks['link']} links, {sum(len(c.codes) for c in cases)} code spans, "
        f"{sum(len(c.terms) for c in cases)} glossary terms"
    )
    scores = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in ATTENTION_MODES:
            scores[mode] = measure(cases, mode, Path(tmp))
        for mode in ATTENTION_MODES:
            scores[f"{mode}, attention only"] = measure(cases, mode, Path(tmp), spans=False)
    print(table(scores))
    print(
        "attention only: marked spans are not translated on their own "
        "(ArgosEngine(translate_spans=False)); terms and code are still found by string match"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps({m: _as_dict(s) for m, s in scores.items()}, indent=2), encoding="utf-8"
    )
    return 0


def _as_dict(s: Score) -> dict[str, object]:
    return {
        "wraps": dict(s.wraps),
        "exact": dict(s.exact),
        "overlap": dict(s.overlap),
        **{
            k: getattr(s, k)
            for k in (
                "codes",
                "codes_right",
                "terms",
                "terms_right",
                "duplicated",
                "mangled",
                "empty",
                "segments",
                "fallbacks",
                "failed",
                "seconds",
            )
        },
    }


if __name__ == "__main__":
    sys.exit(main())
