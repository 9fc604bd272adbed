"""Front matter: translate a few values, keep every other byte.

Hugo front matter is YAML between ``---`` lines or TOML between ``+++`` lines.
Dumping parsed data would sort keys, drop comments and change quoting, so
values are edited in place: YAML through ruamel.yaml's node marks (each
translated scalar is re-emitted in its own style), TOML through tomlkit, which
round-trips everything it does not touch. python-frontmatter's handler, an
independent parser, then re-reads the result to prove that only the translated
values and the provenance record changed.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from translator.errors import FrontMatterError
from translator.markdown import SHORTCODE
from translator.segment import EMAIL, URL, Atom, AtomKind, Segment

if TYPE_CHECKING:  # ruamel.yaml, PyYAML and tomlkit are imported where front matter is parsed
    import yaml
    from ruamel.yaml.nodes import Node

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DEFAULT_KEYS = ("title", "linkTitle", "subtitle", "summary", "description")
"""Top-level keys translated by default; any nested ``caption`` is translated too."""

NESTED_KEYS = ("caption",)
# The name a Hugo menu shows for the page: ``menu: {main: {name: …}}``.
_MENU_NAME = re.compile(r"menus?\.(?:[^.]+\.)+name")

PROVENANCE_KEY = "machine_translation"
"""The front-matter key under which an English file records what made it."""

_BLOCK = re.compile(
    r"\A(?P<open>(?P<fence>---|\+\+\+)[ \t]*\r?\n)(?P<inner>(?:.*?\r?\n)??)"
    r"(?P<close>(?P=fence)[ \t]*(?:\r?\n|\Z))",
    re.DOTALL,
)
_STR_TAG = "tag:yaml.org,2002:str"
_TRAILING_BLANKS = re.compile(r"[ \t]+$", re.MULTILINE)
_YAML_SPECIAL = re.compile(
    r"""^[-?:,\[\]{}#&*!|>'"%@`\s]|: |:$| #|\s$|^(?:true|false|yes|no|on|off|null|~)$|^[-+.\d]""",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The front matter of one article, located and parsed."""

    format: Literal["yaml", "toml"] | None
    """None when the article has no front matter."""
    inner_start: int = 0
    """Offset where the front matter's content starts (after the opening fence)."""
    inner_end: int = 0
    """Offset where the closing fence starts."""
    end: int = 0
    """Offset just past the closing fence: where the Markdown body begins."""
    data: Mapping[str, Any] = field(default_factory=dict)
    """The parsed metadata, as python-frontmatter reads it."""
    segments: tuple[Segment, ...] = ()
    """The translatable values, in document order."""
    styles: tuple[str, ...] = ()
    """For YAML: the scalar style of each segment's value ('' plain, quote or block)."""

    @property
    def body_line(self) -> int:
        """1-based line where the Markdown body begins."""
        return 1 + self._lines

    _lines: int = 0


def parse(text: str, *, path: str, keys: Sequence[str] = DEFAULT_KEYS) -> FrontMatter:
    """Locate and parse the front matter at the start of ``text``."""
    match = _BLOCK.match(text)
    if match is None:
        if text.startswith(("---\n", "---\r\n", "+++\n", "+++\r\n")):
            raise FrontMatterError(
                "front matter is not closed; add the closing fence line", path=path, line=1
            )
        return FrontMatter(None)
    inner = match.group("inner")
    lines = text[: match.end()].count("\n") + (0 if text[: match.end()].endswith("\n") else 1)
    start = match.start("inner")
    if match.group("fence") == "---":
        data = _load_yaml(inner, path)
        segments, styles = _yaml_segments(inner, start, path, keys)
        fmt: Literal["yaml", "toml"] = "yaml"
    else:
        data = _load_toml(inner, path)
        segments, styles = _toml_segments(inner, start, keys), ()
        fmt = "toml"
    if PROVENANCE_KEY in data:
        raise FrontMatterError(
            f"has a '{PROVENANCE_KEY}' key: it is a machine translation already, "
            "translate its Dutch source instead",
            path=path,
            line=1,
        )
    return FrontMatter(
        fmt, start, match.start("close"), match.end(), data, tuple(segments), styles, lines
    )


def block(text: str) -> tuple[str, str] | None:
    """The fence and the text between the fences of a front-matter block, if any."""
    match = _BLOCK.match(text)
    return None if match is None else (match.group("fence"), match.group("inner"))


def body_offset(text: str) -> int:
    """Where the Markdown body of ``text`` begins: after its front matter, if any."""
    match = _BLOCK.match(text)
    return 0 if match is None else match.end()


def rewrite(
    text: str,
    fm: FrontMatter,
    values: Mapping[int, str],
    provenance: Mapping[str, str | bool],
    *,
    path: str,
    newline: str = "\n",
) -> str:
    """Return the whole front matter block with new values and a provenance record.

    ``values`` maps a segment index to its translated value (for YAML, the
    rebuilt value text with its line breaks).
    """
    if fm.format is None:
        record = "".join(f"  {k}: {_yaml_scalar(v)}{newline}" for k, v in provenance.items())
        return f"---{newline}{PROVENANCE_KEY}:{newline}{record}---{newline}"
    inner = text[fm.inner_start : fm.inner_end]
    if fm.format == "yaml":
        new_inner = _rewrite_yaml(inner, fm, values, provenance, newline)
    else:
        new_inner = _rewrite_toml(inner, fm, values, provenance, newline)
    actual = _load_yaml(new_inner, path) if fm.format == "yaml" else _load_toml(new_inner, path)
    if not _only_translated_changed(fm, values, provenance, actual):
        raise FrontMatterError(
            "translating the front matter would change values that are not translated; "
            "report this with the file attached",
            path=path,
        )
    return text[: fm.inner_start] + new_inner + text[fm.inner_end : fm.end]


# --- YAML ----------------------------------------------------------------------------------------


def _load_yaml(inner: str, path: str) -> dict[str, Any]:
    from frontmatter.default_handlers import YAMLHandler  # noqa: PLC0415

    try:
        data = YAMLHandler().load(_as_hugo_reads(inner)) if inner.strip() else {}
    except Exception as exc:  # PyYAML raises its own MarkedYAMLError family
        raise _yaml_error(exc, inner, path) from None
    if not isinstance(data, dict):
        raise FrontMatterError(
            "YAML front matter must be a mapping of keys to values", path=path, line=2
        )
    return data


def load_data(inner: str, fmt: Literal["yaml", "toml"], path: str) -> dict[str, Any]:
    """The data of a front matter's inner text, as Hugo reads it."""
    return _load_yaml(inner, path) if fmt == "yaml" else _load_toml(inner, path)


def yaml_needs_quotes(value: str) -> bool:
    """Whether a plain YAML scalar would read as something else than ``value``."""
    return _YAML_SPECIAL.search(value) is not None


def yaml_as_hugo_reads(inner: str) -> str:
    """Public name of ``_as_hugo_reads``, for the other front-matter edits."""
    return _as_hugo_reads(inner)


def _as_hugo_reads(inner: str) -> str:
    """YAML with blanks at line ends made spaces: Hugo's parser takes a tab after a value,
    ruamel.yaml does not. Same length, so every offset stays the source's."""
    return _TRAILING_BLANKS.sub(lambda m: " " * len(m.group(0)), inner)


def _yaml_error(exc: Exception, inner: str, path: str) -> FrontMatterError:
    """An invalid-YAML error at its line in the file (the front matter starts on line 2)."""
    mark = getattr(exc, "problem_mark", None)
    if mark is not None and mark.line >= inner.count("\n"):
        # Noticed only at the end: point at where the unfinished construct began.
        mark = getattr(exc, "context_mark", None) or mark
    line = None if mark is None else mark.line + 2
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return FrontMatterError(
        f"invalid YAML front matter: {problem}; fix the YAML between the --- lines",
        path=path,
        line=line,
    )


_PLAIN = "translator:plain"
"""The tag the C composer gives a plain scalar without one: resolved only when asked,
by ruamel.yaml's YAML 1.2 rules (``yes`` is a string), not PyYAML's YAML 1.1 ones."""
_DIRECTIVE = re.compile(r"^%", re.MULTILINE)
_LIBYAML = True
"""Whether front matter may be composed by libyaml when PyYAML has it (tests turn it off)."""


@functools.cache
def _c_composer() -> type[Any] | None:
    """libyaml's composer, leaving plain scalars' tags to ``_is_string``; None without
    libyaml. Built on first use, so that a run with no front matter imports no YAML."""
    import yaml  # noqa: PLC0415

    loader: type[Any] | None = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return None

    class Composer(loader):  # type: ignore[misc, valid-type]
        def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
            if kind is yaml.ScalarNode and implicit[0]:
                return _PLAIN
            return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]

    return Composer


