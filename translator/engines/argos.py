"""The Argos engine: Argos Translate models decoded offline with CTranslate2.

argostranslate's own ``translate()`` splits sentences with a model it downloads
on first use, decodes one paragraph at a time, and its tokenizer turns ``_``
into spaces. This engine uses the installed package only for its files: it
splits sentences itself (``translator.sentences``), tokenizes with the
package's SentencePiece model, and sends every sentence of the run, deduplicated
and sorted by length, to one ``translate_batch`` call.

Placeholders never reach the model. NMT models drop or mangle tokens they were
not trained on, and clean sentences translate better. Each placeholder is
removed before decoding and put back afterwards at the target position that
CTranslate2's attention aligns with its source position (``return_attention``).
The pipeline still verifies the result and falls back to run-by-run translation
where a placement would break the structure.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translator import sentences
from translator.config import Settings
from translator.errors import EngineError
from translator.memory import Entry, Memory, normalize
from translator.models import InstalledModel, find
from translator.segment import PLACEHOLDER

_PIECE = "\u2581"
_TRANSLATOR: dict[str, Any] = {}
"""The one ctranslate2.Translator of this process: two alive at once slow both down."""


@dataclass(slots=True)
class _Mark:
    """A placeholder taken out of a sentence, and how it sat between the words."""

    text: str
    offset: int
    """Character offset in the clean sentence."""
    space_before: bool
    space_after: bool
    length: int = 0
    """For a glossary term: the length of its English target, written into the clean
    sentence in its place (0 for markup, which is removed)."""


@dataclass(slots=True)
class _Sentence:
    clean: str
    marks: list[_Mark]
    glue: str
    """Whitespace that followed the sentence in the source."""


@dataclass(slots=True)
class RunStats:
    """What the engine did in this process, for the run report."""

    texts_remembered: int = 0
    """Whole texts found in memory: neither split into sentences nor decoded."""
    sentences: int = 0
    """Sentences asked for, duplicates included."""
    decoded: int = 0
    """Distinct sentences sent to the model."""
    remembered: int = 0
    """Distinct sentences taken from the translation memory."""
    aligned: int = 0
    """Placeholders put back by attention alignment."""
    split: int = 0
    """Sentences cut at clause or word boundaries because they were too long."""
    seconds: float = 0.0
    """Time spent decoding."""
    batches: list[int] = field(default_factory=list)
    """Sentences per ``translate_batch`` call."""


class ArgosEngine:
    """Dutch→English with an installed Argos Translate package."""

    name = "argos"

    def __init__(
        self,
        installed: InstalledModel,
        settings: Settings,
        memory: Memory | None = None,
        glossary: str = "none",
    ) -> None:
        import sentencepiece as spm  # noqa: PLC0415

        self.installed = installed
        self.model = installed.label
        self.settings = settings
        self.memory = memory
        self.glossary = glossary
        self.stats = RunStats()
        self.progress: Callable[[int, int], None] | None = None
        """Called with sentences decoded so far and in all; set it to show progress."""
        tokenizer = installed.path / "sentencepiece.model"
        if not tokenizer.is_file():
            raise EngineError(
                "this package uses a BPE tokenizer; only SentencePiece packages are supported",
                path=installed.path,
            )
        self._sp = spm.SentencePieceProcessor(model_file=str(tokenizer))
        self._translator = _shared_translator(installed.path / "model", settings)

    @classmethod
    def load(
        cls, settings: Settings, memory: Memory | None = None, glossary: str = "none"
    ) -> ArgosEngine:
        """Load the installed Dutch→English model (raises ModelNotInstalledError)."""
        return cls(find(settings.models_dir), settings, memory, glossary)

    def translate(self, texts: Sequence[str]) -> list[str]:
        known = self._remembered_texts(texts)
        todo = [t for t in dict.fromkeys(texts) if t not in known]
        prepared = [self._prepare(text) for text in todo]
        wanted = [s.clean for sentences_ in prepared for s in sentences_ if s.clean.strip()]
        self.stats.sentences += len(wanted)
        entries = self._translations(wanted)
        fresh = {
            text: "".join(self._render(s, entries) + s.glue for s in sentences_).strip()
            for text, sentences_ in zip(todo, prepared, strict=True)
        }
        if self.memory is not None and fresh:
            self.memory.store_rendered(self.model, self.glossary, fresh.items())
        return [known[t] if t in known else fresh[t] for t in texts]

    def _remembered_texts(self, texts: Sequence[str]) -> dict[str, str]:
        if self.memory is None:
            return {}
        found = self.memory.rendered(self.model, self.glossary, texts)
        self.stats.texts_remembered += len(found)
        return found

    # --- preparing sentences -------------------------------------------------------------------

    def _prepare(self, text: str) -> list[_Sentence]:
        clean, marks = _without_placeholders(text)
        result: list[_Sentence] = []
        for start, end in sentences.split(clean):
            for a, b in sentences.limit(
                clean[start:end], self._count, self.settings.max_sentence_tokens
            ):
                self.stats.split += a > 0
                result.append(self._sentence(clean, marks, start + a, start + b))
        for mark in marks:  # marks after the last character belong to the last sentence
            if mark.offset >= len(clean) and result:
                result[-1].marks.append(
                    _Mark(mark.text, len(result[-1].clean), mark.space_before, mark.space_after)
                )
        return result

    def _sentence(self, clean: str, marks: list[_Mark], start: int, end: int) -> _Sentence:
        chunk = clean[start:end]
        body = chunk.rstrip()
        lead = len(body) - len(body.lstrip())
        own = [
            _Mark(m.text, max(0, m.offset - start - lead), m.space_before, m.space_after, m.length)
            for m in marks
            if start <= m.offset < end
        ]
        return _Sentence(body.lstrip(), own, chunk[len(body) :])

    def _count(self, text: str) -> int:
        return len(self._sp.encode(text))

    # --- decoding ----------------------------------------------------------------------------

    def _translations(self, wanted: list[str]) -> dict[str, Entry]:
        unique = list(dict.fromkeys(normalize(s) for s in wanted))
        found: dict[str, Entry] = {}
        if self.memory is not None and unique:
            found = self.memory.lookup(self.model, self.glossary, unique)
            self.stats.remembered += len(found)
        todo = sorted((s for s in unique if s not in found), key=len)
        if todo:
            decoded = self._decode(todo)
            found.update(decoded)
            if self.memory is not None:
                self.memory.store(self.model, self.glossary, list(decoded.values()))
        return found

    def _decode(self, todo: list[str]) -> dict[str, Entry]:
        tokens = [self._sp.encode(s, out_type=str) for s in todo]
        prefix = self.installed.target_prefix
        longest = max(len(t) for t in tokens)
        started = time.perf_counter()
        try:
            results = []
            for chunk in self._chunks(len(tokens)):
                results += self._translator.translate_batch(
                    tokens[chunk],
                    target_prefix=[[prefix]] * len(tokens[chunk]) if prefix else None,
                    beam_size=self.settings.beam_size,
                    max_batch_size=self.settings.max_batch_tokens,
                    batch_type="tokens",
                    # Never cut: no input limit, and room for a translation twice as long.
                    max_input_length=0,
                    max_decoding_length=2 * longest + 16,
                    replace_unknowns=True,
                    return_attention=True,
                )
                if self.progress is not None:
                    self.progress(len(results), len(tokens))
        except (RuntimeError, ValueError) as exc:
            raise EngineError(
                f"CTranslate2 failed to decode: {exc}", path=self.installed.path
            ) from None
        self.stats.seconds += time.perf_counter() - started
        self.stats.decoded += len(todo)
        self.stats.batches.append(len(todo))
        out = {}
        for source, result in zip(todo, results, strict=True):
            pieces = list(result.hypotheses[0])
            attention = result.attention[0] if result.attention else []
            if prefix and pieces[:1] == [prefix]:
                pieces, attention = pieces[1:], attention[1:]
            alignment = tuple(
                max(range(len(row)), key=row.__getitem__) if row else 0 for row in attention
            )
            out[source] = Entry(source, self._detokenize(pieces), tuple(pieces), alignment)
        return out

    def _chunks(self, count: int) -> list[slice]:
        """One call for the whole run; up to 20 when someone watches a progress bar.

        The sentences are sorted by length, so each chunk still batches well.
        """
        if self.progress is None:
            return [slice(0, count)]
        size = max(64, -(-count // 20))
        return [slice(start, start + size) for start in range(0, count, size)]

    def _detokenize(self, pieces: Sequence[str]) -> str:
        if all(self._sp.piece_to_id(p) != self._sp.unk_id() for p in pieces):
            return str(self._sp.decode_pieces(list(pieces)))
        return "".join(pieces).replace(_PIECE, " ").strip()

    # --- putting placeholders back -----------------------------------------------------------

    def _render(self, sentence: _Sentence, entries: dict[str, Entry]) -> str:
        if not sentence.clean.strip():
            return "".join(m.text for m in sentence.marks)
        entry = entries[normalize(sentence.clean)]
        if not sentence.marks:
            return entry.target
        spans = self._source_spans(sentence)
        targets = _target_spans(spans, entry.alignment, entry.pieces, sentence.marks)
        self.stats.aligned += len(sentence.marks)
        return _insert(list(entry.pieces), sentence.marks, targets, self._detokenize)

    def _source_spans(self, sentence: _Sentence) -> list[tuple[int, int]]:
        """For each mark, the source pieces it covers: (b, b) for markup between pieces,
        (b0, b1) for the pieces of a term's target written into the sentence."""
        proto = self._sp.encode(sentence.clean, out_type="proto")
        encoded = sentence.clean.encode("utf-8")
        ends = [len(encoded[: p.end].decode("utf-8", errors="ignore")) for p in proto.pieces]
        spans = []
        for mark in sentence.marks:
            first = sum(end <= mark.offset for end in ends)
            last = sum(end <= mark.offset + mark.length for end in ends) if mark.length else first
            spans.append((first, max(last, first + 1) if mark.length else first))
        return spans


