"""Language detection with langdetect, made deterministic.

langdetect samples n-grams at random; seeding its factory once makes every run
give the same answer for the same text. Only prose is looked at: the text atoms
of segments, never code, URLs, markup or front-matter keys.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

MIN_LETTERS = 20
"""Below this many letters an article's language is reported as unknown."""

SEGMENT_MIN_LETTERS = 40
"""A segment must be at least this long before it can be judged to be English."""

SEGMENT_MIN_PROBABILITY = 0.95
"""How sure langdetect must be before a segment in a Dutch article is left as English."""

_PLACEHOLDERS = re.compile(r"⟦\d+⟧")


@dataclass(frozen=True, slots=True)
class Detection:
    """The language of a text, as langdetect sees it."""

    language: str
    """ISO 639-1 code, or ``unknown`` when the text is too short or has no letters."""
    probability: float
    """langdetect's probability for that language, 0.0 for unknown."""


@functools.cache
def _factory() -> None:
    # Import lazily: loading langdetect's 55 profiles takes a noticeable moment.
    from langdetect import DetectorFactory  # noqa: PLC0415

    DetectorFactory.seed = 0


def detect(text: str, *, min_letters: int = MIN_LETTERS) -> Detection:
    """Detect the language of prose."""
    text = _PLACEHOLDERS.sub(" ", text)
    if sum(c.isalpha() for c in text) < min_letters:
        return Detection("unknown", 0.0)
    _factory()
    from langdetect import detect_langs  # noqa: PLC0415
    from langdetect.lang_detect_exception import LangDetectException  # noqa: PLC0415

    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return Detection("unknown", 0.0)
    return Detection(str(best.lang), float(best.prob))


def is_clearly_english(text: str) -> bool:
    """Whether a segment inside a Dutch article is English and should stay as it is."""
    found = detect(text, min_letters=SEGMENT_MIN_LETTERS)
    return found.language == "en" and found.probability >= SEGMENT_MIN_PROBABILITY
