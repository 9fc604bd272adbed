"""The engine's faster rendering gives exactly what the simple forms gave.

Keeping attention weights, grouping pieces into words, mapping SentencePiece's
byte offsets to characters and writing a placed sentence were rewritten for
speed (issue 13, pipeline overhead). Each test here compares the new code with
the straightforward form it replaced, kept below as the reference.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import CONTENT, GLOSSARY, SHARED
from tests.test_placement import HAND_CHECKED, WORD_BREAKS
from translator import glossary
from translator.engines import placement
from translator.engines.argos import _KEEP_WEIGHT, _characters, _kept
from translator.engines.placement import Word
from translator.pipeline import Options, translate_articles
from translator.pipeline import load as load_article
from translator.testing import ATTENTION_MODES, reordering_engine

_PIECE = "\u2581"


def _kept_ranked(row: Sequence[float]) -> placement.Alignment:
    """The reference: piece numbers sorted by weight, the four largest, then the threshold."""
    ranked = sorted(range(len(row)), key=lambda s: -row[s])[:4]
    kept = tuple((s, round(float(row[s]), 3)) for s in ranked if row[s] >= _KEEP_WEIGHT)
    return kept or ((ranked[0], 1.0),) if ranked else ()


_WEIGHTS = st.one_of(
    st.sampled_from([0.0, 0.01, 0.049, 0.05, 0.25, 0.3, 0.5, 1.0]),  # ties and the threshold
    st.floats(min_value=0.0, max_value=1.0, allow_nan=False),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_WEIGHTS, max_size=40))
def test_kept_weights_are_the_ranked_ones(row: list[float]) -> None:
    assert _kept(row) == _kept_ranked(row)


def test_kept_weights_take_the_first_piece_among_equals() -> None:
    assert _kept([0.3, 0.04, 0.3, 0.05, 0.3, 0.3]) == ((0, 0.3), (2, 0.3), (4, 0.3), (5, 0.3))
    assert _kept([0.01, 0.02, 0.02]) == ((1, 1.0),)
    assert _kept([]) == ()
    assert _kept([0.04, 0.2, 0.01]) == ((1, 0.2),)
    assert _kept([0.6]) == ((0, 0.6),)
    assert _kept([0.04, 0.9, 0.9]) == ((1, 0.9), (2, 0.9))


def _words_of_pieces_one_by_one(
    pieces: Sequence[str], spans: Sequence[tuple[int, int]] | None = None
) -> list[Word]:
    """The reference: a ``Word`` made anew for every piece that joins one."""
    words: list[Word] = []
    for i, piece in enumerate(pieces):
        body = piece.removeprefix(_PIECE)
        punct = placement._punct(body)
        start, end = spans[i] if spans is not None else (0, 0)
        glued = not piece.startswith(_PIECE)
        if words and glued and not punct and not placement._punct(words[-1].text):
            last = words[-1]
            words[-1] = Word(
                range(last.pieces.start, i + 1), last.start, end, last.text + body, last.spaced
            )
            continue
        if words and not body and not punct:
            words.append(Word(range(i, i + 1), start, end, "", True))
            continue
        if words and words[-1].text == "" and words[-1].pieces.stop == i:
            last = words.pop()
            words.append(Word(range(last.pieces.start, i + 1), last.start, end, body, True))
            continue
        words.append(Word(range(i, i + 1), start, end, body, piece.startswith(_PIECE)))
    return words


_PIECES = st.sampled_from(
    ["▁", "▁de", "de", "n", "▁Gemeenten", ",", "▁,", ".", "▁.", "'", "s", "▁'", "é", "▁é",
     "-", "▁3", "D", "▁(", ")", "▁…", "_", "▁_", ""]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=30), st.booleans())
def test_words_of_pieces_are_the_one_by_one_words(pieces: list[str], with_spans: bool) -> None:
    spans = [(3 * i, 3 * i + 2) for i in range(len(pieces))] if with_spans else None
    assert placement.words_of_pieces(pieces, spans) == _words_of_pieces_one_by_one(pieces, spans)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=30))
def test_spelled_words_are_the_words_respelled(pieces: list[str]) -> None:
    """How ``_render`` made the target words: grouped, then each made again, spelled."""
    spelled: list[tuple[str, ...]] = []

    def spell(word: tuple[str, ...]) -> str:
        spelled.append(word)
        return "|".join(word)

    words = placement.words_of_pieces(tuple(pieces), spell=spell)
    asked, spelled[:] = list(spelled), []
    respelled = [
        Word(w.pieces, w.start, w.end, spell(tuple(pieces[w.slice])), w.spaced)
        for w in _words_of_pieces_one_by_one(pieces)
    ]
    assert words == respelled
    assert asked == spelled


def _characters_decoded(text: str, offset: int) -> int:
    """The reference: decode the UTF-8 prefix, dropping a character cut in two."""
    return len(text.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab é€😀\u0301ﬁ"), max_size=20))
def test_byte_offsets_map_to_the_characters_they_fall_in(text: str) -> None:
    character = _characters(text)
    for offset in range(len(text.encode("utf-8")) + 1):
        assert character(offset) == _characters_decoded(text, offset)


def _write_asking_every_mark(plan: placement._Plan) -> str:
    """The reference ``_Plan.write``: at each target word, every mark is asked whether
    it closes, stands or opens there."""
    out = placement._Out()
    n = len(plan.s.target)
    inserted = {w.start: k for k, w in plan.replaced.items() if not w}

    def closing_at(t: int) -> list[int]:
        ending = [(w.start, pair) for pair, w in plan.windows.items() if w.stop == t]
        return list(dict.fromkeys(pair[1] for _, pair in sorted(ending, reverse=True)))

    def opening_at(t: int) -> list[int]:
        starting = [(-w.stop, pair) for pair, w in plan.windows.items() if w.start == t]
        return list(dict.fromkeys(pair[0] for _, pair in sorted(starting)))

    t = 0
    while t <= n:
        for k in closing_at(t):
            out.closing(plan.marks[k].text)
        for k in sorted(k for k, p in plan.points.items() if p == t):
            out.leaf(plan.marks[k])
        openings = opening_at(t)
        if openings:
            spaced = t == n or plan.s.target[t].spaced
            out.opening("".join(plan.marks[k].text for k in openings), spaced=spaced)
        if t in inserted:
            out.word(plan.marks[inserted[t]].text, spaced=True)
        if t == n:
            break
        spaced = plan.s.target[t].spaced
        term = next((k for k, w in plan.replaced.items() if w and w.start == t), None)
        if term is not None:
            text = plan.marks[term].text if term >= 0 else plan._unit_text(*plan.units[t])
            out.word(text, spaced)
            t = plan.replaced[term].stop
            continue
        if t not in plan.drop:
            out.word(plan.s.target[t].text, spaced)
        t += 1
    return out.text()


@pytest.mark.parametrize("mode", ATTENTION_MODES)
def test_placed_sentences_are_written_as_asking_every_mark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    written = []
    fast = placement._Plan.write

    def both(plan: placement._Plan) -> str:
        text = fast(plan)
        assert text == _write_asking_every_mark(plan)
        written.append(text)
        return text

    monkeypatch.setattr(placement._Plan, "write", both)
    terms = glossary.load(GLOSSARY)
    texts = [dutch for dutch, _ in HAND_CHECKED] + [dutch for dutch, *_ in WORD_BREAKS]
    texts += [p.read_text("utf-8") for p in sorted(CONTENT.rglob("index.md"))]
    examples = json.loads((SHARED / "commonmark" / "spec-0.31.2.json").read_text("utf-8"))
    texts += [e["markdown"] for e in examples]
    options = Options(source_language="nl", front_matter=False, glossary=terms)
    articles = [load_article(Path(f"t{i}.md"), options, text=t) for i, t in enumerate(texts)]
    translate_articles(articles, reordering_engine(tmp_path, mode), terms)
    assert len(written) > 100


_MARKS = [
    placement.Mark(f"⟦{k}⟧", 0, 0, "", " " if k % 2 else "a", "b" if k % 3 else "")
    for k in range(6)
]


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_any_plan_is_written_as_asking_every_mark(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 6))
    spaced = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    target = [Word(range(t, t + 1), text=f"w{t}", spaced=spaced[t]) for t in range(n)]
    plan = placement._Plan(placement._Sentence([], target, []), _MARKS)
    where = st.tuples(st.integers(0, n), st.integers(0, n)).map(lambda p: range(min(p), max(p)))
    pair = st.tuples(st.integers(0, 5), st.integers(0, 5))
    plan.windows = data.draw(st.dictionaries(pair, where, max_size=5))
    plan.points = data.draw(st.dictionaries(st.integers(0, 5), st.integers(0, n), max_size=3))
    plan.replaced = data.draw(st.dictionaries(st.integers(0, 5), where, max_size=3))
    plan.drop = data.draw(st.sets(st.integers(0, n - 1)))
    assert plan.write() == _write_asking_every_mark(plan)
