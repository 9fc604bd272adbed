"""The pipeline: how one run turns Dutch articles into English ones.

Stages, in order (each its own module):

1. read          bytes → text: UTF-8 only, BOM kept aside         ``files.read``
2. front matter  locate, parse, pick translatable values          ``front_matter``
3. detect        the language of the prose; skip non-Dutch        ``detect``
4. segment       Markdown body → segments of atoms                ``segment``
5. protect       markup → placeholders; English notes kept        ``protect``
6. translate     one engine batch for every file of the run       ``engines``
7. reassemble    translations back into the source spans          ``reassemble``
8. verify        re-parse and compare structure; fall back        ``verify``
9. write         atomic write, provenance in the front matter     ``output``

Stages 1-5 run per file (``load``); 6-8 run over all files at once
(``translate_articles``), so an engine is loaded once and sees one batch. When
an engine loses a placeholder or its output would change the structure, the
affected segments are translated again run by run, between their placeholders,
in at most one more batch; a file that still fails is reported and not written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from translator import (
    __version__,
    detect,
    front_matter,
    protect,
    reassemble,
    segment,
    taxonomies,
    verify,
)
from translator.detect import Detection
from translator.engines import Engine
from translator.errors import EngineError, InputError, StructureError, TranslatorError
from translator.files import read, text_hash
from translator.front_matter import FrontMatter
from translator.glossary import Glossary, TermMatch, present, uses_hash
from translator.markdown import (
    VISIBLE_PARAMETERS,
    NestingError,
    Parameters,
)

# Re-exported (``x as x``): defined where a no-op run imports them without the stages;
# the pipeline's callers keep importing them from here.
from translator.options import Options as Options  # noqa: PLC0414
from translator.options import glossary_fingerprint as glossary_fingerprint  # noqa: PLC0414
from translator.options import links_hash as links_hash  # noqa: PLC0414
from translator.options import site_links as site_links  # noqa: PLC0414
from translator.segment import Segment

STAGES = (
    "read",
    "front matter",
    "detect",
    "segment",
    "protect",
    "translate",
    "reassemble",
    "verify",
    "write",
)

SOURCE_LANGUAGE = "nl"


@dataclass(frozen=True, slots=True)
class Article:
    """A source article, read and segmented, ready for the engine."""

    path: Path
    raw: str
    """The text without its BOM, line endings as in the file."""
    bom: bool
    newline: str
    """The file's line ending, used for lines translator adds."""
    sha256: str
    """Hash of the source bytes, recorded in the output's provenance."""
    front_matter: FrontMatter
    segments: tuple[Segment, ...]
    """Front-matter segments first, then body segments, in document order."""
    language: Detection
    english: frozenset[int] = frozenset()
    """Indices of segments left as they are because they are English already."""
    plain: tuple[Segment, ...] = ()
    """The segments before language detection touched them: what hashes are made of,
    so that a check without detection agrees with the run that wrote the record."""
    parameters: Parameters = VISIBLE_PARAMETERS
    """The shortcode parameters translated in it, which verification lets differ."""
    taxonomies: tuple[str, ...] = ()
    """Front-matter keys whose terms are translated through the glossary only."""
    unkept_ids: tuple[tuple[int, str], ...] = ()
    """(line, id) of linked headings whose Dutch id the English page cannot keep."""
    linked: frozenset[str] = frozenset()
    """Heading ids that other pages of the site link to."""
    structure: verify.Structure | None = None
    """The body's Markdown structure, read from segmentation's parse so that
    verification does not parse the Dutch again; None: verification parses it."""

    @property
    def head(self) -> str:
        """The front-matter block as written, fences included."""
        return self.raw[: self.front_matter.end]

    @property
    def dutch(self) -> bool:
        return self.language.language == SOURCE_LANGUAGE

    @property
    def todo(self) -> list[int]:
        """Indices of the segments that go to the engine."""
        return [i for i, s in enumerate(self.segments) if s.translatable and i not in self.english]


@dataclass(frozen=True, slots=True)
class Stats:
    """What happened to an article's segments."""

    segments: int = 0
    """Segments with prose."""
    translated: int = 0
    """Segments sent to the engine."""
    english: int = 0
    """Segments left as they were because they are English."""
    fallbacks: int = 0
    """Segments translated run by run because the engine broke their markup."""
    terms_expected: int = 0
    """Glossary terms found in the Dutch segments that were translated."""
    terms_present: int = 0
    """Of those, how many have their target in the English segment."""
    reused: int = 0
    """Segments whose English was kept from the existing translation."""


