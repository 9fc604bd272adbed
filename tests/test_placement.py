"""Markup, code and terms on the right English words under a model that reorders.

Every sentence below was checked by hand: the English is what a translator would
write with this markup, whatever attention the model has.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CONTENT, GLOSSARY, SHARED
from tests.htmlshape import html_shape
from tests.test_argos import translate_one
from translator import glossary
from translator import protect as protect_module
from translator.engines.argos import ArgosEngine
from translator.engines.pseudo import PseudoEngine
from translator.front_matter import body_offset
from translator.markdown import render
from translator.memory import Entry, Memory
from translator.pipeline import Options, translate_articles, translate_paths, translate_text
from translator.pipeline import load as load_article
from translator.protect import PlaceholderError, Units, protect, split
from translator.protect import units as protect_units
from translator.segment import segment_body
from translator.testing import ATTENTION_MODES, ReorderingModel, Word, reordering_engine
from translator.verify import compare

HAND_CHECKED = [
    # V2 inversion after a fronted adverb; a code span carried as a word
    (
        "Morgen delen **de gemeenten** `data.csv` met elkaar.",
        "Tomorrow **the municipalities** share `data.csv` with each other.",
    ),
    # niet → do not, and the object it stood after
    (
        "De kleine gemeenten verbeteren [de kaarten](https://x.nl) niet.",
        "The small municipalities do not improve [the maps](https://x.nl).",
    ),
    # the participle moves next to the auxiliary, after not
    (
        "De stad heeft de kaarten *niet* **verbeterd**.",
        "The city has *not* **improved** the maps.",
    ),
    # a fronted subordinate clause, verb-final inside, inversion after
    (
        "Omdat **de stad** de kaarten verbetert, delen de gemeenten *de resultaten*.",
        "Because **the city** improves the maps, the municipalities share *the results*.",
    ),
    # a separable verb merged; the marks come back in English order
    (
        "De stad neemt *volgend jaar* deel **aan het programma**.",
        "The city participates **in the programme** *next year*.",
    ),
    (
        "Wij weten dat de stad **niet** deelneemt.",
        "We know that the city does **not** participate.",
    ),
    # three Dutch words merged into one English word
    (
        "De gemeenten delen *op dit moment* de kaarten met elkaar.",
        "The municipalities *currently* share the maps with each other.",
    ),
    # a modal: the infinitive moves forward; a glossary term split in two words
    (
        "De provincies willen de basisregistraties **verbeteren**.",
        "The provinces want to **improve** the key registers.",
    ),
    # word order kept: the code span stays where it was
    (
        "De stad gebruikt `kaart.json` voor de kaarten.",
        "The city uses `kaart.json` for the maps.",
    ),
    # a do-not-translate term as the subject
    ("T3D heeft de kaarten **niet** verbeterd.", "T3D has **not** improved the maps."),
    # a subordinate clause after the main clause, a time adverb moved to the end
    (
        "De stad zegt dat [de gemeenten](https://x.nl) de kaarten morgen hebben verbeterd.",
        "The city says that [the municipalities](https://x.nl) have improved the maps tomorrow.",
    ),
    # marks inside a word the model copies stay inside it
    (
        "Morgen delen de stad en *Zwol*le `x`s de kaarten.",
        "Tomorrow the city and *Zwol*le `x`s share the maps.",
    ),
    # an image stands as a word
    (
        "De gemeenten delen morgen ![kaart](k.png) met elkaar.",
        "The municipalities share ![map](k.png) with each other tomorrow.",  # alt text translated
    ),
    # nested marks, and a term inside a link
    (
        "Morgen delen **de [gemeenten](https://x.nl)** de kaarten.",
        "Tomorrow **the [municipalities](https://x.nl)** share the maps.",
    ),
]


def _translate(engine: ArgosEngine, source: str) -> str:
    options = Options(source_language="nl", glossary=glossary.load(GLOSSARY))
    english = translate_text(source + "\n", engine, options)
    return english[body_offset(english) :].strip()


@pytest.mark.parametrize("mode", ATTENTION_MODES)
@pytest.mark.parametrize(("dutch", "english"), HAND_CHECKED)
def test_hand_checked_english(tmp_path: Path, mode: str, dutch: str, english: str) -> None:
    assert _translate(reordering_engine(tmp_path, mode), dutch) == english


def test_marks_may_come_back_in_english_order() -> None:
    [seg] = segment_body("De stad neemt *volgend jaar* deel **aan het programma**.\n")
    protected = protect(seg)
    reordered = "The city participates ⟦3⟧in the programme⟦4⟧ ⟦1⟧next year⟦2⟧."
    assert [p for p in split(protected, reordered) if isinstance(p, int)] == [2, 3, 0, 1]
    with pytest.raises(PlaceholderError, match="duplicated"):
        split(protected, "⟦1⟧a⟦2⟧ ⟦1⟧b⟦2⟧ ⟦3⟧c⟦4⟧")
    with pytest.raises(PlaceholderError, match="lost"):
        split(protected, "⟦1⟧a⟦2⟧ c⟦4⟧")


def test_verification_compares_nesting_and_multiset_not_order() -> None:
    source = "Morgen *delen* de gemeenten [kaarten](https://x.nl) `data.csv`."
    assert compare(source, "Tomorrow `data.csv` [maps](https://x.nl) *share*.") is None
    assert compare(source, "Tomorrow *share [maps](https://x.nl)* `data.csv`.") is not None
    assert compare(source, "Tomorrow *share* [maps](https://y.nl) `data.csv`.") is not None
    assert compare("Een <b>vet</b> woord.", "A </b>bold<b> word.") is not None


def test_a_code_span_is_a_word_placeholder() -> None:
    [seg] = segment_body("De stad gebruikt `kaart.json` en **`x`** <https://x.nl> ![](b.png).\n")
    assert protect(seg).text == "De stad gebruikt ⟦1=⟧ en ⟦2⟧ ⟦3=⟧ ⟦4=⟧."
    assert protect(seg).keyed == "De stad gebruikt ⟦1⟧ en ⟦2⟧ ⟦3⟧ ⟦4⟧."  # keys unchanged


def test_literal_placeholder_brackets_reach_the_engine_as_placeholders() -> None:
    [seg] = segment_body("Het deel ⟦x⟧ van **x** is ⟦1⟧.\n")
    protected = protect(seg)
    assert protected.text == "Het deel ⟦1⟧x⟦2⟧ van ⟦3⟧x⟦4⟧ is ⟦5⟧1⟦6⟧."
    assert protected.sources == ("⟦", "⟧", "**", "**", "⟦", "⟧")


class _Stutter(ReorderingModel):
    """Writes one English word twice, or glued to the next one, as real models do."""

    def __init__(self, word: str, *, glue: bool = False) -> None:
        super().__init__("soft")
        self.word, self.glue = word, glue

    def english(self, words: Sequence[str]) -> list[Word]:
        out = []
        for w in super().english(words):
            if w.text == self.word and self.glue:
                out.append(Word(w.text + "D", w.sources))
            else:
                out += [w, w] if w.text == self.word else [w]
        return out


def _engine_with(tmp_path: Path, model: Any) -> ArgosEngine:
    engine = reordering_engine(tmp_path)
    return ArgosEngine(engine.installed, engine.settings, translator=model)


def test_a_term_the_model_writes_twice_is_written_once(tmp_path: Path) -> None:
    engine = _engine_with(tmp_path, _Stutter("municipalities"))
    english = _translate(engine, "Morgen delen de gemeenten de kaarten.")
    assert english == "Tomorrow the municipalities share the maps."


def test_a_term_glued_to_a_neighbour_is_restored(tmp_path: Path) -> None:
    engine = _engine_with(tmp_path, _Stutter("T3D", glue=True))
    assert _translate(engine, "T3D verbetert de kaarten.") == "T3D improves the maps."


class _Blind(ReorderingModel):
    """Attention that says nothing: every source piece weighs the same."""

    def translate_batch(
        self, source: Sequence[Sequence[str]], *args: Any, **options: Any
    ) -> list[Any]:
        results = super().translate_batch(source, *args, **options)
        for pieces, result in zip(source, results, strict=True):
            for row in result.attention[0] if result.attention else []:
                row[:] = [1 / len(pieces)] * len(pieces)
        return results


def test_low_confidence_marks_are_reported_with_file_and_line(tmp_path: Path) -> None:
    engine = _engine_with(tmp_path, _Blind())
    path = tmp_path / "index.md"
    source = "# Kop\n\nDe stad neemt **deel** aan het programma.\n"
    article = load_article(path, Options(source_language="nl"), text=source)
    [result] = translate_articles([article], engine)
    assert result.status == "translated" and result.text is not None
    assert result.uncertain == (3,)
    assert "uncertain:" in result.text  # recorded for the review page's badge
    body = result.text[body_offset(result.text) :]
    assert "****" not in body and body.count("**") == 2  # never an empty mark


class _Doubles:
    """An engine that writes a term's target twice."""

    name = "doubles"
    model = "none"

    def translate(self, texts: Sequence[str]) -> list[str]:
        term = "⟦1=municipalities⟧"
        return [t.replace(term, f"{term} municipalities") for t in texts]


