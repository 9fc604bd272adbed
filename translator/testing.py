"""Testing helpers: a tiny but real Argos Translate model, built in a moment.

Real Argos models cannot be downloaded in CI, and a fake engine would not test
the code that loads and decodes them. ``build_model`` writes a genuine
``.argosmodel`` package: a SentencePiece model trained in memory and a
CTranslate2 Transformer whose weights are set by hand so that it translates
word for word from a lexicon ("De gemeenten delen resultaten met elkaar." →
"The municipalities share results with each other."). Words it does not know
are copied unchanged. It needs numpy, sentencepiece and ctranslate2 only: no
torch, no downloads.

How the weights work (one encoder and one decoder layer, one head):

* Every vector lives in a half space ``u = [token code | position]`` and is
  stored mirrored as ``[u, -u]``: its mean is 0 and its norm is known at every
  LayerNorm, so each pre-norm LayerNorm is an exact identity (gamma = sigma).
* Token codes are deterministic ±1/√d vectors from SHA-256, nearly orthogonal.
  Positions are (cos, sin) pairs at K binary frequencies π/2^k, so that
  Σ cos(π Δ / 2^k) is at least 1 below its peak for any shift 0 < |Δ| < 2^K.
* Encoder attention and feed-forward weights are zero: the encoder outputs its
  input embedding, code plus position. Decoder embeddings are zero: the decoder
  sees only its position t.
* Cross-attention has two heads. One queries λ·pos(t) against keys pos(s):
  step t reads source position t and carries its code into the decoder. The
  other queries the position rotated one step on, reading from position t + 1
  a flag pair (f, 1 - f): whether that piece continues the word (``ze`` after
  ``▁de`` in "deze").
* The feed-forward layer recognises the code of each mapped source piece and
  swaps it for the code of its target piece, unless the next piece continues
  the word ("deze" is not "the" + "ze"); the output projection reads codes.
  Multi-word targets ("each other") are target-only pieces (``▁each▁other``).
* ``add_source_eos``: the source ends in ``</s>``, which maps to itself, so
  decoding ends when the decoder reaches it.

Command line: ``python -m translator.testing build-model OUT.argosmodel``.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import re
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

CODE_DIMS = 128
"""Dimensions of a token code."""
FREQUENCIES = 10
"""Position frequencies: positions 0 … 2^10 - 1 are told apart."""
MAX_POSITIONS = 2**FREQUENCIES
QUERY_GAIN = 400.0
"""λ: how sharply step t attends to source position t."""
LOGIT_GAIN = 20.0
EPSILON = 1e-6

DEFAULT_LEXICON: Mapping[str, str] = {
    "de": "the",
    "het": "the",
    "een": "a",
    "en": "and",
    "van": "of",
    "met": "with",
    "in": "in",
    "op": "on",
    "voor": "for",
    "over": "about",
    "elkaar": "each other",
    "gemeente": "municipality",
    "gemeenten": "municipalities",
    "delen": "share",
    "resultaten": "results",
    "werken": "work",
    "samen": "together",
    "aan": "on",
    "kennis": "knowledge",
    "gegevens": "data",
    "model": "model",
    "stad": "city",
    "programma": "programme",
    "basisregistraties": "base registries",
    "basisregistratie": "base registry",
    "landelijke": "national",
    "voorziening": "facility",
    "digitale": "digital",
    "tweeling": "twin",
    "is": "is",
    "zijn": "are",
    "dit": "this",
    "dat": "that",
    "wij": "we",
    "nieuwe": "new",
    "goed": "good",
    "kaart": "map",
    "tekst": "text",
    "zie": "see",
    "lees": "read",
}

_PIECE = "\u2581"


def lexicon_pieces(lexicon: Mapping[str, str]) -> dict[str, str]:
    """Source piece → target piece, with capitalised forms added.

    Only single words map; a multi-word or hyphenated source is left out.
    """
    pieces = {}
    for source, target in lexicon.items():
        if not re.fullmatch(r"\w+", source):
            continue
        for src, tgt in ((source, target), (source.capitalize(), target.capitalize())):
            pieces[_PIECE + src] = _PIECE + tgt.replace(" ", _PIECE)
    return pieces


def build_model(
    out: Path,
    lexicon: Mapping[str, str] = DEFAULT_LEXICON,
    *,
    package_version: str = "1.0",
    name: str = "translator-test",
) -> Path:
    """Write a word-for-word Dutch→English ``.argosmodel`` package to ``out``."""
    import sentencepiece as spm  # noqa: PLC0415

    mapping = lexicon_pieces(lexicon)
    sp_bytes = _train_sentencepiece(mapping)
    processor = spm.SentencePieceProcessor(model_proto=sp_bytes)
    source_vocab = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    # A source the tokenizer splits (a hyphenated word) cannot be mapped piece for piece.
    known = set(source_vocab)
    mapping = {s: t for s, t in mapping.items() if s in known}
    target_vocab = source_vocab + sorted(set(mapping.values()) - set(source_vocab))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / name
        root.mkdir()
        _save_transformer(root / "model", source_vocab, target_vocab, mapping)
        (root / "sentencepiece.model").write_bytes(sp_bytes)
        metadata = {
            "package_version": package_version,
            "argos_version": "1.9.0",
            "from_code": "nl",
            "from_name": "Dutch",
            "to_code": "en",
            "to_name": "English",
            "type": "translate",
            "description": "translator test model: word for word, not a real translation",
        }
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        (root / "README.md").write_text(
            "A tiny word-for-word model built by translator.testing for tests and demos.\n",
            encoding="utf-8",
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        _zip_dir(root, out)
    return out


# --- SentencePiece ---------------------------------------------------------------------------


_EXTRA_CHARS = "0123456789.,;:!?'\"()[]-/&%+=*#_<>|~`@$éëïöüèàçñÉËÏÖÜ"


def _corpus(mapping: Mapping[str, str]) -> list[str]:
    words = [p[1:] for p in mapping] + [w for t in mapping.values() for w in t.split(_PIECE) if w]
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    lines = [" ".join(words[i : i + 8]) for i in range(0, len(words), 8)] * 20
    lines.append(" ".join(letters) + " " + " ".join(_EXTRA_CHARS))
    return lines


def _train_sentencepiece(mapping: Mapping[str, str]) -> bytes:
    import sentencepiece as spm  # noqa: PLC0415

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(_corpus(mapping)),
        model_writer=model,
        # BPE merges frequent words whole, which the lexicon needs; a unigram
        # model trained on so small a corpus splits them.
        model_type="bpe",
        vocab_size=4 * len(mapping) + 1000,
        hard_vocab_limit=False,
        character_coverage=1.0,
        max_sentencepiece_length=64,
        split_digits=True,
        num_threads=1,
        minloglevel=2,
    )
    return model.getvalue()


# --- the Transformer ----------------------------------------------------------------------------


def _code(index: int) -> Any:
    """A deterministic ±1/√d code for a target-vocabulary index."""
    import numpy as np  # noqa: PLC0415

    bits = b""
    counter = 0
    while len(bits) * 8 < CODE_DIMS:
        bits += hashlib.sha256(f"{index}:{counter}".encode()).digest()
        counter += 1
    values = np.unpackbits(np.frombuffer(bits, dtype=np.uint8))[:CODE_DIMS]
    return (values.astype(np.float32) * 2 - 1) / np.sqrt(CODE_DIMS)


def _continues_word(piece: str) -> bool:
    """Whether a piece continues the word before it (``ze`` in ``▁de`` ``ze``)."""
    return not piece.startswith(_PIECE) and piece[:1].isalnum()


class _Space:
    """The half-space layout and the weight builders that keep vectors mirrored.

    u = token code | position (cos, sin) pairs | flag pair (f, 1 - f); every
    vector is stored as [u, -u].
    """

    def __init__(self) -> None:
        import numpy as np  # noqa: PLC0415

        self.np = np
        self.pos0 = CODE_DIMS
        self.flag0 = CODE_DIMS + 2 * FREQUENCIES
        self.half = self.flag0 + 2
        self.dims = 2 * self.half

    def zeros(self, *shape: int) -> Any:
        return self.np.zeros(shape, dtype=self.np.float32)

    def mirror(self, rows: Any) -> Any:
        return self.np.concatenate([rows, -rows], axis=-1).astype(self.np.float32)

    def reads(self, half_map: Any) -> Any:
        """A weight that applies ``half_map`` to u, given the mirrored [u, -u]."""
        return self.np.concatenate([half_map / 2, -half_map / 2], axis=1).astype(self.np.float32)

    def norm(self, norm_squared: float) -> tuple[Any, Any]:
        """LayerNorm parameters that leave a mirrored vector of that norm unchanged."""
        sigma = self.np.sqrt(2 * norm_squared / self.dims + EPSILON)
        return self.np.full(self.dims, sigma, dtype=self.np.float32), self.zeros(self.dims)

    def part(self, start: int, stop: int) -> Any:
        selector = self.zeros(self.half, self.half)
        selector[start:stop, start:stop] = self.np.eye(stop - start)
        return selector

    def positions(self) -> tuple[Any, Any]:
        """The position table, and the rotation that maps pos(t) to pos(t + 1)."""
        np = self.np
        steps = np.arange(MAX_POSITIONS, dtype=np.float64)
        table = self.zeros(MAX_POSITIONS, self.half)
        rotate = self.zeros(self.half, self.half)
        for k in range(FREQUENCIES):
            theta = np.pi / 2 ** (k + 1)
            i = self.pos0 + 2 * k
            table[:, i], table[:, i + 1] = np.cos(theta * steps), np.sin(theta * steps)
            c, s = np.cos(theta), np.sin(theta)
            rotate[i : i + 2, i : i + 2] = [[c, -s], [s, c]]
        return table, rotate


# Norms squared of the vectors that reach each LayerNorm.
_DECODER_INPUT = float(FREQUENCIES)  # position only
_FULL = 2.0 + FREQUENCIES  # code (1) + positions (K) + flag pair (1)


def _save_transformer(
    out: Path, source_vocab: Sequence[str], target_vocab: Sequence[str], mapping: Mapping[str, str]
) -> None:
    from ctranslate2.specs import TransformerSpec  # noqa: PLC0415

    space = _Space()
    index = {piece: i for i, piece in enumerate(target_vocab)}
    codes = space.np.stack([_code(i) for i in range(len(target_vocab))])
    spec = TransformerSpec.from_config((1, 1), 2, pre_norm=True)
    spec.config.add_source_eos = True
    spec.config.layer_norm_epsilon = EPSILON
    spec.encoder.scale_embeddings = False
    spec.decoder.scale_embeddings = False
    _embeddings(spec, space, codes, source_vocab, index, len(target_vocab))
    _pass_through(spec, space)
    _cross_attention(spec.decoder.layer[0].attention, space)
    swaps = [(index[s], index[t]) for s, t in sorted(mapping.items()) if s != t]
    _swap_ffn(spec.decoder.layer[0].ffn, space, codes, swaps)
    spec.decoder.layer_norm.gamma, spec.decoder.layer_norm.beta = space.norm(_FULL)
    output = space.zeros(len(target_vocab), space.half)
    output[:, :CODE_DIMS] = LOGIT_GAIN * codes
    spec.decoder.projection.weight = space.reads(output)
    spec.decoder.projection.bias = space.zeros(len(target_vocab))
    spec.register_source_vocabulary(list(source_vocab))
    spec.register_target_vocabulary(list(target_vocab))
    spec.validate()
    spec.optimize(quantization=None)
    out.mkdir(parents=True)
    spec.save(str(out))


def _embeddings(
    spec: Any,
    space: _Space,
    codes: Any,
    source_vocab: Sequence[str],
    index: Mapping[str, int],
    target_size: int,
) -> None:
    embedding = space.zeros(len(source_vocab), space.half)
    for i, piece in enumerate(source_vocab):
        embedding[i, :CODE_DIMS] = codes[index[piece]]
        flag = 1.0 if _continues_word(piece) else 0.0
        embedding[i, space.flag0 : space.half] = (flag, 1.0 - flag)
    spec.encoder.embeddings[0].weight = space.mirror(embedding)
    table, _ = space.positions()
    spec.encoder.position_encodings.encodings = space.mirror(table)
    spec.decoder.position_encodings.encodings = space.mirror(table)
    # The decoder never looks at what it wrote: it sees only its position.
    spec.decoder.embeddings.weight = space.zeros(target_size, space.dims)


def _pass_through(spec: Any, space: _Space) -> None:
    """Zero the encoder layer and the decoder's self-attention: they add nothing."""
    layer = spec.encoder.layer[0]
    layer.self_attention.layer_norm.gamma, layer.self_attention.layer_norm.beta = space.norm(_FULL)
    _zero_attention(layer.self_attention, space.dims)
    _zero_ffn(layer.ffn, space.dims, space.norm(_FULL))
    spec.encoder.layer_norm.gamma, spec.encoder.layer_norm.beta = space.norm(_FULL)
    attention = spec.decoder.layer[0].self_attention
    attention.layer_norm.gamma, attention.layer_norm.beta = space.norm(_DECODER_INPUT)
    _zero_attention(attention, space.dims)


