"""Translation engines behind one small protocol.

An engine takes every text of a run at once, so that a neural engine can batch
and deduplicate. Heavy imports (CTranslate2, argostranslate) live inside the
engine modules that need them, never here: ``translator --help`` and the
Markdown code stay fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from translator.errors import ConfigError

if TYPE_CHECKING:
    from translator.config import Settings


class Engine(Protocol):
    """Translates a batch of Dutch texts into English, one output per input."""

    @property
    def name(self) -> str:
        """Short name recorded in the provenance of every output (``pseudo``, ``argos``)."""
        ...

    @property
    def model(self) -> str:
        """The model and version used, or ``none``; also recorded in the provenance."""
        ...

    def translate(self, texts: Sequence[str]) -> list[str]:
        """Translate ``texts``; placeholders such as ``⟦1⟧`` must be kept as they are."""
        ...


ENGINES = ("argos", "pseudo")


def load_engine(name: str, settings: Settings | None = None) -> Engine:
    """Create the named engine; load any model it needs (and open the memory)."""
    if name == "pseudo":
        from translator.engines.pseudo import PseudoEngine  # noqa: PLC0415

        return PseudoEngine()
    if name == "argos":
        from translator.config import load_settings  # noqa: PLC0415
        from translator.engines.argos import ArgosEngine  # noqa: PLC0415
        from translator.memory import Memory  # noqa: PLC0415
        from translator.models import find  # noqa: PLC0415

        settings = settings or load_settings()
        find(settings.models_dir)  # no model: fail before the memory file is created
        memory = Memory(settings.memory) if settings.memory is not None else None
        return ArgosEngine.load(settings, memory)
    raise ConfigError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINES)}")