def test_adherence_counts_occurrences_and_flags_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "index.md"
    source = "De stad deelt kennis met de gemeenten.\n\nDe gemeenten delen.\n"
    options = Options(source_language="nl", glossary=glossary.load(GLOSSARY))
    article = load_article(path, options, text=source)
    [result] = translate_articles([article], _Doubles(), options.glossary)
    assert [(m.line, m.term, m.problem) for m in result.misses] == [
        (1, "gemeenten", "duplicated"),
        (3, "gemeenten", "duplicated"),
    ]
    assert result.stats.terms_present == result.stats.terms_expected == 2


def test_adherence_does_not_count_targets_inside_markup(tmp_path: Path) -> None:
    """A target in a URL or a reference label is no use of the term (no false duplicate)."""
    path = tmp_path / "index.md"
    source = (
        'Zie de [website van de VNG](https://www.vng.nl/ "VNG") en de\n'
        "[handreiking van het Kadaster].\n\n"
        "[handreiking van het Kadaster]: https://example.nl/kadaster\n"
    )
    options = Options(source_language="nl", glossary=glossary.load(GLOSSARY))
    article = load_article(path, options, text=source)
    [result] = translate_articles([article], PseudoEngine(), options.glossary)
    assert result.text is not None and "][handreiking van het Kadaster]" in result.text
    assert result.misses == ()
    # VNG in the text and in the (translated) title, Kadaster in the link text
    assert result.stats.terms_present == result.stats.terms_expected == 3