def _cross_attention(cross: Any, space: _Space) -> None:
    """Two heads of ``half`` dimensions: head 1 reads the code at source position t,
    head 2 the continuation flag at position t + 1."""
    np = space.np
    _, rotate = space.positions()
    positions_only = space.part(space.pos0, space.flag0)
    cross.layer_norm.gamma, cross.layer_norm.beta = space.norm(_DECODER_INPUT)
    cross.linear[0].weight = np.concatenate(
        [space.reads(QUERY_GAIN * positions_only), space.reads(QUERY_GAIN * rotate)], axis=0
    )
    cross.linear[0].bias = space.zeros(space.dims)
    keys = np.concatenate([space.reads(positions_only), space.reads(positions_only)], axis=0)
    values = np.concatenate(
        [space.reads(space.part(0, CODE_DIMS)), space.reads(space.part(space.flag0, space.half))],
        axis=0,
    )
    cross.linear[1].weight = np.concatenate([keys, values], axis=0)
    cross.linear[1].bias = space.zeros(2 * space.dims)
    merge = space.zeros(space.half, space.dims)  # the two heads, concatenated → u
    merge[:CODE_DIMS, :CODE_DIMS] = np.eye(CODE_DIMS)
    merge[space.flag0 : space.half, space.half + space.flag0 :] = np.eye(2)
    cross.linear[2].weight = np.concatenate([merge, -merge], axis=0)
    cross.linear[2].bias = space.zeros(space.dims)