@functools.cache
def _node_types() -> tuple[Any, Any, Any]:
    """Mapping, sequence and scalar node classes of both composers."""
    import yaml  # noqa: PLC0415
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode  # noqa: PLC0415

    return (
        (MappingNode, yaml.MappingNode),
        (SequenceNode, yaml.SequenceNode),
        (ScalarNode, yaml.ScalarNode),
    )


@functools.cache
def _ruamel_resolver() -> Any:
    from ruamel.yaml.resolver import VersionedResolver  # noqa: PLC0415

    return VersionedResolver()


def _compose(inner: str, path: str) -> Node | yaml.Node | None:
    """The node tree of YAML front matter, with every node's marks in ``inner``.

    libyaml's composer (PyYAML's C loader) is about 20 times faster than
    ruamel.yaml's pure-Python one and gives the same nodes and marks on front
    matter (tested over every corpus); ruamel.yaml composes where the C loader is
    absent, the YAML has directives (``%YAML 1.1`` changes what a plain scalar is),
    or libyaml fails, so that errors read as they always have.
    """
    hugo = _as_hugo_reads(inner)
    composer = _c_composer() if _LIBYAML else None
    if composer is not None and not _DIRECTIVE.search(hugo):
        import yaml  # noqa: PLC0415

        try:
            return yaml.compose(hugo, Loader=composer)
        except yaml.YAMLError:
            pass
    return _ruamel_compose(inner, path)


