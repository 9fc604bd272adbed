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
import re
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
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
