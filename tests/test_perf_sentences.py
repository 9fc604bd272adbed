"""Sentence splitting: the fast span finder agrees with pysbd, and cutting is linear."""

from __future__ import annotations

import itertools
import json
import random
import re
from pathlib import Path

import pysbd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.utils import read_fixture_file
from pysbd.abbreviation_replacer import AbbreviationReplacer
from pysbd.lang.dutch import Dutch
from pysbd.lists_item_replacer import ListItemReplacer
from pysbd.utils import Text

from tests.conftest import CONTENT, SHARED
from translator import sentences
from translator.config import Settings
from translator.engines.argos import ArgosEngine
from translator.memory import normalize
from translator.pipeline import Options, load
from translator.protect import protect
from translator.segment import PLACEHOLDER

FIXTURES = CONTENT.parent / "tests" / "fixtures"


def pysbd_char_spans(text: str) -> list[tuple[int, int]]:
    """What pysbd itself gives, compiling a regex per sentence."""
    segmenter = pysbd.Segmenter(language="nl", clean=False, char_span=True)
    return [(s.start, s.end) for s in segmenter.segment(text)]


def corpus() -> list[str]:
    """Prose from content/ and from every CommonMark spec example."""
    texts = [
        PLACEHOLDER.sub("", protect(s).text)
        for path in sorted(CONTENT.rglob("index*.md"))
        if not path.name.startswith("index.en")
        for s in load(path, Options(source_language="nl")).segments
        if s.translatable
    ]
    spec = json.loads((SHARED / "commonmark" / "spec-0.31.2.json").read_text("utf-8"))
    return texts + [str(example["markdown"]) for example in spec]


def fixture_paragraphs() -> list[str]:
    """Every input of the golden fixtures, whole and paragraph by paragraph."""
    texts = []
    for path in sorted(FIXTURES.glob("*.md")):
        for _line, _title, source, _expected in read_fixture_file(path):
            texts += [source, *source.split("\n\n")]
    return texts


def test_spans_match_pysbd_on_the_corpus() -> None:
    texts = corpus() + fixture_paragraphs()
    assert len(texts) > 600
    for text in texts:
        assert sentences.pysbd_spans(text) == pysbd_char_spans(text), text


def abbreviation_corpus(count: int) -> list[str]:
    """Texts dense with every abbreviation pysbd knows, in all cases, and their look-alikes.

    Each of pysbd's Dutch abbreviations appears with a period, followed by a
    lower-case word, a capital, a digit, a colon or nothing; next to initials,
    decimals, ellipses, quotes, line breaks, words that merely begin like an
    abbreviation ("dat", "minder"), what pysbd's regex groups match ("eds.")
    and letters that match ASCII only when case is ignored (Kelvin sign, long
    s, dotted and dotless i).
    """
    rng = random.Random(13)
    known = sorted(set(Dutch.Abbreviation.ABBREVIATIONS))
    words = ["De", "gemeente", "dat", "minder", "belangrijk", "art", "Jansen", "The", "I", "U.S."]
    words += ["J.", "A.B.", "3.5", "12.", "...", "\u2026", "\u201cJa.\u201d", "(zie", "ook)"]
    words += ["o.a."]
    words += ["\u212aB.", "\u017ft.", "\u0130ng.", "\u0131r.", "Bijv.", "BIJV.", "nr.5", "e.a.:"]
    words += ["\u212a.", "\u212ag.", "ged.\u017ft.", "GED.\u017fT.", "eds.", "ed(s).", "s."]
    words += ["l.l.r."]
    follow = ["", " de", " De", " 3", ":", ",", "-", " (zie", " I", "?", "."]
    spaces = [" ", " ", " ", "  ", "\n", "\t", "\u00a0", "\n\n"]
    texts = []
    for n in range(count):
        parts = []
        for _ in range(rng.randint(1, 14)):
            if rng.random() < 0.5:
                abbr = rng.choice(known).strip()
                abbr = rng.choice([abbr, abbr.capitalize(), abbr.upper()])
                parts.append(abbr + "." + rng.choice(follow))
            else:
                parts.append(rng.choice(words))
            parts.append(rng.choice(spaces))
        texts.append("".join(parts) + rng.choice(["", ".", " Einde.", "\n"]) * (n % 3 > 0))
    return texts


