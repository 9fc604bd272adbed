"""The domain glossary: one CSV row per concept, enforced in every translation.

``glossary/terms.csv`` is meant to be reviewed in diffs and spreadsheets:

====================  =========================================================
column                meaning
====================  =========================================================
``nl``                Dutch base form (singular); the entry's key
``nl_plural``         Dutch forms that take the English plural, ``|``-separated
``nl_variants``       other Dutch forms that take the English singular
                      (compounds, hyphenated and spelling variants)
``en``                English target (singular)
``en_plural``         English plural (required when ``nl_plural`` is given)
``en_noun``           verbs only: the English noun or gerund for a nominalised
                      infinitive (``het inwinnen`` → ``acquisition``)
``pos``               part of speech: noun, proper noun, verb, adjective,
                      adverb, phrase
``dnt``               ``yes``: do not translate; the target must equal the source
``case``              ``lower``: matched in any case, written lower-case except at
                      the start of a sentence; ``exact``: matched and written
                      exactly as given (acronyms); ``name``: matched in any case
                      (``omgevingswet``), written as given
``status``            ``approved`` (enforced) or ``proposed`` (under review)
``note``              for reviewers; names the source of the target
                      (``Source: government.nl``)
====================  =========================================================

Nouns, names, phrases and do-not-translate entries are written verbatim
(singular or plural as the Dutch has it). Verbs, adjectives and adverbs are
*guided*: their target is inflected as the Dutch word is (``wint … in`` →
``acquires``, ``ingewonnen`` → ``acquired``, ``het inwinnen`` → ``en_noun``),
and adherence accepts any English form that fits (``acquiring`` too).

Dutch forms need not be listed: a word is matched by its lemma
(``translator.glossary_forms``) when no listed form matches it, so
``inwintechniekje`` and ``basisregistraties`` find their entries. Listed forms
win.

Only approved terms are enforced. Matching is on whole words: ``gemeente``
does not match inside ``gemeentehuis`` or ``gemeente-ambtenaar``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from translator import __version__, glossary_forms
from translator.errors import GlossaryError
from translator.files import default_glossary, write_atomic

COLUMNS = (
    "nl",
    "nl_plural",
    "nl_variants",
    "en",
    "en_plural",
    "en_noun",
    "pos",
    "dnt",
    "case",
    "status",
    "note",
)
OPTIONAL_COLUMNS = ("en_noun",)
"""Columns added later: a file written before them still loads."""
PARTS_OF_SPEECH = ("noun", "proper noun", "verb", "adjective", "adverb", "phrase")
GUIDED = ("verb", "adjective", "adverb")
"""Parts of speech whose target is inflected as the sentence needs, not pasted."""
CASES = ("lower", "exact", "name")
STATUSES = ("approved", "proposed")
CALQUES = {
    "solution direction": "possible solution(s) or approach(es) (oplossingsrichting)",
    "solution directions": "possible solutions or approaches (oplossingsrichtingen)",
    "in the picture": "in view, under consideration (in beeld)",
    "base registry": "key register, as in the System of Key Registers (basisregistratie)",
    "base registries": "key registers (basisregistraties)",
    "learning point": "lesson learned (leerpunt)",
    "learning points": "lessons learned (leerpunten)",
    "plan of approach": "action plan or project plan (plan van aanpak)",
    "sounding board group": "sounding board (klankbordgroep)",
    "chain partner": "partner in the chain, stakeholder (ketenpartner)",
    "chain partners": "partners in the chain, stakeholders (ketenpartners)",
    "spear point": "priority (speerpunt)",
}
"""Dunglish targets ``glossary lint`` warns about, with what English writes instead."""


@dataclass(frozen=True, slots=True)
class GlossaryTerm:
    """One concept: its Dutch forms and the English it must become."""

    nl: str
    """Dutch base form; unique in the glossary."""
    en: str
    """English target for the base form and the variants."""
    nl_plural: tuple[str, ...] = ()
    """Dutch forms that take ``en_plural``."""
    nl_variants: tuple[str, ...] = ()
    """Other Dutch forms that take ``en``."""
    en_plural: str = ""
    en_noun: str = ""
    """For a verb: the noun or gerund a nominalised infinitive becomes (``het inwinnen``)."""
    pos: str = "noun"
    dnt: bool = False
    """Do not translate: the source stays as it is."""
    case: str = "lower"
    status: str = "approved"
    note: str = ""
    line: int = 0
    """Line in the CSV file, for messages."""

    def forms(self) -> list[tuple[str, str]]:
        """Every listed Dutch form with the English it becomes."""
        singular = [(f, self.en) for f in (self.nl, *self.nl_variants)]
        return singular + [(f, self.en_plural or self.en) for f in self.nl_plural]

    @property
    def guided(self) -> bool:
        """Inflected as the sentence needs (verbs, adjectives, adverbs), not pasted."""
        return self.pos in GUIDED and not self.dnt


@dataclass(frozen=True, slots=True)
class TermMatch:
    """A glossary term found in Dutch text."""

    start: int
    end: int
    source: str
    """The Dutch text as it stands in the source."""
    target: str
    """The English form the glossary prescribes for it (before case rules); for a
    do-not-translate term, the source itself."""
    term: GlossaryTerm
    form: str = ""
    """The Dutch word's form where it decides the English one: a verb's form
    (``singular``, ``participle``, ``noun`` …, see ``glossary_forms``),
    ``adjective``, ``genitive``; empty for a term written as listed."""
    particle: bool = False
    """The separated particle of a verb (``in`` of ``wint … in``), with the space
    before it: the engine does not see it, the verb's target carries its meaning."""


