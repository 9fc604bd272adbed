"""The Argos engine: Argos Translate models decoded offline with CTranslate2."""

from __future__ import annotations

from collections.abc import Sequence

from translator.errors import EngineError


class ArgosEngine:
    """Dutch→English with an installed Argos Translate package."""

    name = "argos"

    def __init__(self, model: str) -> None:
        self.model = model

    @classmethod
    def load(cls) -> ArgosEngine:
        raise EngineError("the argos engine is not available yet (issue 3); use --engine pseudo")

    def translate(self, texts: Sequence[str]) -> list[str]:  # pragma: no cover
        raise EngineError("the argos engine is not available yet")