def _ruamel_compose(inner: str, path: str) -> Node | None:
    from ruamel.yaml import YAML  # noqa: PLC0415
    from ruamel.yaml.error import MarkedYAMLError, YAMLError  # noqa: PLC0415

    try:
        return YAML(typ="rt").compose(_as_hugo_reads(inner))  # type: ignore[no-any-return]
    except (MarkedYAMLError, YAMLError) as exc:
        raise _yaml_error(exc, inner, path) from None


def _is_string(node: Node | yaml.Node) -> bool:
    """Whether a scalar is a string as ruamel.yaml (YAML 1.2) reads it."""
    if node.tag == _PLAIN:
        from ruamel.yaml.nodes import ScalarNode  # noqa: PLC0415

        resolved = _ruamel_resolver().resolve(ScalarNode, node.value, (True, False))
        return bool(resolved == _STR_TAG)
    return bool(node.tag == _STR_TAG)


def _yaml_segments(
    inner: str, base: int, path: str, keys: Sequence[str]
) -> tuple[list[Segment], tuple[str, ...]]:
    root: Any = _compose(inner, path)  # either composer's node: the same shape and marks
    mappings, _, scalars = _node_types()
    if root is None:
        return [], ()
    if not isinstance(root, mappings) or root.flow_style:
        raise FrontMatterError(
            "flow-style YAML front matter ({...}) is not supported; write one key per line",
            path=path,
            line=2,
        )
    segments, styles = [], []
    for key, node in _translatable(root, keys, top=True):
        assert isinstance(node, scalars)
        style = node.style or ""
        start, end = node.start_mark.index, node.end_mark.index
        source = inner[start:end]
        line = node.start_mark.line + 2
        if style in ("|", ">"):
            segment = _block_scalar_segment(source, base + start, line, key)
        else:
            segment = _value_segment(node.value, base + start, base + end, line, key)
            if style == "" and "\n" in source.strip():
                style = '"'  # a folded plain scalar is re-emitted on one line, quoted
        if segment is not None and segment.translatable:
            segments.append(segment)
            styles.append(style)
    return segments, tuple(styles)