@dataclass(frozen=True, slots=True)
class Kept:
    """What an earlier translation of an article lets a run keep."""

    english: Mapping[int, str] = field(default_factory=dict)
    """English to keep as it is, by segment index: the segment is not translated again."""
    changed: tuple[str, ...] = ()
    """The keys the earlier run recorded as new; carried over when this run adds none,
    so that a run with nothing new writes the same file again."""
    human: frozenset[int] = frozenset()
    """Indices (among ``english``) whose English a person wrote: recorded as such, so
    that a correction stays known as one after a run has kept it."""


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome for one source file."""

    path: Path
    status: Literal["translated", "skipped", "failed"]
    text: str | None = None
    """The English article, for ``translated``."""
    language: Detection | None = None
    error: TranslatorError | None = None
    """Why the file failed or was skipped."""
    stats: Stats = field(default_factory=Stats)
    misses: tuple[TermMiss, ...] = ()
    """Glossary targets missing from the translation, written twice or glued to a word."""
    uncertain: tuple[int, ...] = ()
    """Lines of segments whose markup the engine placed with low confidence."""
    untranslated_terms: tuple[taxonomies.Value, ...] = ()
    """Taxonomy terms kept in Dutch because the glossary has no entry for them."""
    unkept_ids: tuple[tuple[int, str], ...] = ()
    """(line, id) of linked headings whose Dutch id the English page cannot keep."""


@dataclass(frozen=True, slots=True)
class TermMiss:
    """A glossary target that did not make it into a translated segment."""

    path: Path
    line: int
    term: str
    """The Dutch term as written in the source."""
    target: str
    problem: str = "missing"
    """``missing``, ``duplicated`` (written more often than the Dutch uses it) or
    ``mangled`` (glued to another word, as in "T3DD")."""


# --- stages 1-5 ----------------------------------------------------------------------------------


_CR_FENCE = re.compile(r"(?:---|\+\+\+)[ \t]*\r(?!\n)")


def load(path: Path, options: Options = Options(), *, text: str | None = None) -> Article:
    """Read, parse, detect and segment one article (stages 1-5)."""
    if text is None:
        text, bom = read(path)
    else:
        bom, text = text.startswith("\ufeff"), text.removeprefix("\ufeff")
    if options.front_matter and _CR_FENCE.match(text):
        # Front matter with CR-only line ends (classic Mac) is found by no parser: its keys
        # would be read, and translated, as a Markdown heading.
        raise InputError(
            "has CR-only line endings (classic Mac); save it with LF or CRLF line endings",
            path=path,
            line=1,
        )
    fm = (
        front_matter.parse(text, path=str(path), keys=options.front_matter_keys)
        if options.front_matter
        else FrontMatter(None)
    )
    try:
        parsed = segment.parse(text[fm.end :])
        body = segment.segment_body(
            text[fm.end :],
            offset=fm.end,
            first_line=fm.body_line,
            alt_texts=options.alt_texts,
            parameters=options.shortcode_parameters,
            goldmark=options.goldmark,
            linked=options.linked,
            parsed=parsed,
        )
    except NestingError as exc:
        raise InputError(
            f"{exc}; markdown parsers stop reading there, so it cannot be translated whole. "
            "Flatten the lists or blockquotes",
            path=path,
            line=fm.body_line + exc.line - 1,
        ) from None
    segments = plain = (*fm.segments, *body)
    if options.source_language is not None:
        language, english = Detection(options.source_language, 1.0), frozenset[int]()
    else:
        language = detect.article_language((s.prose for s in segments), site=options.site_language)
        english = frozenset[int]()
        if language.language == SOURCE_LANGUAGE:  # English notes matter in Dutch articles only
            segments = tuple(
                protect.keep_elements(s, text, detect.is_clearly_english) for s in segments
            )
            english = frozenset(
                i
                for i, s in enumerate(segments)
                if s.translatable and detect.is_clearly_english(s.prose)
            )
    return Article(
        path=path,
        raw=text,
        bom=bom,
        newline="\r\n" if "\r\n" in text else "\n",
        sha256=hashlib.sha256((("\ufeff" if bom else "") + text).encode("utf-8")).hexdigest(),
        front_matter=fm,
        segments=segments,
        language=language,
        english=english,
        plain=plain,
        parameters=options.shortcode_parameters,
        taxonomies=options.taxonomies if fm.format is not None else (),
        linked=options.linked,
        unkept_ids=tuple(
            (fm.body_line + line - 1, anchor)
            for line, anchor in segment.unkept_ids(text[fm.end :], options.goldmark)
        ),
        structure=verify.parsed_structure(text[fm.end :], parsed),
    )


# --- stages 6-8 ----------------------------------------------------------------------------------


class _Plan:
    """The mutable working state of one article during a run."""

    def __init__(self, article: Article, glossary: Glossary | None, kept: Kept) -> None:
        self.article = article
        self.glossary = glossary
        self.kept = kept
        todo = article.todo
        self.protected = {i: protect.protect(article.segments[i], glossary) for i in todo}
        # Segments whose English is taken as it is: unchanged since the last run.
        self.rebuilt: dict[int, str] = {i: kept.english[i] for i in todo if i in kept.english}
        self.reused = frozenset(self.rebuilt)
        self.fresh = [i for i in todo if i not in self.reused]
        """The segments that go to the engine: those not reused."""
        self.fallback: set[int] = set()
        self.uncertain: set[int] = set()
        """Segments whose markup the engine placed with low confidence."""
        self.error: TranslatorError | None = None
        self.body = article.raw[article.front_matter.end :]

    def apply(self, i: int, translated: str) -> bool:
        """Rebuild segment ``i`` from engine output; False when the output is unusable."""
        seg = self.article.segments[i]
        if not _prose(translated) and _prose(self.protected[i].text):
            return False  # an engine that drops the prose has not translated it
        try:
            self.rebuilt[i] = reassemble.rebuild(
                self.protected[i],
                translated,
                kind=seg.kind,
                markdown=seg.kind != "front_matter",
                # Escape every metacharacter where minimal escaping changed the structure.
                minimal=i not in self.fallback,
            )
        except protect.PlaceholderError:
            return False
        return True

    def assemble_body(self) -> str:
        offset = self.article.front_matter.end
        return reassemble.splice(
            self.body,
            (
                (s.start - offset, s.end - offset, self.rebuilt[i])
                for i, s in enumerate(self.article.segments)
                if i in self.rebuilt and s.kind != "front_matter"
            ),
        )

    def mismatch(self) -> verify.Mismatch | None:
        return verify.compare(
            self.body, self.assemble_body(), self.article.parameters, known=self.article.structure
        )

    def culprit(self, mismatch: verify.Mismatch) -> int | None:
        """The translated body segment nearest before the line where structure diverged."""
        line = self.article.front_matter.body_line + (mismatch.line or 0)
        body = [i for i in self.rebuilt if self.article.segments[i].kind != "front_matter"]
        before = [i for i in body if self.article.segments[i].line <= line]
        if before:
            return max(before, key=lambda i: self.article.segments[i].line)
        return min(body, key=lambda i: self.article.segments[i].line) if body else None

    def isolate(self) -> None:
        """Move segments whose translation breaks the structure to the fallback path."""
        while (found := self.mismatch()) is not None:
            culprit = self.culprit(found)
            if culprit is None:
                self.fail(found)
                return
            del self.rebuilt[culprit]
            self.fallback.add(culprit)

    def fail(self, found: verify.Mismatch) -> None:
        line = self.article.front_matter.body_line + (found.line or 0)
        self.error = StructureError(
            f"the translation would change the Markdown structure (expected {found.expected}, "
            f"found {found.found}); the file was not written. Report it with the file attached",
            path=self.article.path,
            line=line,
        )


def translate_articles(
    articles: Sequence[Article],
    engine: Engine,
    glossary: Glossary | None = None,
    reuse: Mapping[Path, Kept] | None = None,
) -> list[Result]:
    """Translate articles with one engine batch, plus one for fallbacks if needed.

    ``reuse`` gives, per article, English text to keep for some segments (by
    index): they are not sent to the engine, but still verified.
    """
    plans = [_Plan(a, glossary, (reuse or {}).get(a.path, Kept())) for a in articles]
    units = {p.protected[i].text: protect.units(p.protected[i]) for p in plans for i in p.fresh}
    decoded = _translate_unique(engine, [t for u in units.values() for t in u.texts])
    primary = {text: u.join(decoded) for text, u in units.items()}
    unsure: set[str] = getattr(engine, "uncertain", set())
    for plan in plans:
        for i in plan.fresh:
            if not plan.apply(i, primary[plan.protected[i].text]):
                plan.fallback.add(i)
        plan.isolate()
        if unsure:  # only an engine that places markup on attention reports any
            plan.uncertain = {
                i
                for i in plan.fresh
                if i not in plan.fallback
                and unsure.intersection(units[plan.protected[i].text].texts)
            }

    requests = [
        run
        for p in plans
        if p.error is None
        for i in sorted(p.fallback)
        for run in protect.runs(p.protected[i])
    ]
    runs = _translate_unique(engine, requests) if requests else {}
    for plan in plans:
        if plan.error is None:
            _apply_fallbacks(plan, runs)
    return [_result(plan, engine) for plan in plans]


def _prose(text: str) -> bool:
    """Whether text has anything but placeholders and whitespace."""
    return bool(segment.PLACEHOLDER.sub("", text).strip())


def _translate_unique(engine: Engine, texts: Sequence[str]) -> dict[str, str]:
    unique = list(dict.fromkeys(texts))
    if not unique:
        return {}
    translated = engine.translate(unique)
    if len(translated) != len(unique) or not all(isinstance(t, str) for t in translated):
        raise EngineError(
            f"engine {engine.name!r} returned {len(translated)} texts for {len(unique)}; "
            "this is a bug in the engine"
        )
    return dict(zip(unique, translated, strict=True))


def _apply_fallbacks(plan: _Plan, runs: dict[str, str]) -> None:
    if not plan.fallback:
        return  # ``isolate`` has verified the article, and nothing changed since
    for i in sorted(plan.fallback):
        seg = plan.article.segments[i]
        translations = [runs[r] for r in protect.runs(plan.protected[i])]
        joined = protect.join_runs(plan.protected[i], translations)
        if not all(_prose(t) for t in translations) or not plan.apply(i, joined):
            plan.error = EngineError(
                "the engine returned no usable text for this segment; the file was not written",
                path=plan.article.path,
                line=seg.line,
            )
            return
    found = plan.mismatch()
    if found is not None:
        plan.fail(found)


def _result(plan: _Plan, engine: Engine) -> Result:
    article = plan.article
    misses = _misses(plan)
    expected = sum(len([u for u in p.terms if u is not None]) for p in plan.protected.values())
    wrong = sum(m.problem != "duplicated" for m in misses)
    stats = Stats(
        segments=sum(s.translatable for s in article.segments),
        translated=len(plan.fresh),
        english=len(article.english),
        fallbacks=len(plan.fallback),
        reused=len(plan.reused - plan.fallback),
        terms_expected=expected,
        terms_present=expected - wrong,
    )
    if plan.error is None:
        try:
            text = _assemble(plan, engine)
        except TranslatorError as exc:
            plan.error = exc
        else:
            lines = tuple(sorted(article.segments[i].line for i in plan.uncertain))
            kept = taxonomies.untranslated(article.head, article.taxonomies, plan.glossary)
            return Result(
                article.path,
                "translated",
                text,
                article.language,
                None,
                stats,
                tuple(misses),
                lines,
                tuple(kept),
                article.unkept_ids,
            )
    return Result(article.path, "failed", None, article.language, plan.error, stats)


def links_record(article: Article) -> dict[str, str]:
    """What the provenance records about links from other pages, when the site has any:
    a hash of them all (unchanged: nothing to check) and the ids this page kept for them."""
    if not article.linked:
        return {}
    return {"site_links_sha256": links_hash(article.linked), "linked_ids": linked_kept(article)}


def linked_kept(article: Article) -> str:
    """The ids this page keeps because other pages link to them, as the record has them."""
    return " ".join(sorted(segment.added_ids(article.plain) & article.linked))


def unkept_id(anchor: str) -> str:
    """The warning for a linked heading whose Dutch id the English page cannot keep."""
    return (
        f"links point to #{anchor}, but heading attributes are off "
        "(markup.goldmark.parser.attribute.title = false), so the English heading gets "
        "another id and those links will not resolve; turn heading attributes on, or link "
        "to the English id on the English page"
    )


def _misses(plan: _Plan) -> list[TermMiss]:
    """Count each glossary target in the English it should be in (case aside).

    A Dutch term used once gives its target once: fewer whole-word occurrences
    are missing targets (mangled when the target is there glued to another word),
    more are duplicates.
    """
    misses = []
    for i, protected in plan.protected.items():
        uses = [u for u in protected.terms if u is not None]
        if not uses:
            continue
        english = _prose_of(plan.rebuilt.get(i, ""), protected)
        line = plan.article.segments[i].line
        # A guided term (a verb) may take any form that fits the Dutch one.
        misses += [
            TermMiss(plan.article.path, line, u.match.source, u.target, "missing")
            for u in uses
            if u.match.term.guided and not present(u.match, english)
        ]
        uses = [u for u in uses if not u.match.term.guided]
        for target in dict.fromkeys(u.target for u in uses):
            wanted = [u for u in uses if u.target == target]
            found = _occurrences(target, english)
            glued = _glued(target, english)
            problems = ["duplicated"] * max(0, found - len(wanted))
            problems += ["mangled" if glued else "missing"] * max(0, len(wanted) - found)
            misses += [
                TermMiss(plan.article.path, line, wanted[0].match.source, target, problem)
                for problem in problems
            ]
    return misses


_MARKS = dict.fromkeys(map(ord, segment.LABEL_OPEN + segment.ADDED_OPEN + segment.ADDED_CLOSE))


def _prose_of(english: str, protected: protect.Protected) -> str:
    """The English without the segment's markup, which stays as in the Dutch.

    A target inside a URL, a link label or a title (``www.vng.nl``, ``[handreiking
    van het Kadaster]``) is not a use of the term, in Dutch or in English. Markup
    that segmentation added (a reference label) may or may not be in the English.
    """
    for k, source in enumerate(protected.sources):
        if protected.term(k) is not None or not source:
            continue
        full = source.translate(_MARKS)
        english = english.replace(full if full in english else segment.as_written(source), " ", 1)
    return english


def _occurrences(target: str, english: str) -> int:
    return len(re.findall(rf"(?<!\w){_words_pattern(target)}(?!\w)", english, re.IGNORECASE))


def _glued(target: str, english: str) -> bool:
    pattern = _words_pattern(target)
    return re.search(rf"\w{pattern}|{pattern}\w", english, re.IGNORECASE) is not None


def _words_pattern(target: str) -> str:
    """The target's words, any run of whitespace (a line break too) between them."""
    return r"\s+".join(re.escape(word) for word in target.split())


