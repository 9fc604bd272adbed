"""How a run reads articles, and the site-wide hashes their records are checked against.

Kept apart from ``pipeline`` so that a command which only decides whether
articles are current (a no-op ``translator batch``) builds its ``Options`` and
compares its hashes without importing the stages that translate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from translator import segment
from translator.errors import TranslatorError
from translator.files import read
from translator.front_matter import DEFAULT_KEYS
from translator.markdown import HUGO_DEFAULTS, VISIBLE_PARAMETERS, Goldmark, Parameters

if TYPE_CHECKING:
    from translator.glossary import Glossary


@dataclass(frozen=True, slots=True)
class Options:
    """How articles are read; the same for every file of a run."""

    source_language: str | None = None
    """``nl`` forces Dutch and turns all language detection off; None detects."""
    front_matter: bool = True
    """Whether a leading ``---``/``+++`` block is front matter (Hugo) or Markdown."""
    front_matter_keys: tuple[str, ...] = DEFAULT_KEYS
    """Top-level front-matter keys whose values are translated."""
    glossary: Glossary | None = None
    """Terms enforced in every translation; None enforces none."""
    alt_texts: bool = True
    """Whether image alt texts and image and link titles are translated."""
    shortcode_parameters: Parameters = VISIBLE_PARAMETERS
    """The shortcode parameters whose values are translated: (shortcode, parameter)."""
    taxonomies: tuple[str, ...] = ()
    """Front-matter keys whose terms go through the glossary only (``tags`` …); empty: none."""
    goldmark: Goldmark = HUGO_DEFAULTS
    """The site's ``markup.goldmark`` settings that decide heading ids."""
    linked: frozenset[str] = frozenset()
    """Heading ids that links on other pages point to (``ref "x#id"``): kept too."""
    site_language: str | None = None
    """The language the site declares (Hugo's defaultContentLanguage, the source-language
    setting): a page too short or unclear to tell follows it instead of being skipped."""


def site_links(pages: Iterable[Path]) -> frozenset[str]:
    """The heading ids that these pages (the site's Dutch ones) link to on other pages.

    A page does not know who links into it, so every page keeps any heading id
    some page of the site points to; one that happens to share it only gains an
    explicit id equal to the one Hugo gives it anyway.
    """
    found: set[str] = set()
    for path in pages:
        try:
            text, _ = read(path)
        except TranslatorError:
            continue  # an unreadable page is reported when it is translated itself
        found |= segment.page_link_targets(text)
    return frozenset(found)


def links_hash(linked: frozenset[str]) -> str:
    return hashlib.sha256(" ".join(sorted(linked)).encode("utf-8")).hexdigest()


def glossary_fingerprint(glossary: Glossary) -> str:
    """The whole glossary's hash, as records hold it (see ``Glossary.fingerprint``).

    It was an ``lru_cache`` keyed by the glossary, which hashed every term at
    each lookup: once per article, most of what the glossary cost a no-op run.
    """
    return glossary.fingerprint
