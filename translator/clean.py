"""Removing translator's output, and only that: the counterpart of a batch run.

An English page is the product, reviewed and committed, and may be a person's
work: a file is removed only when its provenance record says translator wrote
it and every segment still holds the English translator wrote. A file a person
corrected or restructured since is kept and reported, so that cleaning never
destroys a human's translation.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from translator.errors import TranslatorError
from translator.output import MARKDOWN_SUFFIXES
from translator.previous import read_previous, read_record


@dataclass(frozen=True, slots=True)
class Found:
    """A Markdown file under the root that translator wrote, and what cleaning does with it."""

    path: Path
    action: Literal["remove", "keep"]
    why: str = ""
    """For a kept file: what a person changed."""


def survey(root: Path) -> list[Found]:
    """Every file under root that translator wrote, marked for removal or kept."""
    return [found for path in _markdown(root) if (found := _judge(path)) is not None]


def remove(found: list[Found]) -> int:
    """Delete the files marked for removal; return how many were deleted."""
    removed = 0
    for item in found:
        if item.action == "remove":
            item.path.unlink(missing_ok=True)
            removed += 1
    return removed


def _judge(path: Path) -> Found | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    try:
        if read_record(text) is None:
            return None  # a source, or a person's translation
    except TranslatorError as exc:  # ours, but a person broke its record: theirs to mend
        return Found(path, "keep", f"its record cannot be read: {exc.message}")
    previous = read_previous(path)
    if previous is None:
        return Found(path, "keep", "its record cannot be read")
    recorded = str(previous.record.get("segments", "")).split()
    if recorded and not previous.entries:
        return Found(path, "keep", "a person restructured it")
    edited = [entry.line for entry in previous.entries if entry.edited]
    if edited:
        lines = ", ".join(str(n) for n in edited)
        return Found(path, "keep", f"a person edited it (line {lines})")
    return Found(path, "remove")


def _markdown(root: Path) -> Iterator[Path]:
    """Markdown files under root, in a stable order, never following links out of it."""
    base = root.resolve()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            if name.lower().endswith(MARKDOWN_SUFFIXES) and path.resolve().is_relative_to(base):
                yield path