def provenance(
    article: Article, engine: Engine, glossary: str | None = None, whole: str | None = None
) -> dict[str, str | bool]:
    """What made an English file: recorded under ``machine_translation`` in its front matter.

    ``glossary`` is the hash of the glossary terms this article uses, so that a
    glossary change marks exactly the articles it affects. ``whole`` is the
    ``glossary_fingerprint`` of the glossary as a whole: while it is unchanged,
    a no-op run knows the article's terms are too without segmenting it.
    """
    record: dict[str, str | bool] = {
        "machine_translated": True,
        "source": article.path.name,
        "source_sha256": article.sha256,
        "engine": engine.name,
        "model": engine.model,
    }
    if glossary is not None:
        record["glossary_sha256"] = glossary
    if whole is not None:
        record["glossary_all_sha256"] = whole
    record["tool"] = f"translator {__version__}"
    return record


def _assemble(plan: _Plan, engine: Engine) -> str:
    article = plan.article
    fm = article.front_matter
    values = {i: plan.rebuilt[i] for i in range(len(fm.segments)) if i in plan.rebuilt}
    glossary = plan.glossary
    record = provenance(
        article,
        engine,
        uses_hash(article_terms(article, glossary)) if glossary is not None else None,
        glossary_fingerprint(glossary) if glossary is not None else None,
    )
    keys = segment_keys(article, plan.glossary, plan.protected)
    # What this run translated afresh, so that a reviewer sees what is new.
    fresh = [keys[i] for i in plan.fresh if i in keys]
    carried = [k for k in plan.kept.changed if k in keys.values()]
    record["changed"] = " ".join(fresh if fresh else carried)
    if plan.fallback:  # segments whose markup had to be repaired, for reviewers
        record["repaired"] = " ".join(keys[i] for i in sorted(plan.fallback) if i in keys)
    if plan.uncertain:  # markup placed on weak attention: worth a reviewer's look
        record["uncertain"] = " ".join(keys[i] for i in sorted(plan.uncertain) if i in keys)
    english = {
        i: plan.rebuilt[i] if i in plan.rebuilt else article.segments[i].source_in(article.raw)
        for i in keys
    }
    record.update(links_record(article))
    human = plan.kept.human & (plan.reused - plan.fallback)
    if human:  # corrections kept: a person's work, whatever hash they now have
        record["human"] = " ".join(keys[i] for i in sorted(human) if i in keys)
    record["segments"] = " ".join(f"{keys[i]}:{text_hash(english[i])}" for i in keys)
    head = front_matter.rewrite(
        article.raw, fm, values, record, path=str(article.path), newline=article.newline
    )
    if article.taxonomies:
        head = taxonomies.translate(head, article.taxonomies, glossary, path=str(article.path))
    return ("\ufeff" if article.bom else "") + head + plan.assemble_body()