def _shared_translator(model_dir: Path, settings: Settings) -> Any:
    key = "|".join(
        str(v)
        for v in (
            model_dir,
            settings.device,
            settings.compute_type,
            settings.inter_threads,
            settings.intra_threads,
        )
    )
    if key not in _TRANSLATOR:
        _TRANSLATOR.clear()  # release the old one before loading another
        import ctranslate2  # noqa: PLC0415

        try:
            _TRANSLATOR[key] = ctranslate2.Translator(
                str(model_dir),
                device=settings.device,
                compute_type=settings.compute_type,
                inter_threads=settings.inter_threads,
                intra_threads=settings.intra_threads,
            )
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"cannot load the model: {exc}", path=model_dir) from None
    return _TRANSLATOR[key]


def _without_placeholders(text: str) -> tuple[str, list[_Mark]]:
    """Remove placeholders, noting where each stood; fold the spaces they leave."""
    clean: list[str] = []
    marks: list[_Mark] = []
    length = 0
    cursor = 0
    for match in PLACEHOLDER.finditer(text):
        piece = text[cursor : match.start()]
        if length and clean and clean[-1].endswith(" ") and piece.startswith(" "):
            piece = piece.lstrip(" ")
        clean.append(piece)
        length += len(piece)
        before = text[match.start() - 1 : match.start()]
        after = text[match.end() : match.end() + 1]
        hint = match.group(0)[1:-1].partition("=")[2]
        marks.append(
            _Mark(match.group(0), length, before in ("", " "), after in ("", " "), len(hint))
        )
        # A term's English target stands in the sentence: models copy it through.
        clean.append(hint)
        length += len(hint)
        cursor = match.end()
    tail = text[cursor:]
    if clean and clean[-1].endswith(" ") and tail.startswith(" "):
        tail = tail.lstrip(" ")
    clean.append(tail)
    joined = "".join(clean)
    lead = len(joined) - len(joined.lstrip(" "))
    for mark in marks:
        mark.offset = max(0, mark.offset - lead)
    return joined.lstrip(" "), marks


