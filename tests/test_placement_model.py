"""The reordering test model: its grammar, its attention, and its seam into the engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from translator.testing import ATTENTION_MODES, ReorderingModel, reordering_engine, split_words


@pytest.mark.parametrize(
    ("dutch", "english"),
    [
        # word order kept
        (
            "De gemeenten delen resultaten met elkaar.",
            "The municipalities share results with each other.",
        ),
        # V2 inversion after a fronted adverb
        ("Morgen delen de gemeenten de kaarten.", "Tomorrow the municipalities share the maps."),
        # a mid-field time adverb moves to the end
        ("De gemeenten delen morgen de kaarten.", "The municipalities share the maps tomorrow."),
        # niet → do not
        (
            "De kleine gemeenten verbeteren de kaarten niet.",
            "The small municipalities do not improve the maps.",
        ),
        # the participle moves next to the auxiliary
        ("De stad heeft de kaarten niet verbeterd.", "The city has not improved the maps."),
        (
            "De provincies willen de basisregistraties verbeteren.",
            "The provinces want to improve the base registries.",
        ),
        # a fronted subordinate clause: verb-final inside, inversion after
        (
            "Omdat de stad de kaarten verbetert, delen de gemeenten de resultaten.",
            "Because the city improves the maps, the municipalities share the results.",
        ),
        (
            "Nadat de gemeenten het gegevensbeheer hebben verbeterd, "
            "publiceert de stad een rapport.",
            "After the municipalities have improved the data management, "
            "the city publishes a report.",
        ),
        # a subordinate clause after the main clause
        (
            "De stad zegt dat de gemeenten de kaarten morgen hebben verbeterd.",
            "The city says that the municipalities have improved the maps tomorrow.",
        ),
        # separable verbs, split and merged
        (
            "De stad neemt volgend jaar deel aan het programma.",
            "The city participates in the programme next year.",
        ),
        ("Wij weten dat de stad niet deelneemt.", "We know that the city does not participate."),
        # words merged (op dit moment) and split (elkaar)
        (
            "De gemeenten delen op dit moment de kaarten met elkaar.",
            "The municipalities currently share the maps with each other.",
        ),
        # passive, and unknown words copied
        ("De kaarten worden morgen gepubliceerd.", "The maps are published tomorrow."),
        ("De stad gebruikt ZQA voor de kaarten.", "The city uses ZQA for the maps."),
        (
            "Houd deze kaart van Zwolle goed in de gaten.",
            "Houd these map of Zwolle goed in the gaten.",
        ),
    ],
)
def test_grammar(dutch: str, english: str) -> None:
    assert ReorderingModel().translate(dutch) == english


def test_every_english_word_knows_its_dutch_words() -> None:
    words = split_words("De stad neemt morgen niet deel.")
    english = ReorderingModel().english(words)
    found = [(w.text, " ".join(words[i] for i in w.sources)) for w in english]
    assert found == [
        ("The", "De"),
        ("city", "stad"),
        ("does", "neemt"),
        ("not", "niet"),
        ("participate", "neemt deel"),
        ("tomorrow", "morgen"),
        (".", "."),
    ]


def test_translate_batch_returns_what_ctranslate2_returns() -> None:
    pieces = ["▁De", "▁stad", "▁heeft", "▁de", "▁kaart", "en", "▁niet", "▁verbeterd", "."]
    [result] = ReorderingModel("soft").translate_batch(
        [pieces], target_prefix=[["__en__"]], return_attention=True, beam_size=2
    )
    [hypothesis] = result.hypotheses
    assert hypothesis == [
        "__en__",
        "▁The",
        "▁city",
        "▁has",
        "▁not",
        "▁improved",
        "▁the",
        "▁maps",
        ".",
    ]
    [attention] = result.attention
    assert len(attention) == len(hypothesis)
    assert all(len(row) == len(pieces) for row in attention)  # the </s> column is cut
    assert max(range(len(pieces)), key=attention[5].__getitem__) == 7  # improved ← verbeterd
    assert len(result.scores) == 1


def _pieces(sentence: str) -> list[str]:
    return [w if w == "." else f"▁{w}" for w in split_words(sentence)]


_SENTENCES = [
    _pieces(f"De gemeenten delen {when} de kaarten met de stad {name}.")
    for when in ("morgen", "vandaag", "binnenkort")
    for name in ("Assen", "Breda", "Delft", "Emmen", "Gouda", "Hoorn", "Venlo")
]


def _peaks(mode: str) -> tuple[int, int, int]:
    """Over many sentences: target pieces, those whose argmax misses the true source
    piece (known from one-hot attention), and rows that lost mass to ``</s>``."""
    exact = ReorderingModel("one-hot").translate_batch(_SENTENCES, return_attention=True)
    tried = ReorderingModel(mode).translate_batch(_SENTENCES, return_attention=True)
    steps = missed = cut = 0
    for truth, result in zip(exact, tried, strict=True):
        for true_row, row in zip(truth.attention[0], result.attention[0], strict=True):
            steps += 1
            missed += row.index(max(row)) != true_row.index(1.0)
            cut += sum(row) < 0.99
    return steps, missed, cut


def test_modes_differ_as_described() -> None:
    steps, missed, cut = _peaks("soft")
    assert (missed, cut) == (0, 0)
    steps, missed, cut = _peaks("noisy")
    assert 0.1 < missed / steps < 0.3 and cut == 0
    steps, missed, cut = _peaks("last-layer")
    assert 0.1 < cut / steps < 0.25  # half of the 30% look at </s>


@pytest.mark.parametrize("mode", ATTENTION_MODES)
def test_attention_is_seeded_and_deterministic(mode: str) -> None:
    first = ReorderingModel(mode, seed=3).translate_batch(_SENTENCES, return_attention=True)
    again = ReorderingModel(mode, seed=3).translate_batch(_SENTENCES, return_attention=True)
    assert first == again
    assert first[0].hypotheses[0][:4] == ["▁The", "▁municip", "alities", "▁share"]


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown attention mode"):
        ReorderingModel("sharp")


def test_the_engine_decodes_with_an_injected_translator(tmp_path: Path) -> None:
    engine = reordering_engine(tmp_path, "one-hot")
    assert engine.translate(["De stad heeft de kaarten niet verbeterd."]) == [
        "The city has not improved the maps."
    ]
