"""translator: offline Dutch→English translation of Markdown content sites.

The public surface is small on purpose; the CLI and the tests import the
stage modules directly (see ``translator.pipeline`` for the stages in order).
The pipeline's names are imported on first use: every ``translator.x`` import
runs this file first, and a command with nothing to translate (a no-op
``translator batch``) must not pay for loading the Markdown parser and the
other stages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from translator.errors import TranslatorError

__version__ = "0.1.0"

if TYPE_CHECKING:
    from translator.pipeline import Options, Result, translate_paths, translate_text

__all__ = [
    "Options",
    "Result",
    "TranslatorError",
    "__version__",
    "translate_paths",
    "translate_text",
]

_FROM_PIPELINE = frozenset(["Options", "Result", "translate_paths", "translate_text"])


def __getattr__(name: str) -> Any:
    """``translator.Options`` and the other pipeline names, imported when first asked for."""
    if name in _FROM_PIPELINE:
        from translator import pipeline  # noqa: PLC0415

        return getattr(pipeline, name)
    raise AttributeError(f"module 'translator' has no attribute {name!r}")