def _translatable(
    node: Any, keys: Sequence[str], *, top: bool, prefix: str = ""
) -> Iterator[tuple[str, Any]]:
    mappings, sequences, scalars = _node_types()
    if isinstance(node, mappings):
        for key_node, value in node.value:
            key = str(key_node.value)
            path = f"{prefix}{key}"
            if (
                isinstance(value, scalars)
                and ((top and key in keys) or _nested(path))
                and _is_string(value)
            ):
                yield path, value
            else:
                yield from _translatable(value, keys, top=False, prefix=path + ".")
    elif isinstance(node, sequences):
        for i, item in enumerate(node.value):
            yield from _translatable(item, keys, top=False, prefix=f"{prefix}{i}.")


def _nested(path: str) -> bool:
    """Whether a nested value is shown to readers: a caption, a menu entry's name."""
    return path.rsplit(".", 1)[-1] in NESTED_KEYS or _MENU_NAME.fullmatch(path) is not None


def _block_scalar_segment(source: str, start: int, line: int, key: str) -> Segment | None:
    """Literal and folded scalars keep their lines: each line break becomes a break atom."""
    header_end = source.find("\n")
    body = source[header_end + 1 :]
    content = body.rstrip()
    if not content.strip():
        return None
    lead = len(content) - len(content.lstrip())
    atoms: list[Atom] = []
    offset = start + header_end + 1 + lead
    parts = re.split(r"(\r?\n[ \t]*)", content[lead:])
    for i, part in enumerate(parts):
        if i % 2:
            atoms.append(Atom(AtomKind.BREAK, offset, offset + len(part), part))
        else:
            atoms.extend(_value_atoms(part, offset))
        offset += len(part)
    return Segment("front_matter", line + 1, atoms[0].start, atoms[-1].end, tuple(atoms), key)


def _value_segment(value: str, start: int, end: int, line: int, key: str) -> Segment | None:
    if not value.strip():
        return None
    return Segment("front_matter", line, start, end, tuple(_value_atoms(value, start)), key)


def _value_atoms(value: str, offset: int) -> list[Atom]:
    """Protect URLs, e-mail addresses and shortcodes inside a value."""
    ranges = sorted(
        (m.start(), m.end()) for p in (SHORTCODE, URL, EMAIL) for m in p.finditer(value)
    )
    atoms: list[Atom] = []
    cursor = 0
    for s, e in ranges:
        if s < cursor:
            continue
        if s > cursor:
            atoms.append(Atom(AtomKind.TEXT, offset + cursor, offset + s, value[cursor:s]))
        atoms.append(Atom(AtomKind.PROTECTED, offset + s, offset + e, value[s:e]))
        cursor = e
    if cursor < len(value):
        atoms.append(Atom(AtomKind.TEXT, offset + cursor, offset + len(value), value[cursor:]))
    return atoms


def _rewrite_yaml(
    inner: str,
    fm: FrontMatter,
    values: Mapping[int, str],
    provenance: Mapping[str, str | bool],
    newline: str,
) -> str:
    out: list[str] = []
    cursor = 0
    for i, segment in enumerate(fm.segments):
        if i not in values:
            continue
        start, end = segment.start - fm.inner_start, segment.end - fm.inner_start
        out.append(inner[cursor:start])
        out.append(_emit(values[i], fm.styles[i]))
        cursor = end
    out.append(inner[cursor:])
    new = "".join(out)
    if new and not new.endswith("\n"):
        new += newline
    record = "".join(f"  {k}: {_yaml_scalar(v)}{newline}" for k, v in provenance.items())
    return f"{new}{PROVENANCE_KEY}:{newline}{record}"


def _emit(value: str, style: str) -> str:
    if style in ("|", ">"):
        return value  # breaks already carry the block's indentation
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style == "" and not _YAML_SPECIAL.search(value):
        return value
    return _yaml_scalar(value)


