"""translator: offline Dutch→English translation of Markdown content sites.

The public surface is small on purpose; the CLI and the tests import the
stage modules directly (see ``translator.pipeline`` for the stages in order).
"""

from __future__ import annotations

__version__ = "0.1.0"

from translator.errors import TranslatorError
from translator.pipeline import Options, Result, translate_paths, translate_text

__all__ = [
    "Options",
    "Result",
    "TranslatorError",
    "__version__",
    "translate_paths",
    "translate_text",
]
