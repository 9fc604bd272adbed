"""The Argos engine: Argos Translate models decoded offline with CTranslate2.

argostranslate's own ``translate()`` splits sentences with a model it downloads
on first use, decodes one paragraph at a time, and its tokenizer turns ``_``
into spaces. This engine uses the installed package only for its files: it
splits sentences itself (``translator.sentences``), tokenizes with the
package's SentencePiece model, and sends every sentence of the run, deduplicated
and sorted by length, to one ``translate_batch`` call.

Placeholders never reach the model. NMT models drop or mangle tokens they were
not trained on, and clean sentences translate better. Markup placeholders are
removed before decoding; a glossary term's English target, and an opaque
stand-in word for a code span, are written where they stood, so the model
carries them to their English place. Afterwards ``placement`` puts every
placeholder back on the English words it belongs to, using string matches,
the translation of each marked span on its own (decoded in the same batch),
and CTranslate2's attention (``return_attention``), summed per word. The
pipeline still verifies the result and falls back where a placement would
break the structure.

The decoder is injectable: ``ArgosEngine(installed, settings, translator=obj)``
decodes with ``obj.translate_batch`` instead of loading the package's CTranslate2
model. ``obj`` needs only what this module calls: ``translate_batch(pieces,
target_prefix=..., return_attention=True, ...)`` returning results with
``hypotheses`` and ``attention``. Tests and ``bench/placement.py`` pass
``translator.testing.ReorderingModel``, which reorders as real models do.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from translator import sentences
from translator.config import Settings
from translator.engines import placement
from translator.errors import EngineError
from translator.memory import Entry, Memory, normalize
from translator.models import InstalledModel, find
from translator.segment import PLACEHOLDER

_PIECE = "\u2581"
_KEEP_WEIGHT = 0.05
"""Attention weights below this are not kept: they carry no placement signal."""
DECODE_SLICE = 512
"""Sentences per ``translate_batch`` call: enough for several 4,096-token sub-batches,
few enough that memory does not follow the size of the run (see ``_chunks``)."""
_SPELLINGS = 50_000
"""Target words whose spelling ``_spelled`` remembers at most."""
_TRANSLATOR: dict[str, Any] = {}
"""The one ctranslate2.Translator of this process: two alive at once slow both down."""


@dataclass(slots=True)
class _Sentence:
    clean: str
    marks: list[placement.Mark]
    glue: str
    """Whitespace that followed the sentence in the source."""
    found: dict[tuple[int, int], str] | None = None
    """``fragments()`` once made: asked for when decoding, waiting and rendering."""

    def fragments(self) -> dict[tuple[int, int], str]:
        """The words between each opening and closing mark: translated on their own too."""
        if self.found is None:
            self.found = self._fragments()
        return self.found

    def _fragments(self) -> dict[tuple[int, int], str]:
        out = {}
        for i, j in placement.pairs(self.marks):
            words = self.clean[self.marks[i].offset : self.marks[j].offset].strip()
            if any(c.isalpha() for c in words) and words != self.clean:
                out[(i, j)] = words
        return out


class _Waiting:
    """Which texts have every entry their rendering reads, as entries arrive."""

    def __init__(self, needs: list[set[str]]) -> None:
        self._missing = [len(n) for n in needs]
        self._texts: dict[str, list[int]] = {}
        for k, keys in enumerate(needs):
            for key in keys:
                self._texts.setdefault(key, []).append(k)
        self._pending = [k for k, count in enumerate(self._missing) if not count]

    def complete(self, arrived: dict[str, Entry]) -> list[int]:
        """The texts that ``arrived`` completes (those that needed nothing come first)."""
        done, self._pending = self._pending, []
        for key in arrived:
            for k in self._texts.pop(key, ()):
                self._missing[k] -= 1
                if not self._missing[k]:
                    done.append(k)
        return done


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
    """Placeholders put back into decoded sentences."""
    fragments: int = 0
    """Marked spans translated on their own to find them in their sentence."""
    uncertain: int = 0
    """Marks placed on weak attention alone."""
    split: int = 0
    """Sentences cut at clause or word boundaries because they were too long."""
    seconds: float = 0.0
    """Time spent in ``translate_batch`` calls (in the decoding thread, so the engine's
    work on earlier results, done meanwhile, is not counted)."""
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
        *,
        translator: Any = None,
        translate_spans: bool = True,
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
        self.uncertain: set[str] = set()
        """Texts translated in this process with a mark placed with low confidence."""
        self.translate_spans = translate_spans
        """Translate each marked span on its own too (one short sentence more per pair);
        off, markup is placed on attention alone (``bench/placement.py`` measures both)."""
        tokenizer = installed.path / "sentencepiece.model"
        if not tokenizer.is_file():
            raise EngineError(
                "this package uses a BPE tokenizer; only SentencePiece packages are supported",
                path=installed.path,
            )
        self._sp = spm.SentencePieceProcessor(model_file=str(tokenizer))
        self._pieces: dict[str, list[str]] = {}
        """What ``_count`` encoded in this call, by SentencePiece's normalized text."""
        self._unk = self._sp.unk_id()
        self._spellings: dict[tuple[str, ...], str] = {}
        self._translator = translator or _shared_translator(installed.path / "model", settings)

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
        fragments = [f for s_ in prepared for s in s_ for f in self._fragments(s).values()]
        self.stats.fragments += len(fragments)
        rendered: dict[str, str] = {}
        waiting = _Waiting([self._needs(sentences_) for sentences_ in prepared])
        entries: dict[str, Entry] = {}
        # Each text is rendered as soon as its last sentence arrives, while the
        # next slice decodes in the background (see ``_translations``).
        # Closed here, not when collected: a second Ctrl-C while the decoding thread
        # finishes its call must reach the caller, not be printed and ignored.
        with contextlib.closing(self._translations(wanted + fragments)) as arrivals:
            for arrived in arrivals:
                entries.update(arrived)
                for k in waiting.complete(arrived):
                    rendered[todo[k]] = self._rendered(todo[k], prepared[k], entries)
        self._pieces.clear()
        fresh = {text: rendered[text] for text in todo}
        if self.memory is not None and fresh:
            self.memory.store_rendered(self.model, self.glossary, fresh.items())
        return [known[t] if t in known else fresh[t] for t in texts]

    def _needs(self, prepared: list[_Sentence]) -> set[str]:
        """The entries a text's rendering reads: its sentences' and its marked spans'."""
        needs = {normalize(s.clean) for s in prepared if s.clean.strip()}
        needs.update(normalize(f) for s in prepared for f in self._fragments(s).values())
        return needs

    def _rendered(self, text: str, prepared: list[_Sentence], entries: dict[str, Entry]) -> str:
        return "".join(self._render(text, s, entries) + s.glue for s in prepared).strip()

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
                result[-1].marks.append(replace(mark, offset=len(result[-1].clean)))
        return result

    def _sentence(
        self, clean: str, marks: list[placement.Mark], start: int, end: int
    ) -> _Sentence:
        chunk = clean[start:end]
        body = chunk.rstrip()
        lead = len(body) - len(body.lstrip())
        own = [
            replace(m, offset=max(0, m.offset - start - lead))
            for m in marks
            if start <= m.offset < end
        ]
        return _Sentence(body.lstrip(), own, chunk[len(body) :])

    def _count(self, text: str) -> int:
        pieces = self._sp.encode(text, out_type=str)
        self._pieces[self._sp.normalize(text)] = pieces
        return len(pieces)

    def _tokens(self, todo: list[str]) -> list[list[str]]:
        """Each sentence's pieces, taken from ``_count`` where it encoded the same text.

        SentencePiece segments its normalized text and nothing else, so a
        sentence counted with its trailing whitespace and decoded without it
        (or with its spaces folded by ``memory.normalize``) has the same pieces
        when both normalize alike; normalizing costs a fifth of encoding.
        """
        return [
            self._pieces.get(self._sp.normalize(s)) or self._sp.encode(s, out_type=str)
            for s in todo
        ]

    # --- decoding ----------------------------------------------------------------------------

    def _translations(self, wanted: list[str]) -> Generator[dict[str, Entry], None, None]:
        """The entries of ``wanted`` as they become available: the translation memory's
        first (possibly none), then each decoded slice's.

        Slices decode in a background thread, one ahead: CTranslate2 releases the GIL
        while it decodes (on at most every core, ``intra_threads=0``, but not all of the
        time), so the work the caller does with one slice (entries, rendering, the
        memory) overlaps the decoding of the next instead of adding to it. Decoding
        order and arguments are those of decoding in the caller's thread, so the output
        is the same.
        """
        unique = list(dict.fromkeys(normalize(s) for s in wanted))
        found: dict[str, Entry] = {}
        if self.memory is not None and unique:
            found = self.memory.lookup(self.model, self.glossary, unique)
            self.stats.remembered += len(found)
        yield found
        todo = sorted((s for s in unique if s not in found), key=len)
        if not todo:
            return
        with contextlib.closing(self._decode(todo)) as slices:
            for decoded in slices:
                if self.memory is not None:
                    self.memory.store(self.model, self.glossary, list(decoded.values()))
                yield decoded
        self.stats.decoded += len(todo)
        self.stats.batches.append(len(todo))

    def _decode(self, todo: list[str]) -> Generator[dict[str, Entry], None, None]:
        """Each slice's entries, in order, decoded one slice ahead of the caller."""
        tokens = self._tokens(todo)
        longest = max(len(t) for t in tokens)
        parts = self._chunks(len(tokens))
        done = 0
        decoder = ThreadPoolExecutor(1, thread_name_prefix="translator-decode")
        try:
            ahead = [decoder.submit(self._timed_slice, tokens[parts[0]], longest)]
            for k, part in enumerate(parts):
                # This call's future is let go as its results are taken, so that they are
                # freed with ``results`` below, the last call's included.
                results = ahead.pop().result()
                if k + 1 < len(parts):
                    ahead.append(decoder.submit(self._timed_slice, tokens[parts[k + 1]], longest))
                # The slice's results become entries at once: CTranslate2's own (with
                # their attention) are freed while the next slice decodes, so at most
                # two slices' are alive.
                out = {
                    source: self._entry(source, result)
                    for source, result in zip(todo[part], results, strict=True)
                }
                del results
                done += len(out)
                if self.progress is not None:
                    self.progress(done, len(tokens))
                yield out
        finally:
            # On an error or an interruption, wait only for the slice under way
            # (CTranslate2 cannot stop it), never for slices not started.
            decoder.shutdown(wait=True, cancel_futures=True)

    def _timed_slice(self, tokens: list[list[str]], longest: int) -> list[Any]:
        started = time.perf_counter()
        try:
            return self._decode_slice(tokens, longest)
        finally:
            self.stats.seconds += time.perf_counter() - started

    def _decode_slice(self, tokens: list[list[str]], longest: int) -> list[Any]:
        """One ``translate_batch`` call; ``longest`` is the longest input of the whole
        decode, so that a sentence decodes the same whichever slice it falls in."""
        prefix = self.installed.target_prefix
        try:
            return list(
                self._translator.translate_batch(
                    tokens,
                    target_prefix=[[prefix]] * len(tokens) if prefix else None,
                    beam_size=self.settings.beam_size,
                    max_batch_size=self.settings.max_batch_tokens,
                    batch_type="tokens",
                    # Never cut: no input limit, and room for a translation twice as long.
                    max_input_length=0,
                    max_decoding_length=2 * longest + 16,
                    replace_unknowns=True,
                    return_attention=True,
                )
            )
        except (RuntimeError, ValueError) as exc:
            raise EngineError(
                f"CTranslate2 failed to decode: {exc}", path=self.installed.path
            ) from None

    def _entry(self, source: str, result: Any) -> Entry:
        """A decoded sentence as the memory keeps it: its text, pieces and alignment."""
        prefix = self.installed.target_prefix
        pieces = list(result.hypotheses[0])
        attention = result.attention  # CTranslate2 makes this list anew at every access
        attention = attention[0] if attention else []
        if prefix and pieces[:1] == [prefix]:
            pieces, attention = pieces[1:], attention[1:]
        alignment = tuple(_kept(row) for row in attention)
        return Entry(source, self._detokenize(pieces), tuple(pieces), alignment)

    def _chunks(self, count: int) -> list[slice]:
        """The ``translate_batch`` calls: slices of at most ``DECODE_SLICE`` sentences,
        and up to 20 when someone watches a progress bar.

        CTranslate2 holds a whole call's working memory and results until it
        returns: one call over the 2,674 sentences of 100 articles took a run from
        65 to 325 MiB, and how far depended on the sentences (267 and 333 MiB for
        two sites' first 100 articles; 244 and 239 MiB in slices). Slices bound
        that to what 512 sentences need, twice over since one slice decodes while
        the previous one's results are used (3,000 articles peaked at 277 MiB, 327
        before that overlap; README, *Benchmark*). The sentences are sorted by
        length, so each slice still batches well.
        """
        size = DECODE_SLICE
        if self.progress is not None:
            size = min(size, max(64, -(-count // 20)))
        return [slice(start, start + size) for start in range(0, count, size)]

    def _detokenize(self, pieces: Sequence[str]) -> str:
        listed = list(pieces)
        if self._unk not in self._sp.piece_to_id(listed):
            return str(self._sp.decode_pieces(listed))
        return "".join(listed).replace(_PIECE, " ").strip()

    def _spelled(self, pieces: tuple[str, ...]) -> str:
        """One target word's text, as ``_detokenize`` writes it.

        Every marked sentence's words are spelled, and words recur, so each
        distinct word is detokenized once. The cache is cleared when full, so it
        stays small however long the run.
        """
        text = self._spellings.get(pieces)
        if text is None:
            if len(self._spellings) >= _SPELLINGS:
                self._spellings.clear()
            text = self._spellings[pieces] = self._detokenize(pieces)
        return text

    # --- putting placeholders back -----------------------------------------------------------

    def _render(self, text: str, sentence: _Sentence, entries: dict[str, Entry]) -> str:
        if not sentence.clean.strip():
            return "".join(m.text for m in sentence.marks)
        entry = entries[normalize(sentence.clean)]
        if not sentence.marks:
            return entry.target
        fragments = self._fragments(sentence)

        def fragment(i: int, j: int) -> str | None:
            words = fragments.get((i, j))
            return entries[normalize(words)].target if words is not None else None

        target = placement.words_of_pieces(entry.pieces, spell=self._spelled)
        placed = placement.place(
            self._source_words(sentence.clean), target, entry.alignment, sentence.marks, fragment
        )
        self.stats.aligned += len(sentence.marks)
        if placed is None:  # no nesting holds: the pipeline's verification falls back
            return entry.target + "".join(m.text for m in sentence.marks)
        if placed.uncertain:
            self.stats.uncertain += placed.uncertain
            self.uncertain.add(text)
        return placed.text

    def _fragments(self, sentence: _Sentence) -> dict[tuple[int, int], str]:
        return sentence.fragments() if self.translate_spans else {}

    def _source_words(self, clean: str) -> list[placement.Word]:
        """The sentence's words, with their pieces and characters, as the model saw them."""
        character = _characters(clean)
        pieces = []
        spans = []
        for p in self._sp.encode(clean, out_type="proto").pieces:
            start, end = character(p.begin), character(p.end)
            while start < end and clean[start].isspace():  # "▁" pieces begin at the space
                start += 1
            pieces.append(p.piece)
            spans.append((start, end))
        return placement.words_of_pieces(pieces, spans)


def _characters(text: str) -> Callable[[int], int]:
    """Byte offset in ``text``'s UTF-8 → the character it falls in (the length at its end).

    SentencePiece gives byte offsets. ASCII bytes are characters; otherwise a
    table built once per sentence replaces decoding the prefix before every piece.
    """
    if text.isascii():
        return int
    table = [k for k, c in enumerate(text) for _ in c.encode("utf-8")]
    table.append(len(text))
    return table.__getitem__


def _kept(row: Sequence[float]) -> placement.Alignment:
    """The attention weights of one target piece worth keeping, largest first (the
    first source piece first among equals).

    Runs once per target piece of every decoded sentence: sorting the weights
    themselves, in C, and finding their pieces after took about half the time of sorting
    piece numbers by weight (``_kept_ranked`` in tests/test_perf_render.py keeps
    that form as the reference the tests compare with).
    """
    if not row:
        return ()
    top = sorted(row, reverse=True)[:4]
    first = top[0]
    if first < _KEEP_WEIGHT:
        return ((row.index(first), 1.0),)
    if len(top) == 1 or top[1] < _KEEP_WEIGHT:  # most rows: one piece has the attention
        return ((row.index(first), round(float(first), 3)),)
    kept = []
    previous, at = None, -1
    for weight in top:
        if weight < _KEEP_WEIGHT:
            break
        at = row.index(weight, at + 1 if weight == previous else 0)
        previous = weight
        kept.append((at, round(float(weight), 3)))
    return tuple(kept)


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


def _without_placeholders(text: str) -> tuple[str, list[placement.Mark]]:
    """Remove placeholders, noting where each stood; fold the spaces they leave.

    A term's English target stands in the sentence in its place, and so does an
    opaque stand-in word for a word placeholder (``⟦3=⟧``, a code span): models
    copy both through, to where English puts them.
    """
    clean: list[str] = []
    marks: list[placement.Mark] = []
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
        word, _, hint = match.group(0)[1:-1].partition("=")
        if word and not hint and match.group(0).endswith("=⟧"):
            hint = _stand_in(sum(m.hint.startswith("ZQ") for m in marks))
        marks.append(placement.Mark(match.group(0), length, len(hint), hint, before, after))
        clean.append(hint)
        length += len(hint)
        cursor = match.end()
    tail = text[cursor:]
    if clean and clean[-1].endswith(" ") and tail.startswith(" "):
        tail = tail.lstrip(" ")
    clean.append(tail)
    joined = "".join(clean)
    lead = len(joined) - len(joined.lstrip(" "))
    marks = [replace(m, offset=max(0, m.offset - lead)) for m in marks]
    return joined.lstrip(" "), marks


def _stand_in(number: int) -> str:
    """An opaque word for a code span: capitals that models copy as a name."""
    return "ZQ" + chr(ord("A") + number % 26) * (1 + number // 26)