@dataclass(frozen=True)
class Glossary:
    """The approved terms of a glossary file, ready to match."""

    terms: tuple[GlossaryTerm, ...] = ()
    path: Path | None = None
    proposed: tuple[GlossaryTerm, ...] = field(default=(), repr=False)

    @cached_property
    def fingerprint(self) -> str:
        """Hash of every term with all its fields, and of this version of the tool.

        Stricter than ``uses_hash``: any change to the glossary changes it, so an
        equal fingerprint (with an unchanged source) proves the article's terms
        unchanged, and a different one only sends the article to the exact check.
        Computed once per glossary: a no-op run compares it once per article.
        """
        return hashlib.sha256(repr((__version__, self.terms)).encode("utf-8")).hexdigest()

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        forms = sorted(
            ((form, term) for term in self.terms for form, _ in term.forms()),
            key=lambda item: -len(item[0]),
        )
        if not forms:
            return None
        alternatives = []
        for form, term in forms:
            body = r"\s+".join(re.escape(word) for word in form.split())
            if _takes_genitive(form, term):
                body += "(?:['\u2019]s|s)?"
            alternatives.append(body if term.case == "exact" else f"(?i:{body})")
        return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")

    @cached_property
    def _lookup(
        self,
    ) -> tuple[dict[str, tuple[GlossaryTerm, str]], dict[str, tuple[GlossaryTerm, str]]]:
        exact: dict[str, tuple[GlossaryTerm, str]] = {}
        folded: dict[str, tuple[GlossaryTerm, str]] = {}
        for term in self.terms:
            for form, target in term.forms():
                key = " ".join(form.split())
                if term.case == "exact":
                    exact[key] = (term, target)
                else:
                    folded[key.casefold()] = (term, target)
        return exact, folded

    @cached_property
    def _lemmas(self) -> dict[tuple[str, ...], GlossaryTerm]:
        """Lower-case entries by the lemmas of their words, for forms not listed."""
        index: dict[tuple[str, ...], GlossaryTerm] = {}
        for term in self.terms:
            if term.case == "lower" and not term.dnt:
                for form in (term.nl, *term.nl_variants):
                    key = tuple(glossary_forms.lemma(w) for w in form.split())
                    index.setdefault(key, term)
        return index

    @cached_property
    def _separable(self) -> dict[str, tuple[str, GlossaryTerm]]:
        """Separable verbs by their base verb: winnen → (in, inwinnen)."""
        index = {}
        for term in self.terms:
            if term.pos == "verb" and term.guided and " " not in term.nl:
                split = glossary_forms.separable(glossary_forms.lemma(term.nl))
                if split is not None:
                    index[split[1]] = (split[0], term)
        return index

    @cached_property
    def _starts(self) -> frozenset[str]:
        """Lemmas a found-by-lemma term can start with, and particles of separable verbs."""
        firsts = {key[0] for key in self._lemmas}
        return frozenset(firsts | set(self._separable) | {p for p, _ in self._separable.values()})

    def find(self, text: str) -> list[TermMatch]:
        """Every term in ``text``, left to right, never overlapping.

        Listed forms come first (longest first); then words that are inflected
        forms of an entry (by lemma), and separated verbs (``wint … in``).
        """
        listed = self._listed(text)
        return sorted([*listed, *self._inflected(text, listed)], key=lambda m: m.start)

    def _listed(self, text: str) -> list[TermMatch]:
        if self._pattern is None:
            return []
        found = (self._match(text, m.start(), m.end()) for m in self._pattern.finditer(text))
        return [match for match in found if match is not None]

    def _match(
        self, text: str, start: int, end: int, skip: GlossaryTerm | None = None
    ) -> TermMatch | None:
        """The term whose listed form is ``text[start:end]`` (other than ``skip``), if any."""
        exact, folded = self._lookup
        source = text[start:end]
        key = " ".join(source.split())
        genitive = key not in exact and key.casefold() not in folded
        if genitive:
            key = re.sub(r"(?:['\u2019][sS]|[sS])$", "", key)
        entry = exact.get(key) or folded.get(key.casefold())
        if entry is None or entry[0] is skip:
            return None
        term, target = entry
        if term.case == "name" and _ordinary_word(source):
            return None
        if genitive and skip is not None and not _takes_genitive(term.nl, term):
            return None  # the pattern allows the -s only after names; a lookup must check
        if term.dnt and term.case == "lower":
            target = source
        match = TermMatch(start, end, source, target, term)
        if genitive:
            return replace(match, target=_genitive(target), form="genitive")
        if term.guided:
            return _guided(match, text, glossary_forms.lemma(term.nl))
        return match

    def _inflected(self, text: str, listed: Sequence[TermMatch]) -> list[TermMatch]:
        """Terms found by lemma: forms the glossary does not list."""
        if not self.terms or not (self._lemmas or self._separable):
            return []
        taken = [(m.start, m.end) for m in listed]
        tokens = list(_TOKEN.finditer(text))
        longest = max((len(k) for k in self._lemmas), default=1)
        starts = self._starts
        matches: list[TermMatch] = []
        for i in range(len(tokens)):
            word = tokens[i].group(0).casefold()
            # One cached lookup rules out almost every word: this runs on every no-op batch.
            if word not in starts and glossary_forms.lemma(word) not in starts:
                continue
            if _overlaps(tokens[i].span(), taken):
                continue
            found = self._separated(text, tokens, i, taken) or self._by_lemma(
                text, tokens, i, longest, taken
            )
            matches.extend(found)
            taken.extend((m.start, m.end) for m in found)
        return matches

    def _by_lemma(
        self,
        text: str,
        tokens: Sequence[re.Match[str]],
        i: int,
        longest: int,
        taken: list[tuple[int, int]],
    ) -> list[TermMatch]:
        for size in range(min(longest, len(tokens) - i), 0, -1):
            words = tokens[i : i + size]
            if _overlaps((words[0].start(), words[-1].end()), taken) or any(
                text[a.end() : b.start()].strip() for a, b in itertools.pairwise(words)
            ):
                continue  # only free words separated by spaces make one term
            key = tuple(glossary_forms.lemma(w.group(0)) for w in words)
            term = self._lemmas.get(key)
            if term is None:
                continue
            start, end = words[0].start(), words[-1].end()
            match = TermMatch(start, end, text[start:end], term.en, term)
            if term.guided:
                return [_guided(match, text, key[-1])]
            if glossary_forms.noun_form(words[-1].group(0), key[-1]) == "plural":
                match = replace(match, target=term.en_plural or term.en)
            return [match]
        return []

    def _separated(
        self, text: str, tokens: Sequence[re.Match[str]], i: int, taken: list[tuple[int, int]]
    ) -> list[TermMatch]:
        """``in te winnen`` (one match) or ``wint … in`` (the verb and its particle)."""
        if not self._separable:
            return []
        word = tokens[i].group(0).casefold()
        following = [t.group(0).casefold() for t in tokens[i + 1 : i + 3]]
        for base, (particle, term) in self._separable.items():
            if word == particle and following == ["te", base]:
                start, end = tokens[i].start(), tokens[i + 2].end()
                target = glossary_forms.english_verb(term.en, "to-infinitive")
                return [TermMatch(start, end, text[start:end], target, term, "to-infinitive")]
        split = self._separable.get(glossary_forms.lemma(word))
        if split is None or word.startswith(split[0]):
            return []
        particle, term = split
        clause = re.split(r"[.,;:!?()\[\]]", text[tokens[i].end() :], maxsplit=1)[0]
        last = list(_TOKEN.finditer(clause))[-1:]
        if not last or last[0].group(0).casefold() != particle:
            return []
        end = tokens[i].end() + last[0].end()
        start = len(text[: end - len(particle)].rstrip())
        if _overlaps((start, end), taken):
            return []
        form = glossary_forms.split_verb_form(word, glossary_forms.lemma(word))
        verb = TermMatch(
            tokens[i].start(),
            tokens[i].end(),
            tokens[i].group(0),
            glossary_forms.english_verb(term.en, form),
            term,
            form,
        )
        return [verb, TermMatch(start, end, text[start:end], "", term, form, particle=True)]

    @cached_property
    def sha256(self) -> str:
        """Hash of the approved terms: what the glossary makes the engine produce."""
        digest = hashlib.sha256()
        for term in sorted(self.terms, key=lambda t: t.nl):
            digest.update(
                repr((term.nl, term.forms(), term.en_noun, term.pos, term.dnt, term.case)).encode()
            )
        return digest.hexdigest()


