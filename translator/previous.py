"""The existing English translation of an article, read back for an incremental run.

Its provenance records, per segment with prose, a key of the Dutch the engine
was given and a hash of the English translator wrote. Segmenting the English
file again and lining its segments up with that record tells, for each, its
current English and whether a person has corrected it since.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from translator import files, front_matter, segment
from translator.errors import FrontMatterError, OutputError, TranslatorError
from translator.files import read, text_hash
from translator.segment import Segment

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_YAML_RECORD = re.compile(
    rf"^{front_matter.PROVENANCE_KEY}:\r?\n(?:[ \t]+.*(?:\r?\n|$))*", re.MULTILINE
)
_TOML_RECORD = re.compile(  # the table's lines, up to the closing +++ fence
    rf"^\[{front_matter.PROVENANCE_KEY}\]\r?\n(?:(?!\+\+\+)[^\[\r\n].*\r?\n|\r?\n)*",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One segment of the existing translation."""

    key: str
    """Key of the Dutch segment it was made from."""
    english: str
    """Its English as the file holds it now (a span, or a front-matter value)."""
    edited: bool
    """Whether its English comes from a person: changed after translator wrote it, or
    recorded as a person's by the run that kept it (``human`` in the record)."""
    line: int


@dataclass(frozen=True, slots=True)
class Previous:
    """What an English file says about how it was made, and what it holds now."""

    path: Path
    record: dict[str, Any]
    """The ``machine_translation`` record."""
    entries: tuple[Entry, ...]
    """Per segment, in document order; empty when the file no longer lines up with the
    record (see ``misaligned``)."""
    misaligned: str | None = None
    """Why the English no longer lines up with its record (a person added or removed a
    paragraph, or broke the front matter); None when it does. Such a file holds work
    that no segment can be matched to, so it must not be rewritten."""

    def review_error(self) -> OutputError:
        """Why this file is left as it is, and what to do (for a misaligned file)."""
        return OutputError(
            f"needs review: the English no longer lines up with its translation record: "
            f"{self.misaligned}. It was left as it is; bring it back in line (one segment "
            "per Dutch segment), or pass --force to translate it afresh, which discards "
            "the edits",
            path=self.path,
        )

    @property
    def source_sha256(self) -> str | None:
        value = self.record.get("source_sha256")
        return str(value) if value else None

    @property
    def glossary_sha256(self) -> str | None:
        value = self.record.get("glossary_sha256")
        return str(value) if value else None


def read_record(text: str) -> dict[str, Any] | None:
    """The provenance record of an English file, or None when translator did not write it.

    Raises FrontMatterError for a record someone broke: the file is translator's,
    but nothing in it can be trusted to say how it was made.
    """
    text = text.lstrip("\ufeff")
    fence = text[:3]
    block = front_matter.block(text)
    head = "" if block is None else block[1]  # between the fences
    if fence == "---" and (found := _YAML_RECORD.search(head)):
        data = _yaml_record(found.group(0))
    elif fence == "+++" and (found := _TOML_RECORD.search(head)):
        try:
            data = tomllib.loads(found.group(0))
        except tomllib.TOMLDecodeError:
            return None
    else:
        return None
    record = data.get(front_matter.PROVENANCE_KEY) if isinstance(data, dict) else None
    return record if isinstance(record, dict) else None


def _yaml_record(block: str) -> Any:
    """A YAML record block parsed; FrontMatterError for a record someone broke.

    ruamel.yaml is imported only for a record that is not as translator writes it.
    """
    plain = _plain_record(block)
    if plain is not None:
        return plain
    from ruamel.yaml.error import YAMLError  # noqa: PLC0415

    try:
        return load_yaml_record(block)
    except YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontMatterError(
            f"the {front_matter.PROVENANCE_KEY} record is not valid YAML "
            f"({problem}); undo the edit to it, or delete the file to "
            "translate the article afresh",
        ) from None


def load_yaml_record(block: str) -> Any:
    """Parse a YAML record block as ruamel.yaml's safe loader would.

    A no-op run reads one record per article, and ruamel's pure-Python parser
    was most of its time. A record exactly as translator writes it (one
    ``key: "value"`` or ``key: true`` per line, nothing to unescape) is read
    line by line, without a YAML parser. Otherwise PyYAML's C parser, which reads
    YAML 1.1, not 1.2, is trusted only where the two agree: every value quoted as
    a string or a plain ``true``/``false``, every key a plain word. A record a
    person edited into anything else is read by ruamel.
    """
    plain = _plain_record(block)
    if plain is not None:
        return plain
    fast = _c_load(block)
    if fast is not _UNSURE:
        return fast
    from ruamel.yaml import YAML  # noqa: PLC0415

    return YAML(typ="safe").load(block)


# One entry as translator writes it: a plain word, then a double-quoted value with no
# escape and only characters that every YAML reader takes as themselves, or a boolean.
_PLAIN_ENTRY = re.compile(
    r'( +)([A-Za-z_][A-Za-z0-9_]*): (?:"([^"\\\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff'
    r'\ufeff\ufffe\uffff]*)"|(true|false))\r?'
)
# Keys that YAML reads as something else than a string (true, null …): left to the parsers.
_NOT_PLAIN_KEYS = frozenset(["true", "false", "null", "yes", "no", "on", "off", "y", "n"])