def _swap_ffn(ffn: Any, space: _Space, codes: Any, swaps: Sequence[tuple[int, int]]) -> None:
    """One hidden unit per mapped piece: swap its code for the target's.

    A code dotted with itself gives 1, with any other code well under 0.5; a
    following piece that continues the word vetoes the swap.
    """
    detect = space.zeros(len(swaps), space.half)
    write = space.zeros(space.half, len(swaps))
    for h, (source, target) in enumerate(swaps):
        detect[h, :CODE_DIMS] = 2 * codes[source]
        detect[h, space.flag0] = -2.0
        write[:CODE_DIMS, h] = codes[target] - codes[source]
    ffn.layer_norm.gamma, ffn.layer_norm.beta = space.norm(_FULL)
    ffn.linear_0.weight = space.reads(detect)
    ffn.linear_0.bias = space.np.full(len(swaps), -1.0, dtype=space.np.float32)
    ffn.linear_1.weight = space.np.concatenate([write, -write], axis=0)
    ffn.linear_1.bias = space.zeros(space.dims)


def _zero_attention(attention: Any, dims: int) -> None:
    import numpy as np  # noqa: PLC0415

    attention.linear[0].weight = np.zeros((3 * dims, dims), dtype=np.float32)
    attention.linear[0].bias = np.zeros(3 * dims, dtype=np.float32)
    attention.linear[1].weight = np.zeros((dims, dims), dtype=np.float32)
    attention.linear[1].bias = np.zeros(dims, dtype=np.float32)