_TOKEN = re.compile(r"(?<![\w-])\w(?:[\w'\u2019-]*\w)?(?![\w-])")
"""A word as the glossary matches it: ``programma's`` and ``3D-keten`` are one."""


def _overlaps(span: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _takes_genitive(form: str, term: GlossaryTerm) -> bool:
    """Names take a genitive -s (Den Haags, Kadasters); acronyms do not (BAGs is a plural)."""
    last = form.rsplit(maxsplit=1)[-1]
    name = term.pos == "proper noun" and term.case != "lower"
    return name and last[-1:].isalpha() and not last.isupper()


def _genitive(target: str) -> str:
    return target + ("'" if target.endswith("s") else "'s")


def _ordinary_word(source: str) -> bool:
    """A name written in lower case that is also an ordinary Dutch word is that word."""
    return source == source.casefold() and " " not in source and glossary_forms.is_word(source)


def _guided(match: TermMatch, text: str, lemma: str) -> TermMatch:
    """A verb's target in the form of its Dutch word; an adjective's as it is."""
    term = match.term
    if term.pos != "verb":
        return replace(match, form="adjective")
    form = glossary_forms.verb_form(match.source, lemma, text[: match.start], text[match.end :])
    if form == "noun":
        gerund = glossary_forms.english_verb(term.en, "present participle")
        return replace(match, target=term.en_noun or gerund, form=form)
    return replace(match, target=glossary_forms.english_verb(term.en, form), form=form)


def accepted(match: TermMatch) -> tuple[str, ...]:
    """The English forms that carry a term where it was found (before case rules)."""
    term = match.term
    if not term.guided or match.form in ("", "genitive"):
        return (match.target,)
    if match.form == "adjective":
        return glossary_forms.accepted_adjectives(term.en)
    if match.form == "noun":
        gerund = glossary_forms.english_verb(term.en, "present participle")
        return tuple(dict.fromkeys(f for f in (term.en_noun, gerund) if f))
    return glossary_forms.accepted_verbs(term.en, match.form)


def present(match: TermMatch, english: str) -> bool:
    """Whether an English text carries the term: its target, or for a guided term any
    form that fits the Dutch (acquires, acquired, acquiring; never a pasted lemma)."""
    if match.particle:
        return True
    folded = english.casefold()
    if not match.term.guided:
        return match.target.casefold() in folded
    return any(
        re.search(rf"(?<![\w-]){re.escape(form.casefold())}(?![\w-])", folded)
        for form in accepted(match)
    )


def uses_hash(matches: Iterable[TermMatch]) -> str:
    """Hash of the terms one article uses: it changes only when one of them does."""
    pairs = sorted({(m.term.nl, m.source.casefold(), m.target) for m in matches})
    return hashlib.sha256(repr(pairs).encode()).hexdigest()


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """A lint finding, with the line it is on."""

    line: int
    message: str
    warning: bool = False
    """A term that works but is questionable (a calque, no source): lint reports it,
    translation goes on. Errors stop translation."""


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a glossary CSV, each with its line number."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise GlossaryError(f"cannot read the glossary: {exc}", path=path) from None
    reader = csv.reader(io.StringIO(text))
    header = tuple(h.strip() for h in next(reader, []))
    if header not in (COLUMNS, _without_optional()):
        raise GlossaryError(
            f"the first line must name the columns: {','.join(COLUMNS)}", path=path, line=1
        )
    rows = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            rows.append(
                (
                    line,
                    {
                        "__error__": f"has {len(cells)} fields, expected {len(header)}"
                        " (quote a field that contains a comma)"
                    },
                )
            )
            continue
        row = dict.fromkeys(OPTIONAL_COLUMNS, "") | dict(zip(header, cells, strict=True))
        rows.append((line, row))
    return rows


def _without_optional() -> tuple[str, ...]:
    """The header of a glossary written before the optional columns existed."""
    return tuple(c for c in COLUMNS if c not in OPTIONAL_COLUMNS)


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|") if v.strip())


def _row_problems(row: dict[str, str]) -> list[str]:
    if "__error__" in row:
        return [row["__error__"]]
    problems = []
    for name, value in row.items():
        if value != value.strip() or "  " in value:
            problems.append(f"{name} has stray spaces: {value!r}")
        if "⟦" in value or "⟧" in value:  # would be read back as a placeholder
            problems.append(f"{name} contains ⟦ or ⟧, which translator keeps for placeholders")
    if not row["nl"].strip():
        problems.append("nl is empty")
    if not row["en"].strip():
        problems.append("en is empty")
    if row["nl_plural"].strip() and not row["en_plural"].strip():
        problems.append("nl_plural is given but en_plural is empty")
    if row["pos"].strip() not in PARTS_OF_SPEECH:
        problems.append(f"pos {row['pos']!r} is not one of: {', '.join(PARTS_OF_SPEECH)}")
    if row["dnt"].strip() not in ("yes", "no"):
        problems.append(f"dnt must be yes or no, not {row['dnt']!r}")
    if row["case"].strip() not in CASES:
        problems.append(f"case must be lower, exact or name, not {row['case']!r}")
    if row["en_noun"].strip() and row["pos"].strip() != "verb":
        problems.append("en_noun is for verbs only (the noun a nominalised infinitive becomes)")
    if row["status"].strip() not in STATUSES:
        problems.append(f"status must be approved or proposed, not {row['status']!r}")
    if row["dnt"].strip() == "yes" and row["en"].strip() != row["nl"].strip():
        problems.append("dnt is yes, so en must equal nl")
    return problems


def _term(line: int, row: dict[str, str]) -> GlossaryTerm:
    return GlossaryTerm(
        nl=" ".join(row["nl"].split()),
        en=row["en"].strip(),
        nl_plural=_split(row["nl_plural"]),
        nl_variants=_split(row["nl_variants"]),
        en_plural=row["en_plural"].strip(),
        en_noun=row["en_noun"].strip(),
        pos=row["pos"].strip(),
        dnt=row["dnt"].strip() == "yes",
        case=row["case"].strip(),
        status=row["status"].strip(),
        note=row["note"].strip(),
        line=line,
    )


def lint(path: Path) -> list[Problem]:
    """Every problem in a glossary file: malformed rows, duplicates, conflicts, shadowing;
    and, as warnings, Dunglish targets and entries whose note names no source."""
    problems: list[Problem] = []
    terms = []
    for line, row in read_rows(path):
        found = _row_problems(row)
        problems.extend(Problem(line, message) for message in found)
        if not found:
            terms.append(_term(line, row))
    problems.extend(_duplicates(terms))
    problems.extend(_shadows(terms))
    problems.extend(_warnings(terms))
    return sorted(problems, key=lambda p: p.line)


def _warnings(terms: Sequence[GlossaryTerm]) -> list[Problem]:
    problems = []
    for term in terms:
        for target in {term.en, term.en_plural, term.en_noun} - {""}:
            for calque, instead in CALQUES.items():
                if re.search(rf"(?<!\w){re.escape(calque)}(?!\w)", target.casefold()):
                    problems.append(
                        Problem(
                            term.line,
                            f"{target!r} is a Dunglish calque; English writes {instead}",
                            warning=True,
                        )
                    )
        if term.status == "approved" and "source:" not in term.note.casefold():
            problems.append(
                Problem(
                    term.line,
                    f"the note of {term.nl!r} names no source; add 'Source: …' naming where "
                    "the target is official usage (government.nl, Kadaster, Geonovum …)",
                    warning=True,
                )
            )
        if term.pos == "verb" and term.guided and not term.en_noun:
            problems.append(
                Problem(
                    term.line,
                    f"verb {term.nl!r} has no en_noun: 'het {term.nl}' will become the gerund "
                    f"{glossary_forms.english_verb(term.en, 'present participle')!r}",
                    warning=True,
                )
            )
    return problems


def _key(form: str, term: GlossaryTerm) -> str:
    form = " ".join(form.split())
    return form if term.case == "exact" else form.casefold()


def _duplicates(terms: Sequence[GlossaryTerm]) -> list[Problem]:
    problems = []
    seen_entries: dict[str, GlossaryTerm] = {}
    for term in terms:
        if term.nl in seen_entries:
            problems.append(
                Problem(
                    term.line,
                    f"duplicate entry {term.nl!r} (first on line {seen_entries[term.nl].line})",
                )
            )
        else:
            seen_entries[term.nl] = term
    seen_forms: dict[str, tuple[GlossaryTerm, str]] = {}
    for term in terms:
        for form, target in term.forms():
            key = _key(form, term)
            if key in seen_forms and seen_forms[key][0] is not term:
                first, first_target = seen_forms[key]
                if first.nl == term.nl:
                    continue  # reported as a duplicate entry
                what = (
                    f"mapped to two targets, {first_target!r} (line {first.line}) and {target!r}"
                    if first_target != target
                    else f"listed twice (also on line {first.line})"
                )
                problems.append(Problem(term.line, f"Dutch form {form!r} is {what}"))
            elif key in seen_forms:
                problems.append(Problem(term.line, f"Dutch form {form!r} is listed twice"))
            else:
                seen_forms[key] = (term, target)
    return problems


def _shadows(terms: Sequence[GlossaryTerm]) -> list[Problem]:
    """A form inside a longer form of another entry that translates it differently.

    The longer form wins where both match, so inside it the shorter term's
    target never appears: "voorziening" → "provision" is shadowed by
    "landelijke voorziening" → "national facility".
    """
    problems = []
    everything = Glossary(tuple(terms))  # one index for all: linear, not one per term
    for term in terms:
        for form, target in term.forms():
            for inner in _inner_terms(form, term, everything):
                if inner.target.casefold() not in target.casefold():
                    problems.append(
                        Problem(
                            term.line,
                            f"{form!r} shadows {inner.term.nl!r} (line {inner.term.line}): "
                            "inside it, "
                            f"{inner.source!r} becomes {target!r}, which does not contain "
                            f"{inner.target!r}",
                        )
                    )
    return problems


_MATCH_START = re.compile(r"(?<![\w-])\S")
_MATCH_END = re.compile(r"\S(?![\w-])")


def _inner_terms(form: str, term: GlossaryTerm, everything: Glossary) -> list[TermMatch]:
    """Other terms inside ``form`` as ``Glossary.find`` would match them there: left to
    right, the longest at each place, never overlapping; the whole form excluded.

    Looks the form's parts up (between the places a match may start and end)
    instead of compiling a pattern of every other term for every form, which made
    lint and load quadratic in the number of terms.
    """
    # Where Glossary._pattern's (?<![\w-]) and (?![\w-]) let a match start and end.
    starts = [m.start() for m in _MATCH_START.finditer(form)]
    ends = [m.end() for m in _MATCH_END.finditer(form)][::-1]
    found: list[TermMatch] = []
    for start in starts:
        if found and start < found[-1].end:
            continue
        for end in ends:
            if end <= start or (start, end) == (0, len(form)):
                continue
            match = everything._match(form, start, end, skip=term)
            if match is not None:
                found.append(match)
                break
    return found


def load(path: Path) -> Glossary:
    """Load a glossary; any lint error (not a warning) is an error naming its line."""
    problems = [p for p in lint(path) if not p.warning]
    if problems:
        first = problems[0]
        more = (
            f" (and {len(problems) - 1} more; run 'translator glossary lint')"
            if len(problems) > 1
            else ""
        )
        raise GlossaryError(f"{first.message}{more}", path=path, line=first.line)
    terms = [_term(line, row) for line, row in read_rows(path)]
    return Glossary(
        tuple(t for t in terms if t.status == "approved"),
        path,
        tuple(t for t in terms if t.status == "proposed"),
    )


default_path = default_glossary
"""Where the glossary is found by default (kept here for callers; see ``files``)."""


# --- export and import -----------------------------------------------------------------------


def export_csv(terms: Sequence[GlossaryTerm], columns: Sequence[str] = COLUMNS) -> str:
    """Terms as glossary CSV (the same format as terms.csv), in the given columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for t in terms:
        cells = {
            "nl": t.nl,
            "nl_plural": "|".join(t.nl_plural),
            "nl_variants": "|".join(t.nl_variants),
            "en": t.en,
            "en_plural": t.en_plural,
            "en_noun": t.en_noun,
            "pos": t.pos,
            "dnt": "yes" if t.dnt else "no",
            "case": t.case,
            "status": t.status,
            "note": t.note,
        }
        writer.writerow([cells[c] for c in columns])
    return out.getvalue()


def export_tbx(terms: Sequence[GlossaryTerm]) -> str:
    """Terms as TBX-Basic (ISO 30042), for CAT tools such as OmegaT and Trados."""
    from xml.sax.saxutils import escape  # noqa: PLC0415 - exports only

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<martif type="TBX-Basic" xml:lang="en">',
        "  <martifHeader><fileDesc><sourceDesc><p>translator glossary</p></sourceDesc>"
        "</fileDesc></martifHeader>",
        "  <text><body>",
    ]
    for i, t in enumerate(terms, start=1):
        lines.append(f'    <termEntry id="t{i}">')
        if t.note:
            lines.append(f'      <descrip type="definition">{escape(t.note)}</descrip>')
        lines.append('      <langSet xml:lang="nl">')
        for form in (t.nl, *t.nl_plural, *t.nl_variants):
            lines.append(
                f"        <tig><term>{escape(form)}</term>"
                f'<termNote type="partOfSpeech">{escape(t.pos)}</termNote>'
                f'<termNote type="administrativeStatus">{_tbx_status(t)}</termNote></tig>'
            )
        lines.append("      </langSet>")
        lines.append('      <langSet xml:lang="en">')
        english = [(f, t.pos) for f in (t.en, t.en_plural) if f]
        for form, pos in [*english, *([(t.en_noun, "noun")] if t.en_noun else [])]:
            lines.append(
                f"        <tig><term>{escape(form)}</term>"
                f'<termNote type="partOfSpeech">{escape(pos)}</termNote></tig>'
            )
        lines.append("      </langSet>")
        lines.append("    </termEntry>")
    lines += ["  </body></text>", "</martif>", ""]
    return "\n".join(lines)


def _tbx_status(term: GlossaryTerm) -> str:
    return "preferredTerm-admn-sts" if term.status == "approved" else "admittedTerm-admn-sts"


def read_import(path: Path) -> list[GlossaryTerm]:
    """Terms from a glossary CSV or a TBX file, all marked ``proposed``."""
    if path.suffix.lower() in (".tbx", ".xml"):
        return _read_tbx(path)
    terms = []
    for line, row in read_rows(path):
        problems = _row_problems(row)
        if problems:
            raise GlossaryError(problems[0], path=path, line=line)
        terms.append(replace(_term(line, row), status="proposed"))
    return terms


def _read_tbx(path: Path) -> list[GlossaryTerm]:
    import xml.etree.ElementTree as ET  # noqa: PLC0415 - imports only

    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise GlossaryError(f"cannot read the TBX file: {exc}", path=path) from None
    lang_attr = "{http://www.w3.org/XML/1998/namespace}lang"
    terms = []
    for entry in root.iter("termEntry"):
        forms: dict[str, list[tuple[str, str]]] = {}
        for lang_set in entry.iter("langSet"):
            lang = (lang_set.get(lang_attr) or "").split("-")[0].lower()
            for tig in lang_set.iter("tig"):
                text = (tig.findtext("term") or "").strip()
                pos = next(
                    (
                        str(note.text)
                        for note in tig.iter("termNote")
                        if note.get("type") == "partOfSpeech" and note.text in PARTS_OF_SPEECH
                    ),
                    "",
                )
                if text:
                    forms.setdefault(lang, []).append((text, pos))
        if forms.get("nl") and forms.get("en"):
            nl, en = [f for f, _ in forms["nl"]], forms["en"]
            pos = forms["nl"][0][1] or "noun"
            # A verb's English noun (en_noun) is the English term tagged as a noun.
            noun = next((f for f, p in en[1:] if pos == "verb" and p == "noun"), "")
            definition = entry.findtext("descrip") or ""
            terms.append(
                GlossaryTerm(
                    nl=nl[0],
                    en=en[0][0],
                    en_noun=noun,
                    nl_variants=tuple(nl[1:]),
                    pos=pos,
                    dnt=nl[0] == en[0][0],
                    case="lower",
                    status="proposed",
                    note=definition.strip(),
                )
            )
    return terms


def merge_import(path: Path, incoming: Sequence[GlossaryTerm]) -> tuple[int, int]:
    """Append imported terms not yet in the glossary file, as ``proposed``.

    Returns (added, already present). The file is rewritten atomically.
    """

    existing = {
        _term(line, row).nl.casefold() for line, row in read_rows(path) if "__error__" not in row
    }
    new = [t for t in incoming if t.nl.casefold() not in existing]
    unique = list({t.nl.casefold(): t for t in new}.values())
    if unique:
        text = path.read_text(encoding="utf-8")
        if not text.endswith("\n"):
            text += "\n"
        header = next(csv.reader(io.StringIO(text)))
        columns = COLUMNS if "en_noun" in header else _without_optional()
        rows = export_csv(unique, columns).split("\n", 1)[1]
        write_atomic(path, text + rows)
    return len(unique), len(incoming) - len(new)
