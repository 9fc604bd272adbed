"""Glossary terms that make correct English: parts of speech, lemmas, names, a/an."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import GLOSSARY, run, strip_provenance
from translator import glossary
from translator.config import Settings
from translator.engines.argos import ArgosEngine
from translator.front_matter import body_offset
from translator.glossary import TermMatch
from translator.pipeline import Options, translate_paths, translate_text
from translator.testing import ATTENTION_MODES, DEFAULT_LEXICON, build_model, reordering_engine

HEADER = ",".join(glossary.COLUMNS)
TERMS = glossary.load(GLOSSARY)


def found(text: str) -> list[tuple[str, str]]:
    """(Dutch as written, English target) for every term in text; particles as ''."""
    return [(m.source.strip(), m.target) for m in TERMS.find(text)]


# --- Dutch forms by lemma ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dutch", "expected"),
    [
        # plurals, diminutives and compounds nobody listed
        ("de kernteams", [("kernteams", "core teams")]),
        ("twee inwintechniekjes", [("inwintechniekjes", "acquisition techniques")]),
        ("het inwintechniekje", [("inwintechniekje", "acquisition technique")]),
        ("de puntenwolkjes", [("puntenwolkjes", "point clouds")]),
        ("de oplossingsrichtingen", [("oplossingsrichtingen", "possible solutions")]),
        # genitive -s of names, and not of acronyms
        ("Den Haags beleid", [("Den Haags", "The Hague's")]),
        ("Kadasters kaart", [("Kadasters", "Kadaster's")]),
        ("de BAGs", []),
        ("HET KADASTERS BELEID", [("KADASTERS", "Kadaster's")]),
        ("ALKEMIO'S PLATFORM", [("ALKEMIO'S", "Alkemio's")]),
        ("de LoDs", []),  # a plural of a noun, not a name's genitive
        # listed forms win: gebouwhoogten is listed as a plural
        ("de gebouwhoogten", [("gebouwhoogten", "building heights")]),
        # words that only contain a term are not terms
        ("het gemeentehuis en de gemeente-ambtenaar", []),
    ],
)
def test_dutch_forms_are_found_by_lemma(dutch: str, expected: list[tuple[str, str]]) -> None:
    assert found(dutch) == expected


@pytest.mark.parametrize(
    ("dutch", "expected"),
    [
        ("afspraken over het inwinnen van gegevens", [("inwinnen", "acquisition")]),
        ("Gegevens inwinnen kost tijd.", [("inwinnen", "acquisition")]),  # a subject
        ("Wij kunnen gegevens inwinnen.", [("inwinnen", "acquire")]),
        ("De stad wint gegevens met drones in.", [("wint", "acquires"), ("in", "")]),
        (
            "Wij winnen ze in, zij won ze in.",
            [("winnen", "acquire"), ("in", ""), ("won", "acquired"), ("in", "")],
        ),
        ("De ingewonnen gegevens.", [("ingewonnen", "acquired")]),
        ("dat de stad gegevens inwint", [("inwint", "acquires")]),
        ("technieken om gegevens in te winnen", [("in te winnen", "to acquire")]),
        ("een inwinnende partij", [("inwinnende", "acquiring")]),
        # winnen without its particle at the end of the clause is another verb
        ("De stad wint de prijs in Utrecht.", []),
        ("De stad wint.", []),
    ],
)
def test_a_verb_takes_the_form_its_dutch_has(dutch: str, expected: list[tuple[str, str]]) -> None:
    assert found(dutch) == expected


def test_names_match_in_any_case_but_not_an_ordinary_word() -> None:
    assert found("de omgevingswet en de OMGEVINGSWET") == [
        ("omgevingswet", "Environment and Planning Act"),
        ("OMGEVINGSWET", "Environment and Planning Act"),
    ]
    assert found("het ministerie van binnenlandse zaken") == [
        ("ministerie van binnenlandse zaken", "Ministry of the Interior and Kingdom Relations")
    ]
    # "kadaster" in lower case is the ordinary Dutch word; the name is capitalised.
    assert found("het kadaster en het Kadaster") == [("Kadaster", "Kadaster")]
    assert found("totaal driedimensionaal") == [
        ("totaal driedimensionaal", "Totaal Driedimensionaal")
    ]


# --- adherence ---------------------------------------------------------------------------------


def match(dutch: str) -> TermMatch:
    [term] = [m for m in TERMS.find(dutch) if not m.particle]
    return term


@pytest.mark.parametrize(
    ("dutch", "english", "kept"),
    [
        ("De stad wint gegevens in.", "The city acquires data.", True),
        ("De stad wint gegevens in.", "The city is acquiring data.", True),
        ("De stad wint gegevens in.", "The city acquire data.", False),  # a pasted lemma
        ("De ingewonnen gegevens.", "The acquired data.", True),
        ("De ingewonnen gegevens.", "The acquire data.", False),  # a wrong inflection
        ("over het inwinnen van gegevens", "about the acquisition of data", True),
        ("over het inwinnen van gegevens", "about acquiring data", True),
        ("over het inwinnen van gegevens", "about the acquire of data", False),
        ("Zij kunnen inwinnen.", "They can acquire.", True),
        ("Zij kunnen inwinnen.", "They can acquired.", False),
        ("De basisregistraties.", "The key registers.", True),
        ("De basisregistraties.", "The base registries.", False),
    ],
)
def test_adherence_accepts_fitting_forms_only(dutch: str, english: str, kept: bool) -> None:
    assert glossary.present(match(dutch), english) is kept


def test_an_adjective_is_guided(tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_text(
        f"{HEADER}\nduurzaam,,,sustainable,,,adjective,no,lower,approved,Source: x.\n",
        encoding="utf-8",
    )
    terms = glossary.load(path)
    [term] = terms.find("een duurzame stad")
    assert (term.source, term.target, term.form) == ("duurzame", "sustainable", "adjective")
    assert glossary.present(term, "a more sustainable city")  # English inflects otherwise
    assert glossary.present(term, "the most sustainable city")
    assert not glossary.present(term, "a green city")


def test_review_reports_a_pasted_lemma_and_accepts_an_inflection(tmp_path: Path) -> None:
    site = tmp_path / "content"
    (site / "a").mkdir(parents=True)
    source = site / "a" / "index.md"
    source.write_text(
        "Afspraken over het inwinnen van gegevens.\n\nDe stad wint gegevens in.\n",
        encoding="utf-8",
    )
    assert run(["translate", "--engine", "pseudo", "--glossary", GLOSSARY, source]).exit_code == 0
    english = site / "a" / "index.en.md"
    text = english.read_text(encoding="utf-8")
    assert "acquisition" in text and "acquires" in text
    # A person rewrites one to a fitting form and pastes the lemma into the other.
    english.write_text(
        text.replace("acquisition", "acquire").replace("acquires", "is acquiring"),
        encoding="utf-8",
    )
    result = run(["glossary", "review", site, "--glossary", GLOSSARY, "--json"])
    [term] = [t for t in json.loads(result.stdout)["terms"] if t["nl"] == "inwinnen"]
    assert term["adherence"]["expected"] == 2 and term["adherence"]["present"] == 1
    [violation] = term["adherence"]["violations"]
    assert "acquire" in violation["english"] and violation["line"] > 0


# --- the word-for-word model: exact English ----------------------------------------------------


@pytest.fixture(scope="module")
def word_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lexicon = {**DEFAULT_LEXICON, "afspraken": "agreements", "nieuw": "new"}
    return build_model(tmp_path_factory.mktemp("model") / "glossary.argosmodel", lexicon)


@pytest.mark.parametrize(
    ("dutch", "english"),
    [
        ("Afspraken over het inwinnen van gegevens.", "Agreements about the acquisition of data."),
        ("Een inwintechniek voor de stad.", "An acquisition technique for the city."),
        ("Dit is een inwintechniek.", "This is an acquisition technique."),
        ("De omgevingswet is nieuw.", "The Environment and Planning Act is new."),
        ("De basisregistraties zijn goed.", "The key registers are good."),
        ("De gemeente wint gegevens in.", "The municipality acquires data."),
        ("Gegevens zijn ingewonnen.", "Data are acquired."),
        ("Gegevens inwinnen is goed.", "Data acquisition is good."),
        ("Een oplossingsrichting is goed.", "A possible solution is good."),
        ("Wij delen een oplossingsrichting.", "We share a possible solution."),
    ],
)
def test_grammatical_english_with_the_word_for_word_model(
    word_model: Path, isolated: Path, tmp_path: Path, dutch: str, english: str
) -> None:
    assert run(["models", "install", "--file", word_model]).exit_code == 0
    path = tmp_path / "index.md"
    path.write_text(dutch + "\n", encoding="utf-8")
    engine = ArgosEngine.load(Settings(memory=None))
    [result] = translate_paths(
        [path], lambda: engine, Options(source_language="nl", glossary=TERMS)
    )
    assert result.text is not None
    assert strip_provenance(result.text) == english + "\n"
    assert result.stats.terms_present == result.stats.terms_expected > 0


# --- the reordering model: exact English --------------------------------------------------------

REORDERED = [
    (
        "De gemeenten delen kennis over het inwinnen van gegevens.",
        "The municipalities share knowledge about the acquisition of data.",
    ),
    ("De stad gebruikt een inwintechniek.", "The city uses an acquisition technique."),
    (
        "Morgen deelt de stad *een inwintechniek*.",
        "Tomorrow the city shares *an acquisition technique*.",
    ),
    (
        "Omdat de stad de omgevingswet gebruikt, delen de gemeenten de kaarten.",
        "Because the city uses the Environment and Planning Act, the municipalities share "
        "the maps.",
    ),
    (
        "De gemeenten verbeteren de basisregistraties niet.",
        "The municipalities do not improve the key registers.",
    ),
    ("De stad wint de gegevens in.", "The city acquires the data."),
    ("De stad deelt **een oplossingsrichting**.", "The city shares **a possible solution**."),
]


@pytest.mark.parametrize("mode", ATTENTION_MODES)
@pytest.mark.parametrize(("dutch", "english"), REORDERED)
def test_grammatical_english_with_the_reordering_model(
    tmp_path_factory: pytest.TempPathFactory, mode: str, dutch: str, english: str
) -> None:
    engine = reordering_engine(tmp_path_factory.getbasetemp() / "reordering", mode)
    translated = translate_text(
        dutch + "\n", engine, Options(source_language="nl", glossary=TERMS)
    )
    assert translated[body_offset(translated) :] == english + "\n"


# --- lint and review ---------------------------------------------------------------------------


def test_lint_warns_about_calques_and_missing_sources(tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_text(
        f"{HEADER}\n"
        "oplossingsrichting,,,solution direction,,,noun,no,lower,approved,Source: nobody.\n"
        "inwinnen,,,acquire,,,verb,no,lower,approved,\n",
        encoding="utf-8",
    )
    result = run(["glossary", "lint", path])
    assert result.exit_code == 1
    assert (
        f"{path}:2: warning: 'solution direction' is a Dunglish calque; English writes "
        "possible solution(s) or approach(es)"
    ) in result.output
    assert f"{path}:3: warning: the note of 'inwinnen' names no source" in result.output
    assert f"{path}:3: warning: verb 'inwinnen' has no en_noun" in result.output
    # Warnings do not stop translation.
    assert [t.nl for t in glossary.load(path).terms] == ["oplossingsrichting", "inwinnen"]


def test_the_shipped_glossary_names_a_source_for_every_entry() -> None:
    approved = glossary.load(GLOSSARY).terms
    assert all("Source:" in t.note for t in approved)
    assert run(["glossary", "lint", GLOSSARY]).exit_code == 0


def test_en_noun_is_for_verbs_only(tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_text(
        f"{HEADER}\ngemeente,,,municipality,,municipalities,noun,no,lower,approved,Source: x.\n",
        encoding="utf-8",
    )
    result = run(["glossary", "lint", path])
    assert f"{path}:2: en_noun is for verbs only" in result.output


def test_review_proposes_a_name_set_apart_and_pairs_its_acronym(tmp_path: Path) -> None:
    site = tmp_path / "content"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.md").write_text(
        "*Totaal Driedimensionaal* (T3D) is een programma. Het werkt met het Actueel\n"
        "Hoogtebestand Nederland en de Basisregistratie Topografie (BRT). De AHN ook.\n",
        encoding="utf-8",
    )
    terms = tmp_path / "terms.csv"
    shutil.copy(GLOSSARY, terms)
    text = terms.read_text(encoding="utf-8")
    terms.write_text(
        "\n".join(
            line
            for line in text.splitlines()
            if not line.startswith(("Totaal Driedimensionaal,", "Actueel Hoogtebestand"))
        )
        + "\n",
        encoding="utf-8",
    )
    # Names in emphasis or brackets are proposed from their first use; others from
    # --min-count uses, here 1 for the plain "Actueel Hoogtebestand Nederland".
    args: list[str | Path] = ["glossary", "review", site, "--glossary", terms, "--from", "nl"]
    result = run([*args, "--json"])
    candidates = {c["text"]: c for c in json.loads(result.stdout)["candidates"]}
    assert set(candidates) == {"Totaal Driedimensionaal", "Basisregistratie Topografie"}
    result = run([*args, "--json", "--min-count", "1"])
    candidates = {c["text"]: c for c in json.loads(result.stdout)["candidates"]}
    assert candidates["Totaal Driedimensionaal"]["kind"] == "name"
    assert candidates["Totaal Driedimensionaal"]["acronym"] == "T3D"
    assert candidates["Basisregistratie Topografie"]["acronym"] == "BRT"
    assert candidates["Actueel Hoogtebestand Nederland"]["acronym"] == "AHN"
    table = run(args).output
    assert "Totaal Driedimensionaal (T3D)" in table
