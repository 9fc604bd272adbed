"""Language detection with langdetect: deterministic, cheap, and site-aware.

langdetect samples n-grams at random; a fixed seed makes every run give the
same answer for the same text. Only prose is looked at: the text atoms of
segments, never code, URLs, markup or front-matter keys, nor MDX ``import``
and ``export`` lines.

Detection is a small share of a run because it does little:

- an article is judged once, on a bounded sample (title, summary and
  description first, then the body), against the few language profiles a
  Dutch site can be confused with; the other profiles are loaded only to name
  the language of an article that is not Dutch;
- the per-segment "is this English already?" check runs only inside Dutch
  articles, and langdetect is asked only when a count of Dutch and English
  function words leaves it open.

A site may declare its language (Hugo's ``defaultContentLanguage``, or the
``source-language`` setting): then a page with too little prose to tell, or
one langdetect is unsure about, follows the site instead of being skipped.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from translator import hugo
from translator.errors import InputError

if TYPE_CHECKING:
    from langdetect.detector_factory import DetectorFactory

MIN_LETTERS = 20
"""Below this many letters an article's language is reported as unknown."""

SEGMENT_MIN_LETTERS = 40
"""A segment must be at least this long before it can be judged to be English."""

SEGMENT_MIN_PROBABILITY = 0.95
"""How sure langdetect must be before a segment in a Dutch article is left as English."""

SAMPLE_CHARS = 3000
"""Prose looked at per article or segment: enough to be sure, bounded for long pages."""

PROFILES = ("nl", "af", "en", "de", "fr", "da", "no", "sv", "es", "it", "pt")
"""The languages an article is first weighed against: Dutch, the languages Dutch prose
is mistaken for, and those a Dutch site quotes. Enough to tell Dutch from not Dutch."""

AFRIKAANS_MARGIN = 0.2
"""Afrikaans on top counts as Dutch when Dutch has at least this probability: langdetect
takes short Dutch for its close kin, while real Afrikaans leaves Dutch near zero."""

SITE_MIN_LETTERS = 200
"""On a site that declares its language, a page with fewer letters follows the site."""

SITE_MIN_PROBABILITY = 0.9
"""…and so does a longer page unless langdetect is at least this sure of another language."""

_PLACEHOLDERS = re.compile(r"⟦\d+⟧")
_MDX = re.compile(r"^[ \t]*(?:import|export)\b[^\n]*$", re.MULTILINE)
_WORDS = re.compile(r"[^\W\d_]+")
_ENGLISH_WORDS = frozenset(
    """the and to for with this that you your are be by it its on from at an have has will
    can not they which what or as our their these more about into than been would should
    there is""".split()  # noqa: SIM905 - a word list reads best as words
)
_DUTCH_WORDS = frozenset(
    """de het een en van voor met dat die niet zijn ook aan bij wordt worden naar door om ze
    je deze dit er maar nog uit wij hun als kan op te ons onze heeft hebben""".split()  # noqa: SIM905
)


@dataclass(frozen=True, slots=True)
class Detection:
    """The language of a text, as langdetect sees it."""

    language: str
    """ISO 639-1 code, or ``unknown`` when the text is too short or has no letters."""
    probability: float
    """langdetect's probability for that language, 0.0 for unknown."""
    site: bool = False
    """Whether the language is the site's, followed because the text alone did not tell."""


def article_language(texts: Iterable[str], *, site: str | None = None) -> Detection:
    """Detect an article's language from its prose, front-matter values first.

    ``site`` is the language the site declares, followed by a page whose
    prose is too short or too unclear to overrule it.
    """
    sample = _sample(texts)
    found = _weigh(sample)
    if site is not None and found.language != site and _follows_site(found, sample):
        return Detection(site, found.probability if found.language == site else 0.0, site=True)
    if found.language not in ("nl", "unknown"):
        found = _name(sample)  # not Dutch: say which language, from every profile
    return found


def detect(text: str, *, min_letters: int = MIN_LETTERS) -> Detection:
    """Detect the language of prose against every profile langdetect has."""
    return _name(_sample([text]), min_letters=min_letters)