_OWN_TEXTS = (
    'Morgen deelt de gemeente ![Kaart van de stad](k.png "De kaart van de proefopstelling") '
    'met [de provincie](https://x.nl "Over het programma").\n\n'
    '{{< figure src="kaart.png" caption="De kaart van de gemeente" alt="Een kaart" >}}\n'
)


def test_alt_texts_titles_and_parameters_are_texts_of_their_own(tmp_path: Path) -> None:
    article = load_article(tmp_path / "index.md", Options(source_language="nl"), text=_OWN_TEXTS)
    [sentence, figure] = [protect(s) for s in article.segments if s.translatable]
    units = protect_units(sentence)
    assert units.main == "Morgen deelt de gemeente ⟦1=⟧ met ⟦4⟧de provincie⟦5⟧."
    assert [inner for _, inner, _ in units.own] == [
        "Kaart van de stad",
        "De kaart van de proefopstelling",
        "Over het programma",
    ]
    assert [inner for _, inner, _ in protect_units(figure).own] == [
        "De kaart van de gemeente",
        "Een kaart",
    ]
    translated = {t: t.upper() for t in units.texts}
    assert units.join(translated) == (
        "MORGEN DEELT DE GEMEENTE ⟦1=⟧KAART VAN DE STAD⟦2⟧DE KAART VAN DE PROEFOPSTELLING⟦3⟧ "
        "MET ⟦4⟧DE PROVINCIE⟦5⟧OVER HET PROGRAMMA⟦6⟧."
    )


