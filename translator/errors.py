"""The one error family the library raises.

The library never prints or exits; the CLI turns these into one-line messages
and exit codes. Every message says what went wrong, where, and what to do next.
"""

from __future__ import annotations

from pathlib import Path


class TranslatorError(Exception):
    """Base class: something the user can act on, reported without a traceback."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        super().__init__(self.format())

    def format(self) -> str:
        """Render as ``path:line: message``, the form editors and CI annotate."""
        where = self.path or ""
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


class InputError(TranslatorError):
    """The file cannot be read as a UTF-8 Markdown article."""


class FrontMatterError(TranslatorError):
    """The YAML or TOML front matter is invalid or cannot be edited safely."""


class GlossaryError(TranslatorError):
    """The glossary file is malformed or contradicts itself."""


class StructureError(TranslatorError):
    """The translation would change the article's Markdown structure."""


class EngineError(TranslatorError):
    """The translation engine failed or returned unusable output."""


class OutputError(TranslatorError):
    """The English file cannot be written, or would overwrite a human's work."""


class ConfigError(TranslatorError):
    """A setting in pyproject.toml, translator.toml or on the command line is invalid."""