def test_spans_match_pysbd_on_text_full_of_abbreviations() -> None:
    texts = abbreviation_corpus(600)
    differ = [t for t in texts if sentences.pysbd_spans(t) != pysbd_char_spans(t)]
    assert not differ, differ[:3]


def test_the_abbreviation_scan_tries_only_what_can_match(monkeypatch: pytest.MonkeyPatch) -> None:
    """pysbd substitutes once per word that merely begins like an abbreviation; ours not."""
    tried: list[str] = []
    scan = AbbreviationReplacer.scan_for_replacements

    def counting(self: AbbreviationReplacer, txt: str, am: str, ind: int, chars: list[str]) -> str:
        tried.append(am)
        return scan(self, txt, am, ind, chars)  # type: ignore[no-any-return]

    monkeypatch.setattr(AbbreviationReplacer, "scan_for_replacements", counting)
    text = "Dat is min of meer belangrijk, zei de gemeente. Zie bijv. de kaart 12. Klaar."
    spans = sentences.pysbd_spans(text)
    ours, tried[:] = list(tried), []
    assert spans == pysbd_char_spans(text)
    assert [a.strip() for a in ours] == ["bijv"]
    assert len(tried) > 10  # pysbd: "dat", "min", "be", "gem", "zie", "de" …


def test_pysbd_is_faster_only_while_translator_splits() -> None:
    sentences.split("Eén zin. Nog een.")
    replaced = sentences._faster()
    assert [(owner, name) for owner, name, _ in replaced] == [
        (Text, "apply"),
        (ListItemReplacer, "iterate_alphabet_array"),
        (ListItemReplacer, "scan_lists"),
    ]
    for owner, name, method in replaced:
        assert getattr(owner, name) is method.__wrapped__
        assert method.__wrapped__.__module__.startswith("pysbd.")
        with sentences._faster_pysbd():
            assert getattr(owner, name) is method


def test_a_patch_of_someone_elses_on_pysbd_survives_a_split(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sentences.split("Eén zin. Nog een.")  # the faster methods made, then put back
    calls: list[str] = []
    original = Text.apply

    def spy(self: str, *rules: object) -> str:
        calls.append(self)
        return str(original(self, *rules))

    monkeypatch.setattr(Text, "apply", spy)
    sentences.split("Eén zin. Nog een.")
    assert Text.apply is spy
    assert not calls  # while translator splits, its own apply runs
    Text("Eén zin.").apply()
    assert calls == ["Eén zin."]


def list_corpus(count: int) -> list[str]:
    """Texts dense with lettered, roman and numbered list markers, glued or spaced."""
    rng = random.Random(13)
    markers = ["a)", "b)", "c)", "(a)", "(b)", "(c)", "i)", "ii)", "iii)", "(i)", "(ii)"]
    markers += ["1.)", "2.)", "3.)", "1)", "2)", "3)", "1.", "2.", "3.", "-1.", "-2."]
    markers += ["\u20431.", "\u20432.", "a.", "b.", "c.", "i.", "ii.", "0.", "9.", "10.", "11."]
    markers += ["0.)", "9)", "a),", "b).", "(a)(b)", "1.)2.)"]
    words = ["De", "gemeente", "stelt", "voor.", "Zie", "ook", "kaart", "3D", "Jansen", "(zie"]
    words += ["ook)", "x", "Einde."]
    spaces = [" ", " ", "\n", "\r", "\n\n", "  ", "", ",", "\t"]
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(2, 16)):
            parts.append(rng.choice(markers) if rng.random() < 0.4 else rng.choice(words))
            parts.append(rng.choice(spaces))
        texts.append("".join(parts).strip() + rng.choice(["", ".", " Klaar."]))
    return texts


def test_list_scans_that_skip_change_nothing() -> None:
    """The list stage's own output, which the spans hide where one marker stands alone."""
    sentences.split("Eén zin. Nog een.")
    texts = list_corpus(4_000) + corpus() + fixture_paragraphs()
    for text in texts:
        with sentences._faster_pysbd():
            ours = ListItemReplacer(text).add_line_break()
        assert ours == ListItemReplacer(text).add_line_break(), text
    assert sum(ListItemReplacer(t).add_line_break() != t for t in texts) > 100


def test_spans_match_pysbd_on_list_markers() -> None:
    differ = [t for t in list_corpus(1_500) if sentences.pysbd_spans(t) != pysbd_char_spans(t)]
    assert not differ, differ[:3]