def _yaml_scalar(value: str | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    # JSON strings are valid YAML double-quoted scalars.
    return json.dumps(value, ensure_ascii=False)


# --- TOML ----------------------------------------------------------------------------------------


def _load_toml(inner: str, path: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = tomllib.loads(inner)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        line = None if found is None else int(found.group(1)) + 1
        problem = re.sub(r"\s*\(at .*\)$", "", str(exc))
        raise FrontMatterError(
            f"invalid TOML front matter: {problem}; fix the TOML between the +++ lines",
            path=path,
            line=line,
        ) from None
    return data


def _toml_segments(inner: str, base: int, keys: Sequence[str]) -> list[Segment]:
    import tomlkit  # noqa: PLC0415

    doc = tomlkit.parse(inner)
    segments = []
    for key, value in _toml_values(doc, keys, top=True):
        line = _toml_line(inner, key)
        segment = _value_segment(value, base, base, line, key)
        if segment is not None and segment.translatable:
            segments.append(segment)
    return segments


def _toml_values(
    table: Mapping[str, Any], keys: Sequence[str], *, top: bool, prefix: str = ""
) -> Iterator[tuple[str, str]]:
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, str) and ((top and key in keys) or _nested(path)):
            yield path, str(value)
        elif isinstance(value, Mapping):
            yield from _toml_values(value, keys, top=False, prefix=path + ".")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Mapping):
                    yield from _toml_values(item, keys, top=False, prefix=f"{path}.{i}.")


def _toml_line(inner: str, key: str) -> int:
    name = key.rsplit(".", 1)[-1]
    for number, line in enumerate(inner.splitlines(), start=2):
        if re.match(rf"\s*[\"']?{re.escape(name)}[\"']?\s*=", line):
            return number
    return 2


def _rewrite_toml(
    inner: str,
    fm: FrontMatter,
    values: Mapping[int, str],
    provenance: Mapping[str, str | bool],
    newline: str,
) -> str:
    import tomlkit  # noqa: PLC0415
    import tomlkit.items  # noqa: PLC0415

    doc = tomlkit.parse(inner)
    for i, segment in enumerate(fm.segments):
        if i not in values:
            continue
        assert segment.key is not None
        *parents, last = segment.key.split(".")
        container: Any = doc
        for part in parents:
            container = container[int(part)] if part.isdigit() else container[part]
        old = container[last]
        kind = old.type if isinstance(old, tomlkit.items.String) else tomlkit.items.StringType.SLB
        if kind in (tomlkit.items.StringType.SLL, tomlkit.items.StringType.MLL) and (
            "'" in values[i]
        ):
            kind = tomlkit.items.StringType.SLB
        container[last] = tomlkit.items.String.from_raw(values[i], type_=kind)
    new = tomlkit.dumps(doc)
    if new and not new.endswith("\n"):
        new += newline
    record = "".join(f"{k} = {_yaml_scalar(v)}{newline}" for k, v in provenance.items())
    return f"{new}{newline}[{PROVENANCE_KEY}]{newline}{record}"


# --- verification --------------------------------------------------------------------------------


def _only_translated_changed(
    fm: FrontMatter,
    values: Mapping[int, str],
    provenance: Mapping[str, str | bool],
    actual: Mapping[str, Any],
) -> bool:
    """Compare the re-read front matter with the original, key by key.

    Translated values are compared with their whitespace folded, since a block
    scalar's chomping and a folded scalar's line breaks are not the point here.
    """
    before, after = _normalize(fm.data), _normalize(actual)
    if after.pop(PROVENANCE_KEY, None) != dict(provenance):
        return False
    for i, segment in enumerate(fm.segments):
        if i not in values or segment.key is None:
            continue
        *parents, last = segment.key.split(".")
        old, new = before, after
        for part in parents:
            old = old[int(part)] if part.isdigit() else old[part]
            new = new[int(part)] if part.isdigit() else new[part]
        if not isinstance(new.get(last), str) or new[last].split() != values[i].split():
            return False
        new[last] = old[last]
    return bool(before == after)


def _normalize(data: Mapping[str, Any]) -> Any:
    """Data as JSON carries it, so that dates compare equal across parsers."""
    return json.loads(json.dumps(data, default=str))