def _zero_ffn(ffn: Any, dims: int, layer_norm: tuple[Any, Any]) -> None:
    import numpy as np  # noqa: PLC0415

    ffn.layer_norm.gamma, ffn.layer_norm.beta = layer_norm
    ffn.linear_0.weight = np.zeros((1, dims), dtype=np.float32)
    ffn.linear_0.bias = np.zeros(1, dtype=np.float32)
    ffn.linear_1.weight = np.zeros((dims, 1), dtype=np.float32)
    ffn.linear_1.bias = np.zeros(dims, dtype=np.float32)


def _zip_dir(root: Path, out: Path) -> None:
    """Zip ``root`` as one top-level folder, with fixed timestamps for reproducible bytes."""
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(
                    f"{root.name}/{path.relative_to(root).as_posix()}", (1980, 1, 1, 0, 0, 0)
                )
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes())
    tmp.replace(out)


# --- a model that reorders -------------------------------------------------------------------
#
# The word-for-word model above keeps Dutch word order and attends exactly: it
# cannot test where markup lands when a real model reorders. ``ReorderingModel``
# stands where ``ctranslate2.Translator`` stands in the Argos engine
# (``ArgosEngine(..., translator=ReorderingModel())``) and decodes with a small
# rule-based grammar that reorders as Dutch→English models do. Every English word
# it writes knows the Dutch words it translates (``ReorderingModel.english``), so
# tests and the placement benchmark can compute where markup belongs.

ATTENTION_MODES = ("one-hot", "soft", "noisy", "last-layer")
"""How the model's attention looks: exact; 0.6 on the true source piece and the rest
on its neighbours; soft with the peak off by one in 20% of steps; soft with the peak
on the next piece or on ``</s>`` in 30% of steps, as a Transformer's last layer does."""

_DETERMINERS = {"de": "the", "het": "the", "een": "a", "deze": "these", "onze": "our"}
_PRONOUNS = {"wij": ("we", "pl"), "zij": ("they", "pl"), "hij": ("he", "sg"), "ze": ("they", "pl")}
_ADJECTIVES = {
    "kleine": "small",
    "grote": "large",
    "nieuwe": "new",
    "digitale": "digital",
    "landelijke": "national",
    "open": "open",
    "betere": "better",
}
_NOUNS = {
    "gemeente": "municipality",
    "gemeenten": "municipalities",
    "provincie": "province",
    "provincies": "provinces",
    "overheden": "governments",
    "stad": "city",
    "kaart": "map",
    "kaarten": "maps",
    "resultaten": "results",
    "gegevens": "data",
    "kennis": "knowledge",
    "model": "model",
    "modellen": "models",
    "inwoners": "residents",
    "programma": "programme",
    "tweeling": "twin",
    "rapport": "report",
    "elkaar": "each other",
    "basisregistraties": "base registries",
    "gegevensbeheer": "data management",
    "omgevingswet": "environment act",
}
_PREPOSITIONS = {
    "met": "with",
    "van": "of",
    "voor": "for",
    "in": "in",
    "op": "on",
    "over": "about",
    "naar": "to",
    "uit": "from",
    "aan": "in",
}
_CONJUNCTIONS = {"en": "and", "of": "or"}
_SUBORDINATORS = {
    "omdat": "because",
    "dat": "that",
    "wanneer": "when",
    "nadat": "after",
    "terwijl": "while",
    "als": "if",
}
_TIME_ADVERBS = {
    "morgen": "tomorrow",
    "vandaag": "today",
    "binnenkort": "soon",
    "volgend jaar": "next year",
    "dit jaar": "this year",
    "vorig jaar": "last year",
    "elke week": "every week",
}
_FOCUS_ADVERBS = {"op dit moment": "currently", "ook": "also", "vaak": "often", "altijd": "always"}
_VERBS = {  # Dutch finite or infinitive form → (English base form, number)
    "deelt": ("share", "sg"),
    "delen": ("share", "pl"),
    "verbetert": ("improve", "sg"),
    "verbeteren": ("improve", "pl"),
    "gebruikt": ("use", "sg"),
    "gebruiken": ("use", "pl"),
    "publiceert": ("publish", "sg"),
    "publiceren": ("publish", "pl"),
    "bouwt": ("build", "sg"),
    "bouwen": ("build", "pl"),
    "maakt": ("make", "sg"),
    "maken": ("make", "pl"),
    "zegt": ("say", "sg"),
    "zeggen": ("say", "pl"),
    "weet": ("know", "sg"),
    "weten": ("know", "pl"),
    "werkt": ("work", "sg"),
    "werken": ("work", "pl"),
    "is": ("be", "sg"),
    "zijn": ("be", "pl"),
}
_SEPARABLE = {  # (finite form, particle) and the merged form → (English base, number)
    ("neemt", "deel"): ("participate", "sg"),
    ("nemen", "deel"): ("participate", "pl"),
    ("werkt", "samen"): ("cooperate", "sg"),
    ("werken", "samen"): ("cooperate", "pl"),
}
_SPLIT = frozenset(finite for finite, _ in _SEPARABLE)
_MERGED = {"deelneemt": ("participate", "sg"), "deelnemen": ("participate", "pl")}
_MERGED |= {"samenwerkt": ("cooperate", "sg"), "samenwerken": ("cooperate", "pl")}
_AUXILIARIES = {  # → (English sg, English pl, what follows: participle or infinitive)
    "heeft": ("has", "has", "participle"),
    "hebben": ("have", "have", "participle"),
    "wordt": ("is", "is", "participle"),
    "worden": ("are", "are", "participle"),
    "kan": ("can", "can", "infinitive"),
    "kunnen": ("can", "can", "infinitive"),
    "moet": ("must", "must", "infinitive"),
    "moeten": ("must", "must", "infinitive"),
    "zal": ("will", "will", "infinitive"),
    "zullen": ("will", "will", "infinitive"),
    "wil": ("wants to", "wants to", "infinitive"),
    "willen": ("want to", "want to", "infinitive"),
}
_PARTICIPLES = {
    "gedeeld": "shared",
    "verbeterd": "improved",
    "gebruikt": "used",
    "gepubliceerd": "published",
    "gebouwd": "built",
    "gemaakt": "made",
    "ontwikkeld": "developed",
    "deelgenomen": "participated",
    "samengewerkt": "cooperated",
}
_IRREGULAR = {"be": ("is", "are"), "have": ("has", "have")}
_PHRASES = {**_TIME_ADVERBS, **_FOCUS_ADVERBS}
_PHRASE_WORDS = max(len(p.split()) for p in _PHRASES)