def is_clearly_english(text: str) -> bool:
    """Whether a segment inside a Dutch article is English and should stay as it is."""
    text = _PLACEHOLDERS.sub(" ", text)
    if _letters(text) < SEGMENT_MIN_LETTERS or not _maybe_english(text):
        return False
    ranked = _ranked(_factory(PROFILES), text[:SAMPLE_CHARS])
    return bool(ranked) and ranked[0][0] == "en" and ranked[0][1] >= SEGMENT_MIN_PROBABILITY


def not_dutch(found: Detection, path: Path | str) -> InputError:
    """Why a page is skipped; also said for a page whose language was remembered, so
    it must not need the page itself (see ``batch.Decisions``)."""
    what = (
        "too little prose to tell its language"
        if found.language == "unknown"
        else f"written in {found.language!r} ({found.probability:.2f}), not Dutch"
    )
    return InputError(f"{what}; pass --from nl to translate it anyway", path=path)


def _sample(texts: Iterable[str]) -> str:
    """The prose to judge, MDX lines and placeholders left out, bounded in length."""
    parts: list[str] = []
    size = 0
    for text in texts:
        prose = _PLACEHOLDERS.sub(" ", _MDX.sub(" ", text)).strip()
        if not prose:
            continue
        parts.append(prose)
        size += len(prose) + 1
        if size >= SAMPLE_CHARS:
            break
    return " ".join(parts)[:SAMPLE_CHARS]


def _weigh(sample: str) -> Detection:
    """Dutch or not, against the few profiles that matter; Afrikaans close to Dutch is Dutch."""
    if _letters(sample) < MIN_LETTERS:
        return Detection("unknown", 0.0)
    ranked = _ranked(_factory(PROFILES), sample)
    if not ranked:
        return Detection("unknown", 0.0)
    best, probability = ranked[0]
    dutch = dict(ranked).get("nl", 0.0)
    if best == "af" and dutch >= AFRIKAANS_MARGIN:
        return Detection("nl", dutch)
    return Detection(best, probability)


def _name(sample: str, *, min_letters: int = MIN_LETTERS) -> Detection:
    if _letters(sample) < min_letters:
        return Detection("unknown", 0.0)
    ranked = _ranked(_factory(None), sample)
    return Detection(*ranked[0]) if ranked else Detection("unknown", 0.0)


def _follows_site(found: Detection, sample: str) -> bool:
    return (
        found.language == "unknown"
        or found.probability < SITE_MIN_PROBABILITY
        or _letters(sample) < SITE_MIN_LETTERS
    )


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


def _maybe_english(text: str) -> bool:
    """Whether langdetect could call this English: not when Dutch function words outnumber
    English ones, which rules out nearly every Dutch segment at the cost of a word count."""
    english = dutch = 0
    for word in _WORDS.findall(text.lower()):
        english += word in _ENGLISH_WORDS
        dutch += word in _DUTCH_WORDS
    return dutch <= english


def _ranked(factory: DetectorFactory, text: str) -> list[tuple[str, float]]:
    from langdetect.lang_detect_exception import LangDetectException  # noqa: PLC0415

    detector = factory.create()
    detector.append(text)
    try:
        return [(str(p.lang), float(p.prob)) for p in detector.get_probabilities()]
    except LangDetectException:
        return []


@functools.cache
def _factory(languages: Sequence[str] | None) -> DetectorFactory:
    """A seeded detector factory with these profiles (None: all of them), loaded once."""
    # Import lazily: langdetect's profiles take a noticeable moment and memory to load.
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory  # noqa: PLC0415
    from langdetect.utils.lang_profile import LangProfile  # noqa: PLC0415

    folder = Path(PROFILES_DIRECTORY)
    names = languages or sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    factory = DetectorFactory()
    factory.seed = 0
    for index, name in enumerate(names):
        data = json.loads((folder / name).read_text(encoding="utf-8"))
        factory.add_profile(LangProfile(**data), index, len(names))
    return factory


# --- the site's declared language ----------------------------------------------------------------


def site_language(start: Path) -> str | None:
    """The language a Hugo site declares with ``defaultContentLanguage``, if it does.

    The site's configuration is looked for from ``start`` (a content folder or
    file) upwards; the nearest folder with one wins. None when there is no
    configuration or it does not set the key (Hugo's own default, English, is
    not a declaration).
    """
    site = hugo.find_site(start)
    return None if site is None else site.declared_language