def _plain_record(block: str) -> dict[str, Any] | None:
    """The record, when every line is an entry as translator writes it; else None."""
    header, *lines = block.rstrip("\r\n").split("\n")
    if header.rstrip("\r") != f"{front_matter.PROVENANCE_KEY}:" or not lines:
        return None
    record: dict[str, Any] = {}
    indent = None
    for line in lines:
        entry = _PLAIN_ENTRY.fullmatch(line)
        if entry is None:
            return None
        space, key, text, flag = entry.groups()
        if indent not in (None, space) or key in record or key.lower() in _NOT_PLAIN_KEYS:
            return None
        indent = space
        record[key] = text if flag is None else flag == "true"
    return {front_matter.PROVENANCE_KEY: record}


_UNSURE = object()
_YAML_STR = "tag:yaml.org,2002:str"
_YAML_BOOL = "tag:yaml.org,2002:bool"
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_YAML11_ONLY_BOOLS = frozenset(["yes", "no", "on", "off"])
# YAML 1.1 breaks lines at these; YAML 1.2 (ruamel) reads them as ordinary characters.
_YAML11_BREAKS = re.compile("[\x85\u2028\u2029]")


def _c_load(block: str) -> Any:
    """The block read by PyYAML's C loader, or ``_UNSURE`` where ruamel might differ."""
    try:
        from yaml import CSafeLoader, YAMLError  # noqa: PLC0415
    except ImportError:  # PyYAML built without libyaml
        return _UNSURE
    if _YAML11_BREAKS.search(block):
        return _UNSURE
    loader = CSafeLoader(block)
    try:
        node = loader.get_single_node()
        if node is None or not _same_in_both(node):
            return _UNSURE
        return loader.construct_document(node)
    except YAMLError:
        return _UNSURE  # ruamel reports the error in its own words
    finally:
        loader.dispose()


def _same_in_both(node: Any) -> bool:
    """Whether YAML 1.1 and 1.2 resolve this mapping of keys to plain values alike."""
    from yaml import MappingNode, ScalarNode  # noqa: PLC0415

    if isinstance(node, MappingNode):
        keys = [key.value for key, _ in node.value]
        return len(set(keys)) == len(keys) and all(  # ruamel refuses duplicate keys
            isinstance(key, ScalarNode)
            and not key.style  # plain: None in PyYAML, "" in its C loader
            and key.tag == _YAML_STR
            and _PLAIN_KEY.fullmatch(key.value) is not None
            and key.value.lower() not in _YAML11_ONLY_BOOLS
            and _same_in_both(value)
            for key, value in node.value
        )
    if isinstance(node, ScalarNode):
        if node.style in ('"', "'"):
            return bool(node.tag == _YAML_STR)
        return not node.style and node.tag == _YAML_BOOL and node.value in ("true", "false")
    return False


def strip_record(text: str) -> str:
    """The file without its provenance record, as a source article would look.

    Only the front matter is touched: the record is its last entry or table.
    """
    end = front_matter.body_offset(text)
    head = _TOML_RECORD.sub("", _YAML_RECORD.sub("", text[:end], count=1), count=1)
    return head + text[end:]


def read_previous(path: Path) -> Previous | None:
    """Read an English file that translator wrote; None if there is none or it is not ours.

    A file of ours that can no longer be read as an article (not UTF-8, say) is
    returned as misaligned, never as absent: absent would let a run overwrite it.
    """
    try:
        text, _ = read(path)
    except TranslatorError as exc:
        try:
            record = read_record(
                files.read_bytes(path, files.RECORD_LIMIT).decode("utf-8", errors="replace")
            )
        except (OSError, TranslatorError):
            return None
        return None if record is None else Previous(path, record, (), exc.message)
    try:
        record = read_record(text)
    except TranslatorError as exc:  # ours, but its record is broken: leave it to a person
        return Previous(path, {}, (), exc.message)
    if record is None:
        return None
    entries, problem = _entries(text, record, path)
    return Previous(path, record, tuple(entries), problem)


def english_segments(text: str, path: Path) -> tuple[str, list[Segment]]:
    """An English file's segments with prose, read as a source would be.

    Returns the text without the provenance record, which the segments' offsets
    refer to, and the segments, whose line numbers are still the file's.
    Raises TranslatorError when the file cannot be parsed.
    """
    clean = strip_record(text)
    fm = front_matter.parse(clean, path=str(path))
    body = segment.segment_body(clean[fm.end :], offset=fm.end, first_line=fm.body_line)
    # The record was cut out of the front matter: body lines move back down by its length.
    shift = text.count("\n") - clean.count("\n")
    body = [replace(s, line=s.line + shift) for s in body]
    return clean, [s for s in (*fm.segments, *body) if s.translatable]


def _entries(text: str, record: dict[str, Any], path: Path) -> tuple[list[Entry], str | None]:
    """The file's segments lined up with the record, or why they do not line up."""
    pairs = [p.split(":", 1) for p in str(record.get("segments", "")).split() if ":" in p]
    if not pairs:
        return [], None
    try:
        clean, segments = english_segments(text, path)
    except TranslatorError as exc:
        return [], f"it can no longer be read ({exc.format()})"
    if len(segments) != len(pairs):
        return [], (
            f"it has {len(segments)} segments with prose where translator wrote {len(pairs)} "
            "(a paragraph was added or removed)"
        )
    human = set(str(record.get("human", "")).split())
    return [
        Entry(key, english, key in human or text_hash(english) != written, seg.line)
        for (key, written), seg in zip(pairs, segments, strict=True)
        for english in [seg.source_in(clean)]
    ], None