@dataclass(frozen=True, slots=True)
class Word:
    """A word (or punctuation mark) the reordering model writes."""

    text: str
    sources: tuple[int, ...]
    """Indices of the Dutch tokens it translates, in ``ReorderingModel.tokens`` order."""


@dataclass(frozen=True, slots=True)
class _Result:
    """What ``ctranslate2.Translator.translate_batch`` returns for one source."""

    hypotheses: list[list[str]]
    scores: list[float]
    attention: list[list[list[float]]]


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    pieces: tuple[int, ...]
    """Indices of its SentencePiece pieces in the source."""


class ReorderingModel:
    """A stand-in for ``ctranslate2.Translator`` that reorders like a real model.

    ``translate_batch`` takes SentencePiece pieces and returns hypotheses, scores
    and attention (one row per target piece, the ``</s>`` column cut off, as
    CTranslate2 does). ``mode`` is one of ``ATTENTION_MODES``; noise is seeded by
    ``seed`` and the sentence, so the same sentence always gets the same attention.
    """

    def __init__(self, mode: str = "one-hot", seed: int = 0) -> None:
        if mode not in ATTENTION_MODES:
            raise ValueError(f"unknown attention mode {mode!r}; choose from {ATTENTION_MODES}")
        self.mode = mode
        self.seed = seed

    def translate_batch(
        self,
        source: Sequence[Sequence[str]],
        target_prefix: Sequence[Sequence[str]] | None = None,
        *,
        return_attention: bool = False,
        **options: object,
    ) -> list[_Result]:
        """Decode each source: the arguments and results the Argos engine uses."""
        results = []
        for k, pieces in enumerate(source):
            prefix = list(target_prefix[k]) if target_prefix else []
            target, rows = self._decode(list(pieces))
            rows = [[0.0] * len(pieces) for _ in prefix] + rows
            score = -0.1 * len(target)
            attention = [rows] if return_attention else []
            results.append(_Result([prefix + target], [score], attention))
        return results

    # --- the grammar ---------------------------------------------------------------------

    @staticmethod
    def tokens(pieces: Sequence[str]) -> list[_Token]:
        """Dutch words and punctuation marks, from SentencePiece pieces."""
        out: list[_Token] = []
        for i, piece in enumerate(pieces):
            text = piece.removeprefix(_PIECE)
            starts = piece.startswith(_PIECE) or not out or _is_punct(text)
            if starts or _is_punct(out[-1].text):
                if text:
                    out.append(_Token(text, (i,)))
                elif piece:  # a lone "▁": the next piece starts the word
                    out.append(_Token("", (i,)))
            else:
                last = out[-1]
                out[-1] = _Token(last.text + text, (*last.pieces, i))
        merged: list[_Token] = []
        for token in out:
            if merged and merged[-1].text == "":
                merged[-1] = _Token(token.text, merged[-1].pieces + token.pieces)
            else:
                merged.append(token)
        return merged

    def english(self, words: Sequence[str]) -> list[Word]:
        """Translate Dutch tokens (words and punctuation marks, in order) into English."""
        lowered = [w if _is_name(w) else w.lower() for w in words]
        out: list[Word] = []
        for start, end, main in _clauses(lowered):
            out += _clause(words, lowered, start, end, main=main)
        if out and out[0].text[:1].islower():
            out[0] = Word(out[0].text[:1].upper() + out[0].text[1:], out[0].sources)
        return out

    def translate(self, sentence: str) -> str:
        """The English for a Dutch sentence, as ``translate_batch`` would write it."""
        return join_words([w.text for w in self.english(split_words(sentence))])

    # --- decoding ------------------------------------------------------------------------

    def _decode(self, pieces: list[str]) -> tuple[list[str], list[list[float]]]:
        tokens = self.tokens(pieces)
        words = self.english([t.text for t in tokens])
        target: list[str] = []
        true: list[int] = []
        for word in words:
            sources = [p for s in word.sources for p in tokens[s].pieces] or [len(pieces) - 1]
            parts = _target_pieces(word.text)
            for j, part in enumerate(parts):
                target.append(part)
                true.append(sources[j * len(sources) // len(parts)])
        rng = random.Random(f"{self.seed}:{self.mode}:{' '.join(pieces)}")
        rows = [
            self._row(t, len(pieces), rng, true[j - 1] if j else t) for j, t in enumerate(true)
        ]
        return target, rows

    def _row(self, true: int, count: int, rng: random.Random, previous: int) -> list[float]:
        """One attention row over the source pieces and ``</s>``; ``</s>`` cut off."""
        row = [0.0] * (count + 1)
        if self.mode == "one-hot":
            row[true] = 1.0
        elif self.mode == "soft" or (self.mode == "noisy" and rng.random() >= 0.2):
            _spread(row, true, count)
        elif self.mode == "noisy":
            _spread(row, min(count - 1, max(0, true + rng.choice((-1, 1)))), count)
        elif rng.random() < 0.3:  # last-layer: looks ahead, or at the end of the sentence
            peak = count if rng.random() < 0.5 else min(count, true + 1)
            row[peak] += 0.6
            row[true] += 0.25
            row[previous] += 0.15
        else:
            _spread(row, true, count)
        return row[:count]


def _spread(row: list[float], peak: int, count: int) -> None:
    """0.6 on the peak, the rest on its neighbours (what falls outside goes to the peak)."""
    for offset, weight in ((0, 0.6), (-1, 0.15), (1, 0.15), (-2, 0.05), (2, 0.05)):
        at = peak + offset
        row[at if 0 <= at < count else peak] += weight


def _is_punct(text: str) -> bool:
    return bool(text) and not any(c.isalnum() for c in text)


def split_words(sentence: str) -> list[str]:
    """Words and punctuation marks, as the model reads them from SentencePiece pieces."""
    return re.findall(r"\w+|[^\w\s]", sentence)


def join_words(words: Sequence[str]) -> str:
    """Words spaced as the model's pieces detokenize: no space before punctuation."""
    out = ""
    for word in words:
        out += word if (not out or (_is_punct(word) and word not in "([")) else " " + word
    return out


def _target_pieces(word: str) -> list[str]:
    """SentencePiece-like pieces: one per short word, two for a long one."""
    if _is_punct(word):
        return [word]
    if len(word) > 9:
        half = len(word) // 2
        return [_PIECE + word[:half], word[half:]]
    return [_PIECE + word]


def _clauses(words: Sequence[str]) -> list[tuple[int, int, bool]]:
    """Split a sentence into clauses: (start, end, main clause or not)."""
    if words and words[0] in _SUBORDINATORS:
        comma = next((i for i, w in enumerate(words) if w == ","), None)
        if comma is not None:
            return [(0, comma + 1, False), *_clauses_from(words, comma + 1)]
    return _clauses_from(words, 0)


def _clauses_from(words: Sequence[str], start: int) -> list[tuple[int, int, bool]]:
    for i in range(start + 2, len(words)):
        if words[i] in _SUBORDINATORS and words[i - 1] not in _PREPOSITIONS:
            cut = i - 1 if words[i - 1] == "," else i
            return [(start, cut, True), (cut, len(words), False)]
    return [(start, len(words), True)]


class _Clause:
    """The parts of one clause, as indices of its tokens."""

    def __init__(self) -> None:
        self.lead: list[int] = []  # a fronted adverb or subordinator
        self.subject: list[int] = []
        self.finite: int | None = None
        self.number = "pl"
        self.nonfinite: list[int] = []
        self.particle: int | None = None
        self.negation: int | None = None
        self.focus: list[list[int]] = []
        self.times: list[list[int]] = []
        self.objects: list[list[int]] = []
        self.tail: list[int] = []  # closing punctuation


def _clause(
    words: Sequence[str], lowered: Sequence[str], start: int, end: int, *, main: bool
) -> list[Word]:
    parts = _parse(lowered, start, end, main=main)
    if parts is None:  # not a clause the grammar knows: phrase by phrase, word by word
        return _word_for_word(words, lowered, start, end)
    out: list[Word] = []
    for group in [parts.lead, parts.subject]:
        out += _phrase(words, lowered, group)
    out += _verb_group(words, lowered, parts)
    for group in parts.objects + parts.times:
        out += _phrase(words, lowered, group)
    out += [_word(words, lowered, [i]) for i in parts.tail]
    return out


def _word_for_word(
    words: Sequence[str], lowered: Sequence[str], start: int, end: int
) -> list[Word]:
    out: list[Word] = []
    i = start
    while i < end:
        size = _phrase_at(lowered, i, end) or 1
        out += _phrase(words, lowered, range(i, i + size))
        i += size
    return out


def _parse(words: Sequence[str], start: int, end: int, *, main: bool) -> _Clause | None:
    parts = _Clause()
    i = start
    while end > i and _is_punct(words[end - 1]):
        end -= 1
    parts.tail = list(range(end, _clause_end(words, end)))
    chunks = _chunks(words, i, end)
    if not chunks:
        return None
    verbs = [k for k, (kind, _) in enumerate(chunks) if kind in ("verb", "aux")]
    if not verbs:
        return None
    if main:
        first = verbs[0]
        head = chunks[:first]  # empty after a fronted subordinate clause
        if len(head) == 1 and head[0][0] == "np":
            parts.subject = head[0][1]
        else:
            parts.lead = [k for _, idx in head for k in idx]
        parts.finite = chunks[first][1][0]
        rest = chunks[first + 1 :]
        bracket = [c for c in rest if c[0] in ("verb", "aux", "particle")]
        rest = [c for c in rest if c[0] not in ("verb", "aux", "particle")]
    else:
        lead = chunks[0]
        if lead[0] != "sub":
            return None
        parts.lead = lead[1]
        rest = [c for c in chunks[1:] if c[0] not in ("verb", "aux", "particle")]
        cluster = [c for c in chunks[1:] if c[0] in ("verb", "aux", "particle")]
        finite = next((c for c in cluster if c[0] == "aux"), None) or next(
            (c for c in cluster if c[0] == "verb"), None
        )
        if finite is None:
            return None
        parts.finite = finite[1][0]
        bracket = [c for c in cluster if c is not finite]
    if not parts.subject:
        subject = next((c for c in rest if c[0] == "np"), None)
        if subject is None:
            return None
        parts.subject = subject[1]
        rest = [c for c in rest if c is not subject]
    for kind, idx in bracket:
        if kind == "particle":
            parts.particle = idx[0]
        else:
            parts.nonfinite += idx
    for kind, idx in rest:
        if kind == "neg":
            parts.negation = idx[0]
        elif kind == "time":
            parts.times.append(idx)
        elif kind == "focus":
            parts.focus.append(idx)
        else:
            parts.objects.append(idx)
    parts.number = _number(words, parts)
    return parts


def _clause_end(words: Sequence[str], end: int) -> int:
    while end < len(words) and _is_punct(words[end]):
        end += 1
    return end


def _chunks(words: Sequence[str], start: int, end: int) -> list[tuple[str, list[int]]]:
    """Group a clause's tokens into phrases: (kind, token indices)."""
    out: list[tuple[str, list[int]]] = []
    i = start
    while i < end:
        phrase = _phrase_at(words, i, end)
        if phrase:
            kind = "time" if " ".join(words[i : i + phrase]) in _TIME_ADVERBS else "focus"
            out.append((kind, list(range(i, i + phrase))))
            i += phrase
            continue
        word = words[i]
        if word == "niet":
            out.append(("neg", [i]))
        elif word in _SUBORDINATORS and i == start:
            out.append(("sub", [i]))
        elif word in _AUXILIARIES:
            out.append(("aux", [i]))
        elif word in _VERBS or word in _MERGED or word in _PARTICIPLES or word in _SPLIT:
            out.append(("verb", [i]))
        elif word in ("deel", "samen") and out and any(k in ("verb", "aux") for k, _ in out):
            out.append(("particle", [i]))
        elif word in _PREPOSITIONS and i + 1 < end:
            np_end = _np_end(words, i + 1, end)
            out.append(("pp", list(range(i, max(np_end, i + 2)))))
            i = max(np_end, i + 2)
            continue
        else:
            np_end = _np_end(words, i, end)
            if np_end > i:
                out.append(("np", list(range(i, np_end))))
                i = np_end
                continue
            out.append(("other", [i]))
        i += 1
    return out


def _phrase_at(words: Sequence[str], i: int, end: int) -> int:
    for size in range(_PHRASE_WORDS, 0, -1):
        if i + size <= end and " ".join(words[i : i + size]) in _PHRASES:
            return size
    return 0


def _np_end(words: Sequence[str], i: int, end: int) -> int:
    """Where a noun phrase starting at ``i`` ends (``i`` when none starts there)."""
    j = _simple_np_end(words, i, end)
    while j > i and j + 1 < end and words[j] in _CONJUNCTIONS:
        k = _simple_np_end(words, j + 1, end)
        if k == j + 1:
            break
        j = k
    return j


def _simple_np_end(words: Sequence[str], i: int, end: int) -> int:
    if i < end and (words[i] in _PRONOUNS or _is_name(words[i])):
        return i + 1
    j = i + (i < end and words[i] in _DETERMINERS)
    while j < end and words[j] in _ADJECTIVES:
        j += 1
    nouns = j
    while j < end and _is_nounish(words, j) and not _is_name(words[j]):
        j += 1
    return j if j > nouns else i


def _is_name(word: str) -> bool:
    """An acronym or code-like name (T3D, ZQA): a noun phrase of its own."""
    return len(word) > 1 and (any(c.isdigit() for c in word) or word[1:].isupper())


def _is_nounish(words: Sequence[str], j: int) -> bool:
    word = words[j]
    if word in _NOUNS:
        return True
    known = (_DETERMINERS, _PRONOUNS, _ADJECTIVES, _PREPOSITIONS, _CONJUNCTIONS, _SUBORDINATORS)
    if any(word in table for table in known) or _is_punct(word) or word == "niet":
        return False
    verbs = (_VERBS, _AUXILIARIES, _PARTICIPLES, _MERGED, _SPLIT)
    if any(word in table for table in verbs):
        return False
    return _phrase_at(words, j, j + _PHRASE_WORDS) == 0 and word not in ("deel", "samen")


def _number(words: Sequence[str], parts: _Clause) -> str:
    first = words[parts.subject[0]] if parts.subject else ""
    if first in _PRONOUNS:
        return _PRONOUNS[first][1]
    assert parts.finite is not None
    finite = words[parts.finite]
    if finite in _AUXILIARIES:
        return "pl" if finite.endswith("en") else "sg"
    found = _VERBS.get(finite) or _MERGED.get(finite)
    return found[1] if found else "pl"


def _verb_group(words: Sequence[str], lowered: Sequence[str], parts: _Clause) -> list[Word]:
    assert parts.finite is not None
    finite = lowered[parts.finite]
    fin = (parts.finite,)
    neg = (parts.negation,) if parts.negation is not None else ()
    focus = [w for group in parts.focus for w in _phrase(words, lowered, group)]
    nots = [Word("not", neg)] if neg else []
    if finite in _AUXILIARIES:
        sg, pl, _ = _AUXILIARIES[finite]
        aux = [Word(w, fin) for w in (sg if parts.number == "sg" else pl).split()]
        main = [_nonfinite(lowered, i) for i in parts.nonfinite]
        return aux[:1] + nots + focus + aux[1:] + main
    base, number = _finite(lowered, parts)
    sources = fin + ((parts.particle,) if parts.particle is not None else ())
    if base == "be":
        return [Word(_inflect(base, number), sources), *nots, *focus]
    if neg:
        return [Word("does" if number == "sg" else "do", fin), *nots, *focus, Word(base, sources)]
    return [*focus, Word(_inflect(base, number), sources)]


def _finite(lowered: Sequence[str], parts: _Clause) -> tuple[str, str]:
    assert parts.finite is not None
    finite = lowered[parts.finite]
    if parts.particle is not None and (finite, lowered[parts.particle]) in _SEPARABLE:
        return _SEPARABLE[(finite, lowered[parts.particle])]
    found = _VERBS.get(finite) or _MERGED.get(finite)
    if found is None:
        return _PARTICIPLES.get(finite, finite), parts.number
    return found


def _nonfinite(lowered: Sequence[str], i: int) -> Word:
    word = lowered[i]
    if word in _PARTICIPLES:
        return Word(_PARTICIPLES[word], (i,))
    found = _VERBS.get(word) or _MERGED.get(word)
    return Word(found[0] if found else word, (i,))


def _inflect(base: str, number: str) -> str:
    if base in _IRREGULAR:
        return _IRREGULAR[base][0 if number == "sg" else 1]
    if number == "pl":
        return base
    return base + ("es" if base.endswith(("sh", "s", "ch")) else "s")


def _phrase(words: Sequence[str], lowered: Sequence[str], group: Sequence[int]) -> list[Word]:
    if not group:
        return []
    text = " ".join(lowered[i] for i in group)
    if text in _PHRASES:
        return [Word(w, tuple(group)) for w in _PHRASES[text].split()]
    return [w for i in group for w in [_word(words, lowered, [i])] for w in _split_word(w)]


def _split_word(word: Word) -> list[Word]:
    return [Word(part, word.sources) for part in word.text.split(" ")]


def _word(words: Sequence[str], lowered: Sequence[str], group: list[int]) -> Word:
    i = group[0]
    word = lowered[i]
    for table in (_DETERMINERS, _ADJECTIVES, _NOUNS, _PREPOSITIONS, _CONJUNCTIONS):
        if word in table:
            return Word(table[word], (i,))
    if word in _SUBORDINATORS:
        return Word(_SUBORDINATORS[word], (i,))
    if word == "niet":
        return Word("not", (i,))
    if word in _PRONOUNS:
        return Word(_PRONOUNS[word][0], (i,))
    if word in _PHRASES:
        return Word(_PHRASES[word], (i,))
    if word in _VERBS:
        base, number = _VERBS[word]
        return Word(_inflect(base, number), (i,))
    if word in _PARTICIPLES:
        return Word(_PARTICIPLES[word], (i,))
    return Word(words[i], (i,))  # unknown words are copied


def reordering_engine(
    folder: Path,
    mode: str = "one-hot",
    *,
    seed: int = 0,
    settings: Any = None,
    translate_spans: bool = True,
) -> Any:
    """An Argos engine that decodes with ``ReorderingModel`` (no memory by default).

    It tokenizes with the word-for-word package's SentencePiece model, unpacked
    into ``folder``; the package's CTranslate2 model is never loaded.
    """
    from translator.config import Settings  # noqa: PLC0415
    from translator.engines.argos import ArgosEngine  # noqa: PLC0415
    from translator.models import InstalledModel  # noqa: PLC0415

    package = folder / "reordering"
    if not (package / "sentencepiece.model").is_file():
        archive = build_model(folder / "reordering.argosmodel", name="reordering")
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(folder)
    installed = InstalledModel(f"reordering-{mode}", package, "nl", "en", "1.0")
    model = ReorderingModel(mode, seed)
    return ArgosEngine(
        installed,
        settings or Settings(memory=None),
        translator=model,
        translate_spans=translate_spans,
    )


# --- lexicons ----------------------------------------------------------------------------------


def read_lexicon(path: Path) -> dict[str, str]:
    """Read ``dutch<TAB>english`` lines; ``#`` starts a comment."""
    lexicon = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            source, _, target = line.partition("\t")
            lexicon[source.strip()] = target.strip()
    return lexicon


@click.group()
def cli() -> None:
    """Testing tools for translator."""


@cli.command("build-model")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--lexicon",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Extra dutch<TAB>english lines, added to the built-in lexicon.",
)
@click.option(
    "--name",
    default="translator-test",
    show_default=True,
    help="Package name, recorded as the model in every output's provenance.",
)
def build_model_command(out: Path, lexicon: Path | None, name: str) -> None:
    """Build a tiny word-for-word Dutch→English .argosmodel at OUT."""
    words = dict(DEFAULT_LEXICON)
    if lexicon is not None:
        words.update(read_lexicon(lexicon))
    build_model(out, words, name=name)
    skipped = sorted(w for w in words if not re.fullmatch(r"\w+", w))
    click.echo(
        f"built {out} ({out.stat().st_size // 1024} KiB, {len(words) - len(skipped)} words)"
    )
    if skipped:
        click.echo(f"left out (not single words): {', '.join(skipped)}", err=True)


if __name__ == "__main__":
    cli()
