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
``pos``               part of speech: noun, proper noun, verb, adjective, phrase
``dnt``               ``yes``: do not translate; the target must equal the source
``case``              ``lower``: matched in any case, written lower-case except at
                      the start of a sentence; ``exact``: matched and written
                      exactly as given (names, acronyms)
``status``            ``approved`` (enforced) or ``proposed`` (under review)
``note``              free text for reviewers
====================  =========================================================

Only approved terms are enforced. Matching is on whole words: ``gemeente``
does not match inside ``gemeentehuis`` or ``gemeente-ambtenaar``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from xml.sax.saxutils import escape

from translator.errors import GlossaryError
from translator.files import default_glossary, write_atomic

COLUMNS = (
    "nl",
    "nl_plural",
    "nl_variants",
    "en",
    "en_plural",
    "pos",
    "dnt",
    "case",
    "status",
    "note",
)
PARTS_OF_SPEECH = ("noun", "proper noun", "verb", "adjective", "adverb", "phrase")
CASES = ("lower", "exact")
STATUSES = ("approved", "proposed")


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
    pos: str = "noun"
    dnt: bool = False
    """Do not translate: the source stays as it is."""
    case: str = "lower"
    status: str = "approved"
    note: str = ""
    line: int = 0
    """Line in the CSV file, for messages."""

    def forms(self) -> list[tuple[str, str]]:
        """Every Dutch form with the English it becomes."""
        singular = [(f, self.en) for f in (self.nl, *self.nl_variants)]
        return singular + [(f, self.en_plural or self.en) for f in self.nl_plural]


@dataclass(frozen=True, slots=True)
class TermMatch:
    """A glossary term found in Dutch text."""

    start: int
    end: int
    source: str
    """The Dutch text as it stands in the source."""
    target: str
    """The English form the glossary prescribes for it (before case rules)."""
    term: GlossaryTerm


@dataclass(frozen=True)
class Glossary:
    """The approved terms of a glossary file, ready to match."""

    terms: tuple[GlossaryTerm, ...] = ()
    path: Path | None = None
    proposed: tuple[GlossaryTerm, ...] = field(default=(), repr=False)

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
            alternatives.append(f"(?i:{body})" if term.case == "lower" else body)
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

    def find(self, text: str) -> list[TermMatch]:
        """Every term in ``text``, longest forms first, left to right, never overlapping."""
        if self._pattern is None:
            return []
        exact, folded = self._lookup
        matches = []
        for found in self._pattern.finditer(text):
            key = " ".join(found.group(0).split())
            term, target = exact.get(key) or folded[key.casefold()]
            matches.append(TermMatch(found.start(), found.end(), found.group(0), target, term))
        return matches

    @cached_property
    def sha256(self) -> str:
        """Hash of the approved terms: what the glossary makes the engine produce."""
        digest = hashlib.sha256()
        for term in sorted(self.terms, key=lambda t: t.nl):
            digest.update(repr((term.nl, term.forms(), term.dnt, term.case)).encode())
        return digest.hexdigest()


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


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a glossary CSV, each with its line number."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise GlossaryError(f"cannot read the glossary: {exc}", path=path) from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != COLUMNS:
        raise GlossaryError(
            f"the first line must name the columns: {','.join(COLUMNS)}", path=path, line=1
        )
    rows = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(COLUMNS):
            rows.append(
                (
                    line,
                    {
                        "__error__": f"has {len(cells)} fields, expected {len(COLUMNS)}"
                        " (quote a field that contains a comma)"
                    },
                )
            )
            continue
        rows.append((line, dict(zip(COLUMNS, cells, strict=True))))
    return rows


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
        problems.append(f"case must be lower or exact, not {row['case']!r}")
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
        pos=row["pos"].strip(),
        dnt=row["dnt"].strip() == "yes",
        case=row["case"].strip(),
        status=row["status"].strip(),
        note=row["note"].strip(),
        line=line,
    )