@pytest.mark.parametrize(
    ("dutch", "decoded", "written"),
    [
        ("kaart van de stad", "Map of the city", "map of the city"),  # lower case in Dutch
        ("Kaart van de stad", "Map of the city", "Map of the city"),
        ("maandag in de stad", "Monday in the city", "Monday in the city"),
        ("ik en de stad", "I and the city", "I and the city"),
        ("bag-gegevens", "BAG data", "BAG data"),
    ],
)
def test_a_text_of_its_own_keeps_its_lower_case(dutch: str, decoded: str, written: str) -> None:
    units = Units("⟦1⟧", (("⟦1⟧", dutch, "⟦2⟧"),))
    assert units.join({dutch: decoded}) == f"⟦1⟧{written}⟦2⟧"


@pytest.mark.parametrize("mode", ATTENTION_MODES)
def test_a_title_is_not_decoded_with_its_sentence(tmp_path: Path, mode: str) -> None:
    """A term in an image title stays in the title, written once (it used to land in the
    paragraph as well: "![…](p.png \"De pilot setup\") pilot setup")."""
    options = Options(source_language="nl", glossary=glossary.load(GLOSSARY))
    article = load_article(tmp_path / "index.md", options, text=_OWN_TEXTS)
    [result] = translate_articles([article], reordering_engine(tmp_path, mode), options.glossary)
    assert result.text is not None and result.misses == () and result.stats.fallbacks == 0
    assert result.text[body_offset(result.text) :] == (
        "Tomorrow the municipality shares ![Map of the city](k.png "
        '"The map of the pilot setup") with [the province](https://x.nl "About the programme").'
        "\n\n"
        '{{< figure src="kaart.png" caption="The map of the municipality" alt="A map" >}}\n'
    )


def test_marked_spans_are_decoded_in_the_same_batch(tmp_path: Path) -> None:
    engine = reordering_engine(tmp_path, "noisy")
    english = engine.translate(["Morgen delen ⟦1⟧de kaarten⟦2⟧ en ⟦3⟧de stad⟦4⟧ het model."])
    assert english == ["Tomorrow ⟦1⟧the maps⟦2⟧ and ⟦3⟧the city⟦4⟧ share the model."]
    assert (engine.stats.sentences, engine.stats.fragments, engine.stats.batches) == (1, 2, [3])
    alone = reordering_engine(tmp_path, "noisy", translate_spans=False)
    alone.translate(["Morgen delen ⟦1⟧de kaarten⟦2⟧ het model."])
    assert (alone.stats.fragments, alone.stats.batches) == (0, [1])


def test_memory_keeps_soft_alignments_and_reads_old_ones(tmp_path: Path) -> None:
    memory = Memory(tmp_path / "memory.sqlite")
    soft = ((0, 0.6), (1, 0.15))
    memory.store("m@1", "none", [Entry("De stad.", "The city.", ("▁The",), (soft,))])
    [found] = memory.lookup("m@1", "none", ["De stad."]).values()
    assert found.alignment == (soft,)
    memory.close()
    with sqlite3.connect(tmp_path / "memory.sqlite") as db:  # as an older version wrote it
        db.execute("UPDATE segments SET alignment = '[2]'")
    [old] = Memory(tmp_path / "memory.sqlite").lookup("m@1", "none", ["De stad."]).values()
    assert old.alignment == (((2, 1.0),),)


@pytest.mark.parametrize("mode", ["noisy", "last-layer"])
def test_commonmark_spec_keeps_its_structure_under_a_reordering_model(
    tmp_path: Path, mode: str
) -> None:
    examples = json.loads((SHARED / "commonmark" / "spec-0.31.2.json").read_text("utf-8"))
    options = Options(source_language="nl", front_matter=False)
    articles = [
        load_article(Path(f"{e['example']}.md"), options, text=e["markdown"]) for e in examples
    ]
    results = translate_articles(articles, reordering_engine(tmp_path, mode))
    assert all(r.status == "translated" for r in results)
    for example, result in zip(examples, results, strict=True):
        assert result.text is not None
        english = result.text[body_offset(result.text) :]
        assert html_shape(render(english)) == html_shape(render(example["markdown"])), example[
            "example"
        ]