def test_an_apply_other_than_pysbds_is_left_alone() -> None:
    class Other(str):
        def apply(self, *rules: object) -> str:
            return self.upper()

    assert sentences._precompile(Other) == []
    assert sentences._skip_absent_lists(Other) == []

    class Lists:
        def scan_lists(self, pattern: str) -> None:
            return None

    assert sentences._skip_absent_lists(Lists) == []


SENTENCE_TEXT = st.lists(
    st.sampled_from(
        [
            "De",
            "gemeente",
            "bijv.",
            "dhr.",
            "Jansen",
            "3D.",
            "a.",
            "aa",
            "!",
            "?",
            "...",
            "1.",
            "Dit",
            "is",
            "het",
            "einde.",
            "\u2026",
            "(zie",
            "ook)",
            "\u201cJa.\u201d",
            "nr.",
            "5",
            "b)",
            "(c)",
            "iv)",
            "2)",
            "12.",
            "-3.",
            "\u20433.",
        ]
    ),
    max_size=30,
).map(" ".join)
WHITESPACE = st.sampled_from([" ", "  ", "\n", "\t", "\u00a0", ""])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(SENTENCE_TEXT, WHITESPACE), max_size=6))
def test_spans_match_pysbd_on_generated_text(parts: list[tuple[str, str]]) -> None:
    text = "".join(words + space for words, space in parts)
    assert sentences.pysbd_spans(text) == pysbd_char_spans(text)


class CountingTokens:
    """Words as tokens, counting how many characters were encoded in all."""

    def __init__(self) -> None:
        self.characters = 0

    def __call__(self, text: str) -> int:
        self.characters += len(text)
        return len(text.split())


def long_sentence(words: int) -> str:
    vocabulary = ["gemeente", "de", "kaart,", "3D-gegevens", "stad;", "en", "Zwolle", "-"]
    return " ".join(vocabulary[i % len(vocabulary)] for i in range(words))


@pytest.mark.parametrize("words", [2_000, 20_000, 100_000])
def test_limit_encodes_each_character_a_bounded_number_of_times(words: int) -> None:
    text = long_sentence(words)
    count = CountingTokens()
    spans = sentences.limit(text, count, 200)
    # Before, every cut re-encoded the rest of the sentence: 100,000 words cost
    # hundreds of encodings per character; now a constant handful.
    assert count.characters <= 16 * len(text)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert all(len(text[a:b].split()) <= 200 for a, b in spans)


def test_limit_keeps_a_word_longer_than_the_limit_whole() -> None:
    text = "kort " + "x" * 5_000 + " kort kort"
    spans = sentences.limit(text, lambda t: len(t) // 4 + 1, 50)
    assert "".join(text[a:b] for a, b in spans) == text
    assert any(text[a:b].strip() == "x" * 5_000 for a, b in spans)


def test_limit_prefers_a_clause_mark() -> None:
    text = "een twee drie vier vijf, zes zeven acht negen tien elf"
    spans = sentences.limit(text, lambda t: len(t.split()), 8)
    assert re.search(r",\s*$", text[: spans[0][1]])


def spelling_variants(text: str) -> list[str]:
    """Texts that differ from ``text`` only where a tokenizer might not look."""
    return [
        text,
        text + " ",
        " " + text + "\n",
        text.replace(" ", "  "),
        text.replace(" ", "\u00a0"),
        text.replace(" ", "\t"),
        text.upper(),
        text.lower(),
        text.replace("fi", "\ufb01"),  # the ligature, which NFKC unfolds
        text.replace("e", "e\u0301"),  # a combining accent, which NFC composes
    ]


def test_pieces_counted_once_are_the_pieces_decoding_would_encode(installed: Path) -> None:
    """``_tokens`` reuses ``_count``'s pieces only where encoding gives the same pieces."""
    engine = ArgosEngine.load(Settings(memory=None))
    texts = corpus() + fixture_paragraphs() + abbreviation_corpus(200)
    variants = [v for t in texts[::3] for v in spelling_variants(t)]
    prepared = [s.clean for t in texts + variants for s in engine._prepare(t)]
    for text in variants:  # every spelling counted, so a careless key would mix them up
        engine._count(text)
    todo = list(dict.fromkeys(normalize(s) for s in prepared if s.strip()))
    direct = [engine._sp.encode(s, out_type=str) for s in todo + variants]
    assert engine._tokens(todo + variants) == direct
    assert sum(engine._sp.normalize(s) in engine._pieces for s in todo) == len(todo)
