"""Translation engines behind one small protocol.

An engine takes every text of a run at once, so that a neural engine can batch
and deduplicate. Heavy imports (CTranslate2, argostranslate) live inside the
engine modules that need them, never here: ``translator --help`` and the
Markdown code stay fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from translator.errors import ConfigError


class Engine(Protocol):
    """Translates a batch of Dutch texts into English, one output per input."""

    name: str
    """Short name recorded in the provenance of every output (``pseudo``, ``argos``)."""
    model: str
    """The model and version used, or ``none``; also recorded in the provenance."""

    def translate(self, texts: Sequence[str]) -> list[str]:
        """Translate ``texts``; placeholders such as ``⟦1⟧`` must be kept as they are."""
        ...


ENGINES = ("pseudo", "argos")


def load_engine(name: str) -> Engine:
    """Create the named engine; load any model it needs."""
    if name == "pseudo":
        from translator.engines.pseudo import PseudoEngine  # noqa: PLC0415

        return PseudoEngine()
    if name == "argos":
        from translator.engines.argos import ArgosEngine  # noqa: PLC0415

        return ArgosEngine.load()
    raise ConfigError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINES)}")