def lint(path: Path) -> list[Problem]:
    """Every problem in a glossary file: malformed rows, duplicates, conflicts, shadowing."""
    problems: list[Problem] = []
    terms = []
    for line, row in read_rows(path):
        found = _row_problems(row)
        problems.extend(Problem(line, message) for message in found)
        if not found:
            terms.append(_term(line, row))
    problems.extend(_duplicates(terms))
    problems.extend(_shadows(terms))
    return sorted(problems, key=lambda p: p.line)


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
    lookup = Glossary(tuple(terms))._lookup  # one index for all: linear, not one per term
    for term in terms:
        for form, target in term.forms():
            for inner in _inner_terms(form, term, lookup):
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


def _inner_terms(
    form: str,
    term: GlossaryTerm,
    lookup: tuple[dict[str, tuple[GlossaryTerm, str]], dict[str, tuple[GlossaryTerm, str]]],
) -> list[TermMatch]:
    """Other terms inside ``form`` as ``Glossary.find`` would match them there: left to
    right, the longest at each place, never overlapping; the whole form excluded.

    Looks the form's parts up (between the places a match may start and end)
    instead of compiling a pattern of every other term for every form, which made
    lint and load quadratic in the number of terms.
    """
    exact, folded = lookup

    def word(i: int) -> bool:
        return 0 <= i < len(form) and (form[i].isalnum() or form[i] in "_-")

    starts = [i for i in range(len(form)) if not word(i - 1) and not form[i].isspace()]
    ends = [j for j in range(len(form), 0, -1) if not word(j) and not form[j - 1].isspace()]
    found: list[TermMatch] = []
    for start in starts:
        if found and start < found[-1].end:
            continue
        for end in ends:
            if end <= start or (start, end) == (0, len(form)):
                continue
            key = " ".join(form[start:end].split())
            hit = exact.get(key) or folded.get(key.casefold())
            if hit is not None and hit[0] is not term:
                found.append(TermMatch(start, end, form[start:end], hit[1], hit[0]))
                break
    return found


def load(path: Path) -> Glossary:
    """Load a glossary; any lint problem is an error naming its line."""
    problems = lint(path)
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


def export_csv(terms: Sequence[GlossaryTerm]) -> str:
    """Terms as glossary CSV (the same format as terms.csv)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for t in terms:
        writer.writerow(
            [
                t.nl,
                "|".join(t.nl_plural),
                "|".join(t.nl_variants),
                t.en,
                t.en_plural,
                t.pos,
                "yes" if t.dnt else "no",
                t.case,
                t.status,
                t.note,
            ]
        )
    return out.getvalue()


def export_tbx(terms: Sequence[GlossaryTerm]) -> str:
    """Terms as TBX-Basic (ISO 30042), for CAT tools such as OmegaT and Trados."""
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
        for form in (t.en, t.en_plural) if t.en_plural else (t.en,):
            lines.append(
                f"        <tig><term>{escape(form)}</term>"
                f'<termNote type="partOfSpeech">{escape(t.pos)}</termNote></tig>'
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
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise GlossaryError(f"cannot read the TBX file: {exc}", path=path) from None
    lang_attr = "{http://www.w3.org/XML/1998/namespace}lang"
    terms = []
    for entry in root.iter("termEntry"):
        forms: dict[str, list[str]] = {}
        pos = "noun"
        for lang_set in entry.iter("langSet"):
            lang = (lang_set.get(lang_attr) or "").split("-")[0].lower()
            for tig in lang_set.iter("tig"):
                text = (tig.findtext("term") or "").strip()
                if text:
                    forms.setdefault(lang, []).append(text)
                for term_note in tig.iter("termNote"):
                    kind, value = term_note.get("type"), term_note.text
                    if kind == "partOfSpeech" and value in PARTS_OF_SPEECH:
                        pos = str(value)
        if forms.get("nl") and forms.get("en"):
            nl, en = forms["nl"], forms["en"]
            definition = entry.findtext("descrip") or ""
            terms.append(
                GlossaryTerm(
                    nl=nl[0],
                    en=en[0],
                    nl_variants=tuple(nl[1:]),
                    pos=pos,
                    dnt=nl[0] == en[0],
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
        rows = export_csv(unique).split("\n", 1)[1]
        write_atomic(path, text + rows)
    return len(unique), len(incoming) - len(new)
