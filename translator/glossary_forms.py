"""Word forms for the glossary: Dutch lemmas, Dutch verb forms, English inflections.

A glossary lists each concept once, by its base form; authors write plurals,
diminutives, conjugated and separated verbs. This module answers, for one
Dutch word, which base form it is (``simplemma``, whose Dutch dictionary ships
in its wheel), what grammatical form it has (a small set of rules about Dutch
verbs), and what the English target must look like in that form
(``lemminflect`` for verbs and adjectives, ``inflect`` for a/an).

Each library is imported when it is first needed, so that a run whose text
holds no inflected term never loads their dictionaries.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

VerbForm = Literal[
    "infinitive",  # inwinnen (after a modal verb; also the plural present)
    "to-infinitive",  # in te winnen
    "noun",  # het inwinnen: a nominalised infinitive
    "singular",  # (in)wint: third person singular present
    "past",  # (in)won, (in)wonnen
    "participle",  # ingewonnen
    "present participle",  # inwinnend
]
NounForm = Literal["singular", "plural", "genitive"]

PARTICLES = (
    "aan",
    "achter",
    "af",
    "bij",
    "binnen",
    "door",
    "in",
    "mee",
    "na",
    "om",
    "onder",
    "op",
    "over",
    "samen",
    "terug",
    "toe",
    "uit",
    "vast",
    "voor",
    "weg",
)
"""Particles of Dutch separable verbs: ``inwinnen`` is ``wint … in`` in a main clause."""

DETERMINERS = frozenset(
    [
        *("het", "de", "dit", "dat", "deze", "die", "een"),
        *("hun", "ons", "onze", "zijn", "haar", "uw", "mijn", "jullie", "elk", "ieder"),
    ]
)
"""Words that make a following infinitive a noun: ``het inwinnen``."""

_ENGLISH_TAGS: dict[str, tuple[str, tuple[str, ...]]] = {
    # Dutch form → (Penn tag written, Penn tags accepted in the English)
    "infinitive": ("VB", ("VB", "VBG")),
    "to-infinitive": ("VB", ("VB", "VBG")),
    "singular": ("VBZ", ("VBZ", "VBG", "VBD", "VBN")),
    "plural": ("VBP", ("VBP", "VBG", "VBD", "VBN")),
    "past": ("VBD", ("VBD", "VBN", "VBG")),
    "participle": ("VBN", ("VBN", "VBD")),
    "present participle": ("VBG", ("VBG",)),
}
"""English accepts a tense shift (Dutch present, English progressive), never a bare
lemma where the Dutch verb is finite in the singular, a participle or a noun."""


@cache
def lemma(word: str) -> str:
    """The Dutch base form of one word (lower case), compounds and hyphens included.

    simplemma does not know most compounds (``basisregistraties``), so a word
    it does not know is lemmatised by its longest known head:
    ``basis`` + ``registraties`` → ``basisregistratie``.
    """
    folded = word.casefold().replace("\u2019", "'")
    if "-" in folded:
        head, _, tail = folded.rpartition("-")
        return f"{head}-{lemma(tail)}" if tail else folded
    if _known(folded):
        return _undiminished(_lemmatize(folded))
    for cut in range(2, len(folded) - 2):
        head = folded[cut:]
        if _known(head):
            return folded[:cut] + _undiminished(_lemmatize(head))
    return folded


def _undiminished(word: str) -> str:
    """The noun a diminutive is made from (techniekje → techniek), when Dutch has it."""
    for suffix in ("je", "tje", "pje", "kje", "etje"):
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) > 2 and _known(stem):
            return stem
    return word


def is_word(word: str) -> bool:
    """Whether a word (in lower case) is an ordinary Dutch word."""
    return _known(word.casefold())


def _known(word: str) -> bool:
    import simplemma  # noqa: PLC0415

    return bool(simplemma.is_known(word, lang="nl"))


def _lemmatize(word: str) -> str:
    import simplemma  # noqa: PLC0415

    return str(simplemma.lemmatize(word, lang="nl")).casefold()


@cache
def separable(verb: str) -> tuple[str, str] | None:
    """``(particle, base verb)`` when ``verb`` is separable: inwinnen → (in, winnen)."""
    for particle in PARTICLES:
        base = verb[len(particle) :]
        verbal = base.endswith("en") and len(base) > 3 and _known(base)
        if verb.startswith(particle) and verbal and _lemmatize(base) == base:
            return particle, base
    return None


def noun_form(word: str, base: str) -> NounForm:
    """Singular or plural, from how a Dutch noun ends: diminutives are singular."""
    folded = word.casefold().replace("\u2019", "'")
    if folded == base or folded.endswith(("je", "tje", "pje", "kje")):
        return "singular"
    if folded.endswith(("en", "s", "'s")):
        return "plural"
    return "singular"


SUBJECT_VERBS = frozenset(
    ["is", "was", "wordt", "werd", "kost", "kostte", "vraagt", "blijft", "lijkt", "levert"]
)
"""Finite verbs that make the infinitive before them a subject: ``inwinnen kost tijd``."""


def verb_form(word: str, base: str, before: str, after: str = "") -> VerbForm | Literal["plural"]:
    """The form of a Dutch verb joined with its particle (or not separable).

    ``before`` and ``after`` are the text around the word, to tell ``het
    inwinnen`` and ``inwinnen kost tijd`` (nouns) from ``kunnen inwinnen``.
    """
    folded = word.casefold()
    split = separable(base)
    particle = split[0] if split and folded.startswith(split[0]) else ""
    stripped, bare = folded[len(particle) :], base[len(particle) :]
    if folded.endswith(("end", "ende")):
        return "present participle"
    if folded == base:
        previous = re.findall(r"[\w']+", before[-40:].casefold())
        following = re.match(r"\s+(\w+)", after)
        nominal = bool(previous) and previous[-1] in DETERMINERS
        subject = following is not None and following.group(1).casefold() in SUBJECT_VERBS
        return "noun" if nominal or subject else "infinitive"
    # gebruikt is a present form: the ge- belongs to the verb itself.
    if (stripped.startswith("ge") and not bare.startswith("ge")) or folded.endswith("d"):
        return "participle"
    if folded.endswith("t"):
        return "singular"
    return "past"


def split_verb_form(word: str, base: str) -> VerbForm | Literal["plural"]:
    """The form of the finite part of a separated verb: ``wint`` … ``in``."""
    folded = word.casefold()
    if folded == base:
        return "plural"
    if folded.endswith("t") or base.startswith(folded):
        return "singular"
    return "past"


@cache
def english_verb(target: str, form: str) -> str:
    """The English target in the form the Dutch verb has: acquire → acquires."""
    if form == "to-infinitive":
        return "to " + target
    tag = _ENGLISH_TAGS[form][0]
    return _inflect_first(target, tag)


@cache
def accepted_verbs(target: str, form: str) -> tuple[str, ...]:
    """Every English form adherence accepts for a verb in this Dutch form."""
    return tuple(dict.fromkeys(_inflect_first(target, tag) for tag in _ENGLISH_TAGS[form][1]))


@cache
def accepted_adjectives(target: str) -> tuple[str, ...]:
    """The target and its comparative and superlative (``lemminflect`` knows them)."""
    from lemminflect import getAllInflections  # noqa: PLC0415

    first, _, rest = target.partition(" ")
    forms = [target]
    for found in getAllInflections(first, upos="ADJ").values():
        forms.extend(f"{f} {rest}".strip() for f in found)
    return tuple(dict.fromkeys(forms))


def _inflect_first(target: str, tag: str) -> str:
    """Inflect the first word of a (phrasal) verb: take part → takes part."""
    from lemminflect import getInflection  # noqa: PLC0415

    first, _, rest = target.partition(" ")
    found = getInflection(first, tag=tag)
    return f"{found[0] if found else first} {rest}".strip()


@cache
def indefinite_article(phrase: str) -> str:
    """``a`` or ``an`` for the English phrase that follows (inflect's rules: an hour,
    a university, an AHN file)."""
    import inflect  # noqa: PLC0415

    return str(inflect.engine().a(phrase)).split(" ", 1)[0]
