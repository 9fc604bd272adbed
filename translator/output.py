"""Writing: where an English file goes, whose it is, and how it lands on disk.

Outputs are written to a temporary file in the target's folder and renamed
over the target, so a reader (Hugo, git, a second run) never sees half a file.
A file is written only when its content changes, and an English file that
translator did not write is a human's work: it is never overwritten unless
the user asks with ``--force``.
"""

from __future__ import annotations

import re
from pathlib import Path

from translator import files
from translator.errors import OutputError, TranslatorError
from translator.files import write_atomic
from translator.front_matter import PROVENANCE_KEY

__all__ = [
    "check_target",
    "is_translation",
    "target_path",
    "write_atomic",
    "written_by_translator",
]

MARKDOWN_SUFFIXES = (".md", ".markdown")
_SOURCE_LANGUAGE = re.compile(r"\.nl$", re.IGNORECASE)
_TRANSLATION = re.compile(r"\.en\.(?:md|markdown)$", re.IGNORECASE)


def target_path(source: Path) -> Path:
    """``index.md`` and ``index.nl.md`` → ``index.en.md``; ``about.md`` → ``about.en.md``."""
    if source.is_dir():
        raise OutputError("is a directory; give the Markdown files inside it", path=source)
    if is_translation(source):
        raise OutputError(
            "is an English file already (*.en.md); translate its Dutch source instead",
            path=source,
        )
    stem, suffix = source.name, ""
    for candidate in MARKDOWN_SUFFIXES:
        if stem.lower().endswith(candidate):
            stem, suffix = stem[: -len(candidate)], stem[-len(candidate) :]
            break
    else:
        raise OutputError(
            "is not a Markdown file (.md or .markdown); give the article's Markdown file",
            path=source,
        )
    stem = _SOURCE_LANGUAGE.sub("", stem)
    return source.with_name(f"{stem}.en{suffix}")


def is_translation(path: Path) -> bool:
    """Whether a path names an English output (``*.en.md``)."""
    return _TRANSLATION.search(path.name) is not None


def written_by_translator(path: Path) -> bool:
    """Whether an existing file carries translator's provenance record."""
    from translator.previous import read_record  # noqa: PLC0415 - keeps this module light

    try:  # the record is in the front matter: the head of the file is enough
        head = files.read_bytes(path, files.RECORD_LIMIT)
    except TranslatorError:
        return False
    try:
        return read_record(head.decode("utf-8", errors="replace")) is not None
    except TranslatorError:
        return True  # a record, though a broken one (see previous.read_previous)


def check_target(source: Path, target: Path, *, force: bool) -> None:
    """Refuse targets that would destroy a source or a human's translation."""
    if target.resolve() == source.resolve():
        raise OutputError(
            "is an English file already (its output would overwrite it); "
            "translate the Dutch source instead",
            path=source,
        )
    if target.is_dir():
        raise OutputError(f"the output {target} is a directory; name a file", path=source)
    if files.exists(target) and not files.is_regular(target):
        # Say why and what instead: -o /dev/null reads as "discard it", a fair wish.
        raise OutputError(
            f"the output {target} is a {files.kind(target)}, not a regular file; translator "
            "reads and replaces only regular files, so that it never reads a device or pipe "
            "without end nor turns one into a file. Use -o - to write the English to stdout "
            "(-o - > /dev/null discards it); to see what would be translated without writing "
            "anything, run translator segments on the source",
            path=source,
        )
    if target.exists() and not force and not written_by_translator(target):
        raise OutputError(
            f"{target} exists and was not written by translator (it has no "
            f"'{PROVENANCE_KEY}' record); it may hold a human's translation. "
            "Move it away, or pass --force to overwrite it",
            path=source,
        )
    if not force and target.exists():
        from translator.previous import read_previous  # noqa: PLC0415

        previous = read_previous(target)
        if previous is not None and previous.misaligned is not None:
            raise previous.review_error()
