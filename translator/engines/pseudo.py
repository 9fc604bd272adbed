"""The pseudo engine: deterministic and model-free.

Every ASCII vowel gets an acute accent (a→á … U→Ú) and nothing else changes.
Output is predictable to the byte, so tests can prove that the pipeline keeps
structure, and any text that reaches the output untranslated stands out.
"""

from __future__ import annotations

from collections.abc import Sequence

_ACUTE = str.maketrans("aeiouAEIOU", "áéíóúÁÉÍÓÚ")


class PseudoEngine:
    """Accent every ASCII vowel."""

    name = "pseudo"
    model = "none"

    def __init__(self) -> None:
        self.calls = 0
        """How many batches were translated; the pipeline promises one per run."""

    def translate(self, texts: Sequence[str]) -> list[str]:
        self.calls += 1
        return [text.translate(_ACUTE) for text in texts]