def test_content_keeps_its_structure_under_a_reordering_model(tmp_path: Path) -> None:
    paths = sorted(p for p in CONTENT.rglob("*.md") if not p.name.endswith(".en.md"))
    options = Options(glossary=glossary.load(GLOSSARY))
    engine = reordering_engine(tmp_path, "last-layer")
    results = translate_paths(paths, lambda: engine, options)
    assert [r.status for r in results].count("translated") == len(paths) - 1  # one is English
    for path, result in zip(paths, results, strict=True):
        if result.text is not None:
            source = path.read_text("utf-8")
            assert html_shape(render(result.text[body_offset(result.text) :])) == html_shape(
                render(source[body_offset(source) :])
            ), path


# A hard break or <br> glued between two words is a word boundary for the engine (it
# used to decode "kaarten<br>niet" as the one unknown word "kaartenniet" and leave it
# Dutch). The break comes back between the English words of the same two places.
WORD_BREAKS = [
    # the break goes before what the word after it became, though English reorders
    ("De stad heeft de kaarten<br>niet verbeterd.", "The city has<br>not improved the maps."),
    # two trailing spaces, and a backslash: hard breaks, no stray space on either side
    (
        "De stad zegt dat  \nde gemeenten de kaarten morgen hebben verbeterd.",
        "The city says that  \nthe municipalities have improved the maps tomorrow.",
    ),
    # inversion after a fronted clause: the verb moves, the break stays after the comma
    (
        "Omdat de stad de kaarten verbetert,\\\ndelen de gemeenten de resultaten.",
        "Because the city improves the maps,\\\nthe municipalities share the results.",
    ),
    (
        "Morgen delen de gemeenten<br/>de kaarten met elkaar.",
        "Tomorrow the municipalities share<br/>the maps with each other.",
    ),
    # between two sentences: both are found and decoded
    (
        "De stad deelt de kaarten.<br />De gemeenten delen de resultaten.",
        "The city shares the maps.<br />The municipalities share the results.",
    ),
    # markup written together with the break still opens on the next word
    (
        "De stad heeft de kaarten<br>**niet** verbeterd.",
        "The city has<br>**not** improved the maps.",
    ),
    # an inline <hr> parts words where it renders, as <br> does
    ("De stad deelt de kaarten<hr>met elkaar.", "The city shares the maps<hr>with each other."),
    # a break written together with a closing mark: the closing follows the marked words
    # where English moves them, the break stays between the two places it parted (it
    # used to follow the closing: "has not improved **the maps**<br>.")
    (
        "De stad heeft **de kaarten**<br>niet verbeterd.",
        "The city has<br>not improved **the maps**.",
    ),
    (
        "De stad heeft *de kaarten*  \nniet verbeterd.",
        "The city has  \nnot improved *the maps*.",
    ),
    # closing, break and opening written together (this fell back to run-by-run English:
    # "The city has **The maps**<br>**Not** Improved.")
    (
        "De stad heeft **de kaarten**<br>**niet** verbeterd.",
        "The city has<br>**not** improved **the maps**.",
    ),
]


@pytest.mark.parametrize("mode", ATTENTION_MODES)
@pytest.mark.parametrize(("dutch", "english"), WORD_BREAKS)
def test_a_break_between_words_is_a_word_boundary(
    tmp_path: Path, mode: str, dutch: str, english: str
) -> None:
    assert _translate(reordering_engine(tmp_path, mode), dutch) == english