def _target_spans(
    sources: list[tuple[int, int]],
    alignment: Sequence[int],
    pieces: Sequence[str],
    marks: Sequence[_Mark],
) -> list[tuple[int, int]]:
    """Map marks to target pieces, keeping their order.

    Markup before source piece b goes before the first target piece aligned to a
    source piece at or after b. A term's target replaces the target pieces
    aligned to the source pieces it was written as. A mark that stood between
    words is moved off a word's inside to the next word start.
    """
    targets: list[tuple[int, int]] = []
    floor = 0
    for (first, last), mark in zip(sources, marks, strict=True):
        covered = [j for j, s in enumerate(alignment) if first <= s < last] if mark.length else []
        if covered:
            start, end = min(covered), max(covered) + 1
        else:
            start = next((j for j, s in enumerate(alignment) if s >= first), len(pieces))
            end = start
        start = max(floor, min(start, len(pieces)))
        end = max(start, end)
        if not mark.length and (mark.space_before or mark.space_after):
            while 0 < start < len(pieces) and _inside_word(pieces, start):
                start += 1
            end = start
        targets.append((start, end))
        floor = end
    return targets


def _inside_word(pieces: Sequence[str], j: int) -> bool:
    here, before = pieces[j], pieces[j - 1]
    return not here.startswith(_PIECE) and here[:1].isalnum() and before[-1:].isalnum()


def _insert(
    pieces: Sequence[str],
    marks: Sequence[_Mark],
    targets: Sequence[tuple[int, int]],
    detokenize: Any,
) -> str:
    """Detokenize with placeholders put in at their target spans, spaced as in the source.

    Markup glued to the next word (``**`` opening) stays glued to the next target
    word; markup glued to the previous word stays glued to that. A term replaces
    the pieces it spans and is spaced like the words it replaces.
    """
    out = ""
    cursor = 0
    spaced = False  # whether the last mark already decided the space before the next word
    previous: _Mark | None = None
    for mark, (start, end) in [*zip(marks, targets, strict=True), (None, (len(pieces), 0))]:
        if start > cursor:
            if cursor > 0 and not spaced and pieces[cursor].startswith(_PIECE):
                out += " "
            out += detokenize(list(pieces[cursor:start]))
            cursor, spaced, previous = start, False, None
        if mark is None:
            break
        word_follows = start < len(pieces) and pieces[start].startswith(_PIECE)
        if mark.length:  # a term: a word in its own right
            if previous is not None:  # right after a mark: space as in the source
                wanted = previous.space_after or mark.space_before
            else:
                wanted = word_follows or mark.space_before
            if wanted and out and not out.endswith(" "):
                out += " "
            out += mark.text
            cursor, spaced, previous = max(cursor, end), False, mark
            continue
        if (previous is not None and previous.space_after and not out.endswith(" ")) or (
            mark.space_before and out and not out.endswith(" ") and not spaced
        ):
            out += " "
        out += mark.text
        if word_follows and (mark.space_after or not mark.space_before):
            out += " "
        spaced, previous = True, mark
    return out.strip()