def segment_keys(
    article: Article,
    glossary: Glossary | None,
    known: Mapping[int, protect.Protected] | None = None,
) -> dict[int, str]:
    """For each segment with prose, a short hash of what the engine would be given.

    It covers the prose, the glossary targets and the markup sources (a changed
    link target changes the key), so an unchanged key means the segment's English
    can be kept as it is. ``known`` holds segments already protected (with the
    same glossary), so that they are not protected twice.
    """
    keys = {}
    for i, seg in enumerate(article.segments):
        if seg.translatable:
            protected = (known or {}).get(i) or protect.protect(seg, glossary)
            keys[i] = text_hash(protected.keyed + "\0" + "\0".join(protected.sources))
    return keys


def article_terms(article: Article, glossary: Glossary | None) -> list[TermMatch]:
    """Every glossary term in the article's prose, as the pipeline protects them."""
    if glossary is None:
        return []
    return [
        use.match
        for segment in article.plain
        if segment.translatable
        for use in protect.protect(segment, glossary).terms
        if use is not None
    ] + taxonomies.matches(article.head, article.taxonomies, glossary)


# --- whole runs ----------------------------------------------------------------------------------


def translate_paths(
    paths: Sequence[Path],
    engine: Callable[[], Engine],
    options: Options = Options(),
    *,
    progress: Callable[[Path], None] | None = None,
    reuse: Callable[[Article], Kept] | None = None,
) -> list[Result]:
    """Translate files: load each, skip non-Dutch ones, translate the rest in one batch.

    ``engine`` is a factory, called only when some file is Dutch, so that a
    run with nothing to translate never loads a model. ``reuse`` gives, per
    article, English to keep for some segments (see ``translate_articles``).
    """
    results: dict[Path, Result] = {}
    articles = []
    for path in paths:
        try:
            article = load(path, options)
        except TranslatorError as exc:
            results[path] = Result(path, "failed", error=exc)
            continue
        finally:
            if progress is not None:
                progress(path)
        if not article.dutch:
            results[path] = Result(
                path, "skipped", language=article.language, error=not_dutch(article)
            )
        else:
            articles.append(article)
    if articles:
        kept = {a.path: reuse(a) for a in articles} if reuse is not None else None
        for result in translate_articles(articles, engine(), options.glossary, kept):
            results[result.path] = result
    return [results[p] for p in paths]


def not_dutch(article: Article) -> TranslatorError:
    return detect.not_dutch(article.language, article.path)


def translate_text(
    text: str, engine: Engine, options: Options = Options(), *, path: str = "<text>"
) -> str:
    """Translate one article given as text; raise the file's error if it fails."""
    article = load(Path(path), options, text=text)
    if not article.dutch:
        raise not_dutch(article)
    [result] = translate_articles([article], engine, options.glossary)
    if result.error is not None:
        raise result.error
    assert result.text is not None
    return result.text