@pytest.mark.parametrize(
    ("dutch", "engine_sees", "spaced"),
    [
        ("kaarten<br>niet", "kaarten ⟦1⟧ niet", {0}),
        ("kaarten  \nniet", "kaarten ⟦1⟧ niet", {0}),
        ("kaarten\\\nniet", "kaarten ⟦1⟧ niet", {0}),
        ("kaarten <br> niet", "kaarten ⟦1⟧ niet", set()),  # spaced already: as it was
        ("kaarten<br> niet", "kaarten⟦1⟧ niet", set()),
        # markup written together with the break: the closing or opening and the break
        # are placeholders of their own (``continued``: one span of the source)
        ("**kaarten**<br>niet", "⟦1⟧kaarten⟦2⟧ ⟦3⟧ niet", {2}),
        ("kaarten<br>**niet**", "kaarten ⟦1⟧ ⟦2⟧niet⟦3⟧", {0}),
        ("*de kaarten*  \nniet", "⟦1⟧de kaarten⟦2⟧ ⟦3⟧ niet", {2}),
        # glued inside a word: one word for the engine, as before
        ("Rijks<wbr>waterstaat", "Rijks⟦1⟧waterstaat", set()),
        ("kaart**en**", "kaart⟦1⟧en⟦2⟧", set()),
        ("H<sub>2</sub>O", "H⟦1⟧2⟦2⟧O", set()),
        ("kaarten<!-- x -->niet", "kaarten⟦1⟧niet", set()),  # a comment renders as nothing
        ("kaarten`x`niet", "kaarten⟦1=⟧niet", set()),
    ],
)
def test_only_markup_that_parts_words_is_spaced(
    dutch: str, engine_sees: str, spaced: set[int]
) -> None:
    [seg] = segment_body(dutch + "\n")
    protected = protect(seg)
    assert (protected.text, set(protected.spaced)) == (engine_sees, spaced)


def test_spaced_markup_keeps_the_segment_key() -> None:
    """Keys recorded before breaks were spaced stay valid: a person's correction of such
    a segment is kept while its Dutch is unchanged."""
    [seg] = segment_body("De stad heeft de kaarten<br>**niet** verbeterd, of\\\nniet.\n")
    protected = protect(seg)
    assert protected.text == "De stad heeft de kaarten ⟦1⟧ ⟦2⟧niet⟦3⟧ verbeterd, of ⟦4⟧ niet."
    assert protected.keyed == "De stad heeft de kaarten⟦1⟧niet⟦2⟧ verbeterd, of⟦3⟧niet."


@pytest.mark.parametrize(
    "dutch",
    [
        "De stad heeft **de kaarten**<br>niet verbeterd, of *wel*<br>**toch**.",
        "Kaarten<br>**niet** `code` en *de stad*  \n**en** de gemeenten.",
        "Een ![kaart](k.png)<br/>**van** de stad [en](x)\\\n**de** gemeenten.",
    ],
)
def test_markup_split_around_its_break_keeps_the_segment_key(
    dutch: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A span split around its break is keyed as the one placeholder it was before the
    split, so English recorded then, and a person's corrections, stay valid."""
    [seg] = segment_body(dutch + "\n")
    split_apart = protect(seg)
    assert split_apart.continued
    monkeypatch.setattr(protect_module, "_around_separator", lambda source: [(source, True)])
    as_one = protect(seg)
    assert not as_one.continued
    assert len(split_apart.sources) > len(as_one.sources)
    assert split_apart.keyed == as_one.keyed


def test_markup_split_around_its_break_comes_back_whole_in_place(tmp_path: Path) -> None:
    """Where the English keeps the order, the split span is written back as it stood."""
    dutch = "De stad heeft **de kaarten**<br>**niet** verbeterd.\n"
    assert translate_text(dutch, PseudoEngine(), Options("nl")).endswith(
        "Dé stád hééft **dé káártén**<br>**níét** vérbétérd.\n"
    )


def test_words_parted_by_breaks_are_translated_by_a_word_for_word_model(
    installed: Path, tmp_path: Path
) -> None:
    source = (
        "De gemeenten delen  \nresultaten met elkaar.\n\n"
        "De gemeenten\\\nwerken samen met de stad.\n\n"
        "Dit is de kaart<br>van de stad.\n"
    )
    assert translate_one(tmp_path, source) == (
        "The municipalities share  \nresults with each other.\n\n"
        "The municipalities\\\nwork together with the city.\n\n"
        "This is the map<br>of the city.\n"
    )
